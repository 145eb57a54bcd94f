"""Community entities: quarters, units, projects (E-1, E-2, E-4)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given

from community_governance.community import Community, MemberUnit, Project, Quarter
from community_governance.errors import ParseError, UnknownUnitError
from community_governance.vocabulary import OrganisationKind
from tests.strategies import quarters


@given(quarters)
def test_quarters_round_trip_through_text_and_tile_the_year(quarter: Quarter) -> None:
    """E-1: '2026Q3' parses back equal; quarters start the day after the previous one ends."""
    assert Quarter.parse(str(quarter)) == quarter
    assert quarter.next().start == quarter.end + dt.timedelta(days=1)
    assert quarter.start in quarter
    assert quarter.end in quarter
    assert Quarter.containing(quarter.end) == quarter
    assert quarter < quarter.next()


def test_quarter_dates_and_spellings() -> None:
    """E-1: Quarter(2026, 3) runs 1 July to 30 September; '2026-Q3' and '2026q3' parse too."""
    q = Quarter(2026, 3)
    assert (q.start, q.end) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert Quarter.parse("2026-Q3") == Quarter.parse(" 2026q3 ") == q
    assert str(Quarter(2026, 4).next()) == "2027Q1"
    for bad in ("2026Q5", "Q3", "2026", ""):
        with pytest.raises(ParseError, match="quarter"):
            Quarter.parse(bad)
    with pytest.raises(ParseError, match=r"quarter 1\.\.4"):
        Quarter(2026, 0)


def test_units_and_projects_are_validated() -> None:
    """E-2, E-4: unit ids are unique; a project names at least one responsible unit, once each."""
    unit = MemberUnit("U1", "Owners' committee", "业委会", responsibilities=["sanitation"])
    assert unit.kind is OrganisationKind.OWNERS_COMMITTEE
    with pytest.raises(ParseError, match="listed twice"):
        Community("C", "c", [unit, unit])
    with pytest.raises(ParseError, match="no responsible unit"):
        Project("P", "p", "2026Q3", [])
    with pytest.raises(ParseError, match="twice"):
        Project("P", "p", "2026Q3", ["U1", "U1"])
    community = Community("C", "c", [unit])
    with pytest.raises(UnknownUnitError, match="U2"):
        community.unit("U2")
    with pytest.raises(UnknownUnitError, match="U3"):
        community.check_units(["U1", "U3"], "units", "E-1")
