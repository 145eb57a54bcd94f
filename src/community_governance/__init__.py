"""community_governance: the Xiamen "127" community-governance mechanism as exact, explainable code.

One part management (M-1..M-6), two parts consultation (C-1..C-4, E-1..E-6,
R-1..R-3), seven parts service (S-1..S-7), in the proportions of P-1 and P-2.
Every number is exact, every parameter is dated policy data, and every decision
carries its explanation in Chinese and English.

This module only re-exports the public API: the verbs, the types they return and
the lower-level verbs people need, with ``errors``, ``vocabulary`` and ``workflow``
as namespaces (``community_governance.errors.PolicyError``,
``community_governance.vocabulary.Dimension``, ``community_governance.workflow.apply``).
Verbs that only make sense in their part (``diff`` of policies, ``apply`` of an
event) live in that part. Names load on first use (PEP 562), so
``import community_governance`` stays fast and pulls in no optional extra.
"""

from typing import TYPE_CHECKING

from community_governance._lazy import lazy_exports

__version__ = "0.1.0"

if TYPE_CHECKING:
    from community_governance import (
        errors as errors,
        vocabulary as vocabulary,
        workflow as workflow,
    )
    from community_governance.community import (
        Community as Community,
        MemberUnit as MemberUnit,
        Project as Project,
        Quarter as Quarter,
        Representative as Representative,
    )
    from community_governance.consultation import (
        Assignment as Assignment,
        ClosedMeeting as ClosedMeeting,
        Concern as Concern,
        ConcernDigest as ConcernDigest,
        DeliberationTeam as DeliberationTeam,
        Meeting as Meeting,
        ProjectRecord as ProjectRecord,
        Proposal as Proposal,
        Tally as Tally,
        TeamMember as TeamMember,
        check_team as check_team,
        digest as digest,
        route as route,
        tally as tally,
    )
    from community_governance.errors import (
        GovernanceError as GovernanceError,
    )
    from community_governance.evaluation import (
        Award as Award,
        FinalScore as FinalScore,
        Precision as Precision,
        QuarterResult as QuarterResult,
        Rating as Rating,
        RatingBook as RatingBook,
        RectificationOrder as RectificationOrder,
        SampleCertificate as SampleCertificate,
        SamplingFrame as SamplingFrame,
        Scorecard as Scorecard,
        Survey as Survey,
        SurveyResponse as SurveyResponse,
        Verification as Verification,
        draw_sample as draw_sample,
        evaluate_quarter as evaluate_quarter,
        final_score as final_score,
        grade_of as grade_of,
        precision as precision,
        rank as rank,
        sample_order as sample_order,
        verify_sample as verify_sample,
    )
    from community_governance.explain import (
        Explanation as Explanation,
        Text as Text,
    )
    from community_governance.management import (
        AccessDecision as AccessDecision,
        AccessRequest as AccessRequest,
        Allocation as Allocation,
        EffortRecord as EffortRecord,
        HandBack as HandBack,
        Rota as Rota,
        admit_matter as admit_matter,
        allocation as allocation,
        duty_rota as duty_rota,
        propose_hand_back as propose_hand_back,
    )
    from community_governance.numbers import (
        RoundingMode as RoundingMode,
        as_amount as as_amount,
        as_count as as_count,
        as_fraction as as_fraction,
        as_score as as_score,
        format_fraction as format_fraction,
        format_percent as format_percent,
        parse_exact as parse_exact,
        round_exact as round_exact,
    )
    from community_governance.policy import (
        Policy as Policy,
        PolicySnapshot as PolicySnapshot,
        available_policies as available_policies,
        default_policy as default_policy,
        load_policy as load_policy,
        policy_at as policy_at,
        resolve as resolve,
    )
    from community_governance.rectification import (
        Announcement as Announcement,
        DueAction as DueAction,
        DueActions as DueActions,
        Objection as Objection,
        RectificationCase as RectificationCase,
        announce as announce,
        due_actions as due_actions,
        open_case as open_case,
        status_at as status_at,
    )
    from community_governance.services import (
        Catalogue as Catalogue,
        load_catalogue as load_catalogue,
    )

__getattr__, __dir__ = lazy_exports(__name__, __file__)
