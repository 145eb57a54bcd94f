"""The demo quarter as the documents the command line reads and writes (E-1..E-6, R-1).

Example files to start from: what an office's own files must look like, and a set that
works end to end (``evaluate``, ``sample verify``, ``explain``, ``announce``). Written by
``community-governance demo --export DIR``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from community_governance.demo import (
    DemoOutcome,
    DemoQuarter,
    demo_commitment,
    demo_frame_secret,
)
from community_governance.evaluation.commitment import FrameCommitment
from community_governance.evaluation.fieldwork import (
    NOT_RETURNED,
    questionnaire_codes,
    survey_return,
)
from community_governance.schemas.consultation import ClosedMeetingDoc
from community_governance.schemas.evaluation import (
    CertificateDoc,
    FrameDoc,
    RatingsDoc,
    SurveyDoc,
)
from community_governance.schemas.rectification import AnnouncementDoc
from community_governance.schemas.results import QuarterResultDoc
from community_governance.tables.kinds import TABLES
from community_governance.tables.outputs import (
    frame_rows,
    projects_rows,
    ratings_rows,
    survey_rows,
    units_rows,
)
from community_governance.tables.write import write_table, write_workbook

__all__ = ["EXAMPLES", "example_documents"]

#: The files, and what each is (in both languages).
EXAMPLES: Mapping[str, tuple[str, str]] = {
    "ratings.json": ("自评与互评（六个维度）", "own and peer ratings, six dimensions"),
    "frame.json": ("住户名册（抽样框）", "the household frame"),
    "certificate.json": (
        "住户抽样证书（附抽样框承诺）",
        "the household sample's certificate, with the frame's commitment",
    ),
    "commitment.json": (
        "抽样框承诺：在掷骰子之前记入账本的名册默克尔根",
        "the frame's commitment: its Merkle root, recorded before the dice",
    ),
    "frame.secret": (
        "示例社区的抽样框密钥（真实社区的密钥须保密）",
        "the demo's frame secret (a real office keeps its own secret)",
    ),
    "survey.json": (
        "民意测评：抽样证书、项目与住户评价",
        "the survey: certificate, projects, answers",
    ),
    "result.json": ("季度考评结果", "the quarter's results"),
    "meeting.json": ("组团议事会议（已闭会）", "the deliberation meeting, closed"),
    "announcement.json": ("结果公示与异议期", "the announcement and its objection window"),
    "csv/": (
        "同一季度的输入表格（CSV，UTF-8）：成员单位、自评互评、住户名册、测评项目、民意测评",
        "the same inputs as CSV tables (UTF-8): units, ratings, frame, projects, answers",
    ),
    "xlsx/": (
        "同一季度的输入工作簿（quarter.xlsx 含四个工作表，frame.xlsx 为住户名册）",
        "the same inputs as workbooks (quarter.xlsx with four sheets, frame.xlsx)",
    ),
    "field/": (
        "实地测评：问卷编号清单与两名录入员按问卷编号的录入（survey reconcile 读取）",
        "the field work: the code list and two operators' entries by code (survey reconcile)",
    ),
}


def example_documents(data: DemoQuarter, outcome: DemoOutcome) -> dict[str, bytes]:
    """The demo quarter's documents by file name, as indented UTF-8 JSON."""
    commitment = demo_commitment(data)
    documents = {
        "ratings.json": RatingsDoc.from_domain(data.ratings),
        "frame.json": FrameDoc.from_domain(data.frame),
        "certificate.json": CertificateDoc.from_domain(data.survey.certificate, commitment),
        "survey.json": SurveyDoc.from_domain(data.survey, commitment),
        "meeting.json": ClosedMeetingDoc.from_domain(data.meeting),
        "announcement.json": AnnouncementDoc.from_domain(outcome.announcement),
    }
    files = {name: doc.to_json().encode() for name, doc in documents.items()}
    files["commitment.json"] = (
        json.dumps(commitment.to_document(), ensure_ascii=False, indent=2) + "\n"
    ).encode()
    files["frame.secret"] = (demo_frame_secret(data.seed).hex() + "\n").encode()
    places = data.policy.at(outcome.result.evaluated_on).rounding_places
    response = survey_return(data.survey)
    result = QuarterResultDoc.from_domain(outcome.result, places, response)
    files["result.json"] = result.to_json().encode()
    return files | _tables(data, files["certificate.json"]) | _field(data, commitment)


def _field(data: DemoQuarter, commitment: FrameCommitment) -> dict[str, bytes]:
    """The survey's field work: codes for every household asked, and both entries of them.

    The households replaced did not return their questionnaires; both operators typed the
    rest alike, so ``survey reconcile`` gives back the survey's answers.
    """
    certificate = data.survey.certificate
    survey_id = f"{commitment.community}-{commitment.quarter}"
    asked = list(dict.fromkeys([*certificate.sample, *(b for _, b in certificate.replacements)]))
    codes = questionnaire_codes(asked, demo_frame_secret(data.seed), survey_id)
    drawn = set(certificate.sample)
    listed = [
        {"code": code, "household": household, "role": "sample" if household in drawn
         else "reserve", "order": str(order)}
        for order, (household, code) in enumerate(codes.items(), start=1)
    ]  # fmt: skip
    entries = [
        {"code": codes[old], "project": "", "answer": NOT_RETURNED[0]}
        for old, _ in certificate.replacements
    ] + [
        {"code": codes[r.household], "project": r.project, "answer": r.answer}
        for r in data.survey.responses
    ]
    entry = write_table(TABLES["entry"], entries, "csv", lang="zh")
    return {
        "field/codes.csv": write_table(TABLES["codes"], listed, "csv"),
        "field/entry-1.csv": entry,
        "field/entry-2.csv": entry,
    }


def _tables(data: DemoQuarter, certificate: bytes) -> dict[str, bytes]:
    """The quarter's inputs as CSV tables and as workbooks, the certificate beside each."""
    rows = {
        "units": units_rows(data.community),
        "ratings": ratings_rows(data.ratings),
        "projects": projects_rows(data.survey.projects),
        "survey": survey_rows(data.survey),
    }
    files = {f"csv/{name}.csv": write_table(TABLES[name], r, "csv") for name, r in rows.items()}
    files["csv/frame.csv"] = write_table(TABLES["frame"], frame_rows(data.frame), "csv")
    files["xlsx/quarter.xlsx"] = write_workbook([(TABLES[n], r) for n, r in rows.items()])
    files["xlsx/frame.xlsx"] = write_table(TABLES["frame"], frame_rows(data.frame), "xlsx")
    files["csv/certificate.json"] = files["xlsx/certificate.json"] = certificate
    return files
