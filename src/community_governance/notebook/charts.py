"""matplotlib charts of a quarter (E-2, E-4, E-6) and of the 1:2:7 balance (P-2).

Every label is given in the chart's language (``lang``), units are shown by name where
names are given, a unit ordered to rectify is drawn in red and marked in words as well,
and legends sit beside the plot rather than on it. The fonts come from
[`chart_style`][community_governance.notebook.fonts.chart_style], so Chinese labels
render on any machine.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from community_governance.evaluation.quarter import QuarterResult, Scorecard
from community_governance.management.balance import Allocation
from community_governance.notebook.fonts import chart_style
from community_governance.policy.loader import resolve
from community_governance.policy.model import Policy
from community_governance.policy.schema import PolicySnapshot
from community_governance.vocabulary import Dimension, Lang, Pillar

__all__ = ["balance", "margins", "radar", "ranking"]

#: Colours with at least 4.5:1 contrast on white (WCAG AA), as the page uses them too.
BLUE, RED, GREEN, GREY = "#1f5fa8", "#b3261e", "#2e7d32", "#5f6368"


def _pyplot() -> Any:
    import matplotlib as mpl  # noqa: PLC0415 - the [notebook] extra

    mpl.use("Agg", force=False)
    import matplotlib.pyplot as plt  # noqa: PLC0415

    return plt


def _name(unit_id: str, names: Mapping[str, str] | None) -> str:
    """A unit's label as drawn: its own characters, never matplotlib's math.

    A ``$`` would start mathtext: ``$x^2$`` drawn as a formula, and a lone ``$`` raising
    while the chart is drawn. Escaped, each ``$`` is drawn as the character it is.
    """
    return (names or {}).get(unit_id, unit_id).replace("$", r"\$")


def _words(lang: Lang, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def radar(card: Scorecard, *, lang: Lang = "en", names: Mapping[str, str] | None = None) -> Any:
    """The unit's six dimensions (E-2): its own rating against the mean of its peers."""
    plt = _pyplot()
    dims = list(Dimension)
    angles = [2 * math.pi * i / len(dims) for i in range(len(dims))]
    with chart_style():
        fig = plt.figure(figsize=(6.5, 4.5))
        ax = fig.add_subplot(projection="polar")
        for label, values, colour in (
            (_words(lang, "自评", "own rating"), card.self_dimensions, GREY),
            (_words(lang, "他评均分", "peers' mean"), card.peer_dimensions, BLUE),
        ):
            points = [float(v) if (v := values.get(d)) is not None else 0.0 for d in dims]
            ax.plot([*angles, angles[0]], [*points, points[0]], label=label, color=colour)
            ax.fill([*angles, angles[0]], [*points, points[0]], alpha=0.15, color=colour)
        ax.set_xticks(angles)
        ax.set_xticklabels([d.label(lang) for d in dims], fontsize=8)
        ax.set_ylim(0, 100)
        ax.set_title(
            _words(
                lang,
                f"{_name(card.unit_id, names)}：六个维度",
                f"{_name(card.unit_id, names)}: the six dimensions",
            ),
            pad=18,
        )
        ax.legend(loc="upper left", bbox_to_anchor=(1.12, 1.0), fontsize=8, frameon=False)
        fig.tight_layout()
    return fig


