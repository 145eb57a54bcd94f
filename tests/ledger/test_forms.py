"""The ledger's two record forms: form 2's canonical data, and form-1 ledgers that still verify.

Form 2 stores the bytes it hashes, written by the C encoder after one check; an export
re-encodes them to the same bytes, which is what the standard-library verifier relies on.
A ledger written in form 1 (before form 2) gains its ``form`` column when opened, keeps
verifying, and takes new records in form 2 after its old ones.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, strategies as st

from community_governance.ledger import SQLiteLedger, verify as stdlib_verifier
from community_governance.ledger.chain import GENESIS, data_text, event_body, link
from community_governance.ports import NewEvent

DAY = dt.date(2026, 9, 30)

plain = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(st.dictionaries(st.text(), plain, max_size=5))
def test_form_2_data_reads_back_and_re_encodes_to_the_same_bytes(data: dict[str, Any]) -> None:
    """The record: what is stored parses to the data, and encoding it again gives the bytes."""
    text = data_text(data)
    assert json.loads(text) == data
    assert data_text(json.loads(text)) == text
    assert data_text(dict(reversed(list(data.items())))) == text  # key order does not matter


@given(st.dictionaries(st.text(), plain, min_size=1, max_size=3), st.floats(allow_nan=False))
def test_a_float_anywhere_is_refused(data: dict[str, Any], number: float) -> None:
    """The record: a float has no canonical form, however deep it sits."""
    key = next(iter(data))
    with pytest.raises(TypeError, match="float"):
        data_text({**data, key: [data[key], {"x": number}]})


def test_keys_that_are_not_text_are_written_as_json_writes_them() -> None:
    """The record: 1 and True become "1" and "true"; keys that collide so are refused."""
    assert data_text({1: "a"}) == data_text({"1": "a"})
    assert data_text({True: "b", None: "c"}) == data_text({"true": "b", "null": "c"})
    assert data_text({"a": (1, 2)}) == data_text({"a": [1, 2]})
    with pytest.raises(ValueError, match=r"^two keys of the data are the same text in JSON"):
        data_text({1: "a", "1": "b"})
    with pytest.raises(TypeError, match="Decimal"):
        data_text({"a": Decimal("1.5")})


def _form_1_ledger(path: Path, events: int) -> None:
    """A ledger file as the library wrote it before form 2: no form column, form-1 hashes."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(
        "CREATE TABLE events (seq INTEGER PRIMARY KEY, stream TEXT NOT NULL, version INTEGER"
        " NOT NULL, type TEXT NOT NULL, at TEXT NOT NULL, data TEXT NOT NULL, hash TEXT NOT"
        " NULL, UNIQUE (stream, version))"
    )
    conn.execute(
        "CREATE TABLE personal (ref TEXT PRIMARY KEY, details TEXT NOT NULL,"
        " retain_until TEXT NOT NULL)"
    )
    previous = GENESIS
    for seq in range(1, events + 1):
        data = {"n": seq, "text": f"old record {seq}", "nested": {"b": [1, "2"], "a": None}}
        at = DAY.isoformat()
        previous = link(seq, previous, event_body("old", seq, "note", at, data))
        conn.execute(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)",
            (seq, "old", seq, "note", at, json.dumps(data, sort_keys=True), previous),
        )
    conn.commit()
    conn.close()


