"""Bilingual vocabularies: every label a person sees, in Chinese and English.

Closed sets of the mechanism are enums whose members carry a stable ``code``
(the enum value, used in files and JSON), a Chinese label ``zh`` and an English
label ``en``. [`BilingualEnum.from_label`][community_governance.vocabulary.BilingualEnum.from_label]
finds a member by any of the
three, so that ``Pillar.from_label("七分服务")``, ``Pillar.from_label("service")``
and ``Pillar("service")`` all name the same member; an unknown label raises
[`UnknownLabelError`][community_governance.errors.UnknownLabelError] listing the valid ones.

Rules: P-1 (pillars), E-2 (dimensions), C-2 (concern categories), C-1, C-4,
M-4, M-6 and R-2 (roles), M-1..M-6 (organisation kinds), S-1..S-7 (the seven
services), R-2 (supervision levels), S-1 (administrative levels), E-6 (grades).
Names follow ``spec/glossary.md``.
"""

from __future__ import annotations

import enum
from typing import Literal, Self

import attrs

from community_governance.errors import UnknownLabelError

__all__ = [
    "AdminLevel",
    "ApprovalBase",
    "BilingualEnum",
    "Choice",
    "Component",
    "ConcernCategory",
    "DayCount",
    "Dimension",
    "Executor",
    "Grade",
    "GradeBasis",
    "Lang",
    "LookalikeRule",
    "Measure",
    "MissingComponentRule",
    "OrganisationKind",
    "PeerAggregation",
    "Pillar",
    "PseudonymScope",
    "Role",
    "SampleDisclosure",
    "ServiceCategory",
    "SmallFrameRule",
    "SupervisionLevel",
    "SurveyAttribution",
    "Term",
    "WorkKind",
]

#: The two languages every label and explanation is rendered in.
Lang = Literal["zh", "en"]


class BilingualEnum(enum.Enum):
    """An enum whose members carry a code and Chinese and English labels."""

    _value_: str
    zh: str
    en: str

    # Members are singletons compared by identity, so identity is their hash: a C-level
    # hash instead of Enum's hash of the name, for the dictionaries keyed by dimension,
    # component or grade that every evaluation fills.
    __hash__ = object.__hash__

    def __new__(cls, code: str, zh: str, en: str) -> Self:
        """Build a member from its code and its two labels."""
        member = object.__new__(cls)
        member._value_ = code
        member.zh = zh
        member.en = en
        return member

    @property
    def code(self) -> str:
        """The stable identifier used in files, JSON and the command line."""
        return self._value_

    def label(self, lang: Lang) -> str:
        """The label in ``lang`` (``"zh"`` or ``"en"``)."""
        return self.zh if lang == "zh" else self.en

    def bilingual(self) -> str:
        """Both labels, for places that show one string: ``"七分服务 / service"``."""
        return f"{self.zh} / {self.en}"

    @classmethod
    def coerce(cls, value: Self | str) -> Self:
        """``value`` itself if it is a member, else the member it labels (``from_label``)."""
        if isinstance(value, cls):
            return value
        if not isinstance(value, str):
            raise UnknownLabelError(
                f"expected a {cls.__name__} or its label, got {value!r}",
                field=cls.__name__,
                rule="vocabulary",
                zh=f"应为 {cls.__name__} 或其标签，实为 {value!r}",
            )
        return cls.from_label(value)

    @classmethod
    def from_label(cls, label: str) -> Self:
        """Find the member whose code, Chinese or English label is ``label``.

        Codes and English labels match case-insensitively; surrounding white
        space is ignored.

        Raises:
            UnknownLabelError: no member matches; the message lists them all.
        """
        exact = cls._value2member_map_.get(label)
        if exact is not None:  # a code as written: the common case, one look-up
            return exact  # type: ignore[return-value]
        wanted = label.strip()
        folded = wanted.casefold()
        for member in cls:
            if wanted == member.zh or folded in (member.code.casefold(), member.en.casefold()):
                return member
        valid = ", ".join(f"{m.code} ({m.zh} / {m.en})" for m in cls)
        raise UnknownLabelError(
            f"unknown {cls.__name__} {label!r}; valid: {valid}",
            field=cls.__name__,
            rule="vocabulary",
            zh=f"未知的 {cls.__name__} {label!r}；有效值：{valid}",
        )

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        # Pillar("七分服务") and Pillar("Service") work as well as Pillar("service").
        if isinstance(value, str):
            return cls.from_label(value)
        return None


