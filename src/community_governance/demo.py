"""A fictional but realistic community and one whole quarter of the mechanism, from a seed.

[`demo_quarter`][community_governance.demo.demo_quarter] builds, deterministically from ``seed``,
the community of
"Haibin" (海滨社区): twelve member units of every kind, about 2,400
households in four compounds, a deliberation team, a quarter of residents'
concerns, a deliberation meeting with proposals and votes, routed projects
completed in the quarter, self and peer ratings, a sampled household survey,
volunteer contracts with the hours served (S-7), and effort records for the
1:2:7 balance. One unit serves its residents badly and fails.

[`run_demo`][community_governance.demo.run_demo] then runs the quarter through every part of the
library:
concerns digest (C-2), tallies (C-3), routing (C-4), evaluation (E-1..E-6),
announcement and rectification cases (R-1, E-6) and the 1:2:7 balance (P-2).
Nothing here is hand-typed data: change the seed and everything changes
consistently.

The demo quarter's builders share one seeded random stream, in one order: that order
makes the demo reproducible.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import tempfile
from pathlib import Path
from typing import Any

import attrs

from community_governance.community import Community, MemberUnit, Quarter, Representative
from community_governance.consultation import (
    Assignment,
    ClosedMeeting,
    Concern,
    ConcernDigest,
    DeliberationTeam,
    Meeting,
    ProjectRecord,
    ProjectStatus,
    Proposal,
    TeamMember,
    assign_manually,
    completed_in,
    digest,
    route,
)
from community_governance.errors import RoutingError
from community_governance.evaluation import (
    QuarterResult,
    Rating,
    RatingBook,
    SamplingFrame,
    Survey,
    SurveyResponse,
    draw_sample,
    evaluate_quarter,
)
from community_governance.evaluation.commitment import (
    FrameCommitment,
    SeedKind,
    SeedSource,
    commit_frame,
)
from community_governance.extras import optional
from community_governance.management import Allocation, EffortRecord, allocation
from community_governance.policy.loader import default_policy
from community_governance.policy.model import Policy
from community_governance.rectification import Announcement, RectificationCase, announce
from community_governance.services import VolunteerContract, VolunteerHours, volunteer_effort
from community_governance.vocabulary import ConcernCategory, Dimension, Measure, Pillar

__all__ = [
    "DemoOutcome",
    "DemoQuarter",
    "demo_commitment",
    "demo_frame_secret",
    "demo_quarter",
    "run_demo",
]

COMPOUNDS = ("A", "B", "C", "D")

# (unit id, name, kind, compounds served, lines of business, how well it serves: 0..100)
_UNITS = (
    ("owners-a", "A区业委会 Owners' committee A", "owners_committee", ("A",), (), 88),
    ("owners-b", "B区业委会 Owners' committee B", "owners_committee", ("B",), (), 84),
    ("owners-c", "C区业委会 Owners' committee C", "owners_committee", ("C",), (), 80),
    ("owners-d", "D区业委会 Owners' committee D", "owners_committee", ("D",), (), 78),
    (
        "property",
        "海滨物业 Haibin property services",
        "property_company",
        COMPOUNDS,
        ("repairs",),
        83,
    ),
    ("clinic", "社区卫生服务站 Community clinic", "co_building_unit", (), ("health",), 93),
    ("school", "海滨小学 Haibin primary school", "co_building_unit", (), ("education",), 90),
    ("bank", "海滨储蓄所 Savings bank", "co_building_unit", (), ("finance",), 82),
    ("police", "海滨派出所 Police station", "co_building_unit", (), ("public security",), 86),
    ("agency", "心语社工 Xinyu social work", "social_work_agency", (), ("counselling",), 89),
    ("library", "区图书馆分馆 Library branch", "public_institution", (), ("culture",), 81),
    ("market", "惠民超市 Huimin supermarket", "business", (), ("retail",), 42),
)

# (proposal id, title, kind of work, compounds, need, answers which category)
_PROPOSALS = (
    (
        "bins-ab",
        "A、B区增设垃圾桶、每日清运两次 More bins in A and B",
        "public_affairs",
        ("A", "B"),
        None,
        "sanitation",
    ),
    (
        "lights-cd",
        "C、D区小路照明 Lights on the paths of C and D",
        "public_affairs",
        ("C", "D"),
        None,
        "public_security",
    ),
    (
        "checkups",
        "老年人每月体检 Monthly check-ups for older residents",
        "specialised",
        (),
        "health",
        "livelihood",
    ),
    ("tutoring", "课后辅导 After-school tutoring", "specialised", (), "education", "livelihood"),
    ("anti-fraud", "防诈骗讲座 Anti-fraud talks", "specialised", (), "finance", "public_security"),
    (
        "watch",
        "警民联防巡逻 Neighbourhood watch",
        "specialised",
        (),
        "public security",
        "public_security",
    ),
    (
        "counselling",
        "家庭心理疏导 Family counselling",
        "specialised",
        (),
        "counselling",
        "neighbour_dispute",
    ),
    (
        "reading",
        "服务站阅读角 A reading corner",
        "specialised",
        (),
        "culture",
        "livelihood",
    ),
    (
        "fresh-food",
        "平价生鲜摊位 A fair-price fresh-food stall",
        "specialised",
        (),
        "retail",
        "livelihood",
    ),
    (
        "repairs",
        "电梯和屋顶维修 Lift and roof repairs",
        "public_affairs",
        COMPOUNDS,
        None,
        "infrastructure",
    ),
    (
        "car-park",
        "B区草坪改停车场 Turn B's lawn into a car park",
        "public_affairs",
        ("B",),
        None,
        "other",
    ),
)

_ANSWERS = (
    "very_satisfied",
    "satisfied",
    "basically_satisfied",
    "dissatisfied",
    "very_dissatisfied",
)


@attrs.frozen
class DemoQuarter:
    """Everything that happened in the demo community in one quarter (the inputs)."""

    seed: int
    quarter: Quarter
    policy: Policy
    community: Community
    representatives: tuple[Representative, ...]
    team: DeliberationTeam
    frame: SamplingFrame
    concerns: tuple[Concern, ...]
    meeting: ClosedMeeting
    assignments: tuple[Assignment, ...]
    projects: tuple[ProjectRecord, ...]
    ratings: RatingBook
    survey: Survey
    effort: tuple[EffortRecord, ...]
    volunteers: tuple[VolunteerContract, ...] = ()
    volunteer_hours: tuple[VolunteerHours, ...] = ()


@attrs.frozen
class DemoOutcome:
    """What the library made of the demo quarter (the outputs)."""

    concerns: ConcernDigest
    result: QuarterResult
    announcement: Announcement
    cases: tuple[RectificationCase, ...]
    balance: Allocation


def _clamp(value: float) -> int:
    return max(0, min(100, round(value)))


def _concerns(rnd: random.Random, q: Quarter, households: list[str]) -> list[Concern]:
    categories = [ConcernCategory.from_label(p[5]) for p in _PROPOSALS]
    concerns = []
    for i in range(72):
        category = rnd.choice(categories)
        day = q.start - dt.timedelta(days=rnd.randint(1, 60))
        grid = rnd.random() >= 0.8  # noqa: PLR2004 - one concern in five comes from a grid worker
        reporter = f"grid-{rnd.randint(1, 6)}" if grid else rnd.choice(households)
        place = rnd.choice(COMPOUNDS)
        concerns.append(
            Concern(f"c{i:03d}", day, reporter, f"{category.en} problem", category, place)
        )
    return concerns


def _meeting(
    rnd: random.Random,
    q: Quarter,
    proposals: list[Proposal],
    voters: list[Representative],
    policy: Policy,
) -> ClosedMeeting:
    rules = policy.at(q.start)
    meeting = Meeting.open(f"{q}-meeting", q.start + dt.timedelta(days=2), voters, proposals, rules)
    for proposal in proposals:
        # Ordinary proposals: at most one voter holds back; the car park splits the meeting.
        if proposal.proposal_id == "car-park":
            choices = ["agree"] * 7 + ["disagree"] * 4 + ["abstain"]
        else:
            choices = ["agree"] * 11 + [rnd.choice(["agree", "abstain", "disagree"])]
        rnd.shuffle(choices)
        for voter, choice in zip(voters, choices, strict=True):
            meeting = meeting.vote(voter.person_id, proposal.proposal_id, choice)
    meeting = meeting.change_vote(voters[0].person_id, "car-park", "disagree")
    return meeting.close(rules)


def _assign(
    closed: ClosedMeeting,
    community: Community,
    representatives: tuple[Representative, ...],
    policy: Policy,
) -> list[Assignment]:
    rules = policy.at(closed.meeting.held_on)
    assignments = []
    for proposal in closed.approved:
        if proposal.proposal_id == "repairs":
            reason = "lifts and roofs are the property company's contract"
            assignments.append(assign_manually(proposal, ["property"], reason=reason))
            continue
        try:
            assignments.append(route(proposal, community, rules, representatives))
        except RoutingError:
            # Not a co-building unit (an agency, a library, a shop): the team assigns it by hand.
            unit = next(u for u in community.units if proposal.need in u.business_lines)
            reason = f"{unit.name} offers {proposal.need}"
            assignments.append(assign_manually(proposal, [unit.unit_id], reason=reason))
    return assignments


def _projects(
    rnd: random.Random, q: Quarter, closed: ClosedMeeting, assignments: list[Assignment]
) -> list[ProjectRecord]:
    held = closed.meeting.held_on
    records = []
    for assignment in assignments:
        proposal = next(p for p in closed.approved if p.proposal_id == assignment.proposal_id)
        record = ProjectRecord(proposal.proposal_id, proposal.title, assignment.assignees, held)
        record = record.move(ProjectStatus.IN_PROGRESS, held + dt.timedelta(days=3))
        done = q.end - dt.timedelta(days=rnd.randint(5, 40))
        records.append(record.move(ProjectStatus.COMPLETED, done))
    return records


def _ratings(rnd: random.Random, q: Quarter, community: Community, policy: Policy) -> RatingBook:
    quality = {u[0]: u[5] for u in _UNITS}
    ratings = []
    for rater in community.unit_ids:
        for ratee in community.unit_ids:
            bias = 6 if rater == ratee else 0  # units rate themselves a little higher
            scores: dict[Dimension, int | None] = {
                d: _clamp(rnd.gauss(quality[ratee] + bias, 4)) for d in Dimension
            }
            if rater != ratee and rnd.random() < 0.1:  # noqa: PLR2004 - sometimes one cannot judge
                scores[Dimension.PROFESSIONAL_LEVEL] = None
            kind = "self" if rater == ratee else "peer"
            ratings.append(Rating(rater, ratee, q, kind, scores))
    return RatingBook(community, q).record_all(ratings, policy.at(q.start))


def _survey(  # noqa: PLR0917 - a private step of demo_quarter
    rnd: random.Random,
    seed: int,
    q: Quarter,
    frame: SamplingFrame,
    records: list[ProjectRecord],
    policy: Policy,
) -> Survey:
    rules = policy.at(q.end)
    quality = {u[0]: u[5] for u in _UNITS}
    certificate = draw_sample(
        frame,
        seed * 1000 + q.number,
        rules,
        seed_source=f"two dice at the {q} meeting",
        stratified=True,
    )
    survey = Survey(q, certificate, completed_in(records, q))
    for household in [h for h in certificate.sample if rnd.random() < 0.05]:  # noqa: PLR2004
        survey = survey.replace(household, frame)  # a few households do not answer
    responses = []
    for household in sorted(survey.certificate.respondents):
        for project in survey.projects:
            units = project.responsible_units
            level = sum(quality[u] for u in units) / len(units)
            index = min(4, max(0, round((100 - rnd.gauss(level, 8)) / 20)))
            responses.append(SurveyResponse(household, project.project_id, _ANSWERS[index]))
    return survey.respond_all(responses, rules)


def _volunteers(
    rnd: random.Random, q: Quarter
) -> tuple[list[VolunteerContract], list[VolunteerHours]]:
    contracts = [
        VolunteerContract(
            "patrol-a",
            "patrol team A",
            "evening patrol of compounds A and B",
            ["public_security"],
            q.start,
            q.end,
            frozenset({1, 4}),
            team=True,
        ),
        VolunteerContract(
            "green-c",
            "green team C",
            "greening and cleaning in C and D",
            ["beautiful_environment"],
            q.start,
            q.end,
            frozenset({5}),
            team=True,
        ),
    ]
    hours = [
        VolunteerHours(c.contract_id, day, f"{rnd.randint(4, 12)}")
        for c in contracts
        for day in (q.start + dt.timedelta(days=d) for d in range((q.end - q.start).days + 1))
        if c.on_duty(day)
    ]
    return contracts, hours


def _effort(rnd: random.Random, q: Quarter) -> list[EffortRecord]:
    effort = []
    # Volunteer hours are counted separately as service effort (see _volunteers).
    shares = {Pillar.MANAGEMENT: 0.11, Pillar.CONSULTATION: 0.19, Pillar.SERVICE: 0.66}
    for week in range(13):
        day = q.start + dt.timedelta(days=7 * week)
        for pillar, share in shares.items():
            hours = f"{round(rnd.gauss(400 * share, 4), 1)}"
            effort.append(
                EffortRecord(f"w{week}-{pillar.code}", "haibin", day, pillar, Measure.HOURS, hours)
            )
    return effort


def demo_quarter(seed: int = 127, quarter: Quarter | str = "2026Q3") -> DemoQuarter:
    """Build the demo community's quarter deterministically from ``seed``."""
    rnd = random.Random(seed)  # noqa: S311 - demo data, not security
    q = quarter if isinstance(quarter, Quarter) else Quarter.parse(quarter)
    policy = default_policy()
    units = [
        MemberUnit(uid, name, kind, compounds=c, business_lines=b)
        for uid, name, kind, c, b, _ in _UNITS
    ]
    households = [
        f"HB-{c}{b:02d}-{h:03d}" for c in COMPOUNDS for b in range(1, 13) for h in range(1, 51)
    ]
    community = Community(
        "haibin", "海滨社区 Haibin community", units, household_count=len(households)
    )
    frame = SamplingFrame(households, {h: h[3] for h in households})
    representatives = tuple(
        [Representative(f"rep-{u.unit_id}", u.unit_id, ["unit_representative"]) for u in units]
        + [Representative(f"rr-{i}", None, ["resident_representative"]) for i in range(1, 5)]
    )
    team = DeliberationTeam(
        [
            TeamMember("secretary-chen", ["party_organisation_member"], leader=True),
            TeamMember("worker-lin", ["social_worker"], leader=True),
            *(TeamMember(f"leader-{c}", ["party_member", "building_leader"]) for c in COMPOUNDS),
        ]
    )
    concerns = _concerns(rnd, q, households)
    proposals = [
        Proposal(
            pid,
            title,
            work,
            [c.concern_id for c in concerns if c.category.code == answers][:3],
            compounds,
            need,
        )
        for pid, title, work, compounds, need, answers in _PROPOSALS
    ]
    voters = [r for r in representatives if r.unit_id is not None]
    closed = _meeting(rnd, q, proposals, voters, policy)
    assignments = _assign(closed, community, representatives, policy)
    records = _projects(rnd, q, closed, assignments)
    book = _ratings(rnd, q, community, policy)
    survey = _survey(rnd, seed, q, frame, records, policy)
    contracts, hours = _volunteers(rnd, q)
    return DemoQuarter(
        seed=seed,
        quarter=q,
        policy=policy,
        community=community,
        representatives=representatives,
        team=team,
        frame=frame,
        concerns=tuple(concerns),
        meeting=closed,
        assignments=tuple(assignments),
        projects=tuple(records),
        ratings=book,
        survey=survey,
        effort=(*_effort(rnd, q), *volunteer_effort(hours, "haibin")),
        volunteers=tuple(contracts),
        volunteer_hours=tuple(hours),
    )


