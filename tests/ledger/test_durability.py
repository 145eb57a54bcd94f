"""The ledger under concurrent writers, crashes and malformed input (real SQLite files)."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from community_governance.errors import GovernanceError
from community_governance.ledger import ConcurrencyError, LedgerError, SQLiteLedger
from community_governance.policy import default_policy
from community_governance.ports import NewEvent
from community_governance.schemas import DOCUMENTS, json_schema, load_document
from tests.ledger.builders import TEST_KEY
from tests.strategies import from_json_schema

KEY = TEST_KEY
DAY = dt.date(2026, 9, 30)
WRITER = """
import datetime as dt, sys
from community_governance.ledger import ConcurrencyError, SQLiteLedger
from community_governance.ports import NewEvent
import hashlib
ledger = SQLiteLedger(sys.argv[1], key=hashlib.sha256(b"test ledger key").digest())
name, count = sys.argv[2], int(sys.argv[3])
written = 0
while written < count:
    version = ledger.version("shared")
    try:
        event = NewEvent("tick", {"by": name, "n": written}, dt.date(2026, 9, 30))
        ledger.append("shared", [event], expected_version=version)
    except ConcurrencyError:
        continue
    written += 1
    print(version + 1, flush=True)
"""


def _thread_writer(path: Path, name: str, count: int, errors: list[BaseException]) -> None:
    ledger = SQLiteLedger(path, key=KEY)
    written = 0
    try:
        while written < count:
            version = ledger.version("shared")
            try:
                ledger.append(
                    "shared",
                    [NewEvent("tick", {"by": name, "n": written}, DAY)],
                    expected_version=version,
                )
            except ConcurrencyError:
                continue
            written += 1
    except BaseException as error:  # noqa: BLE001 - reported to the test thread
        errors.append(error)


def test_four_threads_and_two_processes_lose_and_duplicate_nothing(tmp_path: Path) -> None:
    """Concurrent writers: versions 1..N, each write once; only ConcurrencyError, retried."""
    path = tmp_path / "l.db"
    SQLiteLedger(path, key=KEY)
    per_writer = 25
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=_thread_writer, args=(path, f"t{i}", per_writer, errors))
        for i in range(4)
    ]
    processes = [
        subprocess.Popen(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", WRITER, str(path), f"p{i}", str(per_writer)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert "locked" not in err
    assert errors == []
    ledger = SQLiteLedger(path, key=KEY)
    events = ledger.read("shared")
    assert [e.version for e in events] == list(range(1, 6 * per_writer + 1))
    writes = {(e.data["by"], e.data["n"]) for e in events}
    assert len(writes) == 6 * per_writer
    assert ledger.verify().ok


def test_fifty_kills_during_appends_lose_nothing_acknowledged(tmp_path: Path) -> None:
    """SIGKILL mid-append, 50 times: integrity ok, chain verifies, acknowledged writes kept."""
    path = tmp_path / "l.db"
    SQLiteLedger(path, key=KEY)
    rnd = random.Random(50)
    acknowledged: set[int] = set()
    for _ in range(50):
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", WRITER, str(path), "w", "100000"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        time.sleep(0.25 + rnd.random() * 0.25)
        os.kill(process.pid, signal.SIGKILL)
        out, _ = process.communicate()
        acknowledged.update(int(line) for line in out.split())
    ledger = SQLiteLedger(path, key=KEY)
    assert ledger.integrity_check() == "ok"
    check = ledger.verify()
    assert check.ok, check
    versions = [e.version for e in ledger.read("shared")]
    assert versions == list(range(1, len(versions) + 1))  # no partial record, no gap
    assert acknowledged <= set(versions)
    assert len(acknowledged) > 50


@settings(
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much], max_examples=40
)
@given(st.sampled_from(sorted(DOCUMENTS)), st.data())
def test_schema_generated_documents_raise_only_documented_errors(
    name: str, data: st.DataObject
) -> None:
    """Documents drawn from the JSON Schemas: import either works or raises a GovernanceError."""
    document = data.draw(from_json_schema(json_schema(name)))
    rules = default_policy().at(DAY)
    try:
        doc = load_document(name, json.dumps(document), source="fuzz.json")
        if name in {"ratings", "survey", "meeting"}:
            doc.to_domain(rules)
        elif name == "policy":
            doc.to_domain(source="fuzz.json")
        elif hasattr(doc, "to_domain"):  # announcements and service records are export-only
            doc.to_domain()
    except GovernanceError:
        pass


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=40)
@given(st.lists(from_json_schema(json_schema("certificate")), min_size=1, max_size=3), st.data())
def test_malformed_exports_leave_the_store_unchanged(
    documents: list[dict[str, object]], data: st.DataObject
) -> None:
    """Import of a forged or malformed export raises LedgerError and writes nothing."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.jsonl"
        lines = []
        for seq, document in enumerate(documents, start=1):
            record = {
                "seq": seq,
                "stream": data.draw(st.sampled_from(["s", ""])),
                "version": seq,
                "type": "certificate",
                "at": "2026-09-30",
                "data": document,
                "hash": data.draw(st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)),
            }
            lines.append(json.dumps(record))
        if data.draw(st.booleans()):
            lines.append(data.draw(st.sampled_from(["{", "[]", '{"seq": 1}'])))
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        ledger = SQLiteLedger(Path(folder) / "l.db", key=KEY)
        try:
            ledger.import_jsonl(path)
        except LedgerError:
            pass
        else:
            raise AssertionError("a forged export was accepted")
        assert ledger.head() == (0, "0" * 64)
