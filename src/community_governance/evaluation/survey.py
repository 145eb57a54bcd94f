"""The public-opinion survey: responses from sampled households, and their precision (E-4).

Only sampled households (or the reserve households that validly replaced
them) may answer, once per project asked about; answers are levels of the
policy's satisfaction scale and map exactly to scores. A project's scores
count for the units responsible for it (``evaluation.survey.attribution``).

Precision follows the textbook convention for a simple random sample without
replacement: sample variance ``s²`` with ``n - 1`` in the denominator, the
finite-population correction ``(1 - n/N)`` with ``N`` the frame size,
standard error ``sqrt((1 - n/N) s² / n)``, and a normal interval
``mean ± z·SE`` with ``z`` from the policy (``evaluation.survey.z``, 1.96 for
95%). Statistics describe the survey; decisions use the exact mean.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction

import attrs

from community_governance.community import Project, Quarter, to_quarter
from community_governance.errors import (
    DuplicateResponseError,
    GovernanceError,
    InvalidAnswerError,
    ParseError,
    SampleError,
    UnknownProjectError,
    UnsampledHouseholdError,
)
from community_governance.evaluation.sampling import SampleCertificate, SamplingFrame
from community_governance.explain import ExplanationBuilder
from community_governance.frozen import FrozenMap, as_tuple
from community_governance.ids import as_id
from community_governance.numbers import round_exact
from community_governance.policy.loader import resolve
from community_governance.policy.model import Policy
from community_governance.policy.schema import PolicySnapshot
from community_governance.vocabulary import SurveyAttribution

__all__ = ["CONVENTION", "Precision", "Survey", "SurveyResponse", "precision", "unsampled"]

#: How survey precision is computed, in words.
CONVENTION = (
    "simple random sample without replacement; s² with n-1; finite-population correction "
    "(1 - n/N) with N the frame size; SE = sqrt((1 - n/N)·s²/n); interval mean ± z·SE"
)
_CONTEXT = decimal.Context(prec=40, rounding=decimal.ROUND_HALF_EVEN)


def _household(value: object) -> str:
    return as_id(value, field="household", rule="E-4")


def _project(value: object) -> str:
    return as_id(value, field="project", rule="E-4")


@attrs.frozen
class SurveyResponse:
    """One household's answer about one project (E-4); the household is an opaque id."""

    household: str = attrs.field(converter=_household)
    project: str = attrs.field(converter=_project)
    answer: str


def _projects(values: Iterable[Project]) -> tuple[Project, ...]:
    return tuple(values)


def _tally(
    counts: Mapping[str, Mapping[str, int]], responses: Iterable[SurveyResponse]
) -> Mapping[str, Mapping[str, int]]:
    """``counts`` with ``responses`` added, by project and answer (read-only)."""
    grown = {project: dict(tally) for project, tally in counts.items()}
    for response in responses:
        tally = grown.setdefault(response.project, {})
        tally[response.answer] = tally.get(response.answer, 0) + 1
    return FrozenMap({project: FrozenMap(tally) for project, tally in grown.items()})