def run_demo(demo: DemoQuarter) -> DemoOutcome:
    """Run the demo quarter: digest, evaluation, announcement, cases, 1:2:7."""
    q = demo.quarter
    evaluated_on = q.end + dt.timedelta(days=3)
    rules = demo.policy.at(evaluated_on)
    concerns = digest(
        demo.concerns,
        q.start - dt.timedelta(days=30),
        q.start - dt.timedelta(days=1),
        proposals=demo.meeting.meeting.agenda,
    )
    result = evaluate_quarter(
        demo.community, q, demo.ratings, demo.survey, policy=demo.policy, at=evaluated_on
    )
    board = announce(demo.community, result, evaluated_on + dt.timedelta(days=1), rules)
    effective = board.window_ends + dt.timedelta(days=1)
    cases = board.take_effect(effective, demo.policy.at(effective))
    balance = allocation(demo.effort, rules, measure=Measure.HOURS)
    return DemoOutcome(concerns, result, board, cases, balance)


def demo_frame_secret(seed: int) -> bytes:
    """The demo office's frame secret, made from the demo's seed so the demo repeats exactly.

    A real office's secret is random and kept (``sample commit --secret-file``); this one
    is public, like everything in the demo.
    """
    return hashlib.sha256(f"community-governance demo frame secret {seed}".encode()).digest()


