"""No personal data in the chain: service records keep their details apart (S-4..S-6, the record).

Real components: an SQLite file on disk and its write-ahead log, scanned byte for byte, with a
second connection holding a read open while records are written.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from community_governance.ledger import SQLiteLedger, events as ev
from community_governance.ledger.storage import LedgerError
from community_governance.services import MicroWish, ProfessionalCase, VolunteerContract
from tests.ledger.builders import OTHER_KEY, TEST_KEY

KEY = TEST_KEY
DAY = dt.date(2026, 7, 1)
KEEP_UNTIL = dt.date(2027, 7, 1)
HOUSEHOLDS = ("A-1-101", "B-3-402")
SENSITIVE = (
    "behaviour_correction",
    "心语社工站",
    "希望有人帮忙修理轮椅",
    "张秀英",
    "每周二下午陪伴独居老人",
)


def _records() -> list[object]:
    case = ProfessionalCase("pc-1", HOUSEHOLDS[0], "behaviour_correction", "心语社工站", DAY)
    wish = MicroWish("w-1", HOUSEHOLDS[1], "希望有人帮忙修理轮椅", DAY)
    volunteer = VolunteerContract(
        "v-1", "张秀英", "每周二下午陪伴独居老人", {"harmonious_relations"}
    )
    return [case, wish, volunteer]


def _written(path: Path) -> SQLiteLedger:
    ledger = SQLiteLedger(path, key=KEY)
    events = [
        ev.service_recorded(r, DAY, private=ledger, retain_until=KEEP_UNTIL) for r in _records()
    ]
    ledger.append("service:haibin", events, expected_version=0)
    return ledger


def _found(data: bytes) -> list[str]:
    return [s for s in (*HOUSEHOLDS, *SENSITIVE) if s.encode("utf-8") in data]


def test_the_chain_and_its_export_hold_no_personal_detail(tmp_path: Path) -> None:
    """S-4..S-6: no raw household id and no sensitive text in the chain or the export."""
    path = tmp_path / "l.db"
    reader = sqlite3.connect(path)  # a second connection, as another office's would be
    ledger = _written(path)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM events").fetchone()
    chain = sqlite3.connect(path).execute("SELECT data FROM events").fetchall()
    assert _found("\n".join(row[0] for row in chain).encode()) == []
    ledger.export_jsonl(tmp_path / "export.jsonl")
    assert _found((tmp_path / "export.jsonl").read_bytes()) == []
    reader.rollback()
    reader.close()
    recorded = ledger.read("service:haibin")
    assert recorded[0].data["fields"]["household"] == ledger.pseudonym(HOUSEHOLDS[0])
    for event in recorded:
        details = ledger.personal(event.data["fields"]["private"])
        assert details is not None
        assert details["kind"] == event.data["kind"]
    assert ledger.verify().ok


def test_purging_leaves_no_detail_in_the_file_or_its_log(tmp_path: Path) -> None:
    """S-4..S-6: past their retention, the details are gone from the database and the WAL."""
    path = tmp_path / "l.db"
    ledger = _written(path)
    before = path.read_bytes() + _wal(path)
    assert set(_found(before)) >= set(SENSITIVE)  # kept apart, not yet purged
    assert ledger.purge_expired(KEEP_UNTIL + dt.timedelta(days=1)) == len(_records())
    assert _found(path.read_bytes() + _wal(path)) == []
    assert ledger.verify().ok  # the chain does not depend on them
    assert all(e.data["fields"]["private"].startswith("pd-") for e in ledger.read_after(0))


def _wal(path: Path) -> bytes:
    wal = path.with_name(path.name + "-wal")
    return wal.read_bytes() if wal.exists() else b""


def test_the_commitment_binds_the_details(tmp_path: Path) -> None:
    """The record: the same details give the same commitment; any change gives another."""
    ledger = SQLiteLedger(tmp_path / "l.db", key=KEY)
    details = {"kind": "MicroWish", "wish": "a reading lamp", "household": "h-1"}
    ref = ledger.keep_private(details, retain_until=KEEP_UNTIL)
    assert ledger.keep_private(dict(details), retain_until=KEEP_UNTIL) == ref
    assert (
        ledger.keep_private({**details, "wish": "a reading lamp."}, retain_until=KEEP_UNTIL) != ref
    )
    other = SQLiteLedger(tmp_path / "m.db", key=OTHER_KEY)
    assert other.keep_private(details, retain_until=KEEP_UNTIL) != ref


@pytest.mark.parametrize("record", _records(), ids=lambda r: type(r).__name__)
def test_a_record_with_personal_details_needs_the_store(record: object, tmp_path: Path) -> None:
    """S-4..S-6: without the ledger and a retention date, the record is refused, not leaked."""
    with pytest.raises(LedgerError, match="personal details") as raised:
        ev.service_recorded(record, DAY)
    assert raised.value.field == "private"
    ledger = SQLiteLedger(tmp_path / "l.db", key=KEY)
    with pytest.raises(LedgerError, match="personal details"):
        ev.service_recorded(record, DAY, private=ledger)
    read_only = SQLiteLedger(tmp_path / "l.db", key=None)
    with pytest.raises(LedgerError, match="key"):
        ev.service_recorded(record, DAY, private=read_only, retain_until=KEEP_UNTIL)
