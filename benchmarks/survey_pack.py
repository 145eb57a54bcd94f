"""The printed survey pack: 100 questionnaires and 20 reserves, HTML and PDF (E-4).

Goal (field-survey issue): the pack for 100 sampled households plus 20 reserves is written
in at most 5 s, HTML and PDF. Each repetition writes the demo quarter's pack into a new
folder (codes, QR codes, the embedded font, the page, then Chromium's PDF), interleaved
with the baseline: Chromium printing a one-line page, which is what starting the browser
costs on this machine. The ratio says how many browser starts the pack is worth.

Run: ``python benchmarks/survey_pack.py [--reps R] [--json]``. With ``--json`` the last
line is one JSON object with ``households``, ``reserve``, ``html_s``, ``pdf_s``,
``pack_s_min``, ``pack_s_median``, ``start_s`` (medians unless named), ``ratio_min``,
``ratio_median`` (pack over browser start), ``pages`` and ``meets_goal``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import statistics
import tempfile
import time
from pathlib import Path

from community_governance.demo import demo_commitment, demo_frame_secret, demo_quarter
from community_governance.evaluation.fieldwork import questionnaire_codes
from community_governance.evaluation.sampling import sample_order
from community_governance.notice.questionnaire import Questionnaire, pack_html, print_pdf

GOAL_S = 5.0
RESERVE = 20


def main() -> None:
    """Time the pack and the browser's start, interleaved and repeated; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="end with one JSON object")
    args = parser.parse_args()
    data = demo_quarter(127, "2026Q3")
    commitment = demo_commitment(data)
    certificate = data.survey.certificate
    drawn = set(certificate.sample)
    reserve = [h for h in sample_order(data.frame, certificate.seed) if h not in drawn][:RESERVE]
    survey_id = f"{commitment.community}-{commitment.quarter}"
    policy = data.policy.at(dt.date(2026, 9, 30))
    html_times, pdf_times, start_times, pages = [], [], [], 0
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        blank = root / "blank.html"
        blank.write_text("<!DOCTYPE html><html><body>x</body></html>", encoding="utf-8")
        for rep in range(args.reps):
            start = time.perf_counter()
            print_pdf(blank, root / f"blank-{rep}.pdf")
            start_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            secret = demo_frame_secret(data.seed)
            codes = questionnaire_codes([*certificate.sample, *reserve], secret, survey_id)
            sheets = [Questionnaire(h, c) for h, c in codes.items()]
            text = pack_html(
                [q for q in sheets if q.household in drawn],
                [q for q in sheets if q.household not in drawn],
                survey_id=survey_id,
                community_name=data.community.name,
                quarter=str(data.quarter),
                contact="社区居委会 0592-0000000",
                projects=data.survey.projects,
                policy=policy,
            )
            page = root / f"pack-{rep}.html"
            page.write_text(text, encoding="utf-8")
            middle = time.perf_counter()
            pdf = print_pdf(page, root / f"pack-{rep}.pdf")
            end = time.perf_counter()
            html_times.append(middle - start)
            pdf_times.append(end - middle)
            pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    packs = [h + p for h, p in zip(html_times, pdf_times, strict=True)]
    ratios = [p / s for p, s in zip(packs, start_times, strict=True)]
    figures = {
        "households": len(certificate.sample),
        "reserve": len(reserve),
        "html_s": round(statistics.median(html_times), 3),
        "pdf_s": round(statistics.median(pdf_times), 3),
        "pack_s_min": round(min(packs), 3),
        "pack_s_median": round(statistics.median(packs), 3),
        "start_s": round(statistics.median(start_times), 3),
        "ratio_min": round(min(ratios), 2),
        "ratio_median": round(statistics.median(ratios), 2),
        "pages": pages,
        "meets_goal": statistics.median(packs) <= GOAL_S,
    }
    print(
        f"pack of {figures['households']} + {figures['reserve']}: "
        f"{figures['pack_s_median']} s median ({figures['html_s']} s page, "
        f"{figures['pdf_s']} s PDF), {figures['ratio_median']}x a browser start; "
        f"goal {GOAL_S} s"
    )
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
