"""Command-line subcommands on exchanged documents: schema, tally, sample, evaluate, explain."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

from community_governance.cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_OUTCOME
from community_governance.cli.spreadsheet import COLUMNS, result_csv
from community_governance.demo import demo_quarter
from community_governance.evaluation import evaluate_quarter
from community_governance.schemas import FrameDoc, RatingsDoc, SurveyDoc, load_document
from tests.cli.shell import run

DEMO = demo_quarter(127)


@pytest.fixture
def documents(tmp_path: Path) -> dict[str, str]:
    """The demo quarter's ratings, survey and frame as JSON files."""
    paths = {
        "ratings": RatingsDoc.from_domain(DEMO.ratings),
        "survey": SurveyDoc.from_domain(DEMO.survey),
        "frame": FrameDoc.from_domain(DEMO.frame),
    }
    out = {}
    for name, doc in paths.items():
        path = tmp_path / f"{name}.json"
        path.write_text(doc.model_dump_json(), encoding="utf-8")
        out[name] = str(path)
    return out


def test_schema_lists_and_prints(capsys: pytest.CaptureFixture[str]) -> None:
    """Every document's JSON Schema is available from the shell."""
    code, out, _ = run(capsys, "schema")
    assert code == EXIT_OK
    assert "quarter-result" in out.split()
    code, out, _ = run(capsys, "schema", "meeting")
    assert json.loads(out)["title"] == "MeetingDoc"
    assert run(capsys, "schema", "nope")[0] == EXIT_BAD_INPUT


def test_tally_boundaries_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    """C-3: 17 of 20 passes; 16 of 19 fails (exit 1 when asked); a float threshold is refused."""
    code, out, _ = run(
        capsys,
        "tally",
        "--entitled",
        "20",
        "--agree",
        "17",
        "--disagree",
        "3",
        "--at",
        "2026-07-01",
        "--lang",
        "en",
    )
    assert code == EXIT_OK
    assert "approved (85% agree)" in out
    code, out, _ = run(
        capsys,
        "tally",
        "--entitled",
        "19",
        "--agree",
        "16",
        "--disagree",
        "3",
        "--at",
        "2026-07-01",
        "--format",
        "json",
        "--fail-on-reject",
    )
    assert code == EXIT_OUTCOME
    assert json.loads(out)["votes_short"] == 1
    code, _, err = run(
        capsys,
        "tally",
        "--entitled",
        "20",
        "--agree",
        "17",
        "--threshold",
        "0.8x",
        "--at",
        "2026-07-01",
    )
    assert code == EXIT_BAD_INPUT
    assert "threshold" in err
    assert err.count("\n") == 1


def test_sample_draw_and_verify(
    capsys: pytest.CaptureFixture[str], documents: dict[str, str], tmp_path: Path
) -> None:
    """E-4: a drawn certificate verifies; a tampered one exits 1."""
    code, out, _ = run(
        capsys,
        "sample",
        "draw",
        documents["frame"],
        "--seed",
        "31415",
        "--seed-source",
        "dice",
        "--at",
        "2026-09-30",
    )
    assert code == EXIT_OK
    certificate = tmp_path / "certificate.json"
    certificate.write_text(out, encoding="utf-8")
    code, said, _ = run(capsys, "sample", "verify", str(certificate), documents["frame"])
    assert (code, said.splitlines()[0]) == (EXIT_OK, "ok")
    assert said.splitlines()[1].startswith("no commitment: nothing shows")
    data = json.loads(out)
    data["sample"][0], data["sample"][1] = data["sample"][1], data["sample"][0]
    certificate.write_text(json.dumps(data), encoding="utf-8")
    code, out, _ = run(capsys, "sample", "verify", str(certificate), documents["frame"])
    assert code == EXIT_OUTCOME
    assert "differs" in out


@pytest.mark.parametrize("seed", ["007", "0123", "١٢٣", "²", "海滨-2026Q3"])
def test_a_draw_uses_the_seed_as_announced(
    capsys: pytest.CaptureFixture[str], documents: dict[str, str], seed: str
) -> None:
    """E-4: --seed 007 draws what consistent_sampler gives for seed="007" (text, never an int)."""
    from consistent_sampler import sampler  # noqa: PLC0415 - the publisher's package (dev extra)

    code, out, _ = run(
        capsys,
        "sample",
        "draw",
        documents["frame"],
        "--seed",
        seed,
        "--seed-source",
        "announced at the meeting",
        "--at",
        "2026-09-30",
    )
    assert code == EXIT_OK
    certificate = json.loads(out)
    frame = json.loads(Path(documents["frame"]).read_text(encoding="utf-8"))["households"]
    expected = list(sampler(frame, with_replacement=False, seed=seed, output="id"))
    assert certificate["seed"] == seed
    assert certificate["sample"] == expected[: certificate["size"]]
    assert (certificate["algorithm"], certificate["version"]) == ("consistent-sampler", 2)


