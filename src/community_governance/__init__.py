"""community_governance: the Xiamen "127" community-governance mechanism as exact, explainable code.

One part management (M-1..M-6), two parts consultation (C-1..C-4, E-1..E-6,
R-1..R-3), seven parts service (S-1..S-7), in the proportions of P-1 and P-2.
Every number is exact, every parameter is dated policy data, and every decision
carries its explanation in Chinese and English.

This module only re-exports the public API. Names load on first use (PEP 562),
so ``import community_governance`` stays fast and pulls in no optional extra.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from community_governance.errors import (
        EligibilityError,
        ExactnessError,
        GovernanceError,
        GovernanceWarning,
        InvalidTransition,
        MissingComponentError,
        ParseError,
        PolicyDateError,
        PolicyDateWarning,
        PolicyError,
        UnknownLabelError,
    )
    from community_governance.explain import Explanation, ParameterUse, Step, Text
    from community_governance.numbers import (
        RoundingMode,
        as_count,
        as_fraction,
        as_score,
        format_fraction,
        format_percent,
        parse_exact,
        round_exact,
    )
    from community_governance.policy import (
        Policy,
        PolicyDiff,
        PolicySnapshot,
        available_policies,
        default_policy,
        diff,
        load_policy,
        policy_at,
    )
    from community_governance.vocabulary import (
        AdminLevel,
        ApprovalBase,
        Component,
        ConcernCategory,
        DayCount,
        Dimension,
        Grade,
        GradeBasis,
        MissingComponentRule,
        OrganisationKind,
        PeerAggregation,
        Pillar,
        Role,
        ServiceCategory,
        SmallFrameRule,
        SupervisionLevel,
        SurveyAttribution,
    )

__version__ = "0.1.0.dev0"

# Where each public name lives; resolved lazily by __getattr__ below.
_EXPORTS: dict[str, str] = {
    "AdminLevel": "community_governance.vocabulary",
    "ApprovalBase": "community_governance.vocabulary",
    "Component": "community_governance.vocabulary",
    "ConcernCategory": "community_governance.vocabulary",
    "DayCount": "community_governance.vocabulary",
    "Dimension": "community_governance.vocabulary",
    "EligibilityError": "community_governance.errors",
    "ExactnessError": "community_governance.errors",
    "Explanation": "community_governance.explain",
    "GovernanceError": "community_governance.errors",
    "GovernanceWarning": "community_governance.errors",
    "Grade": "community_governance.vocabulary",
    "GradeBasis": "community_governance.vocabulary",
    "InvalidTransition": "community_governance.errors",
    "MissingComponentError": "community_governance.errors",
    "MissingComponentRule": "community_governance.vocabulary",
    "OrganisationKind": "community_governance.vocabulary",
    "ParameterUse": "community_governance.explain",
    "ParseError": "community_governance.errors",
    "PeerAggregation": "community_governance.vocabulary",
    "Pillar": "community_governance.vocabulary",
    "Policy": "community_governance.policy",
    "PolicyDateError": "community_governance.errors",
    "PolicyDateWarning": "community_governance.errors",
    "PolicyDiff": "community_governance.policy",
    "PolicyError": "community_governance.errors",
    "PolicySnapshot": "community_governance.policy",
    "Role": "community_governance.vocabulary",
    "RoundingMode": "community_governance.numbers",
    "ServiceCategory": "community_governance.vocabulary",
    "SmallFrameRule": "community_governance.vocabulary",
    "Step": "community_governance.explain",
    "SupervisionLevel": "community_governance.vocabulary",
    "SurveyAttribution": "community_governance.vocabulary",
    "Text": "community_governance.explain",
    "UnknownLabelError": "community_governance.errors",
    "as_count": "community_governance.numbers",
    "as_fraction": "community_governance.numbers",
    "as_score": "community_governance.numbers",
    "available_policies": "community_governance.policy",
    "default_policy": "community_governance.policy",
    "diff": "community_governance.policy",
    "format_fraction": "community_governance.numbers",
    "format_percent": "community_governance.numbers",
    "load_policy": "community_governance.policy",
    "parse_exact": "community_governance.numbers",
    "policy_at": "community_governance.policy",
    "round_exact": "community_governance.numbers",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'community_governance' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "AdminLevel",
    "ApprovalBase",
    "Component",
    "ConcernCategory",
    "DayCount",
    "Dimension",
    "EligibilityError",
    "ExactnessError",
    "Explanation",
    "GovernanceError",
    "GovernanceWarning",
    "Grade",
    "GradeBasis",
    "InvalidTransition",
    "MissingComponentError",
    "MissingComponentRule",
    "OrganisationKind",
    "ParameterUse",
    "ParseError",
    "PeerAggregation",
    "Pillar",
    "Policy",
    "PolicyDateError",
    "PolicyDateWarning",
    "PolicyDiff",
    "PolicyError",
    "PolicySnapshot",
    "Role",
    "RoundingMode",
    "ServiceCategory",
    "SmallFrameRule",
    "Step",
    "SupervisionLevel",
    "SurveyAttribution",
    "Text",
    "UnknownLabelError",
    "__version__",
    "as_count",
    "as_fraction",
    "as_score",
    "available_policies",
    "default_policy",
    "diff",
    "format_fraction",
    "format_percent",
    "load_policy",
    "parse_exact",
    "policy_at",
    "round_exact",
]