def test_a_form_1_ledger_still_verifies_and_grows_in_form_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The record: an old ledger opens, verifies, takes form-2 records, exports and imports."""
    path = tmp_path / "old.db"
    _form_1_ledger(path, 5)
    ledger = SQLiteLedger(path, key=None)
    assert ledger.verify() == ledger.verify((5, ledger.head()[1]))
    assert ledger.verify().ok
    ledger.append("new", [NewEvent("note", {"n": 1}, DAY)] * 3, expected_version=0)
    check = ledger.verify()
    assert (check.ok, check.events) == (True, 8)
    forms = sqlite3.connect(path).execute("SELECT form FROM events ORDER BY seq").fetchall()
    assert [f for (f,) in forms] == [1] * 5 + [2] * 3
    head = ledger.export_jsonl(tmp_path / "export.jsonl")
    assert stdlib_verifier.main([str(tmp_path / "export.jsonl")]) == 0
    assert "ok: 8 events" in capsys.readouterr().out
    copy = SQLiteLedger(tmp_path / "copy.db", key=None)
    assert copy.import_jsonl(tmp_path / "export.jsonl") == head
    assert copy.read_after(0) == ledger.read_after(0)
    assert copy.verify().ok


@pytest.mark.parametrize("seq", [1, 3, 5])
def test_a_changed_form_1_record_is_named(tmp_path: Path, seq: int) -> None:
    """The record: tampering with an old record is found at its sequence number."""
    path = tmp_path / "old.db"
    _form_1_ledger(path, 5)
    SQLiteLedger(path, key=None).append("new", [NewEvent("n", {}, DAY)], expected_version=0)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE events SET data = '{\"n\": 0}' WHERE seq = ?", (seq,))
    check = SQLiteLedger(path, key=None).verify()
    assert (check.ok, check.first_bad) == (False, seq)


def test_a_record_cannot_claim_the_other_form(tmp_path: Path) -> None:
    """The record: the form is bound by the hash's tag; switching it breaks the record."""
    path = tmp_path / "l.db"
    ledger = SQLiteLedger(path, key=None)
    ledger.append("s", [NewEvent("n", {"a": 1}, DAY)] * 2, expected_version=0)
    for form in (1, 3):
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE events SET form = ? WHERE seq = 2", (form,))
        check = ledger.verify()
        assert (check.ok, check.first_bad) == (False, 2)


def _three(path: Path) -> SQLiteLedger:
    ledger = SQLiteLedger(path, key=None)
    ledger.append("s", [NewEvent("n", {"a": i}, DAY) for i in range(3)], expected_version=0)
    return ledger


@pytest.mark.parametrize(
    ("statement", "first_bad", "reason"),
    [
        ("UPDATE events SET data = '{\"a\":9}' WHERE seq = 2", 2, "hash mismatch"),
        ("DELETE FROM events WHERE seq = 2", 2, "expected sequence 2, found 3"),
        ("UPDATE events SET version = 7 WHERE seq = 3", 3, "a stream skips to version 7"),
        ("UPDATE events SET form = 4 WHERE seq = 1", 1, "unknown record form 4"),
        ("UPDATE events SET form = 3 WHERE seq = 1", 1, "hash mismatch"),
        (
            "UPDATE events SET form = 3 WHERE seq = 2",
            2,
            "a record of the sm3-sm2 suite in a ledger of the sha256-ed25519 suite",
        ),
        ("UPDATE events SET type = 5 WHERE seq = 2", 2, "hash mismatch"),
        ("UPDATE events SET form = 1 WHERE seq = 2", 2, "hash mismatch"),
        ("UPDATE events SET form = 1, data = 'not JSON' WHERE seq = 2", 2, "unreadable record"),
    ],
)
def test_each_way_a_chain_breaks_is_reported(
    tmp_path: Path, statement: str, first_bad: int, reason: str
) -> None:
    """The record: the finding names the record, how many came before it, and why."""
    ledger = _three(tmp_path / "l.db")
    with sqlite3.connect(tmp_path / "l.db") as conn:
        conn.execute(statement)
    check = ledger.verify()
    assert (check.ok, check.first_bad, check.events) == (False, first_bad, first_bad - 1)
    assert check.reason is not None
    assert check.reason.startswith(reason)
    assert len(check.head) == 64


def test_a_published_head_is_reached_or_named(tmp_path: Path) -> None:
    """The record: another hash at the head's record, or fewer records, is named."""
    ledger = _three(tmp_path / "l.db")
    seq, digest = ledger.head()
    assert ledger.verify((seq, digest)) == (True, 3, digest, None, None)
    other = ledger.verify((2, digest))
    assert (other.first_bad, other.events, other.reason) == (
        2,
        1,
        "differs from the published head",
    )
    longer = ledger.verify((5, digest))
    assert (longer.first_bad, longer.events, longer.reason) == (4, 3, "truncated: 3 of 5 events")
    assert ledger.verify((0, GENESIS)).ok