def demo_commitment(data: DemoQuarter) -> FrameCommitment:
    """The demo frame's commitment, recorded and signed before the dice (E-4).

    The demo office commits on the morning of the quarter's last day, at its own ledger
    (a throwaway one), and rolls the dice at the meeting that afternoon. The record is
    signed with a demo key made from the seed; without the ``[ledger]`` extra, which
    signing needs, the commitment is returned unrecorded (and checking it says so).
    """
    q = data.quarter
    source = SeedSource(SeedKind.DICE, f"海滨社区 {q} 居民会议，掷两枚骰子", q.end)
    commitment = commit_frame(
        data.frame,
        demo_frame_secret(data.seed),
        community=data.community.community_id,
        quarter=str(q),
        seed_source=source,
    )
    ed25519: Any = optional("cryptography.hazmat.primitives.asymmetric.ed25519")
    if ed25519 is None:
        return commitment
    from community_governance.ledger.checkpoint import checkpoint  # noqa: PLC0415 - [ledger]
    from community_governance.ledger.sqlite import SQLiteLedger  # noqa: PLC0415 - as above
    from community_governance.ports import NewEvent  # noqa: PLC0415 - as above

    key = ed25519.Ed25519PrivateKey.from_private_bytes(
        hashlib.sha256(f"community-governance demo office key {data.seed}".encode()).digest()
    )
    at = dt.datetime.combine(q.end, dt.time(9), dt.timezone(dt.timedelta(hours=8)))
    with (
        tempfile.TemporaryDirectory() as folder,
        SQLiteLedger(Path(folder) / "demo.db", key=None) as ledger,
    ):
        event = NewEvent("sample.committed", commitment.to_document(), q.end)
        ledger.append(f"commitment:{commitment.community}:{q}", [event], expected_version=0)
        seq = ledger.head()[0]
        signed = checkpoint(ledger, key, at, scope=commitment.community)
    recorded = {"seq": seq, "at": signed.at, "signed_head": signed.to_document()}
    return attrs.evolve(commitment, recorded=recorded)
