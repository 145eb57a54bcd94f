"""Quarterly evaluation of member units (E-1..E-6).

Ratings on six dimensions (E-2, E-3), a verifiable household survey (E-4),
the 10/40/50 final score (E-5), grades, awards and rectification orders (E-6),
and [`evaluate_quarter`][community_governance.evaluation.quarter.evaluate_quarter], which does it
all for one quarter (E-1).
"""

from typing import TYPE_CHECKING

from community_governance._lazy import lazy_exports

if TYPE_CHECKING:
    from community_governance.evaluation.city import (
        CityColumns,
        CityResult,
        evaluate_city,
        record_city,
    )
    from community_governance.evaluation.grading import (
        RANKING_RULE,
        Award,
        RectificationOrder,
        grade_of,
        rank,
    )
    from community_governance.evaluation.quarter import (
        QuarterResult,
        Scorecard,
        evaluate_quarter,
    )
    from community_governance.evaluation.ratings import (
        Rating,
        RatingBook,
        RatingEvent,
        rating_score,
    )
    from community_governance.evaluation.sampling import (
        SampleCertificate,
        SamplingFrame,
        Verification,
        draw_sample,
        sample_order,
        verify_sample,
    )
    from community_governance.evaluation.scoring import (
        FinalScore,
        final_score,
        peer_mean,
    )
    from community_governance.evaluation.survey import (
        CONVENTION,
        Precision,
        Survey,
        SurveyResponse,
        precision,
    )
    from community_governance.evaluation.tickets import (
        ALGORITHM,
        ALGORITHM_V1,
        ALGORITHM_VERSION,
        TicketOrder,
        first_fraction,
        frame_digest,
        ticket,
        ticket_hex,
    )

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "ALGORITHM": "community_governance.evaluation.tickets",
        "ALGORITHM_VERSION": "community_governance.evaluation.tickets",
        "Award": "community_governance.evaluation.grading",
        "CONVENTION": "community_governance.evaluation.survey",
        "FinalScore": "community_governance.evaluation.scoring",
        "Precision": "community_governance.evaluation.survey",
        "QuarterResult": "community_governance.evaluation.quarter",
        "RANKING_RULE": "community_governance.evaluation.grading",
        "Rating": "community_governance.evaluation.ratings",
        "RatingBook": "community_governance.evaluation.ratings",
        "RatingEvent": "community_governance.evaluation.ratings",
        "RectificationOrder": "community_governance.evaluation.grading",
        "SampleCertificate": "community_governance.evaluation.sampling",
        "SamplingFrame": "community_governance.evaluation.sampling",
        "Scorecard": "community_governance.evaluation.quarter",
        "Survey": "community_governance.evaluation.survey",
        "SurveyResponse": "community_governance.evaluation.survey",
        "Verification": "community_governance.evaluation.sampling",
        "draw_sample": "community_governance.evaluation.sampling",
        "evaluate_quarter": "community_governance.evaluation.quarter",
        "final_score": "community_governance.evaluation.scoring",
        "grade_of": "community_governance.evaluation.grading",
        "peer_mean": "community_governance.evaluation.scoring",
        "precision": "community_governance.evaluation.survey",
        "rank": "community_governance.evaluation.grading",
        "rating_score": "community_governance.evaluation.ratings",
        "sample_order": "community_governance.evaluation.sampling",
        "ticket": "community_governance.evaluation.tickets",
        "ticket_hex": "community_governance.evaluation.tickets",
        "verify_sample": "community_governance.evaluation.sampling",
        "evaluate_city": "community_governance.evaluation.city",
        "CityResult": "community_governance.evaluation.city",
        "CityColumns": "community_governance.evaluation.city",
        "record_city": "community_governance.evaluation.city",
        "first_fraction": "community_governance.evaluation.tickets",
        "frame_digest": "community_governance.evaluation.tickets",
        "ALGORITHM_V1": "community_governance.evaluation.tickets",
        "TicketOrder": "community_governance.evaluation.tickets",
    },
)

__all__ = [
    "ALGORITHM",
    "ALGORITHM_V1",
    "ALGORITHM_VERSION",
    "CONVENTION",
    "RANKING_RULE",
    "Award",
    "CityColumns",
    "CityResult",
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
    "TicketOrder",
    "Verification",
    "draw_sample",
    "evaluate_city",
    "evaluate_quarter",
    "final_score",
    "first_fraction",
    "frame_digest",
    "grade_of",
    "peer_mean",
    "precision",
    "rank",
    "rating_score",
    "record_city",
    "sample_order",
    "ticket",
    "ticket_hex",
    "verify_sample",
]
