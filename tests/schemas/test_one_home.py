"""Each document has one model, and a JSON key means one thing everywhere (all rules)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from community_governance.cli import main
from community_governance.consultation import tally
from community_governance.demo import demo_quarter, run_demo
from community_governance.ledger import events
from community_governance.schemas import (
    DOCUMENTS,
    AnnouncementDoc,
    CertificateDoc,
    ClosedMeetingDoc,
    ServiceRecordDoc,
    TallyDoc,
)

DEMO = demo_quarter(127)
OUTCOME = run_demo(DEMO)
DAY = dt.date(2026, 7, 1)


def test_a_tally_round_trips_through_its_document() -> None:
    """C-3: Tally -> TallyDoc -> JSON -> Tally is equal, explanation included."""
    decided = tally(
        entitled=20, present=18, agree=15, disagree=2, abstain=1, policy=DEMO.policy, at=DAY
    )
    doc = TallyDoc.model_validate_json(TallyDoc.from_domain(decided).model_dump_json())
    assert doc.to_domain() == decided
    assert (doc.base, doc.base_count, doc.share, doc.threshold) == ("entitled", 20, "0.75", "0.85")
    assert "tally" in DOCUMENTS


def test_base_is_the_approval_base_code_in_the_cli_and_in_the_ledger(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """C-3: the key "base" is the base's code everywhere; its count is "base_count"."""
    assert main(["tally", "--entitled", "20", "--agree", "17", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["base"], shown["base_count"], shown["document"]) == ("entitled", 20, "tally")
    recorded = events.meeting_closed(DEMO.meeting).data
    for entry in recorded["tallies"].values():
        assert entry["base"] in {"entitled", "present", "cast"}
        assert isinstance(entry["base_count"], int)
    assert recorded == ClosedMeetingDoc.from_domain(DEMO.meeting).model_dump(mode="json")


def test_the_ledger_writes_the_document_model() -> None:
    """E-4, R-1, S-4: the event builders write the one model of each document."""
    certificate = DEMO.survey.certificate
    assert not hasattr(certificate, "to_dict")
    assert "sample" in CertificateDoc.from_domain(certificate).model_dump(mode="json")
    announced = events.announcement_made(OUTCOME.announcement).data
    assert announced == AnnouncementDoc.from_domain(OUTCOME.announcement).model_dump(mode="json")
    hours = DEMO.volunteer_hours[0]
    recorded = events.service_recorded(hours, DAY)
    assert recorded.type == "service.VolunteerHours"
    assert recorded.data == ServiceRecordDoc.from_domain(hours).model_dump(mode="json")
