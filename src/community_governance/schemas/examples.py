"""The demo quarter as the documents the command line reads and writes (E-1..E-6, R-1).

Example files to start from: what an office's own files must look like, and a set that
works end to end (``evaluate``, ``sample verify``, ``explain``, ``announce``). Written by
``community-governance demo --export DIR``.
"""

from __future__ import annotations

from collections.abc import Mapping

from community_governance.demo import DemoOutcome, DemoQuarter
from community_governance.schemas.consultation import ClosedMeetingDoc
from community_governance.schemas.evaluation import (
    CertificateDoc,
    FrameDoc,
    QuarterResultDoc,
    RatingsDoc,
    SurveyDoc,
)
from community_governance.schemas.rectification import AnnouncementDoc

__all__ = ["EXAMPLES", "example_documents"]

#: The files, and what each is (in both languages).
EXAMPLES: Mapping[str, tuple[str, str]] = {
    "ratings.json": ("自评与互评（六个维度）", "own and peer ratings, six dimensions"),
    "frame.json": ("住户名册（抽样框）", "the household frame"),
    "certificate.json": ("住户抽样证书", "the household sample's certificate"),
    "survey.json": (
        "民意测评：抽样证书、项目与住户评价",
        "the survey: certificate, projects, answers",
    ),
    "result.json": ("季度考评结果", "the quarter's results"),
    "meeting.json": ("组团议事会议（已闭会）", "the deliberation meeting, closed"),
    "announcement.json": ("结果公示与异议期", "the announcement and its objection window"),
}


def example_documents(data: DemoQuarter, outcome: DemoOutcome) -> dict[str, bytes]:
    """The demo quarter's documents by file name, as indented UTF-8 JSON."""
    documents = {
        "ratings.json": RatingsDoc.from_domain(data.ratings),
        "frame.json": FrameDoc.from_domain(data.frame),
        "certificate.json": CertificateDoc.from_domain(data.survey.certificate),
        "survey.json": SurveyDoc.from_domain(data.survey),
        "result.json": QuarterResultDoc.from_domain(outcome.result),
        "meeting.json": ClosedMeetingDoc.from_domain(data.meeting),
        "announcement.json": AnnouncementDoc.from_domain(outcome.announcement),
    }
    return {
        name: (doc.model_dump_json(indent=2) + "\n").encode() for name, doc in documents.items()
    }
