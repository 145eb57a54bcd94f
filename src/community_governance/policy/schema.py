"""Which parameters a policy holds, what kind each is, and the snapshot rules read.

Every number and open choice of the mechanism is one named parameter here
(the table "Choices the article leaves open" of the specification, plus the
numbers the article does state). The *values* live in the policy file; this
module only says which names exist, what kind of value each takes and which
rule it implements, so that a file with an unknown key or a wrong kind of
value is refused at load.

Rules: P-1, P-2, C-3, E-2..E-6, R-1, R-2 (each parameter names its own).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import attrs

from community_governance.explain import ExplanationBuilder, ParameterUse
from community_governance.numbers import RoundingMode
from community_governance.policy.values import (
    AnswerScale,
    AnswerScaleKind,
    BandsKind,
    BoolKind,
    ChoiceKind,
    ChoiceListKind,
    FractionKind,
    GradeBand,
    IntKind,
    Kind,
    MappingKind,
    RangeKind,
    ScoreRange,
    WeightsKind,
    fail,
)
from community_governance.vocabulary import (
    ApprovalBase,
    Component,
    DayCount,
    Dimension,
    Executor,
    Grade,
    GradeBasis,
    MissingComponentRule,
    PeerAggregation,
    Pillar,
    SmallFrameRule,
    SupervisionLevel,
    SurveyAttribution,
    WorkKind,
)

__all__ = ["LOCAL_PREFIX", "SPECS", "ParameterSpec", "PolicySnapshot"]

#: Parameters under this prefix are a municipality's own; the library carries
#: them (with their rule ID, dates and notes) but does not interpret them.
LOCAL_PREFIX = "local."


@attrs.frozen
class ParameterSpec:
    """A parameter the library knows: its dotted name, kind, rule and snapshot field."""

    name: str
    kind: Kind[Any]
    rule: str
    attribute: str


_ZERO, _ONE = Fraction(0), Fraction(1)

SPECS: Mapping[str, ParameterSpec] = {
    spec.name: spec
    for spec in (
        ParameterSpec("pillars.target", WeightsKind(Pillar), "P-1", "pillar_target"),
        ParameterSpec("pillars.tolerance", FractionKind(_ZERO, _ONE), "P-2", "pillar_tolerance"),
        ParameterSpec(
            "consultation.approval.threshold",
            FractionKind(_ZERO, _ONE, low_open=True),
            "C-3",
            "approval_threshold",
        ),
        ParameterSpec(
            "consultation.approval.base", ChoiceKind(ApprovalBase), "C-3", "approval_base"
        ),
        ParameterSpec("consultation.approval.inclusive", BoolKind(), "C-3", "approval_inclusive"),
        ParameterSpec("consultation.quorum", FractionKind(_ZERO, _ONE), "C-3", "quorum"),
        ParameterSpec(
            "consultation.representatives_per_unit",
            IntKind(1),
            "C-3",
            "representatives_per_unit",
        ),
        ParameterSpec("consultation.routing", MappingKind(WorkKind, Executor), "C-4", "routing"),
        ParameterSpec("consultation.follow_up_days", IntKind(0), "C-4", "follow_up_days"),
        ParameterSpec("management.duty_per_day", IntKind(1), "M-4", "duty_per_day"),
        ParameterSpec("evaluation.weights", WeightsKind(Component), "E-5", "component_weights"),
        ParameterSpec(
            "evaluation.dimension_weights", WeightsKind(Dimension), "E-2", "dimension_weights"
        ),
        ParameterSpec("evaluation.scale", RangeKind(), "E-2", "score_range"),
        ParameterSpec(
            "evaluation.peer.aggregation", ChoiceKind(PeerAggregation), "E-3", "peer_aggregation"
        ),
        ParameterSpec("evaluation.peer.min_raters", IntKind(1), "E-3", "peer_min_raters"),
        ParameterSpec("evaluation.peer.trim_min_raters", IntKind(3), "E-5", "trim_min_raters"),
        ParameterSpec("evaluation.survey.size", IntKind(1), "E-4", "survey_size"),
        ParameterSpec(
            "evaluation.survey.small_frame",
            ChoiceKind(SmallFrameRule),
            "E-4",
            "survey_small_frame",
        ),
        ParameterSpec(
            "evaluation.survey.answer_scale", AnswerScaleKind(), "E-4", "survey_answer_scale"
        ),
        ParameterSpec(
            "evaluation.survey.z", FractionKind(_ZERO, None, low_open=True), "E-4", "survey_z"
        ),
        ParameterSpec(
            "evaluation.survey.attribution",
            ChoiceKind(SurveyAttribution),
            "E-4",
            "survey_attribution",
        ),
        ParameterSpec(
            "evaluation.missing_component",
            ChoiceKind(MissingComponentRule),
            "E-5",
            "missing_component",
        ),
        ParameterSpec("evaluation.grades.bands", BandsKind(), "E-6", "grade_bands"),
        ParameterSpec("evaluation.grades.compare", ChoiceKind(GradeBasis), "E-6", "grade_basis"),
        ParameterSpec("evaluation.awards.grades", ChoiceListKind(Grade), "E-6", "award_grades"),
        ParameterSpec(
            "evaluation.rectification.grades",
            ChoiceListKind(Grade),
            "E-6",
            "rectification_grades",
        ),
        ParameterSpec("rounding.mode", ChoiceKind(RoundingMode), "E-5", "rounding_mode"),
        ParameterSpec("rounding.places", IntKind(0, 10), "E-5", "rounding_places"),
        ParameterSpec("rectification.announcement_days", IntKind(0), "R-1", "announcement_days"),
        ParameterSpec("rectification.deadline_days", IntKind(0), "E-6", "deadline_days"),
        ParameterSpec("rectification.day_count", ChoiceKind(DayCount), "E-6", "day_count"),
        ParameterSpec("rectification.reminder_days", IntKind(0), "E-6", "reminder_days"),
        ParameterSpec(
            "rectification.signoff_levels",
            ChoiceListKind(SupervisionLevel),
            "R-2",
            "signoff_levels",
        ),
    )
}


@attrs.frozen
class PolicySnapshot:
    """Every parameter's value on one date, typed, with its provenance.

    Rules take a snapshot (``policy.at(date)``) and read typed attributes; they
    cite what they read with :meth:`use` or :meth:`cite`, which record the
    parameter's name, value, rule and effective date in an explanation.
    """

    on: dt.date
    policy_id: str
    pillar_target: Mapping[Pillar, Fraction]
    pillar_tolerance: Fraction
    approval_threshold: Fraction
    approval_base: ApprovalBase
    approval_inclusive: bool
    quorum: Fraction
    representatives_per_unit: int
    routing: Mapping[WorkKind, Executor]
    follow_up_days: int
    duty_per_day: int
    component_weights: Mapping[Component, Fraction]
    dimension_weights: Mapping[Dimension, Fraction]
    score_range: ScoreRange
    peer_aggregation: PeerAggregation
    peer_min_raters: int
    trim_min_raters: int
    survey_size: int
    survey_small_frame: SmallFrameRule
    survey_answer_scale: AnswerScale
    survey_z: Fraction
    survey_attribution: SurveyAttribution
    missing_component: MissingComponentRule
    grade_bands: tuple[GradeBand, ...]
    grade_basis: GradeBasis
    award_grades: tuple[Grade, ...]
    rectification_grades: tuple[Grade, ...]
    rounding_mode: RoundingMode
    rounding_places: int
    announcement_days: int
    deadline_days: int
    day_count: DayCount
    reminder_days: int
    signoff_levels: tuple[SupervisionLevel, ...]
    uses: Mapping[str, ParameterUse] = attrs.field(repr=False)
    local: Mapping[str, object] = attrs.field(factory=dict, repr=False)

    def __attrs_post_init__(self) -> None:
        self._check_consistency()

    def _check_consistency(self) -> None:
        # Checks that span several parameters; each names the parameter to fix.
        scale = self.score_range
        for level in self.survey_answer_scale.levels:
            if level.score not in scale:
                raise fail(
                    f"evaluation.survey.answer_scale ({self.on})",
                    "E-4",
                    f"answer {level.code!r} scores {level.score}, outside the evaluation scale",
                )
        lowest = self.grade_bands[-1].minimum
        if lowest > scale.minimum or any(b.minimum not in scale for b in self.grade_bands):
            raise fail(
                f"evaluation.grades.bands ({self.on})",
                "E-6",
                "bands must lie within the evaluation scale and the lowest must start at its "
                "minimum, so that every score has a grade",
            )
        banded = {b.grade for b in self.grade_bands}
        for name, grades in (
            ("evaluation.awards.grades", self.award_grades),
            ("evaluation.rectification.grades", self.rectification_grades),
        ):
            stray = [g.code for g in grades if g not in banded]
            if stray:
                raise fail(f"{name} ({self.on})", "E-6", f"grade(s) without a band: {stray}")
        if set(self.award_grades) & set(self.rectification_grades):
            raise fail(
                f"evaluation.awards.grades ({self.on})",
                "E-6",
                "a grade cannot earn both an award and a rectification order",
            )

    def use(self, name: str) -> ParameterUse:
        """The provenance of parameter ``name`` on this date."""
        return self.uses[name]

    def cite(self, builder: ExplanationBuilder, *names: str) -> None:
        """Record parameters ``names`` as read, in ``builder``."""
        for name in names:
            builder.parameter(self.uses[name])
