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
        CityColumns as CityColumns,
        CityResult as CityResult,
        evaluate_city as evaluate_city,
        record_city as record_city,
    )
    from community_governance.evaluation.history import QuarterHistory as QuarterHistory
    from community_governance.evaluation.quarter import (
        QuarterResult as QuarterResult,
        Scorecard as Scorecard,
        evaluate_quarter as evaluate_quarter,
    )
    from community_governance.evaluation.ratings import (
        Rating as Rating,
        RatingBook as RatingBook,
        RatingEvent as RatingEvent,
        rating_score as rating_score,
    )
    from community_governance.evaluation.sampling import (
        SampleCertificate as SampleCertificate,
        SamplingFrame as SamplingFrame,
        Verification as Verification,
        check_drawn as check_drawn,
        draw_sample as draw_sample,
        sample_order as sample_order,
        verify_sample as verify_sample,
    )
    from community_governance.evaluation.scoring import (
        RANKING_RULE as RANKING_RULE,
        Award as Award,
        FinalScore as FinalScore,
        RectificationOrder as RectificationOrder,
        final_score as final_score,
        grade_of as grade_of,
        peer_mean as peer_mean,
        rank as rank,
    )
    from community_governance.evaluation.survey import (
        CONVENTION as CONVENTION,
        Precision as Precision,
        Survey as Survey,
        SurveyResponse as SurveyResponse,
        precision as precision,
    )
    from community_governance.evaluation.tickets import (
        ALGORITHM as ALGORITHM,
        ALGORITHM_V1 as ALGORITHM_V1,
        ALGORITHM_VERSION as ALGORITHM_VERSION,
        TicketOrder as TicketOrder,
        first_fraction as first_fraction,
        frame_digest as frame_digest,
        ticket as ticket,
        ticket_hex as ticket_hex,
    )

__getattr__, __dir__ = lazy_exports(__name__, __file__)
