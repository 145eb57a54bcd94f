"""Documents of rectification: cases with their history, announcements (E-6, R-1..R-3)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Literal

import attrs

from community_governance.community import Quarter
from community_governance.errors import ParseError
from community_governance.rectification import case as cases, events
from community_governance.rectification.announcement import Announcement
from community_governance.schemas.base import Document
from community_governance.vocabulary import DayCount, SupervisionLevel

__all__ = [
    "AnnouncementDoc",
    "CaseDoc",
    "EntryDoc",
    "ObjectionDoc",
    "event_of",
]


_EVENTS: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        events.StartRectifying,
        events.Submit,
        events.SignOff,
        events.Return,
        events.Verify,
        events.MarkOverdue,
        events.Escalate,
        events.Extend,
        events.Supervise,
        events.PeerNote,
        events.CorrectionDemand,
        events.AnswerDemand,
    )
}


def _event_fields(event: object) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key, value in attrs.asdict(event, recurse=False).items():  # type: ignore[arg-type]
        fields[key] = value.code if hasattr(value, "code") else value
    return fields


class EntryDoc(Document):
    """One step of a case's history: its date, event type and fields."""

    at: dt.date
    event: str
    fields: dict[str, str | int]
    state: str


def event_of(entry: EntryDoc) -> events.Event:
    """The event an entry of a case's history records (R-2).

    Raises:
        ParseError: an unknown event type, or fields that are not the event's own.
    """
    kind = _EVENTS.get(entry.event)
    if kind is None:
        raise ParseError(
            f"unknown event {entry.event!r}; events: {', '.join(_EVENTS)}",
            field="history.event",
            rule="R-2",
            zh=f"未知的事件 {entry.event!r}；事件有：{', '.join(_EVENTS)}",
        )
    own = [field.name for field in attrs.fields(kind)]
    needed = [f.name for f in attrs.fields(kind) if f.default is attrs.NOTHING]
    strange = sorted(set(entry.fields) - set(own))
    missing = [name for name in needed if name not in entry.fields]
    if strange or missing:
        raise ParseError(
            f"a {entry.event} event has the fields {', '.join(own) or '(none)'}"
            f" ({', '.join(needed) or 'none'} required); "
            + "; ".join(
                [f"not its own: {', '.join(strange)}"] * bool(strange)
                + [f"missing: {', '.join(missing)}"] * bool(missing)
            ),
            field="history.fields",
            rule="R-2",
            zh=f"{entry.event} 事件的字段为 {', '.join(own) or '（无）'}"
            f"（必填：{', '.join(needed) or '无'}）；"
            + "；".join(
                [f"不属于它的：{', '.join(strange)}"] * bool(strange)
                + [f"缺少：{', '.join(missing)}"] * bool(missing)
            ),
        )
    try:
        made: events.Event = kind(**entry.fields)
    except (TypeError, ValueError) as error:
        raise ParseError(
            f"the fields of a {entry.event} event are not its own: {error}",
            field="history.fields",
            rule="R-2",
            zh=f"{entry.event} 事件的字段不属于它：{error}",
        ) from None
    return made


class CaseDoc(Document):
    """A rectification case with its whole history (E-6, R-2, R-3)."""

    document: Literal["case"] = "case"
    case_id: str
    unit_id: str
    quarter: str
    issued_on: dt.date
    original_deadline: dt.date
    day_count: str
    required_levels: list[str]
    member_units: list[str]
    history: list[EntryDoc] = []

    EVENT_TYPES: ClassVar[tuple[str, ...]] = tuple(_EVENTS)

    @classmethod
    def from_domain(cls, case: cases.RectificationCase) -> CaseDoc:
        """Export."""
        return cls(
            case_id=case.case_id,
            unit_id=case.unit_id,
            quarter=str(case.quarter),
            issued_on=case.issued_on,
            original_deadline=case.original_deadline,
            day_count=case.day_count.code,
            required_levels=[lv.code for lv in case.required_levels],
            member_units=sorted(case.member_units),
            history=[
                EntryDoc(
                    at=e.at,
                    event=type(e.event).__name__,
                    fields=_event_fields(e.event),
                    state=e.state.code,
                )
                for e in case.history
            ],
        )

    def to_domain(self) -> cases.RectificationCase:
        """Import by replaying the history through the transition table (R-2)."""
        case = cases.RectificationCase(
            self.case_id,
            self.unit_id,
            Quarter.parse(self.quarter),
            self.issued_on,
            self.original_deadline,
            DayCount.from_label(self.day_count),
            tuple(SupervisionLevel.from_label(c) for c in self.required_levels),
            frozenset(self.member_units),
        )
        for entry in self.history:
            event = event_of(entry)
            case = cases.apply(case, event, at=entry.at)
            if case.state.code != entry.state:
                raise ParseError(
                    f"the history says {entry.state} after {entry.event}; "
                    f"the table gives {case.state.code}",
                    field="history.state",
                    rule="R-2",
                    zh=(
                        f"历史记录写的是 {entry.event} 之后为 {entry.state}；"
                        f"流转表给出的是 {case.state.code}"
                    ),
                )
        return case


class ObjectionDoc(Document):
    """An objection to announced results and how it ended (R-1)."""

    objection_id: str
    by: str
    by_role: str
    unit_concerned: str
    grounds: str
    filed_on: dt.date
    outcome: str
    reason: str | None = None
    resolved_on: dt.date | None = None


class AnnouncementDoc(Document):
    """A public announcement of a quarter's results: its window and objections (R-1)."""

    document: Literal["announcement"] = "announcement"
    community_id: str
    quarter: str
    announced_on: dt.date
    window_ends: dt.date
    objections: list[ObjectionDoc] = []

    @classmethod
    def from_domain(cls, board: Announcement) -> AnnouncementDoc:
        """Export."""
        return cls(
            community_id=board.result.community_id,
            quarter=str(board.result.quarter),
            announced_on=board.announced_on,
            window_ends=board.window_ends,
            objections=[
                ObjectionDoc(
                    objection_id=o.objection_id,
                    by=o.by,
                    by_role=o.by_role.code,
                    unit_concerned=o.unit_concerned,
                    grounds=o.grounds,
                    filed_on=o.filed_on,
                    outcome=o.outcome.code,
                    reason=o.reason,
                    resolved_on=o.resolved_on,
                )
                for o in board.objections
            ],
        )
