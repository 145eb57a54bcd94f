"""The public announcement: what it says, in both languages, escaped, the same each time (R-1).

Also E-4 (the sample certificate and its re-check) and E-6 (orders with deadlines and
three-level supervision). The pages are checked here as HTML; ``test_browser`` opens them
in a real Chromium.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import attrs
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, strategies as st

from community_governance.cli import main
from community_governance.community import Community
from community_governance.demo import (
    DemoOutcome,
    DemoQuarter,
    demo_commitment,
    demo_frame_secret,
    demo_quarter,
    run_demo,
)
from community_governance.errors import GovernanceError
from community_governance.evaluation.commitment import receipts
from community_governance.evaluation.fieldwork import survey_return
from community_governance.ledger import SQLiteLedger, events as ev
from community_governance.ledger.checkpoint import SignedHead, checkpoint, key_id, verify_head
from community_governance.notice import Notice, build_notice, render_page, site_files, write_site
from community_governance.notice.page import STYLE
from community_governance.policy import default_policy
from community_governance.ports import NewEvent
from community_governance.schemas import QuarterResultDoc, RatingsDoc, SurveyDoc

HOSTILE = (
    "<script>window.__pwned = 1</script>",
    "\"quoted\" & 'single' </bdi><img src=x onerror=alert(1)>",
    "\u202eevil\u202c right-to-left \u200f mark",
    "]]><!-- comment --><style>body{display:none}</style>",
)


@pytest.fixture(scope="module")
def demo() -> tuple[DemoQuarter, DemoOutcome]:
    """The demo quarter and what the library made of it."""
    return _demo()


@functools.cache
def _demo() -> tuple[DemoQuarter, DemoOutcome]:
    data = demo_quarter(127, "2026Q3")
    return data, run_demo(data)


def _notice(demo: tuple[DemoQuarter, DemoOutcome], **changes: object) -> Notice:
    data, outcome = demo
    arguments: dict[str, object] = {
        "community": data.community,
        "certificate": data.survey.certificate,
        "at": outcome.announcement.announced_on,
        "policy": data.policy,
    }
    arguments.update(changes)
    return build_notice(outcome.result, **arguments)  # type: ignore[arg-type]


class _Page(HTMLParser):
    """Tags, and the text of every row header (the units' names), as a browser parses them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.row_names: list[str] = []
        self._in_row_header = False

    def handle_starttag(self, tag: str, attrs_: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "th" and ("scope", "row") in attrs_:
            self._in_row_header = True
            self.row_names.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "th":
            self._in_row_header = False

    def handle_data(self, data: str) -> None:
        if self._in_row_header:
            self.row_names[-1] += data


def _parsed(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


def _renamed(community: Community, names: list[str]) -> Community:
    units = tuple(
        attrs.evolve(u, name=names[i % len(names)]) for i, u in enumerate(community.units)
    )
    return attrs.evolve(community, name=names[0], units=units)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_hostile_names_are_escaped_everywhere(
    demo: tuple[DemoQuarter, DemoOutcome], lang: str
) -> None:
    """R-1: names that try to be markup show as written and add no tag to the page."""
    data, outcome = demo
    notice = _notice(demo, community=_renamed(data.community, list(HOSTILE)))
    page = render_page(notice, lang)  # type: ignore[arg-type]
    parsed = _parsed(page)
    assert set(parsed.tags) <= {
        "html", "head", "meta", "title", "style", "body", "nav", "a", "header", "h1", "p",
        "main", "h2", "h3", "div", "strong", "table", "caption", "thead", "tr", "th", "tbody",
        "td", "span", "bdi", "ul", "li", "details", "summary", "code", "ol", "br", "small",
        "figure", "figcaption",
    }  # fmt: skip
    assert parsed.tags.count("style") == 1
    results = parsed.row_names[: len(outcome.result.scorecards)]
    assert results == [notice.name(c.unit_id) for c in outcome.result.scorecards]
    assert set(results) <= set(HOSTILE)


@given(st.lists(st.text(min_size=1, max_size=24), min_size=1, max_size=4))
def test_any_name_reads_back_as_written(names: list[str]) -> None:
    """R-1: whatever a unit is called, the page shows exactly that name and no new tag."""
    data, outcome = _demo()
    community = _renamed(data.community, [n.replace("\r", "") for n in names])
    notice = build_notice(
        outcome.result,
        community=community,
        policy=data.policy,
        at=outcome.announcement.announced_on,
    )
    parsed = _parsed(render_page(notice, "en"))
    assert "script" not in parsed.tags
    results = parsed.row_names[: len(outcome.result.scorecards)]
    assert results == [notice.name(c.unit_id) for c in outcome.result.scorecards]


def test_window_and_orders_are_those_the_announcement_will_have(
    demo: tuple[DemoQuarter, DemoOutcome],
) -> None:
    """R-1, E-6, R-2: the window and each order's deadline and supervisors are real.

    They equal what announcing and taking effect give.
    """
    _, outcome = demo
    notice = _notice(demo)
    board = outcome.announcement
    assert notice.window_ends == board.window_ends
    assert notice.effective_on == board.effective_on()
    cases = {c.unit_id: c for c in outcome.cases}
    assert [o.unit_id for o in notice.orders] == list(cases)
    for order in notice.orders:
        assert order.deadline == cases[order.unit_id].deadline
        assert order.supervisors == cases[order.unit_id].required_levels
        assert len(order.supervisors) == 3  # three-level supervision
    page = render_page(notice, "zh")
    for order in notice.orders:
        assert order.deadline.isoformat() in page
    assert board.window_ends.isoformat() in page


def test_a_later_announcement_moves_the_window(demo: tuple[DemoQuarter, DemoOutcome]) -> None:
    """R-1: the window is counted from the announcement day, as the policy says."""
    _, outcome = demo
    first = _notice(demo)
    later = _notice(demo, at=first.announced_on + dt.timedelta(days=10))
    assert later.window_ends > first.window_ends
    assert later.orders[0].deadline > first.orders[0].deadline
    with pytest.raises(GovernanceError, match="after the evaluation"):
        _notice(demo, at=outcome.result.evaluated_on - dt.timedelta(days=1))


def test_the_policy_decides_whether_sampled_ids_are_shown(
    demo: tuple[DemoQuarter, DemoOutcome],
) -> None:
    """R-1, E-4: under ``count`` the page and the site carry no sampled household id."""
    data, _ = demo
    sample = data.survey.certificate.sample
    shown = site_files(_notice(demo), charts=False)
    assert all(h in shown["index.html"].decode() for h in sample)
    assert json.loads(shown["certificate.json"])["sample"] == list(sample)
    policy = default_policy().override({"rectification.announcement_sample": "count"})
    hidden = site_files(_notice(demo, policy=policy), charts=False)
    assert "certificate.json" not in hidden
    for page in (hidden["index.html"], hidden["en/index.html"]):
        assert not any(h.encode() in page for h in sample)
        assert str(len(sample)).encode() in page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_frame_s_commitment_is_announced_with_the_receipt_script(
    demo: tuple[DemoQuarter, DemoOutcome], lang: str, tmp_path: Path
) -> None:
    """E-4, R-1: root, size, declared source and record; the script beside the page works."""
    data, _ = demo
    commitment = demo_commitment(data)
    files = site_files(_notice(demo, commitment=commitment), charts=False)
    page = files["index.html" if lang == "zh" else "en/index.html"].decode()
    section = page[page.index('id="commitment"') :]
    assert commitment.root in section
    assert commitment.seed_source.said(lang) in section
    recorded = commitment.recorded or {}
    said = f"第 {recorded['seq']} 条，签名于 {recorded['at']}" if lang == "zh" else (
        f"record {recorded['seq']}, signed at {recorded['at']}")  # fmt: skip
    assert said in section
    assert f"--root {commitment.root}" in section
    href = "verify_inclusion.py" if lang == "zh" else "../verify_inclusion.py"
    assert f'<a href="{href}">verify_inclusion.py</a>' in section
    assert "no-commitment" not in page
    assert json.loads(files["certificate.json"])["commitment"] == commitment.to_document()
    script = tmp_path / "verify_inclusion.py"
    script.write_bytes(files["verify_inclusion.py"])
    receipt = next(receipts(data.frame, demo_frame_secret(data.seed), commitment))
    path = tmp_path / "receipt.json"
    path.write_text(json.dumps(receipt.to_document()), encoding="utf-8")
    done = subprocess.run(  # noqa: S603 - the test's own interpreter and the site's script
        [sys.executable, "-I", str(script), str(path), "--root", commitment.root],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_survey_s_response_is_announced(
    demo: tuple[DemoQuarter, DemoOutcome], lang: str
) -> None:
    """E-4, R-1: the households first drawn that answered, the replacements, the count."""
    data, _ = demo
    response = survey_return(data.survey)
    assert (response.sampled, response.first_answered, response.answered) == (100, 95, 100)
    assert len(response.replacements) == 5
    files = site_files(_notice(demo, response=response), charts=False)
    page = files["index.html" if lang == "zh" else "en/index.html"].decode()
    said = (
        "首次抽中的 100 户中 95 户作答（95.0%）；按抽签顺序替换 5 户；计入 100 户，0 户未作答"
        if lang == "zh"
        else "95 of the 100 households first drawn answered (95.0%); 5 replaced in draw "
        "order; 100 counted, 0 did not answer"
    )
    assert said in page
    assert 'id="response"' not in site_files(_notice(demo), charts=False)["index.html"].decode()


def test_a_draw_without_commitment_is_said_plainly(demo: tuple[DemoQuarter, DemoOutcome]) -> None:
    """E-4, R-1: no commitment: both pages say so, and publish no receipt script."""
    files = site_files(_notice(demo), charts=False)
    assert "verify_inclusion.py" not in files
    assert "没有记录表明名册在种子产生之前已经固定" in files["index.html"].decode()
    assert "nothing shows that the frame was fixed before" in files["en/index.html"].decode()
    assert "commitment" not in json.loads(files["certificate.json"])


def test_the_site_is_the_same_bytes_each_time(
    demo: tuple[DemoQuarter, DemoOutcome], tmp_path: Path
) -> None:
    """R-1: the same notice writes the same files, charts included."""
    notice = _notice(demo)
    first = write_site(notice, tmp_path / "one")
    second = write_site(notice, tmp_path / "two")
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert [str(p) for p in files] == [
        "certificate.json", "en/index.html", "index.html", "result.json"
    ]  # fmt: skip
    for path in files:
        assert (first / path).read_bytes() == (second / path).read_bytes()
    page = (first / "index.html").read_text()
    assert page.count("<svg") == 1 + len(notice.result.scorecards)
    assert not re.search("https?:", re.sub(r'xmlns(:\w+)?="[^"]*"', "", page))
    with pytest.raises(GovernanceError, match="exists already"):
        write_site(notice, first)


def test_the_command_writes_the_site_from_documents(
    demo: tuple[DemoQuarter, DemoOutcome],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """R-1: ``announce RESULT.json --ratings --survey -o DIR`` gives the demo's own site."""
    data, outcome = demo
    commitment = demo_commitment(data)
    files = {
        "result.json": QuarterResultDoc.from_domain(outcome.result),
        "ratings.json": RatingsDoc.from_domain(data.ratings),
        "survey.json": SurveyDoc.from_domain(data.survey, commitment),
    }
    for name, document in files.items():
        (tmp_path / name).write_text(document.model_dump_json(), encoding="utf-8")
    out = tmp_path / "site"
    on = outcome.announcement.announced_on.isoformat()
    arguments = ["announce", str(tmp_path / "result.json"), "-o", str(out), "--on", on]
    arguments += ["--ratings", str(tmp_path / "ratings.json")]
    arguments += ["--survey", str(tmp_path / "survey.json"), "--no-charts"]
    assert main(arguments) == 0
    response = survey_return(data.survey)
    expected = site_files(_notice(demo, commitment=commitment, response=response), charts=False)
    for name, data_ in expected.items():
        assert (out / name).read_bytes() == data_, name
    demo_out = tmp_path / "demo"
    assert main(["announce", "--demo", "-o", str(demo_out), "--no-charts"]) == 0
    assert (demo_out / "index.html").read_bytes() == expected["index.html"]
    capsys.readouterr()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["announce", "-o", "{tmp}/x"], "either RESULT.json or --demo"),
        (["announce", "{tmp}/missing.json", "-o", "{tmp}/x"], "cannot read the file"),
        (["announce", "--demo", "-o", "{tmp}"], "exists already"),
        (["announce", "{tmp}/bad.json", "-o", "{tmp}/x"], "bad.json"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    """R-1: a missing, unreadable or malformed input is named in one line; nothing is written."""
    (tmp_path / "bad.json").write_text('{"document": "quarter-result", "scorecards": 5}')
    code = main([a.format(tmp=tmp_path) for a in arguments])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x").exists()


def test_the_ledger_s_latest_signed_head_is_announced(
    demo: tuple[DemoQuarter, DemoOutcome], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R-1: ``announce --ledger`` shows the ledger's head and its latest signed head."""
    data, outcome = demo
    path = tmp_path / "record.db"
    ledger = SQLiteLedger(path, key=None)
    rules = data.policy.at(outcome.result.evaluated_on)
    stream = ev.quarter_stream(data.community.community_id, data.quarter)
    ledger.append(stream, [ev.quarter_evaluated(outcome.result, rules)], expected_version=0)
    unsigned = tmp_path / "unsigned"
    arguments = ["announce", "--demo", "--no-charts", "--ledger", str(path)]
    assert main([*arguments, "-o", str(unsigned)]) == 0
    page = (unsigned / "index.html").read_text(encoding="utf-8")
    assert ledger.head()[1] in page
    assert "未经签名" in page
    assert not (unsigned / "head.json").exists()
    key = Ed25519PrivateKey.from_private_bytes(bytes(32))
    signed_at = dt.datetime(2026, 10, 4, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    head = checkpoint(ledger, key, signed_at)
    signed = tmp_path / "signed"
    assert main([*arguments, "-o", str(signed)]) == 0
    assert (signed / "head.json").read_text(encoding="utf-8") == head.to_json()
    for page_path in (signed / "index.html", signed / "en" / "index.html"):
        text = page_path.read_text(encoding="utf-8")
        assert head.signature in text
        assert head.key_id in text
    published = SignedHead.from_document(json.loads((signed / "head.json").read_text()))
    assert verify_head(published, {key_id(key.public_key()): key.public_key()}) is None
    capsys.readouterr()


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_every_text_colour_has_enough_contrast() -> None:
    """R-1: every text colour of the page is at least 4.5:1 on every background it sits on."""
    colours = set(re.findall(r"(?<!-)color: (#[0-9a-f]{6})", STYLE))
    backgrounds = set(re.findall(r"background: (#[0-9a-f]{6})", STYLE)) | {"#ffffff"}
    assert len(colours) >= 5
    assert len(backgrounds) >= 4
    for text in colours:
        for background in backgrounds:
            light, dark = sorted((_luminance(text), _luminance(background)), reverse=True)
            assert (light + 0.05) / (dark + 0.05) >= 4.5, (text, background)


def test_another_ledger_s_head_is_never_announced(
    demo: tuple[DemoQuarter, DemoOutcome], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R-1: B's checkpoint record appended to A: ``announce --ledger A`` refuses, one line."""
    data, outcome = demo
    rules = data.policy.at(outcome.result.evaluated_on)
    stream = ev.quarter_stream(data.community.community_id, data.quarter)
    key = Ed25519PrivateKey.from_private_bytes(bytes(32))
    signed_at = dt.datetime(2026, 10, 4, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    ledgers = {}
    for name in ("a", "b"):
        ledger = SQLiteLedger(tmp_path / f"{name}.db", key=None)
        ledger.append(stream, [ev.quarter_evaluated(outcome.result, rules)], expected_version=0)
        note = NewEvent("note", {"ledger": name}, signed_at.date())
        ledger.append("notes", [note], expected_version=0)
        ledgers[name] = ledger
    foreign = checkpoint(ledgers["b"], key, signed_at)
    ledgers["a"].append(
        "ledger",
        [NewEvent("ledger.checkpoint", attrs.asdict(foreign), signed_at.date())],
        expected_version=0,
    )
    out = tmp_path / "site"
    code = main(
        ["announce", "--demo", "--no-charts", "--ledger", str(tmp_path / "a.db"), "-o", str(out)]
    )
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "a.db" in lines[0]
    assert "will not publish" in lines[0]
    assert not out.exists()
