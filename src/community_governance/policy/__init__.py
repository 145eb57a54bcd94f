"""Policy as data: effective-dated, cited parameters that rules read (P, all rules).

Everything the mechanism decides with — the 1:2:7 target (P-1), the 85%
approval threshold (C-3), the 10/40/50 weights (E-5), the 100-household
survey (E-4), grade bands (E-6), deadlines (R-1, E-6) and every choice the
policy text leaves open — is a parameter of a [`Policy`][community_governance.policy.model.Policy],
read from a
TOML file, dated and overridable without touching code.
"""

from typing import TYPE_CHECKING

from community_governance._lazy import lazy_exports

if TYPE_CHECKING:
    from community_governance.policy.changes import (
        ParameterChange as ParameterChange,
        PolicyDiff as PolicyDiff,
        diff as diff,
    )
    from community_governance.policy.loader import (
        DEFAULT_POLICY as DEFAULT_POLICY,
        ENTRY_POINT_GROUP as ENTRY_POINT_GROUP,
        available_policies as available_policies,
        default_policy as default_policy,
        load_policy as load_policy,
        policy_at as policy_at,
        read_policy_text as read_policy_text,
        resolve as resolve,
    )
    from community_governance.policy.model import (
        FORMAT as FORMAT,
        ParameterRow as ParameterRow,
        Policy as Policy,
        policy_from_document as policy_from_document,
    )
    from community_governance.policy.parameter import (
        Parameter as Parameter,
        ValueWindow as ValueWindow,
    )
    from community_governance.policy.scales import (
        AnswerLevel as AnswerLevel,
        AnswerScale as AnswerScale,
        GradeBand as GradeBand,
        ScoreRange as ScoreRange,
    )
    from community_governance.policy.schema import (
        LOCAL_PREFIX as LOCAL_PREFIX,
        SPECS as SPECS,
        ParameterSpec as ParameterSpec,
        PolicySnapshot as PolicySnapshot,
    )

__getattr__, __dir__ = lazy_exports(__name__, __file__)
