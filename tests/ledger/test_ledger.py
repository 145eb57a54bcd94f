"""The ledger on a real SQLite file: chain, tampering, atomicity, export, replay, privacy."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from community_governance.ledger import ConcurrencyError, LedgerError, SQLiteLedger, canonical
from community_governance.ports import NewEvent
from tests.ledger.builders import DEMO, KEY, OUTCOME, demo_ledger

DAY = dt.date(2026, 9, 30)
COLUMNS = ("stream", "version", "type", "at", "data", "hash")


def test_append_read_and_verify(tmp_path: Path) -> None:
    """Streams version from 1; the head is (count, last hash); verify recomputes the chain."""
    ledger = demo_ledger(tmp_path / "l.db")
    count, head = ledger.head()
    assert count == len(ledger.read_after(0))
    assert ledger.verify().ok
    assert ledger.verify((count, head)).ok
    stream = f"quarter:haibin:{DEMO.quarter}"
    assert [e.version for e in ledger.read(stream)] == [1, 2, 3, 4, 5]
    with pytest.raises(ConcurrencyError, match="version 5, not 2"):
        ledger.append(stream, [NewEvent("x", {}, DAY)], expected_version=2)
    assert ledger.head() == (count, head)


def test_canonical_form_tells_text_from_numbers() -> None:
    """The canonical form type-tags values: "1" and 1 never hash alike; floats are refused."""
    assert canonical({"a": "1"}) != canonical({"a": 1})
    assert canonical({"b": 1, "a": [True, None]}) == canonical({"a": [True, None], "b": 1})
    with pytest.raises(TypeError, match="float"):
        canonical({"a": 0.5})


def test_truncation_is_caught_against_a_published_head(tmp_path: Path) -> None:
    """Deleting the newest records passes a bare check but fails against the published head."""
    path = tmp_path / "l.db"
    published = demo_ledger(path).head()
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM events WHERE seq > ?", (published[0] - 2,))
    conn.commit()
    conn.close()
    ledger = SQLiteLedger(path, key=KEY)
    assert ledger.verify().ok
    check = ledger.verify(published)
    assert (check.ok, check.first_bad) == (False, published[0] - 1)


def test_a_batch_is_all_or_nothing(tmp_path: Path) -> None:
    """One invalid event in a batch (a float) rolls back the whole batch."""
    ledger = demo_ledger(tmp_path / "l.db")
    before = ledger.head()
    good = NewEvent("note", {"text": "fine"}, DAY)
    with pytest.raises(LedgerError, match="float"):
        ledger.append("notes", [good, good, NewEvent("note", {"x": 0.5}, DAY)], expected_version=0)
    assert ledger.head() == before
    assert ledger.read("notes") == []


def test_export_import_gives_an_equal_store(tmp_path: Path) -> None:
    """A JSON Lines export imports elsewhere into an equal store with the same head."""
    ledger = demo_ledger(tmp_path / "a.db")
    head = ledger.export_jsonl(tmp_path / "export.jsonl")
    other = SQLiteLedger(tmp_path / "b.db", key=KEY)
    assert other.import_jsonl(tmp_path / "export.jsonl") == head
    assert other.read_after(0) == ledger.read_after(0)
    with pytest.raises(LedgerError, match="empty"):
        other.import_jsonl(tmp_path / "export.jsonl")


def test_no_raw_household_id_enters_the_chain_or_the_export(tmp_path: Path) -> None:
    """Households appear only as keyed pseudonyms in the events and the export (a scan)."""
    ledger = demo_ledger(tmp_path / "l.db")
    ledger.export_jsonl(tmp_path / "export.jsonl")
    export = (tmp_path / "export.jsonl").read_text(encoding="utf-8")
    conn = sqlite3.connect(tmp_path / "l.db")
    chain = "\n".join(r[0] for r in conn.execute("SELECT data FROM events"))
    conn.close()
    for household in DEMO.frame.households:
        assert household not in export
        assert household not in chain
    assert ledger.pseudonym(DEMO.survey.certificate.sample[0]) in export


def test_deleting_personal_data_keeps_the_chain_and_the_results(tmp_path: Path) -> None:
    """A household's details, kept apart, can be deleted; the chain and the replay are unchanged."""
    ledger = demo_ledger(tmp_path / "l.db")
    head = ledger.head()
    ref = ledger.pseudonym(DEMO.survey.certificate.sample[0])
    assert ledger.personal(ref) == {"name": "resident", "phone": "000"}
    assert ledger.delete_personal(ref)
    assert ledger.personal(ref) is None
    assert ledger.purge_expired(dt.date(2027, 6, 1)) == 2
    assert ledger.head() == head
    assert ledger.verify(head).ok
    assert _replay(tmp_path / "l.db", "0") == _recorded(ledger)