@attrs.frozen
class Term:
    """A municipality's own vocabulary entry (e.g. a local concern category): code and labels.

    Used where a closed enum is too narrow; behaves like an enum member for
    display (``zh``, ``en``, ``code``,
    [`label`][community_governance.vocabulary.BilingualEnum.label]).
    """

    code: str
    zh: str
    en: str

    def label(self, lang: Lang) -> str:
        """The label in ``lang``."""
        return self.zh if lang == "zh" else self.en


class Pillar(BilingualEnum):
    """The three pillars of the 1:2:7 model (P-1)."""

    MANAGEMENT = ("management", "一分管理", "management")
    CONSULTATION = ("consultation", "两分协商", "consultation")
    SERVICE = ("service", "七分服务", "service")


class Dimension(BilingualEnum):
    """The six dimensions each member unit is judged on (E-2)."""

    SERVICE_ATTITUDE = ("service_attitude", "服务态度", "service attitude")
    PROFESSIONAL_LEVEL = ("professional_level", "专业水平", "professional level")
    EXECUTION_ABILITY = ("execution_ability", "执行能力", "execution ability")
    COORDINATION_ABILITY = ("coordination_ability", "协调能力", "coordination ability")
    TASK_COMPLETION = ("task_completion", "完成任务情况", "task completion")
    PUBLIC_SATISFACTION = ("public_satisfaction", "群众满意度", "public satisfaction")


class ConcernCategory(BilingualEnum):
    """Categories residents' concerns are sorted into (C-2).

    The article names sanitation, public security and livelihood; the others
    are the ones municipal grid platforms commonly add (GB/T 30428 event
    classes map onto them).
    """

    SANITATION = ("sanitation", "卫生", "sanitation")
    PUBLIC_SECURITY = ("public_security", "治安", "public security")
    LIVELIHOOD = ("livelihood", "民生", "livelihood")
    INFRASTRUCTURE = ("infrastructure", "基础设施", "infrastructure")
    ENVIRONMENT = ("environment", "环境", "environment")
    NEIGHBOUR_DISPUTE = ("neighbour_dispute", "邻里纠纷", "neighbour dispute")
    OTHER = ("other", "其他", "other")


class Role(BilingualEnum):
    """Roles people hold in the mechanism (C-1, C-4, M-4, M-6, R-2, S-7)."""

    PARTY_ORGANISATION_MEMBER = (
        "party_organisation_member",
        "党组织成员",
        "party organisation member",
    )
    SOCIAL_WORKER = ("social_worker", "社工", "social worker")
    PARTY_MEMBER = ("party_member", "党员", "party member")
    BUILDING_LEADER = ("building_leader", "楼栋小组长", "building group leader")
    UNIT_REPRESENTATIVE = ("unit_representative", "组团单位成员代表", "member-unit representative")
    RESIDENT_REPRESENTATIVE = ("resident_representative", "居民代表", "resident representative")
    PARTY_CONGRESS_DELEGATE = ("party_congress_delegate", "党代表", "party-congress delegate")
    IN_SERVICE_PARTY_MEMBER = ("in_service_party_member", "在职党员", "in-service party member")
    DEPUTY = ("deputy", "两代表一委员", "deputy or committee member")
    CAPABLE_RESIDENT = ("capable_resident", "经济能人", "economically capable resident")
    RESPECTED_PERSON = ("respected_person", "贤达人士", "respected person")
    GRID_WORKER = ("grid_worker", "网格员", "grid worker")
    VOLUNTEER = ("volunteer", "志愿者", "volunteer")


