"""A community's history read from the record (E-1; adapter).

Each quarter a community's result is recorded as a ``quarter.evaluated`` event in its
quarter's stream (``quarter:<community>:<quarter>``); the history gathers them. A quarter
recorded again (an upheld objection) is read at its latest result.
"""

from __future__ import annotations

import json
from typing import Any

from community_governance.errors import EligibilityError
from community_governance.evaluation.history import QuarterHistory
from community_governance.schemas.legacy import QuarterResultDocV1

__all__ = ["ledger_history"]


def ledger_history(store: Any, community_id: str) -> QuarterHistory:
    """The history of ``community_id``'s recorded quarter results in ``store`` (a ledger).

    Raises:
        EligibilityError: the ledger holds no result of that community.
    """
    prefix = f"quarter:{community_id}:"
    latest: dict[str, Any] = {}
    for event in store.read_after(0):
        if event.stream.startswith(prefix) and event.type == "quarter.evaluated":
            latest[event.stream] = event.data["result"]
    if not latest:
        raise EligibilityError(
            f"the ledger holds no quarter result of {community_id!r}",
            field="community",
            rule="E-1",
            zh=f"账本中没有 {community_id!r} 的季度结果",
        )
    # A record holds the document as JSON data; it is validated as the JSON it was.
    return QuarterHistory.of(
        QuarterResultDocV1.model_validate_json(json.dumps(data)).to_domain()
        for data in latest.values()
    )
