"""The standard-library verifier's command line, run in this process (E-5, the record).

Other tests run it in a fresh interpreter, as an auditor would; these call ``main``
directly, so that every exit code, every line it prints and every branch of its score
recomputation is checked on the code under test, including hand-made quarters whose
answers are known: a rounding tie, a recorded score that disagrees, a missing survey.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from community_governance.ledger import verify as verifier
from tests.ledger.builders import demo_ledger


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """A good export of the demo ledger."""
    ledger = demo_ledger(tmp_path / "l.db")
    ledger.export_jsonl(tmp_path / "export.jsonl")
    ledger.close()
    return tmp_path / "export.jsonl"


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help_prints_the_usage_and_exits_0(flag: str, capsys: pytest.CaptureFixture[str]) -> None:
    """E-5: -h and --help print the module's usage, exit 0."""
    assert verifier.main([flag]) == 0
    assert capsys.readouterr().out == verifier.__doc__


def test_no_argument_prints_the_usage_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """E-5: nothing to check is a usage error."""
    assert verifier.main([]) == 2
    assert capsys.readouterr().out == verifier.__doc__


def test_the_arguments_come_from_the_command_line(
    export: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-5: without arguments given, main reads sys.argv after the program name."""
    monkeypatch.setattr(sys, "argv", ["verify", str(export)])
    assert verifier.main() == 0
    assert capsys.readouterr().out.startswith("ok: ")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--unknown"], "verify: name the export to check (and only known options)\n"),
        (["--head", "x"], "verify: --head takes COUNT:HASH, such as 42:ab12...\n"),
        (["--final"], "verify: --final goes with --signed-head\n"),
        (["--trusted-key", "ab"], "verify: --trusted-key goes with --signed-head\n"),
        (["--head"], "verify: --head takes COUNT:HASH, such as 42:ab12...\n"),
        (
            ["--signed-head", "--trusted-key", "ab"],
            "verify: --signed-head takes the head.json an announcement publishes\n",
        ),
        (
            ["--signed-head", "--final"],
            "verify: --signed-head takes the head.json an announcement publishes\n",
        ),
        (
            ["--signed-head", "h.json", "--trusted-key"],
            "verify: --trusted-key takes the community's public key in hex\n",
        ),
    ],
)
def test_bad_options_are_one_line_and_exit_2(
    export: Path, extra: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-5: a bad option is named on one line of standard error, exit 2."""
    assert verifier.main([str(export), *extra]) == 2
    assert capsys.readouterr().err == message


def test_a_head_is_split_at_its_first_colon(
    export: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-5: COUNT:HASH is split at the first colon; a hash that does not match exits 1."""
    assert verifier.main([str(export), "--head", "1:2:ab"]) == 1
    assert capsys.readouterr().out == (
        "chain breaks at sequence 1: differs from the published head\n"
    )


def test_options_alone_name_no_export(capsys: pytest.CaptureFixture[str]) -> None:
    """E-5: options without an export are a usage error."""
    assert verifier.main(["--head", "1:ab"]) == 2
    assert "name the export" in capsys.readouterr().err


def test_a_good_export_is_ok_and_a_changed_score_is_not(
    export: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-5: exit 0 with the count; a recorded final changed (hash and all) exits 1, naming it."""
    assert verifier.main([str(export)]) == 0
    lines = export.read_text(encoding="utf-8").splitlines()
    assert capsys.readouterr().out == f"ok: {len(lines)} events, chain and scores recomputed\n"
    assert verifier.main([str(export), "--head", f"{len(lines) + 1}:{'0' * 64}"]) == 1
    assert capsys.readouterr().out.startswith(f"chain breaks at sequence {len(lines) + 1}")


def _quarter(reported: str, exact: str, mode: str = "half_up") -> list[dict[str, Any]]:
    """A hand-made quarter: unit U rates itself 2, V rates U 3; no survey. Final 5/2."""
    evaluated = {
        "parameters": {
            "weights": {"self": "1/2", "peer": "1/2", "public": "0"},
            "dimension_weights": {"d": "1"},
            "scale": {},
            "attribution": "all",
            "peer": {"aggregation": "mean", "min_raters": 1, "trim_min_raters": 3},
            "rounding": {"mode": mode, "places": 0},
        },
        "result": {
            "scorecards": [
                {
                    "unit_id": "U",
                    "final": {
                        "components": {"self": "2", "peer": "3", "public": None},
                        "weights": {"self": "1/2", "peer": "1/2", "public": "0"},
                        # no survey part: re-weighted away, as the library records it
                        "reweighted": True,
                        "exact": exact,
                        "reported": reported,
                    },
                }
            ]
        },
    }
    ratings = {
        "history": [
            {"rating": {"rater": "U", "ratee": "U", "scores": {"d": "2"}}},
            {"rating": {"rater": "V", "ratee": "U", "scores": {"d": "3"}}},
        ]
    }
    survey: dict[str, list[Any]] = {"projects": [], "responses": []}
    return [
        {"stream": "a-note", "type": "note", "data": {}},
        {"stream": "q", "type": "ratings.recorded", "data": ratings},
        {"stream": "q", "type": "survey.recorded", "data": survey},
        {"stream": "q", "type": "quarter.evaluated", "data": evaluated},
    ]


@pytest.mark.parametrize(
    ("mode", "reported", "exact", "problem"),
    [
        ("half_up", "3", "5/2", None),
        ("half_even", "2", "5/2", None),
        ("half_up", "2", "5/2", "q: U: final 3 differs from 2"),
        ("half_even", "3", "5/2", "q: U: final 2 differs from 3"),
        ("half_up", "3", "2", "q: U: final 3 differs from 3"),
    ],
)
def test_a_tie_is_recomputed_in_the_recorded_mode(
    mode: str, reported: str, exact: str, problem: str | None
) -> None:
    """E-5: 5/2 reports 3 half up and 2 half to even; a wrong final or exact is named."""
    assert Fraction(exact) in {Fraction(5, 2), Fraction(2)}
    found = verifier.recompute_quarters(_quarter(reported, exact, mode))
    assert found == ([] if problem is None else [problem])


def test_weights_other_than_the_policys_are_named() -> None:
    """E-5: a card's weights must be the policy's, re-weighted as recorded; each is named."""
    records = _quarter("3", "5/2")
    cards = records[-1]["data"]["result"]["scorecards"]
    cards[0]["final"]["weights"] = {"self": "1", "peer": "0", "public": "0"}
    cards.append(cards[0])
    assert verifier.recompute_quarters(records) == ["q: U: weights differ from the policy's"] * 2


@pytest.mark.parametrize("missing", ["ratings.recorded", "survey.recorded"])
def test_a_quarter_without_its_ratings_or_survey_is_named(missing: str) -> None:
    """E-5: the verifier needs both; a missing one is reported, not raised."""
    records = [r for r in _quarter("3", "5/2") if r["type"] != missing]
    assert verifier.recompute_quarters(records) == [
        "q: the ratings or the survey are missing from the export"
    ]


def test_every_quarter_of_an_export_is_recomputed() -> None:
    """E-5: two quarters, the first without problems: the second is still checked."""
    good = _quarter("3", "5/2")
    bad = [{**r, "stream": "r"} for r in _quarter("2", "5/2")]
    assert verifier.recompute_quarters(good + bad) == ["r: U: final 3 differs from 2"]
    missing = [r for r in good if r["type"] != "survey.recorded"]
    assert verifier.recompute_quarters(missing + bad) == [
        "q: the ratings or the survey are missing from the export",
        "r: U: final 3 differs from 2",
    ]


def test_an_export_is_read_as_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """E-5: an export is UTF-8 whatever the locale; a line that is not JSON exits 2."""
    path = tmp_path / "e.jsonl"
    path.write_bytes(json.dumps({"名": "值"}, ensure_ascii=False).encode() + b"\n")
    assert verifier.main([str(path)]) == 2
    assert "line 1" in capsys.readouterr().err
    path.write_bytes(b"\xff\n")
    assert verifier.main([str(path)]) == 2
    assert f"{path}: line 1 is not UTF-8 text" in capsys.readouterr().err


def test_an_export_that_breaks_the_arithmetic_is_bad_input(
    tmp_path: Path, export: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-5: a record the verifier cannot compute with (a float in its data) exits 2."""
    lines = export.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[0])
    record["data"]["x"] = 1.5
    path = tmp_path / "float.jsonl"
    path.write_text("\n".join([json.dumps(record), *lines[1:]]) + "\n", encoding="utf-8")
    assert verifier.main([str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"verify: {path} is not a well-formed export (ValueError('record 1 ")
    assert "a float has no canonical form" in err
    assert err.count("\n") == 1


def test_verify_export_lists_the_chains_problem(export: Path) -> None:
    """E-5: verify_export, the library's entry point, is empty for a good export."""
    records = [json.loads(line) for line in export.read_text(encoding="utf-8").splitlines()]
    assert verifier.verify_export(records) == []
    assert verifier.verify_export(records, (len(records), "0" * 64)) == [
        f"chain breaks at sequence {len(records)}: differs from the published head"
    ]
    assert verifier.verify_export(records[1:]) == [
        "chain breaks at sequence 1: expected sequence 1, found 2"
    ]


def test_without_cryptography_the_signature_is_said_to_be_unchecked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """R-1: the chain needs only the standard library; an unchecked signature is said so."""
    names = {"cryptography", *(m for m in sys.modules if m.startswith("cryptography."))}
    for name in names:  # as if it were not installed, imported or not
        monkeypatch.setitem(sys.modules, name, None)
    head = {"key_id": hashlib.sha256(b"k" * 32).hexdigest()[:16], "seq": 1}
    assert verifier._signature_note(head, (b"k" * 32).hex()) == (
        "signature not checked: the cryptography package is not installed"
    )


def test_a_forged_rating_of_weightless_dimensions_is_named_not_raised() -> None:
    """E-2: a peer rating scoring only a dimension of weight 0 has no score: a mismatch."""
    records = _quarter("3", "5/2")
    params = records[-1]["data"]["parameters"]
    params["dimension_weights"] = {"d": "1", "e": "0"}
    history = records[1]["data"]["history"]
    history[1]["rating"]["scores"] = {"e": "3"}
    found = verifier.recompute_quarters(records)
    assert found == [
        (
            "q: U: components {'self': Fraction(2, 1), 'peer': None, 'public': None} differ from "
            "the recorded {'self': Fraction(2, 1), 'peer': Fraction(3, 1), 'public': None}"
        )
    ]


def test_a_card_with_every_component_missing_is_named_not_raised() -> None:
    """E-5: nothing to weigh (no rating, no answer) is a weights problem, not a crash."""
    records = _quarter("3", "5/2")
    records[1]["data"]["history"] = []
    card = records[-1]["data"]["result"]["scorecards"][0]
    card["final"]["components"] = {"self": None, "peer": None, "public": None}
    assert verifier.recompute_quarters(records) == ["q: U: weights differ from the policy's"]


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"seq": 1.0}, "line 1: seq is a positive whole number, not 1.0"),
        ({"version": 1.0}, "line 1: version is a positive whole number, not 1.0"),
        ({"seq": True}, "line 1: seq is a positive whole number, not True"),
    ],
)
def test_the_stdlib_verifier_refuses_what_import_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: dict[str, object], said: str
) -> None:
    """The record: a seq of 1.0 is refused by the verifier as by import_jsonl, naming the line."""
    from community_governance.ledger import SQLiteLedger  # noqa: PLC0415
    from community_governance.ledger.storage import LedgerError  # noqa: PLC0415
    from community_governance.ports import NewEvent  # noqa: PLC0415

    ledger = SQLiteLedger(tmp_path / "l.db", key=None)
    ledger.append("s", [NewEvent("note", {"n": 1}, dt.date(2026, 10, 1))], expected_version=0)
    export = tmp_path / "e.jsonl"
    ledger.export_jsonl(export)
    record = json.loads(export.read_text(encoding="utf-8"))
    export.write_text(json.dumps({**record, **change}) + "\n", encoding="utf-8")
    assert verifier.main([str(export)]) == 2
    assert capsys.readouterr().err == f"verify: {export}: {said}\n"
    with pytest.raises(LedgerError, match=said.split(": ", 1)[1]):
        SQLiteLedger(tmp_path / "other.db", key=None).import_jsonl(export)
    undecodable = json.dumps(record).encode().replace(b'"note"', b'"\xffnote"')
    export.write_bytes(b"\n" + undecodable + b"\n")
    assert verifier.main([str(export)]) == 2
    assert "line 2 is not UTF-8 text" in capsys.readouterr().err


