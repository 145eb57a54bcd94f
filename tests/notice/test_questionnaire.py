"""E-4: the printed questionnaires, read back the way a person reads them.

The page is checked as HTML; the PDF, which headless Chromium prints, is turned into
pictures with ``pdftoppm`` and its text read with ``pdftotext`` (poppler, which ``.ci/run``
installs). On each questionnaire's page, the QR code drawn is compared module by module
with the QR code ``segno`` makes of the code printed beside it.
"""

from __future__ import annotations

import base64
import functools
import html
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import segno
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from PIL import Image

from community_governance.demo import demo_commitment, demo_frame_secret, demo_quarter
from community_governance.errors import ParseError
from community_governance.evaluation.fieldwork import code_problem, questionnaire_codes
from community_governance.evaluation.sampling import sample_order
from community_governance.notice.questionnaire import Questionnaire, pack_html, qr_payload
from tests.cli.shell import run

SURVEY = "haibin-2026Q3"


@functools.cache
def _pack(lang: str) -> tuple[str, list[Questionnaire], list[Questionnaire]]:
    data = demo_quarter(127, "2026Q3")
    certificate = data.survey.certificate
    drawn = set(certificate.sample)
    reserve = [h for h in sample_order(data.frame, certificate.seed) if h not in drawn][:20]
    codes = questionnaire_codes([*certificate.sample, *reserve], demo_frame_secret(127), SURVEY)
    sheets = [Questionnaire(h, c) for h, c in codes.items()]
    sample = [q for q in sheets if q.household in drawn]
    reserves = [q for q in sheets if q.household not in drawn]
    text = pack_html(
        sample,
        reserves,
        survey_id=SURVEY,
        community_name=data.community.name,
        quarter="2026Q3",
        contact="社区居委会 0592-1234567",
        projects=data.survey.projects,
        policy=data.policy.at(data.quarter.end),
        lang=lang,  # type: ignore[arg-type]
    )
    return text, sample, reserves


@pytest.mark.parametrize("lang", ["zh", "both"])
def test_one_sheet_per_household_then_the_reserve(lang: str) -> None:
    """E-4: each sampled household's sheet in draw order, its code and QR; then the reserve."""
    text, sample, reserves = _pack(lang)
    assert re.findall(r'<section data-code="([^"]+)">', text) == [q.code for q in sample]
    assert text.count("<svg") == len(sample) == 100
    assert all(code_problem(q.code) is None for q in sample)
    data = demo_quarter(127, "2026Q3")
    for level in data.policy.at(data.quarter.end).survey_answer_scale.levels:
        assert level.zh in text
        assert (level.en in text) == (lang == "both")
    assert text.count("社区居委会 0592-1234567") == 100 * (2 if lang == "both" else 1)
    reserve_part = text[text.rindex("<section>") :]
    assert re.findall(r"<td>\d+</td><td>([^<]+)</td>", reserve_part) == [q.code for q in reserves]
    assert "备选名单（按抽签顺序）" in reserve_part
    assert "第一户替换" in reserve_part


@pytest.mark.parametrize("lang", ["zh", "both"])
def test_every_character_is_in_the_embedded_font_and_nothing_before_it(lang: str) -> None:
    """E-4: the page's font holds every character it shows; no family comes before it."""
    text, _, _ = _pack(lang)
    data = re.search(r'url\("data:font/otf;base64,([^"]+)"\)', text)
    assert data is not None
    font = TTFont(io.BytesIO(base64.b64decode(data.group(1))))
    covered = set(font.getBestCmap())
    body = text[text.index("<body>") :]
    shown = set(html.unescape(re.sub(r"<[^>]*>", " ", body)))
    assert {c for c in shown if not c.isspace() and ord(c) not in covered} == set()
    assert re.search(r'\* \{ font-family: "CG Noto Sans SC", sans-serif; \}', text)
    assert "system-ui" not in text


def test_a_pack_needs_projects() -> None:
    """E-4: a questionnaire with nothing to ask about is refused."""
    data = demo_quarter(127, "2026Q3")
    with pytest.raises(ParseError, match="needs the quarter's projects"):
        pack_html(
            [], [], survey_id=SURVEY, community_name="x", quarter="2026Q3", contact="x",
            projects=[], policy=data.policy.at(data.quarter.end),
        )  # fmt: skip


# -- the PDF, as printed --------------------------------------------------------------------------

_TOOLS = ("pdftoppm", "pdftotext")


def _need_tools() -> None:
    missing = [t for t in (*_TOOLS, "chromium") if shutil.which(t) is None]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must provide {missing} (.ci/run installs them)")
        pytest.skip(f"missing {missing}")


