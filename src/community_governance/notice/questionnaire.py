"""The survey's questionnaires, printed: one A4 sheet per sampled household (E-4).

Each sheet carries the community's name, the quarter's projects with the policy's answer
scale (``evaluation.survey.answer_scale``), whom to contact with an objection, and the
questionnaire's code, written out and as a QR code (``segno``, the ``[field]`` extra)
holding ``CG-SURVEY|<survey id>|<code>``: the code's last character is its check
character, so a misread code is caught (``evaluation.fieldwork``). Answers are typed
against the code; the household's id is printed only on the delivery slip, to be torn
off before the sheet is handed over. After the questionnaires comes the reserve list, in
draw order, with the rule for replacing a household that does not answer.

The text is drawn with the page's own font (``notice.font``), and nothing before it in
the font stack, so that a machine with no Chinese font prints every glyph. The PDF is
printed by headless Chromium.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import attrs

from community_governance.community import Project
from community_governance.errors import ParseError
from community_governance.extras import require
from community_governance.notice.font import FAMILY, font_face
from community_governance.policy.schema import PolicySnapshot

__all__ = ["Questionnaire", "pack_html", "print_pdf", "qr_payload"]

#: What every questionnaire's QR code starts with.
QR_PREFIX = "CG-SURVEY"

_STYLE = f"""
@page {{ size: A4; margin: 14mm; }}
* {{ font-family: "{FAMILY}", sans-serif; }}
body {{ margin: 0; color: #000; font-size: 10pt; line-height: 1.4; }}
section {{ break-after: page; display: flex; flex-direction: column; min-height: 255mm; }}
section:last-child {{ break-after: auto; }}
h1 {{ font-size: 16pt; margin: 0 0 4mm 0; }}
header {{ display: flex; justify-content: space-between; align-items: flex-start; gap: 6mm; }}
.code {{ text-align: center; flex: none; }}
.code svg {{ display: block; margin: 0 auto; }}
.code .text {{ font-size: 14pt; letter-spacing: 0.12em; }}
table {{ border-collapse: collapse; width: 100%; margin: 4mm 0; }}
th, td {{ border: 1px solid #000; padding: 1mm 2mm; text-align: left; vertical-align: top; }}
td.box {{ text-align: center; width: 14mm; }}
.slip {{ margin-top: auto; border-top: 1px dashed #000; padding-top: 2mm; font-size: 10pt; }}
"""


def qr_payload(survey_id: str, code: str) -> str:
    """What a questionnaire's QR code holds."""
    return f"{QR_PREFIX}|{survey_id}|{code}"


@attrs.frozen
class Questionnaire:
    """One household's questionnaire: its code and where to deliver it."""

    household: str
    code: str


def _t(lang: str, zh: str, en: str) -> str:
    """Chinese, English, or both (``both``: Chinese, then English)."""
    if lang == "zh":
        return zh
    if lang == "en":
        return en
    return f"{zh} / {en}"


def _qr(payload: str) -> str:
    segno: Any = require("segno", needed_for=("QR codes", "二维码"), field="survey", rule="E-4")
    # Error correction M, a quiet zone of four modules, 1 mm per module at print size.
    svg: str = segno.make_qr(payload, error="m").svg_inline(scale=4, border=4, omitsize=False)
    return svg


def _sheet(
    questionnaire: Questionnaire,
    *,
    survey_id: str,
    community_name: str,
    quarter: str,
    contact: str,
    projects: Sequence[Project],
    policy: PolicySnapshot,
    lang: str,
) -> str:
    e = html.escape
    levels = policy.survey_answer_scale.levels
    heads = "".join(f"<th>{e(_t(lang, lv.zh, lv.en))}</th>" for lv in levels)
    rows = "".join(
        f"<tr><td>{e(p.title)}<br><small>{e(p.project_id)}</small></td>"
        + "".join('<td class="box">□</td>' for _ in levels)
        + "</tr>"
        for p in projects
    )
    title = _t(lang, "民意测评问卷", "Household survey questionnaire")
    intro = _t(
        lang,
        f"{community_name} {quarter}：请就本季度的每个项目勾选一项评价。",
        f"{community_name}, {quarter}: please tick one answer for each of this quarter's projects.",
    )
    objection = _t(lang, f"如有异议，请联系：{contact}", f"Objections: {contact}")
    slip = _t(
        lang,
        f"送达住户：{questionnaire.household}（交给住户前沿虚线撕下）",
        f"Deliver to: {questionnaire.household} (tear off along the line before handing over)",
    )
    project = _t(lang, "项目", "Project")
    return (
        f'<section data-code="{e(questionnaire.code)}"><header>'
        f'<div><h1>{e(title)}</h1><p class="intro">{e(intro)}</p></div>'
        f'<div class="code">{_qr(qr_payload(survey_id, questionnaire.code))}'
        f'<div class="text">{e(questionnaire.code)}</div></div></header>'
        f"<table><thead><tr><th>{e(project)}</th>{heads}</tr></thead>"
        f"<tbody>{rows}</tbody></table>"
        f"<p>{e(objection)}</p>"
        f'<div class="slip">{e(slip)}</div></section>'
    )


def _reserve(reserve: Sequence[Questionnaire], lang: str) -> str:
    e = html.escape
    rows = "".join(
        f"<tr><td>{n}</td><td>{e(q.code)}</td><td>{e(q.household)}</td></tr>"
        for n, q in enumerate(reserve, start=1)
    )
    rule = _t(
        lang,
        "抽中住户不作答时，由备选名单中尚未使用的第一户替换；分层抽样时，在同一分层内按此顺序替换。"
        "每次替换都记入抽样证书。",
        "A sampled household that does not answer is replaced by the first reserve household "
        "not yet used, in this order; in a stratified draw, the first of its own stratum. "
        "Every replacement is recorded in the sample certificate.",
    )
    heads = _t(lang, "顺序", "Order"), _t(lang, "问卷编号", "Code"), _t(lang, "住户", "Household")
    return (
        f"<section><h1>{e(_t(lang, '备选名单（按抽签顺序）', 'Reserve list, in draw order'))}</h1>"
        f"<p>{e(rule)}</p><table><thead><tr>"
        + "".join(f"<th>{e(h)}</th>" for h in heads)
        + f"</tr></thead><tbody>{rows}</tbody></table></section>"
    )


def pack_html(
    sample: Sequence[Questionnaire],
    reserve: Sequence[Questionnaire],
    *,
    survey_id: str,
    community_name: str,
    quarter: str,
    contact: str,
    projects: Sequence[Project],
    policy: PolicySnapshot,
    lang: Literal["zh", "en", "both"] = "zh",
) -> str:
    """The pack as one HTML document: a sheet per sampled household, then the reserve list.

    Raises:
        ParseError: no project to ask about.
    """
    if not projects:
        raise ParseError(
            "a questionnaire needs the quarter's projects",
            field="projects",
            rule="E-4",
            zh="问卷需要本季度的项目",
        )
    sheets = [
        _sheet(
            q,
            survey_id=survey_id,
            community_name=community_name,
            quarter=quarter,
            contact=contact,
            projects=projects,
            policy=policy,
            lang=lang,
        )
        for q in sample
    ]
    body = "".join([*sheets, _reserve(reserve, lang)])
    text = html.unescape(re.sub(r"<[^>]*>", " ", body))
    font = font_face(text) or ""
    page_lang = "en" if lang == "en" else "zh-CN"
    title = html.escape(f"{community_name} {quarter}")
    return (
        f'<!DOCTYPE html><html lang="{page_lang}"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{font}{_STYLE}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise ParseError(
        "printing the PDF needs Chromium (apt-get install chromium), or give --no-pdf",
        field="--pdf",
        rule="E-4",
        zh="打印 PDF 需要 Chromium（apt-get install chromium），或加 --no-pdf",
    )


def print_pdf(html_path: Path, pdf_path: Path, *, timeout: float = 120) -> Path:
    """Print ``html_path`` to ``pdf_path`` with headless Chromium (A4, as the page's style says).

    Raises:
        ParseError: no Chromium, or it failed.
    """
    with tempfile.TemporaryDirectory() as profile:
        command = [
            _chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf_path}",
            html_path.resolve().as_uri(),
        ]
        done = subprocess.run(  # noqa: S603 - a browser found on PATH, our own page
            command, capture_output=True, timeout=timeout, check=False
        )
    if done.returncode != 0 or not pdf_path.is_file():
        raise ParseError(
            f"Chromium could not print the pack (exit {done.returncode})",
            field=str(pdf_path),
            rule="E-4",
            zh=f"Chromium 无法打印问卷（退出码 {done.returncode}）",
        )
    return pdf_path
