"""The record refuses bad arguments, reports damage instead of raising, and maps errors.

Each test names a failure an adversarial pass found (the record): arguments that used to
be accepted and then broke ``verify``, damaged bytes that made ``verify`` raise, an export
whose head was not its last record, imports of the wrong types, error classes that retry
loops could not catch, and a verifier that printed tracebacks.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from community_governance.ledger import SQLiteLedger
from community_governance.ledger.storage import ConcurrencyError, LedgerBusyError, LedgerError
from community_governance.ports import NewEvent
from tests.ledger.builders import TEST_KEY

KEY = TEST_KEY
DAY = dt.date(2026, 9, 30)


def _ledger(tmp_path: Path, timeout: float = 30.0) -> SQLiteLedger:
    return SQLiteLedger(tmp_path / "ledger.db", key=KEY, timeout=timeout)


@pytest.mark.parametrize(
    ("stream", "event", "field"),
    [
        (123, NewEvent("t", {}, DAY), "stream"),
        ("", NewEvent("t", {}, DAY), "stream"),
        ("s", NewEvent(5, {}, DAY), "events[0].type"),  # type: ignore[arg-type]
        ("s", NewEvent("t", {}, dt.datetime(2026, 9, 30, 12)), "events[0].at"),  # noqa: DTZ001
        ("s", NewEvent("t", {}, "2026-09-30"), "events[0].at"),  # type: ignore[arg-type]
        ("s", NewEvent("t", {1: "a", "1": "b"}, DAY), "events[0].data"),  # type: ignore[dict-item]
        ("s", NewEvent("t", {"x": {2: 0, "2": 1}}, DAY), "events[0].data"),
    ],
)
def test_append_refuses_what_would_break_the_chain(
    tmp_path: Path, stream: object, event: NewEvent, field: str
) -> None:
    """Ledger: bad stream, type, time or colliding keys are refused; nothing is written."""
    ledger = _ledger(tmp_path)
    with pytest.raises(LedgerError) as refused:
        ledger.append(stream, [event], expected_version=0)  # type: ignore[arg-type]
    assert refused.value.field == field
    assert ledger.head()[0] == 0
    assert ledger.verify().ok


def test_an_aware_time_is_kept_and_read_back(tmp_path: Path) -> None:
    """Ledger: an event at an aware datetime reads back equal, and the chain verifies."""
    ledger = _ledger(tmp_path)
    at = dt.datetime(2026, 9, 30, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    ledger.append("s", [NewEvent("t", {"a": "1"}, at)], expected_version=0)
    assert ledger.read("s")[0].at == at
    assert ledger.verify().ok


def test_a_damaged_byte_is_a_finding_and_export_leaves_no_file(tmp_path: Path) -> None:
    """Ledger: invalid UTF-8 in a payload is reported at its sequence number, never raised."""
    ledger = _ledger(tmp_path)
    for version in (1, 2, 3):
        ledger.append("s", [NewEvent("t", {"n": str(version)}, DAY)], expected_version=version - 1)
    with sqlite3.connect(tmp_path / "ledger.db") as conn:
        conn.execute("UPDATE events SET data = CAST(X'7B226E223A22FF227D' AS TEXT) WHERE seq = 2")
    check = ledger.verify()
    assert not check.ok
    assert check.first_bad == 2
    target = tmp_path / "export.jsonl"
    with pytest.raises(LedgerError, match="event 2"):
        ledger.export_jsonl(target)
    assert not target.exists()
    assert not list(tmp_path.glob("*.partial"))


def test_an_export_carries_the_head_of_its_own_last_record(tmp_path: Path) -> None:
    """Ledger: with a concurrent writer, every export's head is its last record's."""
    ledger = _ledger(tmp_path)
    ledger.append("w", [NewEvent("t", {"n": "0"}, DAY)], expected_version=0)
    stop = threading.Event()

    def write() -> None:
        writer = _ledger(tmp_path)
        version = writer.version("w")
        while not stop.is_set() and version < 400:
            writer.append("w", [NewEvent("t", {"n": str(version)}, DAY)], expected_version=version)
            version += 1

    thread = threading.Thread(target=write)
    thread.start()
    try:
        for i in range(15):
            path = tmp_path / f"e{i}.jsonl"
            seq, digest = ledger.export_jsonl(path)
            last = json.loads(path.read_text(encoding="utf-8").splitlines()[-1])
            assert (last["seq"], last["hash"]) == (seq, digest)
    finally:
        stop.set()
        thread.join()


@pytest.mark.parametrize(
    ("field", "value"),
    [("seq", 1.0), ("seq", True), ("at", "not a date"), ("hash", "xyz"), ("data", [1])],
)
def test_import_checks_every_fields_type(tmp_path: Path, field: str, value: object) -> None:
    """Ledger: an export with a field of the wrong type is refused, naming line and field."""
    source = _ledger(tmp_path)
    source.append("s", [NewEvent("t", {"a": "1"}, DAY)], expected_version=0)
    path = tmp_path / "export.jsonl"
    source.export_jsonl(path)
    record = json.loads(path.read_text(encoding="utf-8"))
    record[field] = value
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    target = SQLiteLedger(tmp_path / "other.db", key=KEY)
    with pytest.raises(LedgerError) as refused:
        target.import_jsonl(path)
    assert refused.value.field is not None
    assert refused.value.field.endswith(f"line 1.{field}")
    assert target.head()[0] == 0


def test_errors_are_mapped_by_kind(tmp_path: Path) -> None:
    """Ledger: a locked database is a retryable LedgerBusyError; NOT NULL is a LedgerError."""
    ledger = _ledger(tmp_path, timeout=0.05)
    holder = sqlite3.connect(tmp_path / "ledger.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(LedgerBusyError) as busy:
            ledger.append("s", [NewEvent("t", {}, DAY)], expected_version=0)
        assert isinstance(busy.value, ConcurrencyError)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with pytest.raises(LedgerError) as refused, ledger._connection() as conn:
        conn.execute(
            "INSERT INTO events (seq, stream, version, type, at, data, hash) "
            "VALUES (1, NULL, 1, 't', '2026-09-30', '{}', 'x')"
        )
    assert not isinstance(refused.value, ConcurrencyError)


def _open(path: str) -> None:
    SQLiteLedger(path, key=KEY)


def test_many_processes_can_create_the_same_fresh_file(tmp_path: Path) -> None:
    """Ledger: eight processes opening one new file at once all succeed."""
    path = str(tmp_path / "fresh.db")
    context = multiprocessing.get_context("spawn")
    with context.Pool(8) as pool:
        pool.map(_open, [path] * 8)
    assert SQLiteLedger(path, key=KEY).verify().ok


def test_a_str_key_is_refused_early(tmp_path: Path) -> None:
    """Ledger: the pseudonym key is bytes; a str is refused at once, naming the field."""
    with pytest.raises(LedgerError) as refused:
        SQLiteLedger(tmp_path / "l.db", key="secret")  # type: ignore[arg-type]
    assert refused.value.field == "key"


@pytest.mark.parametrize(
    ("lines", "extra"),
    [
        (['{"seq": 1}'], []),
        (["[1, 2]"], []),
        (["{"], []),
        ([], ["--head", "notahead"]),
        ([], ["--head"]),
    ],
)
def test_the_stdlib_verifier_exits_2_on_bad_input_without_a_traceback(
    tmp_path: Path, lines: list[str], extra: list[str]
) -> None:
    """Ledger: the stdlib verifier answers bad input with one line and exit code 2."""
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-m", "community_governance.ledger.verify", str(path), *extra],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1


def test_reading_verifying_and_exporting_need_no_key(tmp_path: Path) -> None:
    """Ledger: a ledger opened without its key reads, verifies and exports; pseudonyms refuse."""
    writer = _ledger(tmp_path)
    writer.append("s", [NewEvent("t", {"a": "1"}, DAY)], expected_version=0)
    reader = SQLiteLedger(tmp_path / "ledger.db", key=None)
    assert reader.head() == writer.head()
    assert reader.verify().ok
    assert reader.export_jsonl(tmp_path / "e.jsonl") == writer.head()
    assert [e.data for e in reader.read("s")] == [{"a": "1"}]
    with pytest.raises(LedgerError) as refused:
        reader.pseudonym("A-1-101")
    assert (refused.value.field, refused.value.rule) == ("key", "ledger")
    assert refused.value.message == (
        "pseudonyms need the ledger's key; this ledger was opened read-only"
    )
    assert refused.value.zh == "生成假名需要账本密钥；此账本以只读方式打开"
    with pytest.raises(LedgerError):
        reader.store_personal("A-1-101", {"name": "x"}, retain_until=DAY)
    with pytest.raises(LedgerError) as keeping:
        reader.keep_private({"wish": "x"}, retain_until=DAY)
    assert keeping.value.message == (
        "keeping personal details needs the ledger's key; this ledger was opened read-only"
    )
    assert keeping.value.zh == "保存个人信息需要账本密钥；此账本以只读方式打开"


def test_deleted_personal_details_leave_neither_the_file_nor_its_log(tmp_path: Path) -> None:
    """Ledger: after a purge, the deleted text is in neither the database nor its -wal file."""
    ledger = _ledger(tmp_path)
    ledger.append("s", [NewEvent("t", {"a": "1"}, DAY)], expected_version=0)
    details = "Resident Zhang Sanfeng, 13800138000"
    ref = ledger.store_personal("A-1-101", {"name": details}, retain_until=dt.date(2026, 1, 1))
    bystander = sqlite3.connect(tmp_path / "ledger.db")  # another connection, open and idle
    try:
        assert ledger.purge_expired(DAY) == 1
        assert ledger.personal(ref) is None
        for name in ("ledger.db", "ledger.db-wal"):
            path = tmp_path / name
            if path.exists():
                assert details.encode("utf-8") not in path.read_bytes(), name
    finally:
        bystander.close()
