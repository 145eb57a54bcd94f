"""The demo community: deterministic from its seed, and the whole mechanism runs on it."""

from __future__ import annotations

import pytest

from community_governance.demo import demo_quarter, run_demo
from community_governance.vocabulary import Grade


def test_the_demo_is_deterministic_and_tells_its_story() -> None:
    """P-2, C-3, C-4, E-1..E-6, R-1: same seed, same quarter; one rejection, one failing unit."""
    first, again = demo_quarter(127), demo_quarter(127)
    assert first == again
    outcome = run_demo(first)
    assert outcome == run_demo(again)
    assert len(first.community.units) == 12
    assert len(first.frame) == 2400
    assert [p.proposal_id for p in first.meeting.rejected] == ["car-park"]
    assert len(first.survey.certificate.respondents) == 100
    assert len(first.survey.certificate.replacements) > 0
    assert [c.unit_id for c in outcome.cases] == ["market"]
    assert outcome.result.scorecard("market").grade is Grade.FAILED
    assert outcome.balance.balanced
    assert all(a.manual == (a.executor is None) for a in first.assignments)
    assert {v.contract_id for v in first.volunteers} == {
        h.contract_id for h in first.volunteer_hours
    }


@pytest.mark.parametrize("seed", [1, 2026])
def test_other_seeds_also_run_end_to_end(seed: int) -> None:
    """E-1..E-6: any seed gives a complete, evaluable quarter."""
    outcome = run_demo(demo_quarter(seed, "2027Q1"))
    assert len(outcome.result.scorecards) == 12
    assert outcome.result.survey_precision is not None