REPLAY = """
import json, sys
from community_governance.ledger import SQLiteLedger, canonical
from community_governance.policy import default_policy
from community_governance.schemas import RatingsDoc, SurveyDoc
from community_governance.schemas.legacy import QuarterResultDocV1
from community_governance.evaluation import evaluate_quarter
import hashlib
ledger = SQLiteLedger(sys.argv[1], key=hashlib.sha256(b"replay").digest())
events = {e.type: e for e in ledger.read(sys.argv[2])}
evaluated = events["quarter.evaluated"]
policy = default_policy().at(evaluated.at)
book = RatingsDoc.model_validate_json(json.dumps(events["ratings.recorded"].data)).to_domain(policy)
survey = SurveyDoc.model_validate_json(json.dumps(events["survey.recorded"].data)).to_domain(policy)
community, quarter = book.community, book.quarter
result = evaluate_quarter(community, quarter, book, survey, policy=policy, at=evaluated.at)
sys.stdout.write(canonical(QuarterResultDocV1.from_domain(result).model_dump(mode="json")).decode())
"""


def _replay(path: Path, hash_seed: str) -> str:
    out = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", REPLAY, str(path), f"quarter:haibin:{DEMO.quarter}"],
        check=True,
        capture_output=True,
        text=True,
        env={"PYTHONHASHSEED": hash_seed, "PATH": ""},
    )
    return out.stdout


def _recorded(ledger: SQLiteLedger) -> str:
    (evaluated,) = [
        e for e in ledger.read(f"quarter:haibin:{DEMO.quarter}") if e.type == "quarter.evaluated"
    ]
    return canonical(evaluated.data["result"]).decode()


def test_replay_in_fresh_processes_is_byte_identical(tmp_path: Path) -> None:
    """Rebuilding the quarter from its events, under two hash seeds, gives the recorded bytes."""
    ledger = demo_ledger(tmp_path / "l.db")
    recorded = _recorded(ledger)
    assert _replay(tmp_path / "l.db", "0") == recorded
    assert _replay(tmp_path / "l.db", "12345") == recorded


def test_the_stdlib_verifier_recomputes_the_chain_and_the_scores(tmp_path: Path) -> None:
    """Python -m community_governance.ledger.verify: ok on the export; a wrong score exits 1."""
    ledger = demo_ledger(tmp_path / "l.db")
    count, head = ledger.export_jsonl(tmp_path / "export.jsonl")
    probe = (
        "import runpy, sys\n"
        "sys.argv = ['verify', sys.argv[1], '--head', sys.argv[2]]\n"
        "try:\n    runpy.run_module('community_governance.ledger.verify', run_name='__main__')\n"
        "except SystemExit as done:\n    code = done.code\n"
        "heavy = [m for m in ('attrs', 'pydantic', 'community_governance.policy')\n"
        "         if m in sys.modules]\n"
        "print('code', code, 'heavy', heavy)\n"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", probe, str(tmp_path / "export.jsonl"), f"{count}:{head}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "ok:" in out
    assert out.strip().endswith("code 0 heavy []")
    # A ledger whose chain is sound but whose recorded result was altered before it was written.
    wrong = SQLiteLedger(tmp_path / "wrong.db", key=KEY)
    for event in ledger.read_after(0):
        data = json.loads(json.dumps(event.data))
        if event.type == "quarter.evaluated":
            data["result"]["scorecards"][0]["final"]["reported"] = "99.99"
        wrong.append(
            event.stream, [NewEvent(event.type, data, event.at)], expected_version=event.version - 1
        )
    wrong.export_jsonl(tmp_path / "wrong.jsonl")
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-m", "community_governance.ledger.verify", str(tmp_path / "wrong.jsonl")],
        check=False,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "differs" in result.stdout
    assert OUTCOME.result.scorecards[0].unit_id in result.stdout