def test_the_stdlib_verifier_refuses_another_ledger_s_head_as_expected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R-1: B's export and head, presented with A's id or A's scope, exit 1 naming why."""
    import datetime as dt  # noqa: PLC0415

    from cryptography.hazmat.primitives.asymmetric.ed25519 import (  # noqa: PLC0415
        Ed25519PrivateKey,
    )

    from community_governance.ledger import SQLiteLedger  # noqa: PLC0415
    from community_governance.ledger.checkpoint import checkpoint  # noqa: PLC0415
    from community_governance.ports import NewEvent  # noqa: PLC0415

    office = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    at = dt.datetime(2026, 10, 4, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    ids = {}
    for name in ("A", "B"):
        ledger = SQLiteLedger(tmp_path / f"{name}.db", key=None)
        ledger.append("notes", [NewEvent("note", {"c": name}, at.date())], expected_version=0)
        head = checkpoint(ledger, office, at, scope=name)
        (tmp_path / f"{name}.json").write_text(head.to_json(), encoding="utf-8")
        ledger.export_jsonl(tmp_path / f"{name}.jsonl")
        ids[name] = ledger.ledger_id()
    public = office.public_key().public_bytes_raw().hex()
    b_as_given = [str(tmp_path / "B.jsonl"), "--signed-head", str(tmp_path / "B.json")]
    assert verifier.main([*b_as_given, "--trusted-key", public]) == 0
    capsys.readouterr()
    assert verifier.main([*b_as_given, "--ledger-id", ids["A"]]) == 1
    assert capsys.readouterr().out == (
        f"the signed head names {ids['B'][:16]}, not the expected ledger {ids['A'][:16]}\n"
    )
    assert verifier.main([*b_as_given, "--scope", "A"]) == 1
    assert capsys.readouterr().out == "the signed head names the scope 'B', not 'A'\n"
    assert verifier.main([*b_as_given, "--ledger-id", ids["B"], "--scope", "B"]) == 0
    capsys.readouterr()
    assert verifier.main([str(tmp_path / "B.jsonl"), "--scope", "B"]) == 2
    assert "go with --signed-head" in capsys.readouterr().err
