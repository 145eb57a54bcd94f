"""Quarterly evaluation of member units (E-1..E-6).

Ratings on six dimensions (E-2, E-3), a verifiable household survey (E-4),
the 10/40/50 final score (E-5), grades, awards and rectification orders (E-6),
and [`evaluate_quarter`][community_governance.evaluation.quarter.evaluate_quarter], which does it
all for one quarter (E-1).
"""

from community_governance.evaluation.grading import (
    RANKING_RULE,
    Award,
    RectificationOrder,
    grade_of,
    rank,
)
from community_governance.evaluation.quarter import QuarterResult, Scorecard, evaluate_quarter
from community_governance.evaluation.ratings import Rating, RatingBook, RatingEvent, rating_score
from community_governance.evaluation.sampling import (
    ALGORITHM,
    ALGORITHM_VERSION,
    SampleCertificate,
    SamplingFrame,
    Verification,
    draw_sample,
    sample_order,
    ticket,
    ticket_hex,
    verify_sample,
)
from community_governance.evaluation.scoring import FinalScore, final_score, peer_mean
from community_governance.evaluation.survey import (
    CONVENTION,
    Precision,
    Survey,
    SurveyResponse,
    precision,
)

__all__ = [
    "ALGORITHM",
    "ALGORITHM_VERSION",
    "CONVENTION",
    "RANKING_RULE",
    "Award",
    "FinalScore",
    "Precision",
    "QuarterResult",
    "Rating",
    "RatingBook",
    "RatingEvent",
    "RectificationOrder",
    "SampleCertificate",
    "SamplingFrame",
    "Scorecard",
    "Survey",
    "SurveyResponse",
    "Verification",
    "draw_sample",
    "evaluate_quarter",
    "final_score",
    "grade_of",
    "peer_mean",
    "precision",
    "rank",
    "rating_score",
    "sample_order",
    "ticket",
    "ticket_hex",
    "verify_sample",
]