class OrganisationKind(BilingualEnum):
    """Kinds of organisation that take part in community governance (M-1..M-6, C-4, S-1, S-2)."""

    PARTY_ORGANISATION = ("party_organisation", "社区党组织", "community party organisation")
    COMPOUND_PARTY_BRANCH = ("compound_party_branch", "小区党支部", "compound party branch")
    COMMUNITY_PARTY_COMMITTEE = (
        "community_party_committee",
        "社区大党委",
        "community party committee",
    )
    RESIDENTS_COMMITTEE = ("residents_committee", "居委会", "residents' committee")
    OWNERS_COMMITTEE = ("owners_committee", "业委会", "owners' committee")
    PROPERTY_COMPANY = ("property_company", "物业公司", "property-management company")
    CO_BUILDING_UNIT = ("co_building_unit", "共建单位", "co-building unit")
    PUBLIC_INSTITUTION = ("public_institution", "驻区单位", "resident public institution")
    BUSINESS = ("business", "辖区企业", "local business")
    SOCIAL_WORK_AGENCY = ("social_work_agency", "社会工作机构", "social-work agency")
    SOCIAL_ORGANISATION = ("social_organisation", "社会组织", "social organisation")
    SERVICE_STATION = ("service_station", "社区服务站", "community service station")
    GOVERNMENT_DEPARTMENT = ("government_department", "政府部门", "government department")


class ServiceCategory(BilingualEnum):
    """The seven services of the 70% pillar (S-1..S-7)."""

    ONE_STOP = ("one_stop", "一站式便民服务", "one-stop convenience service")
    PROFESSIONAL = ("professional", "技术型专业服务", "technical professional service")
    INTEGRATION = ("integration", "一体化居民服务", "integrated resident service")
    MICRO_GOVERNANCE = ("micro_governance", "微治理自助服务", "micro-governance self-service")
    CULTURE_SPORTS = (
        "culture_sports",
        "项目化文体服务",
        "project-based culture and sports service",
    )
    PUBLIC = ("public", "常态化公共服务", "normalised public service")
    VOLUNTEER = ("volunteer", "契约式志愿服务", "contract-based volunteer service")

    @property
    def rule(self) -> str:
        """The rule ID of this service: S-1 for the first, ..., S-7 for the last."""
        return f"S-{list(type(self)).index(self) + 1}"


class SupervisionLevel(BilingualEnum):
    """The three levels of supervision over a rectifying unit, top first (R-2)."""

    PARTY_ORGANISATION = ("party_organisation", "社区党组织", "community party organisation")
    MEMBER_UNIT_REPRESENTATIVES = (
        "member_unit_representatives",
        "组团单位代表",
        "member-unit representatives",
    )
    RESIDENT_REPRESENTATIVES = ("resident_representatives", "居民代表", "resident representatives")


class AdminLevel(BilingualEnum):
    """The levels linked by the grid platform, top first (S-1)."""

    DISTRICT = ("district", "区", "district")
    STREET = ("street", "街道（镇）", "street or town")
    COMMUNITY = ("community", "社区（村）", "community or village")
    GRID_CELL = ("grid_cell", "网格", "grid cell")


class Grade(BilingualEnum):
    """Evaluation grades (E-6); which scores earn which grade is policy data."""

    EXCELLENT = ("excellent", "优秀", "excellent")
    GOOD = ("good", "良好", "good")
    QUALIFIED = ("qualified", "合格", "qualified")
    FAILED = ("failed", "不合格", "failed")


class ApprovalBase(BilingualEnum):
    """Whose agreement the approval threshold is a share of (C-3, an open choice)."""

    ENTITLED = ("entitled", "全体应到代表", "all representatives entitled to vote")
    PRESENT = ("present", "出席代表", "representatives present")
    CAST = ("cast", "实际投票（不含弃权）", "votes cast (abstentions excluded)")


class PeerAggregation(BilingualEnum):
    """How the other units' ratings are combined (E-3, E-5, an open choice)."""

    MEAN = ("mean", "算术平均", "arithmetic mean")
    TRIMMED = ("trimmed", "去掉一个最高分和一个最低分后平均", "mean without the highest and lowest")


