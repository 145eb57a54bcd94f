"""Policy as data: effective-dated, cited parameters that rules read (P, all rules).

Everything the mechanism decides with — the 1:2:7 target (P-1), the 85%
approval threshold (C-3), the 10/40/50 weights (E-5), the 100-household
survey (E-4), grade bands (E-6), deadlines (R-1, E-6) and every choice the
policy text leaves open — is a parameter of a [`Policy`][community_governance.policy.model.Policy],
read from a
TOML file, dated and overridable without touching code.
"""

from community_governance.policy.diff import ParameterChange, PolicyDiff, diff
from community_governance.policy.loader import (
    DEFAULT_POLICY,
    ENTRY_POINT_GROUP,
    available_policies,
    default_policy,
    load_policy,
    policy_at,
    read_policy_text,
    resolve,
)
from community_governance.policy.model import FORMAT, ParameterRow, Policy, policy_from_document
from community_governance.policy.parameter import Parameter, ValueWindow
from community_governance.policy.schema import LOCAL_PREFIX, SPECS, ParameterSpec, PolicySnapshot
from community_governance.policy.values import AnswerLevel, AnswerScale, GradeBand, ScoreRange

__all__ = [
    "DEFAULT_POLICY",
    "ENTRY_POINT_GROUP",
    "FORMAT",
    "LOCAL_PREFIX",
    "SPECS",
    "AnswerLevel",
    "AnswerScale",
    "GradeBand",
    "Parameter",
    "ParameterChange",
    "ParameterRow",
    "ParameterSpec",
    "Policy",
    "PolicyDiff",
    "PolicySnapshot",
    "ScoreRange",
    "ValueWindow",
    "available_policies",
    "default_policy",
    "diff",
    "load_policy",
    "policy_at",
    "policy_from_document",
    "read_policy_text",
    "resolve",
]