@attrs.frozen
class Survey:
    """A quarter's survey: the sample, the projects asked about, and the responses (E-4).

    Immutable: [respond][community_governance.evaluation.survey.Survey.respond] and
    [replace][community_governance.evaluation.survey.Survey.replace] return a new
    survey and leave this one as it was, also when they raise.

    Each method that reads the policy takes ``policy=`` (a ``Policy`` or a
    snapshot; default the shipped one) and ``at=`` (default the quarter's
    last day); those that feed an explanation also take ``builder=``, which
    records the parameters they read.
    """

    quarter: Quarter = attrs.field(converter=to_quarter)
    certificate: SampleCertificate
    projects: tuple[Project, ...] = attrs.field(converter=_projects)
    responses: tuple[SurveyResponse, ...] = attrs.field(default=(), converter=as_tuple)
    # The answers counted by project and answer code as they are recorded (E-4), so that an
    # evaluation sums levels, not answers; built from the responses where not handed over.
    _counts: Mapping[str, Mapping[str, int]] | None = attrs.field(
        default=None, eq=False, repr=False, alias="counts"
    )

    def __attrs_post_init__(self) -> None:
        if self._counts is None:
            object.__setattr__(self, "_counts", _tally({}, self.responses))
        ids = [p.project_id for p in self.projects]
        if len(set(ids)) != len(ids):
            raise ParseError(
                "a project is listed twice",
                field="survey.projects",
                rule="E-4",
                zh="同一项目被列出两次",
            )
        stray = [p.project_id for p in self.projects if p.quarter != self.quarter]
        if stray:
            raise ParseError(
                f"project(s) {stray} belong to another quarter than {self.quarter}",
                field="survey.projects",
                rule="E-4",
                zh=f"项目 {stray} 属于 {self.quarter} 以外的季度",
            )

    def _snapshot(
        self,
        policy: Policy | PolicySnapshot | None,
        at: dt.date | None,
        builder: ExplanationBuilder | None = None,
    ) -> PolicySnapshot:
        return resolve(policy, at or self.quarter.end, builder)

    def project(self, project_id: str) -> Project:
        """The project asked about with id ``project_id``.

        Raises:
            UnknownProjectError: the survey does not ask about it.
        """
        for project in self.projects:
            if project.project_id == project_id:
                return project
        raise UnknownProjectError(
            f"the survey of {self.quarter} does not ask about project {project_id!r}",
            field="response.project",
            rule="E-4",
            zh=f"{self.quarter} 的民意测评不涉及项目 {project_id!r}",
        )

    def respond(
        self,
        response: SurveyResponse,
        policy: Policy | PolicySnapshot | None = None,
        *,
        at: dt.date | None = None,
    ) -> Survey:
        """A new survey with ``response`` added; the answer is stored as its scale code.

        Raises:
            UnsampledHouseholdError: the household is not a current respondent.
            UnknownProjectError: the project is not asked about.
            DuplicateResponseError: the household already answered about it.
            InvalidAnswerError: the answer is not on the policy's scale.
        """
        return self.respond_all([response], policy, at=at)

    def respond_all(
        self,
        responses: Iterable[SurveyResponse],
        policy: Policy | PolicySnapshot | None = None,
        *,
        at: dt.date | None = None,
    ) -> Survey:
        """Add several responses; all or nothing (the first refusal raises, nothing is kept).

        Raises the errors of [respond][community_governance.evaluation.survey.Survey.respond].
        """
        respondents = self.certificate.respondents
        projects = {p.project_id for p in self.projects}
        answered = {(r.household, r.project) for r in self.responses}
        scale = self._snapshot(policy, at).survey_answer_scale
        added: list[SurveyResponse] = []
        for response in responses:
            if response.household not in respondents:
                raise unsampled(response.household, field="response.household")
            if response.project not in projects:
                self.project(response.project)
            key = (response.household, response.project)
            if key in answered:
                raise DuplicateResponseError(
                    f"household {response.household!r} already answered about {response.project!r}",
                    field="response",
                    rule="E-4",
                    zh=f"住户 {response.household!r} 已就 {response.project!r} 作答",
                )
            try:
                level = scale.level(response.answer)
            except GovernanceError as error:
                raise InvalidAnswerError(
                    error.message, field="response.answer", rule="E-4", zh=error.zh
                ) from None
            answered.add(key)
            added.append(attrs.evolve(response, answer=level.code))
        return attrs.evolve(
            self, responses=(*self.responses, *added), counts=_tally(self.answer_counts, added)
        )

    @property
    def answer_counts(self) -> Mapping[str, Mapping[str, int]]:
        """How many answers each project received, by answer code (E-4)."""
        return self._counts or {}

    def replace(self, household: str, frame: SamplingFrame) -> Survey:
        """A new survey in which a non-responding ``household`` is replaced from the reserve.

        Raises:
            SampleError: the household has already answered, or cannot be
                replaced (see
                [`SampleCertificate.replace`][community_governance.evaluation.sampling.SampleCertificate.replace]).
        """
        if any(r.household == household for r in self.responses):
            raise SampleError(
                f"household {household!r} has answered; it cannot be replaced",
                field="household",
                rule="E-4",
                zh=f"住户 {household!r} 已作答，不能替换",
            )
        return attrs.evolve(self, certificate=self.certificate.replace(household, frame))

    def scores(
        self,
        policy: Policy | PolicySnapshot | None = None,
        *,
        at: dt.date | None = None,
        builder: ExplanationBuilder | None = None,
    ) -> dict[str, tuple[Fraction, ...]]:
        """Each project's exact scores, in response order."""
        snapshot = self._snapshot(policy, at, builder)
        by_project: dict[str, list[Fraction]] = {p.project_id: [] for p in self.projects}
        for response, score in zip(self.responses, self._scored(snapshot), strict=True):
            by_project[response.project].append(score)
        return {project: tuple(values) for project, values in by_project.items()}

    def _scored(self, policy: PolicySnapshot) -> list[Fraction]:
        scale = policy.survey_answer_scale
        score_of = {lv.code: lv.score for lv in scale.levels}
        scores = []
        for response in self.responses:
            score = score_of.get(response.answer)
            if score is None:
                # The policy in force now has another scale than when the answer was given.
                try:
                    score = scale.level(response.answer).score
                except GovernanceError as error:
                    raise InvalidAnswerError(
                        error.message, field="response.answer", rule="E-4", zh=error.zh
                    ) from None
            scores.append(score)
        return scores

    def precision(
        self,
        policy: Policy | PolicySnapshot | None = None,
        unit_id: str | None = None,
        *,
        at: dt.date | None = None,
        builder: ExplanationBuilder | None = None,
    ) -> Precision | None:
        """Precision of the survey mean, overall or for one unit (``None`` without answers).

        Several answers by one household are not independent draws, so each
        household contributes the mean of its answers (about the unit's
        projects, for a unit): ``n`` is the number of households answering and
        ``N`` the frame size.
        """
        snapshot = self._snapshot(policy, at, builder)
        counted = None
        if unit_id is not None and snapshot.survey_attribution is SurveyAttribution.RESPONSIBLE:
            counted = {p.project_id for p in self.projects if unit_id in p.responsible_units}
        per_household: dict[str, list[Fraction]] = {}
        for response, score in zip(self.responses, self._scored(snapshot), strict=True):
            if counted is None or response.project in counted:
                per_household.setdefault(response.household, []).append(score)
        if not per_household:
            return None
        means = [sum(v, Fraction(0)) / len(v) for _, v in sorted(per_household.items())]
        return precision(means, self.certificate.frame_size, snapshot.survey_z)

    def scores_for_units(
        self,
        unit_ids: Sequence[str],
        policy: Policy | PolicySnapshot | None = None,
        *,
        at: dt.date | None = None,
        builder: ExplanationBuilder | None = None,
    ) -> dict[str, tuple[Fraction, ...]]:
        """The survey scores that count for each unit (``evaluation.survey.attribution``)."""
        snapshot = self._snapshot(policy, at, builder)
        per_project = self.scores(snapshot)
        if snapshot.survey_attribution is SurveyAttribution.ALL:
            everything = tuple(s for values in per_project.values() for s in values)
            return dict.fromkeys(unit_ids, everything)
        out: dict[str, list[Fraction]] = {unit: [] for unit in unit_ids}
        for project in self.projects:
            for unit in project.responsible_units:
                if unit in out:
                    out[unit].extend(per_project[project.project_id])
        return {unit: tuple(values) for unit, values in out.items()}