def _modules(page: Image.Image, size: int) -> list[list[bool]]:
    """The QR code at the page's top right, read module by module (dark is True)."""
    width, height = page.size
    region = page.crop((width // 2, 0, width, height // 3)).convert("L")
    pixels = region.load()
    assert pixels is not None
    w, h = region.size
    dark_rows = [y for y in range(h) if any(pixels[x, y] < 128 for x in range(w))]  # type: ignore[operator]
    # The QR is the first block of rows; its quiet zone parts it from the code below.
    block = [dark_rows[0]]
    for y in dark_rows[1:]:
        if y - block[-1] > 8:
            break
        block.append(y)
    top, bottom = block[0], block[-1]
    columns = [
        x
        for x in range(w)
        if any(pixels[x, y] < 128 for y in range(top, bottom + 1))  # type: ignore[operator]
    ]
    left, right = columns[0], columns[-1]
    step_x = (right - left + 1) / size
    step_y = (bottom - top + 1) / size
    return [
        [
            pixels[int(left + (i + 0.5) * step_x), int(top + (j + 0.5) * step_y)] < 128  # type: ignore[operator]
            for i in range(size)
        ]
        for j in range(size)
    ]


def test_each_printed_page_holds_the_qr_code_of_the_code_beside_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-4: pdftoppm's picture of every questionnaire holds segno's QR of its printed code."""
    _need_tools()
    data_dir = tmp_path / "data"
    assert run(capsys, "demo", "--export", str(data_dir))[0] == 0
    out = tmp_path / "pack"
    code, said, err = run(
        capsys, "survey", "pack", "--certificate", str(data_dir / "certificate.json"),
        "--projects", str(data_dir / "survey.json"), "--frame", str(data_dir / "frame.json"),
        "--secret-file", str(data_dir / "frame.secret"), "--community-name", "海滨社区",
        "--contact", "社区居委会 0592-1234567", "-o", str(out), "--lang", "zh",
    )  # fmt: skip
    assert code == 0, err
    assert said == f"已写出 100 份问卷和 20 户备选名单：{out}（pack.html, pack.pdf）\n"
    pdf = out / "pack.pdf"
    text = subprocess.run(  # noqa: S603 - poppler on our own PDF
        [shutil.which("pdftotext") or "pdftotext", "-layout", str(pdf), "-"],
        capture_output=True, text=True, check=True,
    ).stdout.split("\f")  # fmt: skip
    pages = [t for t in text if t.strip()]
    assert len(pages) == 101
    certificate = json.loads((data_dir / "certificate.json").read_text(encoding="utf-8"))
    codes = questionnaire_codes(certificate["sample"], demo_frame_secret(127), SURVEY)
    subprocess.run(  # noqa: S603 - poppler on our own PDF
        [shutil.which("pdftoppm") or "pdftoppm", "-r", "120", "-l", "100", "-png", str(pdf),
         str(tmp_path / "page")],
        check=True,
    )  # fmt: skip
    pictures = sorted(tmp_path.glob("page-*.png"))
    assert len(pictures) == 100
    for page_text, picture, household in zip(pages, pictures, certificate["sample"], strict=False):
        printed = re.findall(r"\b[0-9A-Z]{8}\b", page_text)
        assert codes[household] in printed
        assert f"送达住户：{household}" in page_text
        qr = segno.make_qr(qr_payload(SURVEY, codes[household]), error="m")
        expected = [[bool(m) for m in row] for row in qr.matrix]
        with Image.open(picture) as image:
            assert _modules(image, int(qr.symbol_size(border=0)[0])) == expected, picture.name
    assert "备选名单" in pages[-1]
    fonts = subprocess.run(  # noqa: S603 - poppler on our own PDF
        [shutil.which("pdffonts") or "pdffonts", str(pdf)], capture_output=True, text=True,
        check=True,
    ).stdout.splitlines()[2:]  # fmt: skip
    assert fonts
    assert all(" yes " in line for line in fonts)  # every font is embedded
    assert demo_commitment(demo_quarter(127, "2026Q3")).community == "haibin"


def test_the_pack_s_own_mistakes_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-4: no commitment to name the survey; a frame the certificate was not drawn from."""
    data_dir = tmp_path / "data"
    assert run(capsys, "demo", "--export", str(data_dir))[0] == 0
    certificate = json.loads((data_dir / "certificate.json").read_text(encoding="utf-8"))
    del certificate["commitment"]
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps(certificate, ensure_ascii=False), encoding="utf-8")
    base = ["survey", "pack", "--projects", str(data_dir / "survey.json"),
            "--secret-file", str(data_dir / "frame.secret"), "--community-name", "x",
            "--contact", "x", "--no-pdf"]  # fmt: skip
    code, _, err = run(capsys, *base, "--certificate", str(plain), "--frame",
                       str(data_dir / "frame.json"), "-o", str(tmp_path / "a"))  # fmt: skip
    assert code == 2
    assert "give --survey-id" in err
    small = tmp_path / "frame.csv"
    small.write_text("household\nA\nB\n", encoding="utf-8")
    code, _, err = run(capsys, *base, "--certificate", str(data_dir / "certificate.json"),
                       "--frame", str(small), "-o", str(tmp_path / "b"))  # fmt: skip
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "a").exists()
    assert not (tmp_path / "b").exists()
    code, said, _ = run(capsys, *base, "--certificate", str(data_dir / "certificate.json"),
                        "--frame", str(data_dir / "frame.json"), "-o", str(tmp_path / "c"),
                        "--lang", "en")  # fmt: skip
    assert code == 0
    assert said.endswith("(pack.html)\n")
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == ["pack.html"]
