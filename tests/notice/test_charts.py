"""Every chart speaks both languages: no missing glyph, names not ids (E-2, E-4, E-6, P-2)."""

from __future__ import annotations

import logging
import warnings
from typing import Any

import matplotlib.pyplot as plt
import pytest

from community_governance.demo import DemoOutcome, DemoQuarter, demo_quarter, run_demo
from community_governance.notebook import balance, margins, radar, ranking
from community_governance.notebook.fonts import chart_fonts
from community_governance.vocabulary import Lang


@pytest.fixture(scope="module")
def demo() -> tuple[DemoQuarter, DemoOutcome]:
    """The demo quarter and what the library made of it."""
    data = demo_quarter(127, "2026Q3")
    return data, run_demo(data)


def _charts(data: DemoQuarter, outcome: DemoOutcome, lang: Lang) -> dict[str, Any]:
    names = {u.unit_id: u.name for u in data.community.units}
    result = outcome.result
    return {
        "ranking": ranking(result, data.policy, lang=lang, names=names),
        "radar": radar(result.scorecards[-1], lang=lang, names=names),
        "balance": balance(outcome.balance, lang=lang),
        "margins": margins(result, lang=lang, names=names),
    }


def _texts(figure: Any) -> list[str]:
    return [t.get_text() for t in figure.findobj(lambda a: hasattr(a, "get_text"))]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_chart_misses_a_glyph(
    demo: tuple[DemoQuarter, DemoOutcome], lang: Lang, caplog: pytest.LogCaptureFixture
) -> None:
    """E-2, E-4, E-6, P-2: every chart draws every label with a real glyph, in both languages."""
    data, outcome = demo
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)"
        with caplog.at_level(logging.WARNING, logger="matplotlib.font_manager"):
            for name, figure in _charts(data, outcome, lang).items():
                figure.savefig("/dev/null", format="svg")
                figure.savefig("/dev/null", format="png")
                plt.close(figure)
                assert not caplog.records, (name, caplog.records)


def test_charts_name_units_and_mark_the_failing_one(
    demo: tuple[DemoQuarter, DemoOutcome],
) -> None:
    """E-6: the ranking shows names, marks the unit to rectify in words and in red."""
    data, outcome = demo
    charts = _charts(data, outcome, "zh")
    labels = [t.get_text() for t in charts["ranking"].axes[0].get_xticklabels()]
    names = {u.unit_id: u.name for u in data.community.units}
    failing = {o.unit_id for o in outcome.result.rectification_orders}
    assert failing, "the demo quarter has a unit to rectify"
    for card, label in zip(outcome.result.scorecards, labels, strict=True):
        assert label.startswith(names[card.unit_id])
        assert ("需整改" in label) == (card.unit_id in failing)
    texts = _texts(charts["ranking"])
    assert "最终成绩" in texts
    assert not set(texts) & set(names)  # no label is a bare id
    english = " ".join(_texts(_charts(data, outcome, "en")["ranking"]))
    assert "final score" in english
    assert "最终成绩" not in english


def test_the_legend_sits_beside_the_plot(demo: tuple[DemoQuarter, DemoOutcome]) -> None:
    """E-2: the radar's legend lies outside the polar plot, so it covers no data."""
    _, outcome = demo
    figure = radar(outcome.result.scorecards[0], lang="zh")
    figure.canvas.draw()
    axes = figure.axes[0]
    legend = axes.get_legend().get_window_extent()
    plot = axes.get_window_extent()
    assert legend.x0 >= plot.x1 - 1


def test_the_chinese_font_is_the_packaged_one() -> None:
    """The [notebook] extra's Noto Sans SC is found, whatever the machine has installed."""
    assert chart_fonts() == ("DejaVu Sans", "Noto Sans SC")


@pytest.mark.parametrize("name", ["$", "a $5 fee", "$x^2$", "100%$ \\$"])
def test_a_dollar_in_a_name_is_drawn_as_written(
    demo: tuple[DemoQuarter, DemoOutcome], name: str
) -> None:
    """E-6: a name with ``$`` neither breaks a chart nor becomes math; it reads as written."""
    data, outcome = demo
    names = {u.unit_id: f"{u.unit_id} {name}" for u in data.community.units}
    result = outcome.result
    for figure in (
        ranking(result, data.policy, lang="en", names=names),
        radar(result.scorecards[-1], lang="en", names=names),
        margins(result, lang="en", names=names),
    ):
        figure.savefig("/dev/null", format="svg")
        drawn = [
            t._preprocess_math(t.get_text())
            for t in figure.findobj(lambda a: hasattr(a, "get_text"))
            if "$" in t.get_text()
        ]
        plt.close(figure)
        assert drawn
        assert all(math is False for _, math in drawn)
        assert any(f" {name}" in text for text, _ in drawn)
