"""``community-governance ledger append``: documents into the record (C-3, E-1..E-6, R-1, R-2).

Each document is checked by the rules before anything is written: ratings are recorded again
under the policy, a closed meeting is closed again from its ballots and must give the same
tallies, a result is read back whole, a case is replayed through its workflow. Only then are
the events appended, one batch per stream, each batch all or nothing; household ids become
the ledger's keyed pseudonyms first, so no raw household id enters the chain.

Streams (see ``community_governance.ledger.events``): ``meeting:<id>``,
``quarter:<community>:<quarter>``, ``case:<id>``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from community_governance.cli.options import document_from_bytes, document_kind, named_policy
from community_governance.community import Quarter
from community_governance.errors import ParseError
from community_governance.ledger import events as ev
from community_governance.ledger.keys import pseudonym_scope
from community_governance.ports import NewEvent
from community_governance.tables.text import read_path

__all__ = ["APPENDABLE", "documents_to_events"]

#: The documents ``ledger append`` takes, and the event each becomes.
APPENDABLE = {
    "ratings": "ratings.recorded",
    "certificate": "sample.drawn",
    "survey": "survey.recorded",
    "quarter-result": "quarter.evaluated",
    "closed-meeting": "meeting.closed",
    "announcement": "results.announced",
    "case": "case.recorded",
}

Pseudonym = Callable[[str, str], str]


def _kind(data: bytes, source: str) -> str:
    name = document_kind(data, source, "ledger")
    if name not in APPENDABLE:
        raise ParseError(
            f"not a document the record takes; it takes: {', '.join(APPENDABLE)}",
            field=source,
            rule="ledger",
            zh=f"账本不接收此类文档；可接收：{', '.join(APPENDABLE)}",
        )
    return str(name)


def documents_to_events(
    paths: list[str],
    pseudonym: Pseudonym,
    *,
    policy_name: str,
    community: str | None,
    quarter: str | None,
) -> list[tuple[str, NewEvent]]:
    """Each document at ``paths`` checked and turned into (stream, event), in order.

    ``pseudonym(household, scope)`` is the ledger's keyed pseudonym. ``community`` and
    ``quarter`` place a certificate or a survey, whose documents do not name them.

    Raises:
        ParseError: a document that is not one the record takes, is invalid, disagrees
            with its own recomputation, or cannot be placed.
    """
    policy = named_policy(policy_name)
    found: list[tuple[str, NewEvent]] = []
    for path in paths:
        data, source = read_path(path, rule="ledger")
        name = _kind(data, source)
        document = document_from_bytes(data, source, name)
        found.append(_event(name, document, source, pseudonym, policy, community, quarter))
    return found


def _placed(source: str, community: str | None, quarter: str | None) -> tuple[str, Quarter]:
    if community is None or quarter is None:
        raise ParseError(
            "a certificate or a survey names no community or quarter: give --community and "
            "--quarter",
            field=source,
            rule="E-4",
            zh="抽样证书或测评未写明社区或季度：请给出 --community 和 --quarter",
        )
    return community, Quarter.parse(quarter)


def _event(  # noqa: PLR0911 - one return per kind of document
    name: str,
    document: Any,
    source: str,
    pseudonym: Pseudonym,
    policy: Any,
    community: str | None,
    quarter: str | None,
) -> tuple[str, NewEvent]:
    if name == "ratings":
        day = Quarter.parse(document.quarter).end
        book = document.to_domain(policy.at(day))
        stream = ev.quarter_stream(book.community.community_id, book.quarter)
        return stream, ev.ratings_recorded(book, day)
    if name in ("certificate", "survey"):
        where, when = _placed(source, community, quarter)
        rules = policy.at(when.end)
        scope = pseudonym_scope(rules, where, when)

        def hidden(household: str) -> str:
            return pseudonym(household, scope)

        stream = ev.quarter_stream(where, when)
        if name == "certificate":
            return stream, ev.sample_drawn(document.to_domain(), hidden, when.end)
        return stream, ev.survey_recorded(document.to_domain(rules), hidden, when.end)
    if name == "quarter-result":
        result = document.to_domain()
        stream = ev.quarter_stream(result.community_id, result.quarter)
        return stream, ev.quarter_evaluated(result, policy.at(result.evaluated_on))
    if name == "closed-meeting":
        return _meeting(document, source, policy)
    if name == "announcement":
        stream = ev.quarter_stream(document.community_id, Quarter.parse(document.quarter))
        return stream, NewEvent(
            "results.announced", document.model_dump(mode="json"), document.announced_on
        )
    recorded = document.to_domain()
    return f"case:{recorded.case_id}", ev.case_recorded(recorded)


def _meeting(document: Any, source: str, policy: Any) -> tuple[str, NewEvent]:
    """A closed meeting closed again from its ballots: the record must be what they give."""
    from community_governance.schemas import ClosedMeetingDoc

    held = document.meeting
    replayed = held.to_domain(policy.at(held.held_on))
    closed = _close(replayed, policy, document)
    again = ClosedMeetingDoc.from_domain(closed)
    if again.tallies != document.tallies or again.approved != document.approved:
        raise ParseError(
            "the tallies or approvals differ from what the meeting's ballots give",
            field=f"{source}: tallies",
            rule="C-3",
            zh="表决结果或通过的议题与会议选票计得的不一致",
        )
    return f"meeting:{held.meeting_id}", ev.meeting_closed(closed)


def _close(meeting: Any, policy: Any, document: Any) -> Any:
    import attrs

    opened = attrs.evolve(meeting, closed=False)
    day: dt.date = document.meeting.held_on
    return opened.close(policy, at=day)