@attrs.frozen
class Precision:
    """How precise a survey mean is (E-4), by the convention in ``CONVENTION``.

    ``variance``, ``standard_error``, ``margin``, ``low`` and ``high`` are
    ``None`` with fewer than two answers.
    """

    n: int
    population: int
    mean: Fraction
    z: Fraction
    variance: Fraction | None
    standard_error: Decimal | None
    margin: Decimal | None
    low: Decimal | None
    high: Decimal | None

    @classmethod
    def of(
        cls, n: int, population: int, mean: Fraction, z: Fraction, variance: Fraction | None
    ) -> Precision:
        """The precision of ``n`` answers with this exact mean and variance (E-4).

        The standard error, margin and interval are computed from the exact values, as
        ``precision`` computes them, so a result document need only keep the exact ones.
        """
        if variance is None:
            return cls(n, population, mean, z, None, None, None, None, None)
        of_mean = (1 - Fraction(n, population)) * variance / n
        standard_error = _decimal(of_mean).sqrt(_CONTEXT)
        margin = _CONTEXT.multiply(_decimal(z), standard_error)
        centre = _decimal(mean)
        return cls(
            n,
            population,
            mean,
            z,
            variance,
            standard_error,
            margin,
            _CONTEXT.subtract(centre, margin),
            _CONTEXT.add(centre, margin),
        )

    def rounded(self, places: int = 4) -> dict[str, Decimal | None]:
        """Mean, SE, margin and interval rounded for display (half-up)."""

        def show(value: Decimal | None) -> Decimal | None:
            return None if value is None else round_exact(Fraction(value), places)

        return {
            "mean": round_exact(self.mean, places),
            "standard_error": show(self.standard_error),
            "margin": show(self.margin),
            "low": show(self.low),
            "high": show(self.high),
        }


