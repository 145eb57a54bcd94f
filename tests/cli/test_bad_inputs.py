"""Bad inputs at the shell: one line naming the file or field and the rule, exit 2, no traceback.

Each row is a failure an adversarial pass found, written as a real file where a file is read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from community_governance.cli import EXIT_BAD_INPUT, main
from community_governance.numbers import MAX_DIGITS
from tests.cli.hostile_policies import HEAD, POLICY_CASES


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


def test_a_policy_that_extends_itself(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """P-1: a policy file that extends itself, directly or through another, names the cycle."""
    (tmp_path / "self.toml").write_text(HEAD.format(id="x", parent=tmp_path / "self.toml"))
    (tmp_path / "a.toml").write_text(HEAD.format(id="a", parent=tmp_path / "b.toml"))
    (tmp_path / "b.toml").write_text(HEAD.format(id="b", parent=tmp_path / "a.toml"))
    for name in ("self.toml", "a.toml"):
        code, err = _run(capsys, "policy", "validate", str(tmp_path / name))
        assert code == EXIT_BAD_INPUT
        assert "extends itself" in err
        assert "policy.extends" in err
        assert err.count("\n") == 1
        assert "Traceback" not in err


def test_a_policy_nested_100k_deep(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """P-1: TOML arrays nested 100,000 deep are refused in one line, not a RecursionError."""
    path = tmp_path / "deep.toml"
    path.write_text(
        HEAD.format(id="d", parent="xiamen-127")
        + '[parameters."local.x"]\nrule = "LOCAL-1"\nnote = "n"\n'
        + "values = [{valid_from = 2021-01-21, value = "
        + "[" * 100_000
        + "]" * 100_000
        + "}]\n"
    )
    code, err = _run(capsys, "policy", "validate", str(path))
    assert code == EXIT_BAD_INPUT
    assert "nested too deeply" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize("digits", [MAX_DIGITS + 10, 5_000, 1_000_000])
def test_an_exact_number_of_too_many_digits(
    capsys: pytest.CaptureFixture[str], digits: int
) -> None:
    """C-3: a threshold of thousands of digits is refused at once, naming the field and rule."""
    code, err = _run(
        capsys, "tally", "--entitled", "20", "--agree", "17", "--threshold", "0." + "9" * digits
    )
    assert code == EXIT_BAD_INPUT
    assert "threshold" in err
    assert "[C-3]" in err
    assert f"at most {MAX_DIGITS} digits" in err
    assert err.count("\n") == 1


def test_explain_with_a_reported_score_that_is_no_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-5: a result whose reported score is "abc" or "NaN" is refused in one line."""
    import json  # noqa: PLC0415

    from community_governance.demo import demo_quarter, run_demo  # noqa: PLC0415
    from community_governance.schemas import QuarterResultDoc  # noqa: PLC0415

    result = run_demo(demo_quarter(127)).result
    document = json.loads(QuarterResultDoc.from_domain(result).model_dump_json())
    unit = document["scorecards"][0]["unit_id"]
    for bad in ("abc", "NaN"):
        document["scorecards"][0]["final"]["reported"] = bad
        path = tmp_path / "result.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        code, err = _run(capsys, "explain", str(path), unit)
        assert code == EXIT_BAD_INPUT
        assert "final.reported" in err
        assert err.count("\n") == 1
        assert "Traceback" not in err


def test_a_case_event_with_a_field_it_does_not_have() -> None:
    """R-2: a case history whose event carries an unknown field is a ParseError, not TypeError."""
    import json  # noqa: PLC0415

    from community_governance.errors import ParseError  # noqa: PLC0415
    from community_governance.schemas import load_document  # noqa: PLC0415

    document = {
        "document": "case",
        "case_id": "c",
        "unit_id": "D",
        "quarter": "2026Q2",
        "issued_on": "2026-07-14",
        "original_deadline": "2026-08-13",
        "day_count": "calendar",
        "required_levels": ["party_organisation"],
        "member_units": ["A", "D"],
        "history": [
            {"at": "2026-07-15", "event": "Submit", "fields": {"colour": "red"}, "state": "x"}
        ],
    }
    case = load_document("case", json.dumps(document))
    with pytest.raises(ParseError) as refused:
        case.to_domain()
    assert (refused.value.field, refused.value.rule) == ("history.fields", "R-2")


def _frame_file(tmp_path: Path, text: str, encoding: str, *, bom: bool = False) -> Path:
    path = tmp_path / f"frame-{encoding}.json"
    data = text.encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", False), ("utf-8", True), ("gbk", False)])
def test_frames_in_utf8_with_or_without_bom_and_in_gbk_are_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], *, encoding: str, bom: bool
) -> None:
    """E-4: a frame saved by Excel (BOM) or a Chinese Windows tool (GBK) draws the same sample."""
    import json  # noqa: PLC0415

    households = [f"海滨-{i:03d}" for i in range(30)]
    text = json.dumps({"document": "frame", "households": households}, ensure_ascii=False)
    path = _frame_file(tmp_path, text, encoding, bom=bom)
    code = main(
        [
            "sample",
            "draw",
            str(path),
            "--seed",
            "007",
            "--seed-source",
            "dice",
            "--at",
            "2026-09-30",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    drawn = json.loads(out)
    assert set(drawn["sample"]) <= set(households)
    assert drawn["frame_size"] == 30


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('{"document": "frame", "households": ["a"], "households": ["b"]}', "appears twice"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_duplicate_keys_and_deep_nesting_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, needle: str
) -> None:
    """E-4: a key given twice (the last would win silently) and 10^5-deep JSON: one line, exit 2."""
    path = tmp_path / "frame.json"
    path.write_text(text, encoding="utf-8")
    code, err = _run(capsys, "sample", "draw", str(path), "--seed", "1", "--seed-source", "d")
    assert code == EXIT_BAD_INPUT
    assert needle in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_a_meeting_on_the_last_representable_day_closes_with_an_error_not_a_crash() -> None:
    """C-4: a review date past 9999-12-31 is a ParseError naming held_on, not OverflowError."""
    import datetime as dt  # noqa: PLC0415

    from community_governance import default_policy  # noqa: PLC0415
    from community_governance.community import Representative  # noqa: PLC0415
    from community_governance.consultation import Meeting, Proposal  # noqa: PLC0415
    from community_governance.errors import ParseError  # noqa: PLC0415

    meeting = Meeting.open(
        "m",
        dt.date(9999, 12, 31),
        [Representative("R1", "U1")],
        [Proposal("P1", "lights", "public_affairs")],
        default_policy(),
    )
    with pytest.raises(ParseError) as refused:
        meeting.close(default_policy())
    assert (refused.value.field, refused.value.rule) == ("held_on", "C-4")


@pytest.mark.parametrize("case", sorted(POLICY_CASES))
def test_a_policy_past_its_bounds_is_one_line(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """P-1: digits, parameters, length and a datetime number: one line naming the file."""
    body, words = POLICY_CASES[case]
    path = tmp_path / "bounded.toml"
    path.write_text(HEAD.format(id="b", parent="xiamen-127") + body, encoding="utf-8")
    code, err = _run(capsys, "policy", "validate", str(path))
    assert code == EXIT_BAD_INPUT
    assert words in err
    assert str(path) in err
    assert err.count("\n") == 1
