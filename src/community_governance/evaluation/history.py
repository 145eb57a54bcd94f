"""A community's quarter results over time, for rules that look back (E-1, E-6).

The mechanism's rules each read one quarter. A municipality's own rules often look back:
"a unit below 60 in two consecutive quarters is reported to the district". A
[`QuarterHistory`][community_governance.evaluation.history.QuarterHistory] holds one
community's results in quarter order and answers such questions exactly, from the
reported finals the public announcement showed. Readers build one from result files
(``schemas.history.load_history``) or from the record (``ledger.history.ledger_history``).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from decimal import Decimal

import attrs

from community_governance.community import Quarter
from community_governance.errors import EligibilityError
from community_governance.evaluation.quarter import QuarterResult

__all__ = ["QuarterHistory"]


@attrs.frozen
class QuarterHistory:
    """One community's quarter results, one per quarter, oldest first (E-1).

    Build it with [`of`][community_governance.evaluation.history.QuarterHistory.of], which
    checks that every result is the same community's and that no quarter is given twice.
    """

    community_id: str
    results: tuple[QuarterResult, ...]

    @classmethod
    def of(cls, results: Iterable[QuarterResult]) -> QuarterHistory:
        """The history of the given results, in quarter order.

        Raises:
            EligibilityError: no result, results of two communities, or a quarter twice.
        """
        ordered = tuple(sorted(results, key=lambda r: r.quarter))
        if not ordered:
            raise EligibilityError(
                "a history needs at least one quarter's result",
                field="results",
                rule="E-1",
                zh="历史记录至少需要一个季度的结果",
            )
        communities = sorted({r.community_id for r in ordered})
        if len(communities) > 1:
            raise EligibilityError(
                f"results of several communities: {', '.join(communities)}",
                field="results",
                rule="E-1",
                zh=f"结果来自多个社区：{'、'.join(communities)}",
            )
        for earlier, later in itertools.pairwise(ordered):
            if earlier.quarter == later.quarter:
                raise EligibilityError(
                    f"two results for {later.quarter}",
                    field="results",
                    rule="E-1",
                    zh=f"{later.quarter} 有两份结果",
                )
        return cls(communities[0], ordered)

    @property
    def quarters(self) -> tuple[Quarter, ...]:
        """The quarters held, oldest first."""
        return tuple(r.quarter for r in self.results)

    def result(self, quarter: Quarter | str) -> QuarterResult | None:
        """The result of ``quarter``, or ``None`` if the history has none."""
        wanted = Quarter.coerce(quarter)
        return next((r for r in self.results if r.quarter == wanted), None)

    def consecutive(
        self, count: int, *, ending: Quarter | str | None = None
    ) -> tuple[QuarterResult, ...] | None:
        """The results of ``count`` consecutive quarters ending with ``ending``.

        ``ending`` defaults to the latest quarter held. ``None`` when any of those quarters
        is missing: a gap breaks a run.
        """
        if count < 1:
            raise EligibilityError(
                f"count must be at least 1, not {count}",
                field="count",
                rule="E-1",
                zh=f"季度数至少为 1，不能是 {count}",
            )
        last = self.results[-1].quarter if ending is None else Quarter.coerce(ending)
        wanted = [last]
        for _ in range(count - 1):
            wanted.insert(0, wanted[0].previous())
        found = [self.result(q) for q in wanted]
        return None if any(r is None for r in found) else tuple(r for r in found if r)

    def reported(self, unit_id: str) -> tuple[tuple[Quarter, Decimal], ...]:
        """``unit_id``'s reported final in each quarter it was evaluated, oldest first."""
        return tuple(
            (result.quarter, card.final.reported)
            for result in self.results
            for card in result.scorecards
            if card.unit_id == unit_id
        )