def unsampled(household: str, *, field: str) -> UnsampledHouseholdError:
    """The refusal of an answer by ``household``, which the certificate does not count (E-4).

    One wording for every route: a survey's responses and a province's answers tables.
    """
    return UnsampledHouseholdError(
        f"household {household!r} was not sampled (nor validly replaced one)",
        field=field,
        rule="E-4",
        zh=f"住户 {household!r} 未被抽中（也不是有效的替换户）",
    )


def _decimal(value: Fraction) -> Decimal:
    return _CONTEXT.divide(Decimal(value.numerator), Decimal(value.denominator))


def precision(scores: Sequence[Fraction], population: int, z: Fraction) -> Precision:
    """Mean, standard error and interval of ``scores`` drawn from ``population`` households.

    Example (the convention's test vector):
        >>> from fractions import Fraction
        >>> p = precision([Fraction(9), Fraction(11), Fraction(22)], 5, Fraction("1.959964"))
        >>> p.mean, p.rounded()["standard_error"], p.rounded()["low"], p.rounded()["high"]
        (Fraction(14, 1), Decimal('2.5560'), Decimal('8.9903'), Decimal('19.0097'))

    Raises:
        ParseError: no scores, or more scores than households.
    """
    n = len(scores)
    if n == 0:
        raise ParseError("no survey scores", field="scores", rule="E-4", zh="没有民意测评分数")
    if population < n:
        raise ParseError(
            f"{n} answers cannot come from {population} households",
            field="population",
            rule="E-4",
            zh=f"{population} 户不可能给出 {n} 份答卷",
        )
    # Integer moments over the scores' common denominator: n, Σx and Σx² give the mean and
    # the variance exactly, with two divisions instead of a fraction per score.
    common = math.lcm(*{s.denominator for s in scores})
    xs = [s.numerator * (common // s.denominator) for s in scores]
    total = sum(xs)
    mean = Fraction(total, n * common)
    if n < 2:  # noqa: PLR2004 - no variance from one answer
        return Precision.of(n, population, mean, z, None)
    squares = sum(x * x for x in xs)
    variance = Fraction(n * squares - total * total, n * (n - 1) * common * common)
    return Precision.of(n, population, mean, z, variance)