def ranking(
    result: QuarterResult,
    policy: Policy | PolicySnapshot | None = None,
    *,
    lang: Lang = "en",
    names: Mapping[str, str] | None = None,
) -> Any:
    """Final scores in rank order, with the grade bands behind them (E-6).

    A unit whose grade orders rectification is drawn in red and its label marked; an
    awarded unit in green. ``policy`` is read on the evaluation date.
    """
    rules = resolve(policy, result.evaluated_on)
    plt = _pyplot()
    failing = set(rules.rectification_grades)
    awarded = set(rules.award_grades)
    with chart_style():
        fig, ax = plt.subplots(figsize=(8.5, 4.2))
        bands = list(rules.grade_bands)
        top = float(rules.score_range.maximum)
        for i, band in enumerate(bands):
            upper = top if i == 0 else float(bands[i - 1].minimum)
            ax.axhspan(float(band.minimum), upper, alpha=0.06 * (len(bands) - i), color=GREEN)
            ax.annotate(
                band.grade.label(lang),
                xy=(1.0, (float(band.minimum) + upper) / 2),
                xycoords=("axes fraction", "data"),
                xytext=(6, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
                color=GREY,
            )
        labels, colours = [], []
        for card in result.scorecards:
            label = _name(card.unit_id, names)
            if card.grade in failing:
                label = _words(lang, f"{label}（需整改）", f"{label} (to rectify)")
                colours.append(RED)
            elif card.grade in awarded:
                colours.append(GREEN)
            else:
                colours.append(BLUE)
            labels.append(label)
        positions = list(range(len(labels)))
        ax.bar(positions, [float(c.final.reported) for c in result.scorecards], color=colours)
        ax.set_xticks(positions)
        ax.set_xticklabels(labels, rotation=35, ha="right", fontsize=8)
        for tick, colour in zip(ax.get_xticklabels(), colours, strict=True):
            if colour == RED:
                tick.set_color(RED)
        ax.set_ylim(0, top)
        ax.set_ylabel(_words(lang, "最终成绩", "final score"))
        ax.set_xlabel(_words(lang, "成员单位（按名次）", "member units, in rank order"))
        ax.set_title(
            _words(
                lang,
                f"{result.quarter} 季度考评：最终成绩与等次",
                f"{result.quarter} evaluation: final scores and grades",
            )
        )
        fig.tight_layout()
    return fig


def balance(allocation: Allocation, *, lang: Lang = "en") -> Any:
    """Each pillar's share against its 1:2:7 target (P-2)."""
    plt = _pyplot()
    with chart_style():
        fig, ax = plt.subplots(figsize=(6, 3))
        pillars = list(Pillar)
        xs = range(len(pillars))
        ax.bar(
            [x - 0.2 for x in xs],
            [100 * float(allocation.shares[p]) for p in pillars],
            width=0.4,
            label=_words(lang, "实际", "actual"),
            color=BLUE,
        )
        ax.bar(
            [x + 0.2 for x in xs],
            [100 * float(allocation.targets[p]) for p in pillars],
            width=0.4,
            label=_words(lang, "目标", "target"),
            color=GREY,
        )
        ax.set_xticks(list(xs))
        ax.set_xticklabels([p.label(lang) for p in pillars])
        ax.set_ylabel(_words(lang, "占比（%）", "share (%)"))
        ax.set_title(_words(lang, "1:2:7 工作占比", "The 1:2:7 balance of work"))
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8, frameon=False)
        fig.tight_layout()
    return fig


def margins(
    result: QuarterResult, *, lang: Lang = "en", names: Mapping[str, str] | None = None
) -> Any:
    """Each unit's survey mean with its 95% margin of error (E-4)."""
    plt = _pyplot()
    cards = [c for c in result.scorecards if c.survey_precision is not None]
    means = [float(c.survey_precision.mean) for c in cards]  # type: ignore[union-attr]
    errors = [float(c.survey_precision.margin or 0) for c in cards]  # type: ignore[union-attr]
    with chart_style():
        fig, ax = plt.subplots(figsize=(8, 4))
        positions = list(range(len(cards)))
        ax.errorbar(positions, means, yerr=errors, fmt="o", capsize=4, color=BLUE)
        ax.set_xticks(positions)
        ax.set_xticklabels(
            [_name(c.unit_id, names) for c in cards], rotation=35, ha="right", fontsize=8
        )
        ax.set_ylabel(_words(lang, "民意测评均分 ± 95% 误差", "survey mean ± 95% margin"))
        ax.set_title(
            _words(lang, f"{result.quarter} 民意测评", f"{result.quarter} household survey")
        )
        fig.tight_layout()
    return fig
