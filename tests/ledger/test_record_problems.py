"""An exported record's fields, and a signed head's naming, checked alike everywhere (the record).

``chain.record_problem`` is the one check of an exported record's fields: ``import_jsonl``
and the standard-library verifier both use it. The verifier's head options (``--ledger-id``,
``--scope``) and its reading of heads of version 1 and 2 are checked here too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from community_governance.ledger import SQLiteLedger, verify as verifier
from community_governance.ledger.chain import HEAD_FIELDS, head_message, record_problem
from community_governance.ledger.checkpoint import checkpoint, key_id
from community_governance.ports import NewEvent
from tests.ledger.builders import AT, OFFICE, version_1_head

GOOD: dict[str, Any] = {
    "seq": 1,
    "form": 2,
    "stream": "s",
    "version": 1,
    "type": "note",
    "at": "2026-10-01",
    "data": {"n": 1},
    "hash": "ab" * 32,
}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"form": 4}, "form is 1, 2 or 3, not 4"),
        ({"form": True}, "form is 1, 2 or 3, not True"),
        ({"form": "2"}, "form is 1, 2 or 3, not '2'"),
        ({"stream": ""}, "stream is non-empty text without NUL, not ''"),
        ({"stream": "  "}, "stream is non-empty text without NUL, not '  '"),
        ({"type": "a\0b"}, "type is non-empty text without NUL, not 'a\\x00b'"),
        ({"type": 5}, "type is non-empty text without NUL, not 5"),
        ({"data": [1]}, "data is a JSON object, not list"),
        ({"hash": "ab" * 31}, f"hash is 64 hexadecimal digits, not {'ab' * 31!r}"),
        ({"hash": "AB" * 32}, f"hash is 64 hexadecimal digits, not {'AB' * 32!r}"),
        ({"hash": "g" * 64}, f"hash is 64 hexadecimal digits, not {'g' * 64!r}"),
        ({"hash": "X" * 64}, f"hash is 64 hexadecimal digits, not {'X' * 64!r}"),
    ],
)
def test_each_bad_field_is_named(change: dict[str, Any], problem: str) -> None:
    """The record: one problem per field, in English; the same record passes unchanged."""
    assert record_problem(GOOD) is None
    found = record_problem({**GOOD, **change})
    assert found is not None
    assert found[0] == problem


def test_a_record_without_form_is_form_1_and_a_valid_hash_passes() -> None:
    """The record: ``form`` may be absent (form 1); a record of 64 lower-case hex passes."""
    assert record_problem({k: v for k, v in GOOD.items() if k != "form"}) is None
    assert record_problem({**GOOD, "form": 1, "hash": "0123456789abcdef" * 4}) is None


def test_a_head_message_of_each_version() -> None:
    """R-1: version 1 without a ledger, version 2 with NUL between every part."""
    assert head_message(1, "h", "t", "k") == b"community-governance/ledger-head/1|1|h|t|k"
    assert head_message(1, "h", "t", "k", "L") == (
        b"community-governance/ledger-head/2\x001\x00h\x00t\x00k\x00L\x00"
    )
    assert head_message(1, "h", "t", "k", "L", "S").endswith(b"\x00L\x00S")


PUBLIC = OFFICE.public_key().public_bytes_raw().hex()


def _export_and_head(folder: Path, *, version: int = 2) -> tuple[str, str, str]:
    """An export of a small ledger, its signed head, and the ledger id."""
    ledger = SQLiteLedger(folder / "l.db", key=None)
    notes = [NewEvent("note", {"n": i}, AT.date()) for i in range(3)]
    ledger.append("s", notes, expected_version=0)
    if version == 2:
        head = checkpoint(ledger, OFFICE, AT, scope="haibin")
    else:
        seq, digest = ledger.head()
        head = version_1_head(seq, digest)
    ledger.export_jsonl(folder / "e.jsonl")
    (folder / "head.json").write_text(head.to_json(), encoding="utf-8")
    return str(folder / "e.jsonl"), str(folder / "head.json"), ledger.ledger_id()


def test_the_verifier_names_what_a_head_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R-1: a head's ledger and scope against the expected ones, to 16 hex digits."""
    export, head, own = _export_and_head(tmp_path)
    given = [export, "--signed-head", head, "--trusted-key", PUBLIC]
    other = "fedcba9876543210f" + "0" * 47
    assert verifier.main([*given, "--ledger-id", other]) == 1
    assert capsys.readouterr().out == (
        f"the signed head names {own[:16]}, not the expected ledger fedcba9876543210\n"
    )
    assert verifier.main([*given, "--scope", "other"]) == 1
    assert capsys.readouterr().out == "the signed head names the scope 'haibin', not 'other'\n"
    assert verifier.main([*given, "--ledger-id", own, "--scope", "haibin"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok: 4 events")
    assert f"signature ok: head 3 signed by key {key_id(OFFICE.public_key())}" in out


def test_a_head_of_another_ledger_with_a_forged_id_is_caught(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R-1: a head naming a ledger other than its export's first hash is named, 16 digits."""
    export, head_path, own = _export_and_head(tmp_path)
    document = json.loads(Path(head_path).read_text(encoding="utf-8"))
    document["ledger"] = "0123456789abcdefa" + "b" * 47
    Path(head_path).write_text(json.dumps(document), encoding="utf-8")
    assert verifier.main([export, "--signed-head", head_path]) == 1
    assert capsys.readouterr().out == (
        f"the signed head names ledger 0123456789abcdef, not this export's {own[:16]}\n"
    )


def test_a_version_1_head_is_read_and_names_no_ledger(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R-1: a head of version 1 verifies, signature included; expecting a ledger fails."""
    export, head, own = _export_and_head(tmp_path, version=1)
    given = [export, "--signed-head", head, "--trusted-key", PUBLIC]
    assert verifier.main(given) == 0
    assert "signature ok" in capsys.readouterr().out
    assert verifier.main([*given, "--ledger-id", own]) == 1
    assert capsys.readouterr().out == (
        f"the signed head names no ledger, not the expected ledger {own[:16]}\n"
    )
    assert verifier.main([*given, "--scope", "haibin"]) == 1
    assert capsys.readouterr().out == "the signed head names the scope '', not 'haibin'\n"


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"version": 4}, "version 4; this verifier reads 1, 2 and 3"),
        ({"version": True}, "version True; this verifier reads 1, 2 and 3"),
        ({"version": 3}, "a head of version 3 is signed with sm2"),
        ({"ledger": None}, "ledger must be str"),
    ],
)
def test_a_head_document_the_verifier_cannot_read_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: dict[str, Any], said: str
) -> None:
    """R-1: an unknown version, or a version-2 head without its ledger: exit 2, one line."""
    export, head_path, _ = _export_and_head(tmp_path)
    document = json.loads(Path(head_path).read_text(encoding="utf-8"))
    document.update(change)
    Path(head_path).write_text(json.dumps(document), encoding="utf-8")
    assert verifier.main([export, "--signed-head", head_path]) == 2
    assert capsys.readouterr().err == (f"verify: cannot read the signed head {head_path}: {said}\n")
    assert set(HEAD_FIELDS) < set(document)


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--ledger-id"], "--ledger-id takes the id of the ledger the head must close"),
        (["--scope"], "--scope takes the community or scope the head must name"),
        (["--ledger-id", "ab"], "--ledger-id and --scope go with --signed-head"),
    ],
)
def test_the_naming_options_are_named_when_misused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], said: str
) -> None:
    """R-1: an option without its value, or without a signed head: exit 2, one line."""
    export, head, _ = _export_and_head(tmp_path)
    with_head = ["--signed-head", head] if argv[-1] in {"--ledger-id", "--scope"} else []
    assert verifier.main([export, *with_head, *argv]) == 2
    assert capsys.readouterr().err == f"verify: {said}\n"


def test_unreadable_lines_are_named_exactly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The record: a line that is not JSON, and one nested too deeply, each named."""
    path = tmp_path / "e.jsonl"
    path.write_text("{oops\n", encoding="utf-8")
    assert verifier.main([str(path)]) == 2
    assert capsys.readouterr().err == (
        f"verify: {path}: line 1 is not JSON: Expecting property name enclosed in double quotes\n"
    )
    path.write_text("\n" + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    assert verifier.main([str(path)]) == 2
    assert capsys.readouterr().err == (
        f"verify: {path}: line 2 is nested too deeply to be a ledger record\n"
    )


def test_an_export_that_cannot_be_opened_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The record: a missing export: exit 2, the file and the system's reason, one line."""
    missing = tmp_path / "missing.jsonl"
    assert verifier.main([str(missing)]) == 2
    assert capsys.readouterr().err == f"verify: cannot read {missing}: No such file or directory\n"
