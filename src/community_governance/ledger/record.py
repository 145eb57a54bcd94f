"""Recording a quarter's decisions in any event store (C-3, E-1..E-6, R-1; the record).

[`record_quarter`][community_governance.ledger.record.record_quarter] writes what the
mechanism decided in a quarter — the closed meeting with its tallies, the ratings, the
household sample and survey (households pseudonymised), the results with the parameters
that recompute them, and the announcement — to any
[`EventStore`][community_governance.ports.EventStore], using a
[`PrivateStore`][community_governance.ports.PrivateStore] for pseudonyms. The SQLite
ledger is both; a test's in-memory fake works the same.

Two streams are written, one after the other: ``meeting:<id>`` and
``quarter:<community>:<quarter>``. Recording is idempotent per stream: a stream that
already holds exactly these events is left as it is, so a call that failed half-way can
simply be made again; a stream holding other events is refused.
"""

from __future__ import annotations

from collections.abc import Sequence

from community_governance.consultation.meeting import ClosedMeeting
from community_governance.evaluation.quarter import QuarterResult
from community_governance.evaluation.ratings import RatingBook
from community_governance.evaluation.survey import Survey
from community_governance.ledger import events as ev
from community_governance.ledger.checkpoint import SignedHead
from community_governance.ledger.keys import pseudonym_scope
from community_governance.ledger.storage import ConcurrencyError
from community_governance.policy.loader import resolve
from community_governance.policy.model import Policy
from community_governance.policy.schema import PolicySnapshot
from community_governance.ports import EventStore, NewEvent, PrivateStore
from community_governance.rectification.announcement import Announcement

__all__ = ["record_quarter"]


def record_quarter(
    store: EventStore,
    private: PrivateStore,
    *,
    meeting: ClosedMeeting,
    ratings: RatingBook,
    survey: Survey,
    result: QuarterResult,
    announcement: Announcement,
    policy: Policy | PolicySnapshot | None = None,
    head: SignedHead | None = None,
) -> tuple[int, str]:
    """Record a quarter's decisions; return the store's head afterwards.

    Args:
        store: where the events go.
        private: the household pseudonyms (the SQLite ledger itself, opened with its key),
            scoped as the policy's ``ledger.pseudonym_scope`` says.
        meeting: the quarter's closed deliberation meeting (C-3).
        ratings: the quarter's ratings (E-2, E-3).
        survey: the sample certificate and the answers (E-4).
        result: the quarter's evaluation (E-1..E-6).
        announcement: its public announcement (R-1).
        policy: the policy the result was computed under (read on the evaluation date).
        head: the latest signed head, recorded with the announcement.

    Raises:
        ConcurrencyError: a stream already holds other events.
    """
    quarter = result.quarter
    day = quarter.end
    stream = ev.quarter_stream(result.community_id, quarter)
    rules = resolve(policy, result.evaluated_on)
    scope = pseudonym_scope(rules, result.community_id, quarter)

    def pseudonym(household_id: str) -> str:
        return private.pseudonym(household_id, scope=scope)

    _append_once(store, f"meeting:{meeting.meeting.meeting_id}", [ev.meeting_closed(meeting)])
    _append_once(
        store,
        stream,
        [
            ev.ratings_recorded(ratings, day),
            ev.sample_drawn(survey.certificate, pseudonym, day),
            ev.survey_recorded(survey, pseudonym, day),
            ev.quarter_evaluated(result, rules),
            ev.announcement_made(announcement, head),
        ],
    )
    return store.head()


def _append_once(store: EventStore, stream: str, events: Sequence[NewEvent]) -> None:
    recorded = store.read(stream)
    if not recorded:
        store.append(stream, events, expected_version=0)
        return
    wanted = [(e.type, dict(e.data), e.at) for e in events]
    if [(e.type, dict(e.data), e.at) for e in recorded] != wanted:
        raise ConcurrencyError(
            f"stream {stream!r} already holds other events ({len(recorded)})",
            field="stream",
            rule="ledger",
            zh=f"事件流 {stream!r} 已有其他事件（{len(recorded)} 条）",
        )
