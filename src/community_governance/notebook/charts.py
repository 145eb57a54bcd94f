"""matplotlib charts of a quarter (E-2, E-4, E-6) and of the 1:2:7 balance (P-2)."""

from __future__ import annotations

import math
from typing import Any

from community_governance.evaluation.quarter import QuarterResult, Scorecard
from community_governance.management.balance import Allocation
from community_governance.policy.loader import resolve
from community_governance.policy.model import Policy
from community_governance.policy.schema import PolicySnapshot
from community_governance.vocabulary import Dimension, Lang, Pillar

__all__ = ["balance", "margins", "radar", "ranking"]


def _pyplot() -> Any:
    import matplotlib as mpl  # noqa: PLC0415 - the [notebook] extra

    mpl.use("Agg", force=False)
    import matplotlib.pyplot as plt  # noqa: PLC0415

    return plt


def radar(card: Scorecard, *, lang: Lang = "en") -> Any:
    """The unit's six dimensions (E-2): its own rating against the mean of its peers."""
    plt = _pyplot()
    dims = list(Dimension)
    angles = [2 * math.pi * i / len(dims) for i in range(len(dims))]
    fig = plt.figure(figsize=(6.5, 5.5))
    ax = fig.add_subplot(projection="polar")
    for label, values in (
        ("self" if lang == "en" else "自评", [card.self_dimensions.get(d) for d in dims]),
        ("peers" if lang == "en" else "互评", [card.peer_dimensions.get(d) for d in dims]),
    ):
        points = [float(v) if v is not None else 0.0 for v in values]
        ax.plot([*angles, angles[0]], [*points, points[0]], label=label)
        ax.fill([*angles, angles[0]], [*points, points[0]], alpha=0.15)
    ax.set_xticks(angles)
    ax.set_xticklabels([d.label(lang) for d in dims], fontsize=8)
    ax.set_ylim(0, 100)
    ax.set_title(card.unit_id, pad=18)
    ax.legend(loc="upper left", bbox_to_anchor=(1.05, 1.1), fontsize=8)
    fig.tight_layout()
    return fig


def ranking(
    result: QuarterResult, policy: Policy | PolicySnapshot | None = None, *, lang: Lang = "en"
) -> Any:
    """Final scores in rank order, with the grade bands behind them (E-6).

    ``policy`` is read on the evaluation date.
    """
    policy = resolve(policy, result.evaluated_on)
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4))
    bands = list(policy.grade_bands)
    top = float(policy.score_range.maximum)
    for i, band in enumerate(bands):
        upper = top if i == 0 else float(bands[i - 1].minimum)
        ax.axhspan(float(band.minimum), upper, alpha=0.08 * (len(bands) - i), color="tab:green")
        ax.text(
            len(result.scorecards) - 0.5,
            float(band.minimum) + 1,
            band.grade.label(lang),
            fontsize=8,
            ha="right",
        )
    units = [c.unit_id for c in result.scorecards]
    ax.bar(units, [float(c.final.reported) for c in result.scorecards], color="tab:blue")
    ax.set_ylim(0, top)
    ax.set_ylabel("final score" if lang == "en" else "最终成绩")
    ax.tick_params(axis="x", rotation=45, labelsize=8)
    ax.set_title(f"{result.community_id} {result.quarter}")
    fig.tight_layout()
    return fig


def balance(allocation: Allocation, *, lang: Lang = "en") -> Any:
    """Each pillar's share against its 1:2:7 target (P-2)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5, 3))
    pillars = list(Pillar)
    xs = range(len(pillars))
    ax.bar(
        [x - 0.2 for x in xs],
        [100 * float(allocation.shares[p]) for p in pillars],
        width=0.4,
        label="actual" if lang == "en" else "实际",
    )
    ax.bar(
        [x + 0.2 for x in xs],
        [100 * float(allocation.targets[p]) for p in pillars],
        width=0.4,
        label="target" if lang == "en" else "目标",
    )
    ax.set_xticks(list(xs))
    ax.set_xticklabels([p.label(lang) for p in pillars])
    ax.set_ylabel("%")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def margins(result: QuarterResult, *, lang: Lang = "en") -> Any:
    """Each unit's survey mean with its 95% margin of error (E-4)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4))
    cards = [c for c in result.scorecards if c.survey_precision is not None]
    means = [float(c.survey_precision.mean) for c in cards]  # type: ignore[union-attr]
    errors = [float(c.survey_precision.margin or 0) for c in cards]  # type: ignore[union-attr]
    ax.errorbar([c.unit_id for c in cards], means, yerr=errors, fmt="o", capsize=4)
    ax.set_ylabel("survey mean ± 95% margin" if lang == "en" else "民意测评均分 ± 95% 误差")
    ax.tick_params(axis="x", rotation=45, labelsize=8)
    fig.tight_layout()
    return fig
