"""The mechanism's rules as one table, which installed packages extend (P, M, C, E, R, S).

Every rule has an ID, a one-line statement in Chinese and English, the source it restates,
and the functions that implement it. ``SHIPPED`` is the table of the mechanism's 28 rules;
it is the single source of the docs' rule list and rule reference (``tools/rules.py``
writes both), of the IDs a policy parameter may cite, and of ``community-governance rules``.

A municipality adds its own rules without forking: an installed package names a
[`RuleSet`][community_governance.rules.RuleSet] in the entry-point group
``community_governance.rules``. A rule set brings its rules and the dated, cited
parameters they read, in the form of a policy file's parameters under ``local.``;
[`extend`][community_governance.rules.extend] adds those a policy does not already define,
so a policy file can still override them.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import Any

import attrs

from community_governance.errors import PolicyError
from community_governance.frozen import FrozenMap

__all__ = [
    "ENTRY_POINT_GROUP",
    "GROUPS",
    "SHIPPED",
    "Rule",
    "RuleSet",
    "all_rules",
    "extend",
    "find_rule",
    "installed_rule_sets",
    "is_rule_id",
]

#: The entry-point group through which installed packages add rule sets.
ENTRY_POINT_GROUP = "community_governance.rules"

#: A rule ID: letters (a group, or a municipality's own prefix), a hyphen and a number.
_ID = re.compile(r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*-[1-9][0-9]{0,3}")
_ARTICLE = "《127党建引领社区治理机制探索》(2021-01-21)"


@attrs.frozen
class Rule:
    """One rule: its ID, what it says in Chinese and English, its source, its implementation.

    Attributes:
        id: ``E-5``, or a municipality's own (``DR-1``).
        zh: the rule in one Chinese sentence.
        en: the rule in one English sentence.
        source: the text the rule restates (document and section).
        implemented_by: dotted paths of the functions or classes that apply it.
    """

    id: str
    zh: str
    en: str
    source: str
    implemented_by: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        if not _ID.fullmatch(self.id):
            raise PolicyError(
                f"{self.id!r} is not a rule ID (letters, a hyphen and a number: E-5, DR-1)",
                field="id",
                rule="policy",
                zh=f"{self.id!r} 不是规则编号（字母、连字符和数字，如 E-5、DR-1）",
            )
        if not (self.zh.strip() and self.en.strip() and self.source.strip()):
            raise PolicyError(
                f"rule {self.id} needs its statement in Chinese and English, and its source",
                field=self.id,
                rule="policy",
                zh=f"规则 {self.id} 须有中英文表述和出处",
            )

    @property
    def group(self) -> str:
        """The part of the mechanism the rule belongs to: its ID up to the last hyphen."""
        return self.id.rpartition("-")[0]

    def title(self, lang: str) -> str:
        """The rule's statement in ``lang`` (``"zh"`` or ``"en"``)."""
        return self.zh if lang == "zh" else self.en


