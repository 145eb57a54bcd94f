"""The announcement written as a static site: Chinese first, English beside it (R-1).

    DIR/index.html          the announcement in Chinese
    DIR/en/index.html       the same in English
    DIR/certificate.json    the household sample's certificate (when the policy shows ids)
    DIR/result.json         the quarter's results as a document, for anyone to re-check
    DIR/head.json           the ledger's latest signed head (when there is one)
    DIR/verify_inclusion.py the script a household checks its receipt with (when the frame
                            was committed to before the seed, E-4)

The folder is written under a temporary name and renamed at the end, so a failed write
leaves nothing. The same notice always gives the same bytes.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from community_governance.evaluation import verify_inclusion
from community_governance.folders import write_new_folder
from community_governance.notice.content import Notice
from community_governance.notice.page import render_page
from community_governance.vocabulary import Lang

__all__ = ["notice_charts", "site_files", "write_site"]


def notice_charts(notice: Notice, lang: Lang) -> dict[str, str]:
    """The page's charts as inline SVG: ``"ranking"``, and each unit's six dimensions."""
    from community_governance.notebook.charts import radar, ranking  # noqa: PLC0415
    from community_governance.notice.svg import inline_svg  # noqa: PLC0415

    names = dict(notice.names)
    charts = {
        "ranking": inline_svg(
            ranking(notice.result, notice.policy, lang=lang, names=names),
            prefix="ranking",
            label="最终成绩排名" if lang == "zh" else "Final scores in rank order",
        )
    }
    for index, card in enumerate(notice.result.scorecards):
        name = notice.name(card.unit_id)
        charts[card.unit_id] = inline_svg(
            radar(card, lang=lang, names=names),
            prefix=f"unit{index}",
            label=f"{name}：六个维度" if lang == "zh" else f"{name}: the six dimensions",
        )
    return charts


def site_files(notice: Notice, *, charts: bool = True) -> dict[str, bytes]:
    """The site's files by relative path (see the module's description)."""
    from community_governance.notice.font import font_face  # noqa: PLC0415
    from community_governance.schemas import CertificateDoc, QuarterResultDoc  # noqa: PLC0415

    files: dict[str, bytes] = {}
    pages: tuple[tuple[Lang, str], ...] = (("zh", "index.html"), ("en", "en/index.html"))
    for lang, path in pages:
        drawn = notice_charts(notice, lang) if charts else None
        # The font carries the glyphs of the page's text (the charts draw their own).
        font = font_face(_text_of(render_page(notice, lang, charts=drawn)))
        files[path] = render_page(notice, lang, charts=drawn, font=font).encode("utf-8")
    if notice.certificate is not None and notice.disclosure.code == "ids":
        document = CertificateDoc.from_domain(notice.certificate, notice.commitment)
        files["certificate.json"] = document.to_json().encode()
    if notice.commitment is not None:
        # Published beside the page, so a resident needs nothing but Python to check.
        files["verify_inclusion.py"] = Path(verify_inclusion.__file__).read_bytes()
    if notice.ledger_head is not None and notice.ledger_head.signed is not None:
        files["head.json"] = notice.ledger_head.signed.to_json().encode()
    places = notice.policy.rounding_places
    files["result.json"] = QuarterResultDoc.from_domain(notice.result, places).to_json().encode()
    return files


def _text_of(page: str) -> str:
    """The characters a page shows: its markup's text, entities read.

    A chart's text is drawn as outlines, so its markup adds nothing.
    """
    return html.unescape(re.sub(r"<[^>]*>", " ", page))


def write_site(notice: Notice, directory: Path | str, *, charts: bool = True) -> Path:
    """Write the announcement's site into ``directory``, a folder that must not exist yet.

    Raises:
        ParseError: the folder exists already (rule R-1).
    """
    return write_new_folder(directory, site_files(notice, charts=charts), rule="R-1")
