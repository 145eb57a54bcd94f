"""A quarter's scorecards as a DataFrame (E-1..E-6)."""

from __future__ import annotations

from typing import Any

from community_governance.evaluation.quarter import QuarterResult

__all__ = ["to_pandas", "to_polars"]


def _records(result: QuarterResult) -> list[dict[str, Any]]:
    records = []
    for card in result.scorecards:
        precision = card.survey_precision
        records.append(
            {
                "rank": card.rank,
                "unit": card.unit_id,
                "self": None if card.self_score is None else float(card.self_score),
                "peer": None if card.peer_mean is None else float(card.peer_mean),
                "public": None if card.public_mean is None else float(card.public_mean),
                "final": float(card.final.reported),
                "final_text": str(card.final.reported),
                "grade": card.grade.code,
                "peers": card.peer_count,
                "answers": card.response_count,
                "margin": None
                if precision is None or precision.margin is None
                else float(precision.margin),
                "reweighted": card.final.reweighted,
            }
        )
    return records


def to_pandas(result: QuarterResult) -> Any:
    """One row per unit, in rank order (pandas)."""
    import pandas as pd  # noqa: PLC0415 - the [notebook] extra

    return pd.DataFrame.from_records(_records(result)).set_index("unit")


def to_polars(result: QuarterResult) -> Any:
    """One row per unit, in rank order (polars, when installed).

    Raises:
        ModuleNotFoundError: polars is not installed.
    """
    import polars as pl  # noqa: PLC0415 - optional

    return pl.DataFrame(_records(result))
