"""Micro-wishes on their workflow table, against a naive model (S-4)."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from community_governance.errors import GovernanceError
from community_governance.services import Claim, Fulfil, MicroWish, WishState, Withdraw
from community_governance.workflow import apply

RAISED_ON = dt.date(2026, 5, 1)
W = WishState
NEXT = {
    (W.RAISED, Claim): W.CLAIMED,
    (W.CLAIMED, Fulfil): W.FULFILLED,
    (W.RAISED, Withdraw): W.WITHDRAWN,
    (W.CLAIMED, Withdraw): W.WITHDRAWN,
}


class WishMachine(RuleBasedStateMachine):
    """S-4: apply() follows the naive table; time goes forward; refusals change nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.wish = MicroWish("w-1", "h-1", "a reading lamp", RAISED_ON)
        self.state = W.RAISED
        self.last = RAISED_ON
        self.claimed_by: str | None = None
        self.steps = 0

    @rule(
        event=st.one_of(
            st.builds(Claim, st.sampled_from(["party member Lin", "", "  "])),
            st.just(Fulfil()),
            st.just(Withdraw()),
        ),
        days=st.integers(-5, 30),
    )
    def step(self, event: Claim | Fulfil | Withdraw, days: int) -> None:
        """S-4: allowed iff the table has the move, the date is not earlier, a claim is named."""
        at = self.last + dt.timedelta(days=days)
        target = NEXT.get((self.state, type(event)))
        named = not isinstance(event, Claim) or bool(event.by.strip())
        before = self.wish
        try:
            self.wish = apply(self.wish, event, at=at)
        except GovernanceError:
            assert target is None or days < 0 or not named
            assert self.wish == before
            return
        assert target is not None
        assert days >= 0
        assert named
        self.state, self.last = target, at
        if isinstance(event, Claim):
            self.claimed_by = event.by
        self.steps += 1

    @invariant()
    def matches_the_model(self) -> None:
        """S-4: state, claimer and history follow the model; every record is service."""
        assert self.wish.state is self.state
        assert self.wish.claimed_by == self.claimed_by
        assert len(self.wish.history) == self.steps
        assert self.wish.pillar.code == "service"


TestWishMachine = WishMachine.TestCase
