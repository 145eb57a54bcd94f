"""Which parameters a policy holds, what kind each is, and the snapshot rules read.

Every number and open choice of the mechanism is one named parameter here
(the table "Choices the article leaves open" of the specification, plus the
numbers the article does state). The *values* live in the policy file; this
module only says which names exist, what kind of value each takes and which
rule it implements, so that a file with an unknown key or a wrong kind of
value is refused at load.

Each parameter is declared once, as a typed attribute of
[PolicySnapshot][community_governance.policy.schema.PolicySnapshot];
`SPECS` is derived from those declarations.
A rule reads parameters through a traced view
(``p = snapshot.traced(builder)``): every attribute it reads is recorded in its
explanation with its value and effective date, so no read goes uncited.

Rules: P-1, P-2, C-3, E-2..E-6, R-1, R-2 (each parameter names its own).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from fractions import Fraction
from typing import Any, Generic, TypeVar, overload

from community_governance.explain import ExplanationBuilder, ParameterUse
from community_governance.frozen import FrozenMap
from community_governance.numbers import RoundingMode
from community_governance.policy.values import (
    AnswerScaleKind,
    BandsKind,
    BoolKind,
    ChoiceKind,
    ChoiceListKind,
    FractionKind,
    IntKind,
    Kind,
    MappingKind,
    RangeKind,
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
    LookalikeRule,
    MissingComponentRule,
    PeerAggregation,
    Pillar,
    PseudonymScope,
    SampleDisclosure,
    SmallFrameRule,
    SupervisionLevel,
    SurveyAttribution,
    WorkKind,
)

__all__ = ["LOCAL_PREFIX", "SPECS", "ParameterSpec", "PolicySnapshot"]

#: Parameters under this prefix are a municipality's own; the library carries
#: them (with their rule ID, dates and notes) but does not interpret them.
LOCAL_PREFIX = "local."

T = TypeVar("T")


class ParameterSpec(Generic[T]):
    """A parameter the library knows: its dotted name, kind and rule, declared once.

    Declared as an attribute of [PolicySnapshot][community_governance.policy.schema.PolicySnapshot],
    it is also the typed accessor: reading ``snapshot.approval_threshold`` returns
    the value on the snapshot's date and, on a traced view, records the read.
    """

    __slots__ = ("attribute", "kind", "name", "rule")

    def __init__(self, name: str, kind: Kind[T], rule: str) -> None:
        self.name = name
        self.kind: Kind[T] = kind
        self.rule = rule
        self.attribute = ""

    def __set_name__(self, owner: type, attribute: str) -> None:
        self.attribute = attribute

    def __repr__(self) -> str:
        return f"ParameterSpec({self.name!r}, rule={self.rule!r}, attribute={self.attribute!r})"

    @overload
    def __get__(self, snapshot: None, owner: type) -> ParameterSpec[T]: ...

    @overload
    def __get__(self, snapshot: PolicySnapshot, owner: type) -> T: ...

    def __get__(self, snapshot: PolicySnapshot | None, owner: type) -> ParameterSpec[T] | T:
        if snapshot is None:
            return self
        return snapshot.value(self.name)  # type: ignore[no-any-return]


_ZERO, _ONE = Fraction(0), Fraction(1)


class PolicySnapshot:
    """Every parameter's value on one date, typed, with its provenance.

    ``policy.at(date)`` builds one. Rules read typed attributes through a traced
    view, ``p = snapshot.traced(builder)``, which records each parameter read
    (name, value, rule and effective date) in the explanation being built. A
    snapshot is immutable and compares equal to another with the same date,
    policy id and values.
    """

    # -- the parameters: one declaration each (P-1..E-6, R-1, R-2) --------------------------
    pillar_target = ParameterSpec("pillars.target", WeightsKind(Pillar), "P-1")
    pillar_tolerance = ParameterSpec("pillars.tolerance", FractionKind(_ZERO, _ONE), "P-2")
    approval_threshold = ParameterSpec(
        "consultation.approval.threshold", FractionKind(_ZERO, _ONE, low_open=True), "C-3"
    )
    approval_base = ParameterSpec("consultation.approval.base", ChoiceKind(ApprovalBase), "C-3")
    approval_inclusive = ParameterSpec("consultation.approval.inclusive", BoolKind(), "C-3")
    quorum = ParameterSpec("consultation.quorum", FractionKind(_ZERO, _ONE), "C-3")
    representatives_per_unit = ParameterSpec(
        "consultation.representatives_per_unit", IntKind(1), "C-3"
    )
    routing = ParameterSpec("consultation.routing", MappingKind(WorkKind, Executor), "C-4")
    follow_up_days = ParameterSpec("consultation.follow_up_days", IntKind(0), "C-4")
    duty_per_day = ParameterSpec("management.duty_per_day", IntKind(1), "M-4")
    component_weights = ParameterSpec("evaluation.weights", WeightsKind(Component), "E-5")
    dimension_weights = ParameterSpec("evaluation.dimension_weights", WeightsKind(Dimension), "E-2")
    score_range = ParameterSpec("evaluation.scale", RangeKind(), "E-2")
    peer_aggregation = ParameterSpec(
        "evaluation.peer.aggregation", ChoiceKind(PeerAggregation), "E-3"
    )
    peer_min_raters = ParameterSpec("evaluation.peer.min_raters", IntKind(1), "E-3")
    trim_min_raters = ParameterSpec("evaluation.peer.trim_min_raters", IntKind(3), "E-5")
    survey_size = ParameterSpec("evaluation.survey.size", IntKind(1), "E-4")
    survey_small_frame = ParameterSpec(
        "evaluation.survey.small_frame", ChoiceKind(SmallFrameRule), "E-4"
    )
    id_lookalikes = ParameterSpec("input.ids.lookalikes", ChoiceKind(LookalikeRule), "E-4")
    survey_answer_scale = ParameterSpec("evaluation.survey.answer_scale", AnswerScaleKind(), "E-4")
    survey_z = ParameterSpec("evaluation.survey.z", FractionKind(_ZERO, None, low_open=True), "E-4")
    survey_attribution = ParameterSpec(
        "evaluation.survey.attribution", ChoiceKind(SurveyAttribution), "E-4"
    )
    missing_component = ParameterSpec(
        "evaluation.missing_component", ChoiceKind(MissingComponentRule), "E-5"
    )
    grade_bands = ParameterSpec("evaluation.grades.bands", BandsKind(), "E-6")
    grade_basis = ParameterSpec("evaluation.grades.compare", ChoiceKind(GradeBasis), "E-6")
    award_grades = ParameterSpec("evaluation.awards.grades", ChoiceListKind(Grade), "E-6")
    rectification_grades = ParameterSpec(
        "evaluation.rectification.grades", ChoiceListKind(Grade), "E-6"
    )
    rounding_mode = ParameterSpec("rounding.mode", ChoiceKind(RoundingMode), "E-5")
    rounding_places = ParameterSpec("rounding.places", IntKind(0, 10), "E-5")
    announcement_days = ParameterSpec("rectification.announcement_days", IntKind(0), "R-1")
    pseudonym_scope = ParameterSpec("ledger.pseudonym_scope", ChoiceKind(PseudonymScope), "E-4")
    announcement_sample = ParameterSpec(
        "rectification.announcement_sample", ChoiceKind(SampleDisclosure), "R-1"
    )
    deadline_days = ParameterSpec("rectification.deadline_days", IntKind(0), "E-6")
    day_count = ParameterSpec("rectification.day_count", ChoiceKind(DayCount), "E-6")
    reminder_days = ParameterSpec("rectification.reminder_days", IntKind(0), "E-6")
    signoff_levels = ParameterSpec(
        "rectification.signoff_levels", ChoiceListKind(SupervisionLevel), "R-2"
    )

    __slots__ = ("_builder", "_values", "local", "on", "policy_id", "uses")

    on: dt.date
    policy_id: str
    uses: Mapping[str, ParameterUse]
    local: Mapping[str, object]
    _values: Mapping[str, Any]
    _builder: ExplanationBuilder | None

    def __init__(
        self,
        *,
        on: dt.date,
        policy_id: str,
        values: Mapping[str, Any],
        uses: Mapping[str, ParameterUse],
        local: Mapping[str, object] | None = None,
    ) -> None:
        missing = sorted(set(SPECS) - set(values))
        if missing:
            raise fail(
                "parameters",
                "policy",
                f"missing parameter(s): {', '.join(missing)}",
                zh=f"缺少参数：{', '.join(missing)}",
            )
        frozen = {
            name: FrozenMap(value) if isinstance(value, Mapping) else value
            for name, value in values.items()
        }
        self._init(on, policy_id, FrozenMap(frozen), uses, local or {}, None)
        self._check_consistency()

    def _init(  # noqa: PLR0917 - the slots, in order
        self,
        on: dt.date,
        policy_id: str,
        values: Mapping[str, Any],
        uses: Mapping[str, ParameterUse],
        local: Mapping[str, object],
        builder: ExplanationBuilder | None,
    ) -> None:
        for slot, value in (
            ("on", on),
            ("policy_id", policy_id),
            ("_values", values),
            ("uses", FrozenMap(uses)),
            ("local", FrozenMap(local)),
            ("_builder", builder),
        ):
            object.__setattr__(self, slot, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a policy snapshot is immutable (cannot set {name!r})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a policy snapshot is immutable (cannot delete {name!r})")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PolicySnapshot):
            return NotImplemented
        return (self.on, self.policy_id, self._values, self.local) == (
            other.on,
            other.policy_id,
            other._values,
            other.local,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        traced = ", traced" if self._builder is not None else ""
        return f"PolicySnapshot(policy_id={self.policy_id!r}, on={self.on.isoformat()}{traced})"

    def __reduce__(self) -> tuple[Any, ...]:
        # A traced view is local to one call of a rule; only the snapshot travels.
        return (
            _rebuild,
            (
                self.on,
                self.policy_id,
                self._values,
                self.uses,
                self.local,
            ),
        )

    def _check_consistency(self) -> None:
        # Checks that span several parameters; each names the parameter to fix.
        scale = self.score_range
        for level in self.survey_answer_scale.levels:
            if level.score not in scale:
                raise fail(
                    f"evaluation.survey.answer_scale ({self.on})",
                    "E-4",
                    f"answer {level.code!r} scores {level.score}, outside the evaluation scale",
                    zh=f"答案 {level.code!r} 的分值 {level.score} 超出考评量表",
                )
        lowest = self.grade_bands[-1].minimum
        if lowest > scale.minimum or any(b.minimum not in scale for b in self.grade_bands):
            raise fail(
                f"evaluation.grades.bands ({self.on})",
                "E-6",
                "bands must lie within the evaluation scale and the lowest must start at its "
                "minimum, so that every score has a grade",
                zh="等级区间须在考评量表之内，且最低区间须从量表最小值开始，使每个分数都有等级",
            )
        banded = {b.grade for b in self.grade_bands}
        for name, grades in (
            ("evaluation.awards.grades", self.award_grades),
            ("evaluation.rectification.grades", self.rectification_grades),
        ):
            stray = [g.code for g in grades if g not in banded]
            if stray:
                raise fail(
                    f"{name} ({self.on})",
                    "E-6",
                    f"grade(s) without a band: {stray}",
                    zh=f"没有区间的等级：{stray}",
                )
        if set(self.award_grades) & set(self.rectification_grades):
            raise fail(
                f"evaluation.awards.grades ({self.on})",
                "E-6",
                "a grade cannot earn both an award and a rectification order",
                zh="同一等级不能既获表彰又被责令整改",
            )

    @property
    def builder(self) -> ExplanationBuilder | None:
        """The explanation this view records its reads in (``None``: not traced)."""
        return self._builder

    def traced(self, builder: ExplanationBuilder | None) -> PolicySnapshot:
        """A view of this snapshot that records every parameter read in ``builder``.

        ``None`` gives an untraced view. The snapshot itself is unchanged.
        """
        view = object.__new__(PolicySnapshot)
        view._init(self.on, self.policy_id, self._values, self.uses, self.local, builder)
        return view

    def value(self, name: str) -> Any:
        """The value of parameter ``name``, the library's or a ``local.`` one (recorded).

        A traced view records the read, so a rule set's parameters are cited in its
        explanation as the library's are in its own.

        Raises:
            PolicyError: no such parameter on this date.
        """
        try:
            value = self.local[name] if name.startswith(LOCAL_PREFIX) else self._values[name]
        except KeyError:
            raise fail(
                name,
                "policy",
                f"no parameter {name!r} in policy {self.policy_id}",
                zh=f"政策 {self.policy_id} 中没有参数 {name!r}",
            ) from None
        if self._builder is not None:
            self._builder.parameter(self.uses[name])
        return value

    def use(self, name: str) -> ParameterUse:
        """The provenance of parameter ``name`` on this date."""
        return self.uses[name]


def _rebuild(
    on: dt.date,
    policy_id: str,
    values: Mapping[str, Any],
    uses: Mapping[str, ParameterUse],
    local: Mapping[str, object],
) -> PolicySnapshot:
    return PolicySnapshot(on=on, policy_id=policy_id, values=values, uses=uses, local=local)


#: Every parameter the library knows, by dotted name, derived from the declarations on
#: [PolicySnapshot][community_governance.policy.schema.PolicySnapshot].
SPECS: Mapping[str, ParameterSpec[Any]] = FrozenMap(
    {spec.name: spec for spec in vars(PolicySnapshot).values() if isinstance(spec, ParameterSpec)}
)
