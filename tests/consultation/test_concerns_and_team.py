"""Concerns (C-2) and the deliberation team (C-1)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import given, strategies as st

from community_governance.consultation import (
    GRID_EVENT_CLASSES,
    Concern,
    DeliberationTeam,
    DuplicateLink,
    Proposal,
    TeamMember,
    check_team,
    digest,
)
from community_governance.errors import ParseError, TeamCompositionError
from community_governance.vocabulary import ConcernCategory, Term

JULY = (dt.date(2026, 7, 1), dt.date(2026, 7, 31))


def concern(cid: str, day: int, category: str | Term | ConcernCategory, month: int = 7) -> Concern:
    """A concern reported in 2026."""
    return Concern(cid, dt.date(2026, month, day), f"HH-{cid}", "problem", category, "A-3")


def test_a_digest_counts_by_category_with_trends_merges_and_links() -> None:
    """C-2: counts by category, change from June, explicit duplicate merges, links to proposals."""
    parking = Term("parking", "停车", "parking")
    concerns = [
        concern("c1", 2, "卫生"),
        concern("c2", 3, "sanitation"),
        concern("c3", 4, "治安"),
        concern("c4", 5, parking),
        concern("c0", 20, "sanitation", month=6),
        concern("c5", 6, "sanitation"),
    ]
    result = digest(
        concerns,
        *JULY,
        duplicates=[DuplicateLink("c2", "c1")],
        proposals=[Proposal("p1", "Bins", "public_affairs", concern_ids=["c2", "c3"])],
    )
    counts = {c.category.code: (c.count, c.previous, c.change) for c in result.counts}
    assert counts == {"sanitation": (2, 1, 1), "public_security": (1, 0, 1), "parking": (1, 0, 1)}
    assert result.total == 4
    assert result.linked == {"c1": ("p1",), "c3": ("p1",)}
    assert result.unaddressed == ("c4", "c5")
    assert GRID_EVENT_CLASSES[ConcernCategory.SANITATION] == "市容环境"


@given(
    st.lists(st.tuples(st.integers(1, 31), st.sampled_from(list(ConcernCategory))), max_size=30),
    st.randoms(),
)
def test_a_digest_does_not_depend_on_input_order(
    items: list[tuple[int, ConcernCategory]], rnd: random.Random
) -> None:
    """C-2: the same concerns in another order give the same digest; totals add up."""
    concerns = [concern(f"c{i}", day, cat) for i, (day, cat) in enumerate(items)]
    shuffled = list(concerns)
    rnd.shuffle(shuffled)
    assert digest(concerns, *JULY) == digest(shuffled, *JULY)
    assert digest(concerns, *JULY).total == len(concerns)


def test_bad_duplicate_links_are_refused() -> None:
    """C-2: merges name existing concerns and never form a cycle."""
    concerns = [concern("a", 1, "卫生"), concern("b", 2, "卫生")]
    with pytest.raises(ParseError, match="cycle"):
        digest(concerns, *JULY, duplicates=[DuplicateLink("a", "b"), DuplicateLink("b", "a")])
    with pytest.raises(ParseError, match="no concern 'z'"):
        digest(concerns, *JULY, duplicates=[DuplicateLink("a", "z")])


def test_the_team_check_lists_everything_missing() -> None:
    """C-1: led by party-organisation member and social worker; party members, building leaders."""
    complete = DeliberationTeam(
        [
            TeamMember("p1", ["党组织成员"], leader=True),
            TeamMember("s1", ["社工"], leader=True),
            TeamMember("m1", ["党员", "楼栋小组长"]),
        ]
    )
    assert check_team(complete).rules == ("C-1",)
    with pytest.raises(TeamCompositionError) as caught:
        check_team(DeliberationTeam([TeamMember("x", ["party_member"], leader=True)]))
    message = str(caught.value)
    for missing in (
        "party organisation member",
        "social worker",
        "building group leader",
        "leader x",
    ):
        assert missing in message