def _parameter_tables(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return FrozenMap({name: FrozenMap(table) for name, table in value.items()})


@attrs.frozen
class RuleSet:
    """What an installed package adds: its rules and the parameters they read.

    Attributes:
        name: the package's name for the set (its entry point's name when installed).
        rules: the rules, each with an ID of its own.
        parameters: ``local.`` parameters in a policy file's form (``rule``, ``note``,
            ``reference``, ``values``), each citing one of the set's rules.
        explain_unit: what the set's rules decide for one unit, given its community's
            [`QuarterHistory`][community_governance.evaluation.history.QuarterHistory]
            and the policy: an explanation, or ``None`` where no rule of the set applies.
            ``community-governance explain --history`` shows it under the unit's score.
    """

    name: str
    rules: tuple[Rule, ...]
    parameters: Mapping[str, Mapping[str, Any]] = attrs.field(
        factory=FrozenMap, converter=_parameter_tables
    )
    explain_unit: Callable[[Any, Any, str], Any] | None = None

    def __attrs_post_init__(self) -> None:
        ids = {r.id for r in self.rules}
        where = f"rule set {self.name!r}"
        if len(ids) != len(self.rules) or not ids:
            raise PolicyError(
                f"{where}: at least one rule, and no ID twice",
                field=where,
                rule="policy",
                zh=f"规则集 {self.name!r}：至少一条规则，且编号不得重复",
            )
        for name, table in self.parameters.items():
            if not name.startswith("local.") or table.get("rule") not in ids:
                raise PolicyError(
                    f"{where}: parameter {name!r} must be a local. parameter citing one of "
                    f"the set's rules ({', '.join(sorted(ids))})",
                    field=f"{where}.parameters[{name}]",
                    rule="policy",
                    zh=(
                        f"规则集 {self.name!r}：参数 {name!r} 须为 local. 参数，"
                        f"并引用本规则集的规则（{'、'.join(sorted(ids))}）"
                    ),
                )


def _r(rule_id: str, zh: str, en: str, section: str, *implemented_by: str) -> Rule:
    return Rule(rule_id, zh, en, f"{_ARTICLE}, {section}", implemented_by)


_P, _M, _C = "总体 (the whole)", "一分管理 (management)", "两分协商·组团协作 (group collaboration)"
_E, _R, _S = "两分协商·监督评价 (evaluation)", "整改 (rectification)", "七分服务 (service)"
_CG = "community_governance"

#: The mechanism's rules, in the order of the article.
SHIPPED: tuple[Rule, ...] = (
    _r(
        "P-1",
        "治理工作按一分管理、两分协商、七分服务分配（10% / 20% / 70%）。",
        "Governance effort is divided 10% management, 20% consultation, 70% service.",
        _P,
        f"{_CG}.management.balance.allocation",
    ),
    _r(
        "P-2",
        "本库把实际投入（工时、经费或活动次数，按板块标记）与目标比例对照；目标本身是政策参数。",
        "The library compares an actual allocation of effort (hours, budget or activity counts, "
        "each tagged with its pillar) with that target; the target is a policy parameter.",
        _P,
        f"{_CG}.management.balance.allocation",
    ),
    _r(
        "M-1",
        "社区党组织是领导核心；居民和社区组织能自行解决的事项逐步交还，法律法规另有规定的除外。",
        "The community party organisation leads; what residents and their organisations can "
        "settle themselves is handed back to them, unless a law reserves it.",
        _M,
        f"{_CG}.management.access.propose_hand_back",
    ),
    _r(
        "M-2",
        "普遍建立小区党支部。",
        "Residential compounds get their own party branches as a rule.",
        _M,
        f"{_CG}.management.structures.compounds_without_branch",
    ),
    _r(
        "M-3",
        "减负增效：权随责走、费随事转，通过社区事务准入制度把关。",
        "Nothing is pushed down onto the community without the authority and the funding to "
        "carry it: a community-affairs access system checks each matter.",
        _M,
        f"{_CG}.management.access.admit_matter",
    ),
    _r(
        "M-4",
        "区域化党建：社区大党委、在职党员到社区报到、党代表到社区服务站驻站轮值。",
        "A community party committee brings in member units; party members working elsewhere "
        "register with their home community; party-congress delegates take turns on duty at "
        "the service station.",
        _M,
        f"{_CG}.management.rota.duty_rota",
    ),
    _r(
        "M-5",
        "居委会是法定群众自治组织，以自治事项清单厘清政府与社区的权责边界。",
        "The residents' committee governs itself; a list of self-governance matters marks "
        "where government stops and the community starts.",
        _M,
        f"{_CG}.management.access.admit_matter",
    ),
    _r(
        "M-6",
        "吸纳成员单位、区外共建单位、辖区企业、物业公司、“两代表一委员”、经济能人和贤达人士，"
        "提供人、财、物支持。",
        "Member units, partner units from outside, local businesses, property companies, "
        "deputies and respected residents contribute people, money and materials.",
        _M,
        f"{_CG}.management.structures.Contribution",
    ),
    _r(
        "C-1",
        "议事团队由党组织成员和社工牵头，党员和楼栋小组长参加。",
        "A deliberation team is led by party-organisation members and social workers, with "
        "party members and building group leaders in it.",
        _C,
        f"{_CG}.consultation.team.check_team",
    ),
    _r(
        "C-2",
        "定期把居民反映的问题按卫生、治安、民生等类别归类梳理。",
        "Residents' concerns are collected and sorted into categories (sanitation, public "
        "security, livelihood, ...).",
        _C,
        f"{_CG}.consultation.concerns.digest",
    ),
    _r(
        "C-3",
        "组团议事会议上由组团单位成员代表对拟推动项目投票，85%以上（含本数）同意即确认实施。",
        "At a group deliberation meeting the member units' representatives vote on each "
        "proposed project; it is confirmed when at least 85% agree.",
        _C,
        f"{_CG}.consultation.vote.tally",
        f"{_CG}.consultation.meeting.Meeting",
    ),
    _r(
        "C-4",
        "决定后由社区党组织协调部署：公共事务交业委会，带动性工作交居民代表，"
        "专业需求交对口的共建单位。",
        "Approved work goes to whoever must carry it out: public affairs to the owners' "
        "committees, mobilisation and publicity to resident representatives, specialised needs "
        "to the partner unit whose business matches.",
        _C,
        f"{_CG}.consultation.routing.route",
        f"{_CG}.consultation.projects.ProjectRecord",
    ),
    _r(
        "E-1",
        "每季度召开组团单位考评会议。",
        "Every quarter the member units meet to be evaluated.",
        _E,
        f"{_CG}.evaluation.quarter.evaluate_quarter",
        f"{_CG}.evaluation.city.evaluate_city",
    ),
    _r(
        "E-2",
        "依照职责清单，从服务态度、专业水平、执行能力、协调能力、完成任务情况、"
        "群众满意度六个维度评价。",
        "Each unit is judged against its responsibility list on six dimensions: service "
        "attitude, professional level, execution, coordination, task completion and public "
        "satisfaction.",
        _E,
        f"{_CG}.evaluation.ratings.rating_score",
    ),
    _r(
        "E-3",
        "各单位自评并相互评价。",
        "Each unit rates itself and the others.",
        _E,
        f"{_CG}.evaluation.ratings.RatingBook",
        f"{_CG}.evaluation.scoring.peer_mean",
    ),
    _r(
        "E-4",
        "对季度内落实的项目开展民意测评：随机抽取 100 户发放满意度问卷。",
        "The quarter's projects are assessed by a satisfaction survey of 100 randomly chosen "
        "households.",
        _E,
        f"{_CG}.evaluation.sampling.draw_sample",
        f"{_CG}.evaluation.sampling.verify_sample",
        f"{_CG}.evaluation.survey.Survey",
    ),
    _r(
        "E-5",
        "最终成绩 = 10% 自评分 + 40% 互评均分 + 50% 民意测评均分。",
        "Final score = 10% self-rating + 40% mean of the peer ratings + 50% mean of the survey.",
        _E,
        f"{_CG}.evaluation.scoring.final_score",
    ),
    _r(
        "E-6",
        "成绩优秀的单位获荣誉证书；考评未合格的单位限期整改。",
        "Excellent units receive an honour certificate; failing units must rectify within a "
        "deadline.",
        _E,
        f"{_CG}.evaluation.scoring.grade_of",
        f"{_CG}.evaluation.scoring.rank",
        f"{_CG}.rectification.case.open_case",
    ),
    _r(
        "R-1",
        "考评结果公示。",
        "Evaluation results are announced publicly.",
        _R,
        f"{_CG}.rectification.announcement.announce",
    ),
    _r(
        "R-2",
        "对整改单位实行“社区党组织—组团单位代表—居民代表”三级督导。",
        "A rectifying unit is supervised at three levels: the party organisation, the "
        "member-unit representatives and the resident representatives.",
        _R,
        f"{_CG}.rectification.case.RectificationCase",
    ),
    _r(
        "R-3",
        "公示后，其他成员单位可在整改期内直接监督、纠正整改单位的工作。",
        "During rectification the other member units may supervise and correct its work directly.",
        _R,
        f"{_CG}.rectification.events.Supervise",
    ),
    _r(
        "S-1",
        "一站式便民服务：社区服务站延伸政府公共服务；网格化服务管理信息平台区—街道—社区三级联动。",
        "One-stop convenience service: the service station extends public services, and a grid "
        "platform links district, street and community.",
        _S,
        f"{_CG}.services.grid.route_request",
    ),
    _r(
        "S-2",
        "技术型专业服务：社会工作机构提供救助、调处、疏导、矫治等专业服务。",
        "Professional services: social-work agencies provide relief, mediation, counselling "
        "and correction.",
        _S,
        f"{_CG}.services.professional.ProfessionalCase",
    ),
    _r(
        "S-3",
        "一体化居民服务：社区资源向外来人员和新市民开放。",
        "Integrated resident service: the community's resources are open to migrants and new "
        "citizens.",
        _S,
        f"{_CG}.services.integrated.eligible",
    ),
    _r(
        "S-4",
        "“微治理”自助服务：微心愿、微组织、微机制、微行动。",
        "Micro-governance self-service: micro-wishes, micro-organisations, micro-mechanisms and "
        "micro-actions.",
        _S,
        f"{_CG}.services.micro_governance.MicroWish",
    ),
    _r(
        "S-5",
        "项目化文体服务：贴近居民、参与度高的文体活动项目。",
        "Project-based culture and sports: activity projects close to residents, with high "
        "participation.",
        _S,
        f"{_CG}.services.activities.ActivityProject",
    ),
    _r(
        "S-6",
        "常态化公共服务：场馆定时免费开放、街心公园改造、公共空间认养认管认领。",
        "Normalised public service: venues open free at set hours, parks renovated, public "
        "spaces adopted and looked after.",
        _S,
        f"{_CG}.services.public.Stewardship",
    ),
    _r(
        "S-7",
        "契约式志愿服务：志愿者按契约服务六项目标。",
        "Contract-based volunteering: volunteers serve six goals under a contract.",
        _S,
        f"{_CG}.services.volunteers.VolunteerContract",
    ),
)

#: The parts of the mechanism, by a rule ID's letters: (Chinese, English) headings.
GROUPS: Mapping[str, tuple[str, str]] = FrozenMap(
    {
        "P": ("P 总体", "P — the whole"),
        "M": ("M 一分管理：党建主线", "M — management: party building as the main line (10%)"),
        "C": ("C 两分协商：组团协作", "C — consultation: group collaboration (part of the 20%)"),
        "E": (
            "E 两分协商：监督评价",
            "E — consultation: supervision and evaluation (the rest of the 20%)",
        ),
        "R": ("R 整改", "R — rectification"),
        "S": ("S 七分服务", "S — service: seven services (70%)"),
    }
)
_SHIPPED_IDS = frozenset(r.id for r in SHIPPED)
_EXTENDING: ContextVar[frozenset[str]] = ContextVar("extending", default=frozenset())


@functools.cache
def installed_rule_sets() -> tuple[RuleSet, ...]:
    """The rule sets installed packages add (entry-point group ``community_governance.rules``).

    Raises:
        PolicyError: an entry point that is not a rule set, or whose rules reuse an ID.
    """
    from importlib.metadata import entry_points  # noqa: PLC0415 - slow; only when asked

    sets: list[RuleSet] = []
    seen = set(_SHIPPED_IDS)
    for point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda p: p.name):
        where = f"entry-points[{ENTRY_POINT_GROUP}].{point.name}"
        target: Any = point.load()
        if callable(target) and not isinstance(target, RuleSet):
            target = target()
        if not isinstance(target, RuleSet):
            raise PolicyError(
                f"{where} is {type(target).__name__}, not a RuleSet",
                field=where,
                rule="policy",
                zh=f"{where} 是 {type(target).__name__}，不是 RuleSet",
            )
        clash = sorted(seen & {r.id for r in target.rules})
        if clash:
            raise PolicyError(
                f"{where}: rule ID(s) {', '.join(clash)} already exist",
                field=where,
                rule="policy",
                zh=f"{where}：规则编号 {'、'.join(clash)} 已存在",
            )
        seen |= {r.id for r in target.rules}
        sets.append(target)
    return tuple(sets)