class MissingComponentRule(BilingualEnum):
    """What to do when a unit lacks self, peer or survey scores (E-5, an open choice)."""

    ERROR = ("error", "报错", "raise an error")
    REWEIGHT = ("reweight", "按比例重新分配权重", "re-weight the remaining components")


class Component(BilingualEnum):
    """The three components of a unit's final score (E-3, E-4, E-5)."""

    SELF = ("self", "自评", "self-rating")
    PEER = ("peer", "互评", "peer ratings")
    PUBLIC = ("public", "民意测评", "public-opinion survey")


class GradeBasis(BilingualEnum):
    """Whether grade bands compare the exact or the reported score (E-6, an open choice)."""

    RAW = ("raw", "精确分", "exact score")
    ROUNDED = ("rounded", "公布分（修约后）", "reported (rounded) score")


class DayCount(BilingualEnum):
    """How a deadline in days is counted (E-6, an open choice)."""

    CALENDAR = ("calendar", "自然日", "calendar days")
    WORKING = ("working", "工作日（周一至周五）", "working days (Monday to Friday)")


class PseudonymScope(BilingualEnum):
    """Within what a household keeps one pseudonym in the record (E-4, S-*; an open choice).

    The wider the scope, the more of a household's history can be linked by whoever holds
    the key; the narrower, the less a quarter's records say about the next.
    """

    COMMUNITY = ("community", "同一社区内不变", "the same within a community")
    QUARTER = ("quarter", "每个社区每季度不同", "new for each community and quarter")


class SampleDisclosure(BilingualEnum):
    """How much of the household sample the public announcement shows (R-1, an open choice)."""

    IDS = ("ids", "公布抽中住户的编号", "the sampled households' ids")
    COUNT = ("count", "只公布抽中户数", "only how many households were sampled")


class SmallFrameRule(BilingualEnum):
    """What to do when a community has fewer households than the survey size (E-4)."""

    CENSUS = ("census", "全部住户参与调查", "survey every household")
    ERROR = ("error", "报错", "raise an error")


class LookalikeRule(BilingualEnum):
    """What to do with ids that look alike but differ, at input (E-4)."""

    ERROR = ("error", "报错", "raise an error")
    WARN = ("warn", "警告并接受", "warn and accept")


class SurveyAttribution(BilingualEnum):
    """Which units a project's survey scores count for (E-4, E-5, an open choice)."""

    RESPONSIBLE = ("responsible", "项目责任单位", "the units responsible for the project")
    ALL = ("all", "全体组团单位", "every member unit")


class Choice(BilingualEnum):
    """A representative's ballot on a proposed project (C-3)."""

    AGREE = ("agree", "同意", "agree")
    DISAGREE = ("disagree", "不同意", "disagree")
    ABSTAIN = ("abstain", "弃权", "abstain")


class WorkKind(BilingualEnum):
    """What kind of work an approved project is, for routing it to its executor (C-4)."""

    PUBLIC_AFFAIRS = ("public_affairs", "公共事务", "public affairs")
    MOBILISATION = (
        "mobilisation",
        "带动性工作",
        "mobilisation and publicity",
    )
    SPECIALISED = ("specialised", "专项需求", "specialised need")


class Executor(BilingualEnum):
    """Who carries out a kind of work, and how the one concerned is found (C-4).

    Owners' committees and property companies are matched by the compounds
    a project concerns; co-building units and social-work agencies by their
    line of business; resident representatives by their role.
    """

    OWNERS_COMMITTEE = ("owners_committee", "业委会", "owners' committee")
    PROPERTY_COMPANY = ("property_company", "物业公司", "property-management company")
    RESIDENT_REPRESENTATIVES = ("resident_representatives", "居民代表", "resident representatives")
    CO_BUILDING_UNIT = ("co_building_unit", "共建单位", "co-building unit")
    SOCIAL_WORK_AGENCY = ("social_work_agency", "社会工作机构", "social-work agency")


class Measure(BilingualEnum):
    """What an effort record measures, for the 1:2:7 balance (P-2)."""

    HOURS = ("hours", "工时", "hours")
    BUDGET = ("budget", "经费（元）", "budget (yuan)")
    ACTIVITIES = ("activities", "活动次数", "activity count")