def test_evaluate_and_explain(
    capsys: pytest.CaptureFixture[str], documents: dict[str, str], tmp_path: Path
) -> None:
    """E-1..E-6: evaluate from documents as a table, CSV and JSON; explain one unit."""
    code, out, _ = run(
        capsys, "evaluate", documents["ratings"], documents["survey"], "--lang", "en"
    )
    assert code == EXIT_OK
    assert "market" in out
    assert "failed" in out
    code, out, _ = run(
        capsys, "evaluate", documents["ratings"], documents["survey"], "--format", "csv"
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 12
    assert rows[-1]["unit"] == "market"
    code, out, _ = run(
        capsys, "evaluate", documents["ratings"], documents["survey"], "--format", "json"
    )
    result = tmp_path / "result.json"
    result.write_text(out, encoding="utf-8")
    code, out, _ = run(capsys, "explain", str(result), "market", "--lang", "zh")
    assert code == EXIT_OK
    assert "不合格" in out
    assert "E-5" in out
    assert run(capsys, "explain", str(result), "nobody")[0] == EXIT_BAD_INPUT


@pytest.mark.parametrize(
    ("content", "needle"),
    [(None, "cannot read the file"), ("{not json", "bad.json"), ("EXTRA", "extra")],
)
def test_bad_input_files_give_one_line(
    capsys: pytest.CaptureFixture[str],
    documents: dict[str, str],
    tmp_path: Path,
    content: str | None,
    needle: str,
) -> None:
    """Missing file, malformed JSON, an unknown field: exit 2, one line naming file and field."""
    path = tmp_path / "bad.json"
    if content == "EXTRA":
        data = json.loads(Path(documents["ratings"]).read_text(encoding="utf-8"))
        data["extra"] = 1
        path.write_text(json.dumps(data), encoding="utf-8")
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "evaluate", str(path), documents["survey"])
    assert code == EXIT_BAD_INPUT
    assert out == ""
    assert err.count("\n") == 1
    assert needle in err
    assert "bad.json" in err
    assert "Traceback" not in err


def test_a_json_number_is_read_exactly_from_its_digits(
    capsys: pytest.CaptureFixture[str], documents: dict[str, str], tmp_path: Path
) -> None:
    """E-2: 87.5 and "87.5" are the same score, read from the digits; NaN and true are refused."""
    text = Path(documents["ratings"]).read_text(encoding="utf-8")
    # Every score written as a bare JSON number instead of a string.
    unquoted = re.sub(
        r'"scores":\s*\{[^}]*\}',
        lambda block: re.sub(r'":\s*"(\d+(?:\.\d+)?)"', r'": \1', block.group(0)),
        text,
    )
    assert unquoted != text
    path = tmp_path / "numbers.json"
    path.write_text(unquoted, encoding="utf-8")
    quoted = run(capsys, "evaluate", documents["ratings"], documents["survey"], "--format", "json")
    assert run(capsys, "evaluate", str(path), documents["survey"], "--format", "json") == quoted
    score = re.search(r'"scores":\s*\{\s*"(\w+)": ([\d.]+)', unquoted)
    assert score is not None
    for bad, message in (
        ("NaN", "NaN is not a number a document can hold"),
        ("true", "Input should be a valid string"),
        ("123456789012345678901234567890.5", "123456789012345678901234567890.5 is outside"),
    ):
        broken = unquoted.replace(score.group(0), score.group(0).replace(score.group(2), bad), 1)
        (tmp_path / "bad.json").write_text(broken, encoding="utf-8")
        code, _, err = run(capsys, "evaluate", str(tmp_path / "bad.json"), documents["survey"])
        assert code == EXIT_BAD_INPUT, bad
        assert len(err.strip().splitlines()) == 1
        assert message in err, err


