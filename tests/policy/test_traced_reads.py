"""Every parameter a rule reads is cited by the explanation it returns (P, all rules).

Each public rule runs on the demo quarter while every read of a policy parameter is
recorded, traced or not; the parameters its explanation cites must be exactly those.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from community_governance import default_policy
from community_governance.consultation import route, tally
from community_governance.demo import demo_quarter, run_demo
from community_governance.evaluation import (
    draw_sample,
    evaluate_quarter,
    final_score,
    grade_of,
)
from community_governance.explain import Explanation, ExplanationBuilder, Text
from community_governance.management import allocation, allocation_by, duty_rota
from community_governance.policy import PolicySnapshot
from community_governance.rectification import Objection, announce, due_actions, open_case

DEMO = demo_quarter()
OUTCOME = run_demo(DEMO)
POLICY = default_policy()
REWEIGHT = POLICY.override({"evaluation.missing_component": "reweight"})
AT = dt.date(2026, 10, 8)


@contextmanager
def reads() -> Iterator[set[str]]:
    """Every parameter name read from any snapshot while the block runs."""
    seen: set[str] = set()
    original = PolicySnapshot.value

    def spy(self: PolicySnapshot, name: str) -> Any:
        seen.add(name)
        return original(self, name)

    PolicySnapshot.value = spy  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        PolicySnapshot.value = original  # type: ignore[method-assign]


def _cited(*explanations: Explanation | None) -> set[str]:
    return {p.name for e in explanations if e is not None for p in e.parameters}


def _upheld() -> Explanation | None:
    board = announce(DEMO.community, OUTCOME.result, AT, DEMO.policy.at(AT))
    unit = OUTCOME.result.scorecards[0].unit_id
    board = board.object(
        Objection("o-1", unit, "unit_representative", unit, "recount", filed_on=AT)
    )
    return board.uphold(
        "o-1", reason="recounted", corrected=OUTCOME.result, at=AT, policy=POLICY
    ).explanation


def _grade() -> list[Explanation | None]:
    builder = ExplanationBuilder(Text("等级", "grade"))
    grade_of(OUTCOME.result.scorecards[0].final, POLICY, builder, at=AT)
    return [builder.build(Text("-", "-"))]


RULES: dict[str, Callable[[], list[Explanation | None]]] = {
    "evaluate_quarter": lambda: [
        c.explanation
        for c in evaluate_quarter(
            DEMO.community, DEMO.quarter, DEMO.ratings, DEMO.survey, policy=POLICY, at=AT
        ).scorecards
    ],
    "final_score": lambda: [
        final_score(
            self_score="90",
            peer_scores=["80", "85", "78", "87"],
            public_scores=["88.4"],
            policy=POLICY,
            at=AT,
        ).explanation
    ],
    "final_score (reweighted)": lambda: [
        final_score(
            self_score=None,
            peer_scores=["80", "85", "78", "87"],
            public_scores=["88.4"],
            policy=REWEIGHT,
            at=AT,
        ).explanation
    ],
    "grade_of": _grade,
    "tally": lambda: [
        tally(
            entitled=20, present=20, agree=17, disagree=3, abstain=0, policy=POLICY, at=AT
        ).explanation
    ],
    "tally (own threshold)": lambda: [
        tally(
            entitled=20,
            present=20,
            agree=17,
            disagree=3,
            abstain=0,
            policy=POLICY,
            at=AT,
            threshold="2/3",
        ).explanation
    ],
    "Meeting.close": lambda: [
        DEMO.meeting.meeting.__class__(
            "m-2", AT, DEMO.meeting.meeting.electorate, DEMO.meeting.meeting.agenda
        )
        .close(POLICY)
        .explanation
    ],
    "route": lambda: [
        route(
            DEMO.meeting.approved[0], DEMO.community, POLICY, DEMO.representatives, at=AT
        ).explanation
    ],
    "duty_rota": lambda: [
        duty_rota(["a", "b", "c"], "station", [AT, AT + dt.timedelta(days=1)], POLICY).explanation
    ],
    "allocation": lambda: [allocation(DEMO.effort, POLICY, at=AT).explanation],
    "draw_sample": lambda: [
        draw_sample(DEMO.frame, "127", POLICY, seed_source="test", at=AT).explanation
    ],
    "draw_sample (stratified)": lambda: [
        draw_sample(
            DEMO.frame, "127", POLICY, seed_source="test", stratified=True, at=AT
        ).explanation
    ],
    "announce": lambda: [announce(DEMO.community, OUTCOME.result, AT, POLICY).explanation],
    "Announcement.uphold": lambda: [_upheld()],
    "allocation_by": lambda: [
        a.explanation
        for groups, total in [allocation_by(DEMO.effort, POLICY, at=AT)]
        for a in (*groups.values(), total)
    ],
    "open_case": lambda: [
        open_case(
            "c", "D", DEMO.quarter, AT, policy=POLICY, member_units=frozenset("ABCD")
        ).explanation
    ],
    "due_actions": lambda: [due_actions(OUTCOME.cases, AT, POLICY).explanation],
}


@pytest.mark.parametrize("name", sorted(RULES))
def test_every_parameter_read_is_cited(name: str) -> None:
    """P-1..R-2: the parameters a rule reads are exactly those its explanation cites."""
    for policy in (POLICY, REWEIGHT):
        policy.at(AT)  # resolve (and check) the snapshots before recording reads
    with reads() as seen:
        explanations = RULES[name]()
    assert seen, f"{name} read no parameter"
    assert _cited(*explanations) == seen


def test_a_traced_view_records_each_read_once_with_its_provenance() -> None:
    """P-1: reading through a traced view cites name, value, rule and effective date."""
    snapshot = POLICY.at(AT)
    builder = ExplanationBuilder(Text("示例", "example"))
    traced = snapshot.traced(builder)
    assert traced.approval_threshold == snapshot.approval_threshold
    traced.value("consultation.approval.threshold")
    assert builder.parameters == [snapshot.use("consultation.approval.threshold")]
    assert builder.rules == ["C-3"]
    assert snapshot.quorum >= 0  # an untraced read records nothing
    assert len(builder.parameters) == 1


def test_each_parameter_is_declared_once() -> None:
    """P-1: SPECS is derived from the snapshot's declarations, one per parameter."""
    from community_governance.policy import SPECS  # noqa: PLC0415

    snapshot = POLICY.at(AT)
    assert len(SPECS) == 36
    for name, spec in SPECS.items():
        assert getattr(snapshot, spec.attribute) is snapshot.value(name)
        assert getattr(PolicySnapshot, spec.attribute) is spec


def test_a_snapshot_is_immutable() -> None:
    """P-1: a snapshot and its values cannot be changed after resolution."""
    snapshot = POLICY.at(AT)
    with pytest.raises(AttributeError):
        snapshot.approval_threshold = snapshot.quorum
    with pytest.raises(TypeError):
        snapshot.component_weights[next(iter(snapshot.component_weights))] = 0  # type: ignore[index, unused-ignore]
