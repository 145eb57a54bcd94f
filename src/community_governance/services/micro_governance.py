"""Micro-governance self-service (S-4).

Micro-wishes on a declarative workflow, micro-organisations, and the
self-governance unit chosen for a matter.
"""

from __future__ import annotations

import datetime as dt

import attrs

from community_governance.errors import GuardFailed, InvalidTransition
from community_governance.services.pillar import ServiceRecord
from community_governance.vocabulary import BilingualEnum
from community_governance.workflow import Guard, Transition, Workflow, advances

__all__ = [
    "MICRO_WISH_WORKFLOW",
    "Claim",
    "Fulfil",
    "MicroOrganisation",
    "MicroWish",
    "SelfGovernanceUnit",
    "UnitChoice",
    "WishState",
    "Withdraw",
    "advance_wish",
]


class WishState(BilingualEnum):
    """Where a micro-wish stands (S-4)."""

    RAISED = ("raised", "已提出", "raised")
    CLAIMED = ("claimed", "已认领", "claimed")
    FULFILLED = ("fulfilled", "已实现", "fulfilled")
    WITHDRAWN = ("withdrawn", "已撤回", "withdrawn")


@attrs.frozen
class Claim:
    """Someone claims a raised wish."""

    by: str


@attrs.frozen
class Fulfil:
    """The claimer fulfils the wish."""


@attrs.frozen
class Withdraw:
    """The wish is withdrawn before it is fulfilled."""


def _claimer(_: object, event: Claim, __: dt.date) -> bool:
    return bool(event.by.strip())


MICRO_WISH_WORKFLOW = Workflow(
    name="S-4",
    states=tuple(WishState),
    initial=WishState.RAISED,
    terminal=frozenset({WishState.FULFILLED, WishState.WITHDRAWN}),
    transitions=(
        Transition(
            frozenset({WishState.RAISED}),
            Claim,
            WishState.CLAIMED,
            (
                Guard(
                    "claimer_named",
                    _claimer,
                    GuardFailed,
                    "a claim names who claims",
                    "S-4",
                    why_zh="认领须写明认领人",
                ),
            ),
        ),
        Transition(frozenset({WishState.CLAIMED}), Fulfil, WishState.FULFILLED),
        Transition(frozenset({WishState.RAISED, WishState.CLAIMED}), Withdraw, WishState.WITHDRAWN),
    ),
)


@attrs.frozen
class MicroWish(ServiceRecord):
    """A resident's small wish, claimed and fulfilled by someone else (S-4)."""

    wish_id: str
    household: str
    wish: str
    raised_on: dt.date
    state: WishState = WishState.RAISED
    claimed_by: str | None = None
    history: tuple[tuple[dt.date, WishState], ...] = ()

    def apply(self, event: Claim | Fulfil | Withdraw, *, at: dt.date) -> MicroWish:
        """The wish after ``event``; the same as ``workflow.apply(wish, event, at=...)``."""
        return advance_wish(self, event, at=at)


@advances(MicroWish)
def advance_wish(wish: MicroWish, event: Claim | Fulfil | Withdraw, *, at: dt.date) -> MicroWish:
    """The wish after ``event`` on ``at``; transitions never skip a state (S-4)."""
    if at < (wish.history[-1][0] if wish.history else wish.raised_on):
        raise InvalidTransition(
            "events go forward in time", field="at", rule="S-4", zh="事件须按时间先后发生"
        )
    row = MICRO_WISH_WORKFLOW.step(wish.state, wish, event, at)
    state = row.target if isinstance(row.target, WishState) else wish.state
    claimed = event.by if isinstance(event, Claim) else wish.claimed_by
    return attrs.evolve(wish, state=state, claimed_by=claimed, history=(*wish.history, (at, state)))


class SelfGovernanceUnit(BilingualEnum):
    """The self-governance units a matter can be settled in (S-4)."""

    COMMUNITY = ("community", "社区", "community")
    COMPOUND = ("compound", "小区", "compound")
    NATURAL_VILLAGE = ("natural_village", "自然村", "natural village")
    AREA = ("area", "片", "area")
    GROUP = ("group", "小组", "group")


def _unit(value: SelfGovernanceUnit | str) -> SelfGovernanceUnit:
    return SelfGovernanceUnit.coerce(value)


@attrs.frozen
class UnitChoice(ServiceRecord):
    """The self-governance unit chosen for a matter, and why (S-4)."""

    matter_id: str
    unit: SelfGovernanceUnit = attrs.field(converter=_unit)
    unit_name: str = ""
    reason: str = ""


@attrs.frozen
class MicroOrganisation(ServiceRecord):
    """A small organisation residents formed (S-4)."""

    organisation_id: str
    name: str
    unit: SelfGovernanceUnit = attrs.field(converter=_unit)
    members: int = 0
    founded_on: dt.date = dt.date.min