def test_a_threshold_written_as_a_decimal_is_read_exactly(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """C-3: --threshold 0.85 is text, read exactly: 17 of 20 passes, 16 of 19 does not."""
    args = ("tally", "--threshold", "0.85", "--at", "2026-07-01", "--fail-on-reject")
    assert run(capsys, *args, "--entitled", "20", "--agree", "17", "--disagree", "3")[0] == EXIT_OK
    assert (
        run(capsys, *args, "--entitled", "19", "--agree", "16", "--disagree", "3")[0]
        == EXIT_OUTCOME
    )


def test_demo_export_writes_files_every_command_reads(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """E-1..E-6, R-1: the exported documents load, evaluate to the exported result, verify."""
    folder = tmp_path / "data"
    code, out, _ = run(capsys, "demo", "--export", str(folder), "--lang", "zh")
    assert code == EXIT_OK
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(
        [
            "announcement.json",
            "certificate.json",
            "commitment.json",
            "csv",
            "field",
            "frame.json",
            "frame.secret",
            "meeting.json",
            "ratings.json",
            "result.json",
            "survey.json",
            "xlsx",
        ]
    )
    assert "住户抽样证书" in out
    assert "抽样框承诺" in out
    kinds = {
        "ratings.json": "ratings",
        "frame.json": "frame",
        "certificate.json": "certificate",
        "survey.json": "survey",
        "result.json": "quarter-result",
    }
    for name, kind in kinds.items():
        load_document(kind, (folder / name).read_text(encoding="utf-8"), source=name)
    code, out, _ = run(
        capsys,
        "evaluate",
        str(folder / "ratings.json"),
        str(folder / "survey.json"),
        "--format",
        "json",
        "--on",
        json.loads((folder / "result.json").read_text())["evaluated_on"],
    )
    assert code == EXIT_OK
    assert json.loads(out) == json.loads((folder / "result.json").read_text())
    code, out, _ = run(
        capsys, "sample", "verify", str(folder / "certificate.json"), str(folder / "frame.json")
    )
    assert (code, out.splitlines()[0]) == (EXIT_OK, "ok")
    code, out, _ = run(
        capsys, "sample", "verify", str(folder / "certificate.json"), str(folder / "frame.json"),
        "--secret-file", str(folder / "frame.secret"), "--lang", "en",
    )  # fmt: skip
    assert code == EXIT_OK
    assert out.splitlines()[1].startswith("the frame is the one committed to: 2400 households")
    assert out.splitlines()[2].startswith("the commitment is record 1 of the ledger")
    code, _, err = run(capsys, "demo", "--export", str(folder))
    assert code == EXIT_BAD_INPUT
    assert len(err.strip().splitlines()) == 1
    assert "exists already" in err


def test_csv_is_read_by_spreadsheets_as_written(
    capsys: pytest.CaptureFixture[str], documents: dict[str, str]
) -> None:
    """E-1..E-6: no fraction a spreadsheet takes for a date; Chinese headers and grades."""
    code, out, _ = run(
        capsys, "evaluate", documents["ratings"], documents["survey"], "--format", "csv",
        "--lang", "en",
    )  # fmt: skip
    assert code == EXIT_OK
    rows = list(csv.DictReader(io.StringIO(out)))
    for row in rows:
        for column in ("self", "peer", "public", "final"):
            assert "/" not in row[column]
            Decimal(row[column])  # a plain decimal number
        assert row["grade"] in {"excellent", "good", "qualified", "failed"}
        assert row["reweighted"] in {"true", "false"}
    code, out, _ = run(
        capsys, "evaluate", documents["ratings"], documents["survey"], "--format", "csv",
        "--lang", "zh",
    )  # fmt: skip
    assert out.startswith("名次,成员单位,自评")
    code, out, _ = run(
        capsys, "evaluate", documents["ratings"], documents["survey"], "--format", "csv",
        "--lang", "zh", "--excel",
    )  # fmt: skip
    assert out.startswith("\ufeff名次,成员单位,自评")
    chinese = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))
    assert [r["最终成绩"] for r in chinese] == [r["final"] for r in rows]
    assert chinese[-1]["等次"] == "不合格"


def test_csv_of_a_result_without_units_is_its_header() -> None:
    """E-1: an empty result still gives a well-formed CSV (its header), not a traceback."""
    result = evaluate_quarter(
        DEMO.community, DEMO.quarter, DEMO.ratings, DEMO.survey, policy=DEMO.policy
    )
    empty = attrs.evolve(result, scorecards=(), awards=(), rectification_orders=())
    assert result_csv(empty, "en").splitlines() == [",".join(COLUMNS)]


def test_a_document_can_come_from_standard_input(
    capsys: pytest.CaptureFixture[str],
    documents: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """E-1..E-6: ``-`` reads the document from standard input (GBK too); errors name stdin."""
    ratings = Path(documents["ratings"]).read_text(encoding="utf-8")
    expected = run(
        capsys, "evaluate", documents["ratings"], documents["survey"], "--format", "json"
    )
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(ratings.encode("gb18030"))))
    assert run(capsys, "evaluate", "-", documents["survey"], "--format", "json") == expected
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"{not json")))
    code, _, err = run(capsys, "evaluate", "-", documents["survey"])
    assert code == EXIT_BAD_INPUT
    assert err.count("\n") == 1
    assert "<stdin>" in err