def all_rules() -> tuple[Rule, ...]:
    """The mechanism's rules, then every installed rule set's."""
    return SHIPPED + tuple(r for s in installed_rule_sets() for r in s.rules)


def find_rule(rule_id: str) -> Rule | None:
    """The rule with ID ``rule_id``, shipped or installed, or ``None``."""
    return next((r for r in all_rules() if r.id == rule_id), None)


def is_rule_id(rule_id: str) -> bool:
    """Whether a policy parameter may cite ``rule_id``: a known rule, or a ``LOCAL-`` one.

    ``LOCAL-…`` IDs stay open for a municipality's parameters that no rule set declares.
    """
    if rule_id in _SHIPPED_IDS or rule_id.startswith("LOCAL-") or rule_id in _EXTENDING.get():
        return True
    return find_rule(rule_id) is not None


def extend(policy: Any, sets: tuple[RuleSet, ...] | None = None) -> Any:
    """``policy`` with the parameters of the rule sets (default: the installed ones) it lacks.

    A parameter the policy already defines is kept as the policy has it, so a municipality's
    policy file overrides a rule set's defaults. The result's lineage names each set used.
    """
    chosen = installed_rule_sets() if sets is None else sets
    for rule_set in chosen:
        missing = {n: t for n, t in rule_set.parameters.items() if n not in policy.parameters}
        if missing:
            # The set's own rule IDs are citable while its parameters are read, installed or not.
            token = _EXTENDING.set(frozenset(r.id for r in rule_set.rules))
            try:
                policy = policy.override(
                    {n: _plain(t) for n, t in missing.items()}, label=f"rules:{rule_set.name}"
                )
            finally:
                _EXTENDING.reset(token)
    return policy


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def implementation(path: str) -> Any:
    """The object at dotted ``path`` (``package.module.name``)."""
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)
