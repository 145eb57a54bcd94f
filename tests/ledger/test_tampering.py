"""Two hundred tamperings of a ledger closed by a signed head, each named where it begins.

The acceptance of the record: a demo ledger ends with a signed checkpoint; someone who can
write the SQLite file tampers with a copy of it in one of eleven ways (``tamper.TAMPERINGS``:
byte flips in payloads and hashes, edits, deletions, swaps, forged records, own-hash
forgeries, edits and insertions with the tail rewritten, truncations, appends after the
signed head). The library (``verify_against(..., final=True)``) and the standard-library
verifier run on the export (``--signed-head ... --final``) must both find it, and both
name the sequence number the tampering predicts.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from community_governance.ledger import SQLiteLedger, verify as stdlib_verifier
from community_governance.ledger.checkpoint import SignedHead, checkpoint, verify_against
from community_governance.ledger.storage import LedgerError
from tests.ledger.builders import AT, TRUSTED, demo_ledger, office
from tests.ledger.tamper import TAMPERINGS, RawTable

#: Tamperings per suite; the mutation profile, which thins every example set, checks 44 (each
#: of the eleven kinds four times), so that a mutant is not waited on for minutes.
CASES = 44 if os.environ.get("HYPOTHESIS_PROFILE") == "mutation" else 200


SUITES = pytest.mark.parametrize("suite", ["sha256-ed25519", "sm3-sm2"])


def _closed_ledger(folder: Path, suite: str = "sha256-ed25519") -> tuple[Path, SignedHead, Path]:
    """The original ledger closed by a signed head, the head, and the head's published file."""
    path = folder / "original.db"
    ledger = demo_ledger(path, suite)
    signing, _ = office(suite)
    checkpoint(ledger, signing, AT)
    head = checkpoint(ledger, signing, AT)  # two checkpoints: the last one closes the ledger
    ledger.close()  # the file alone now holds every record
    head_file = folder / "head.json"
    head_file.write_text(head.to_json(), encoding="utf-8")
    return path, head, head_file


def head_public_key(head_file: Path) -> str:
    """The public key a published head names, hex: the office's own, trusted here."""
    return str(json.loads(head_file.read_text(encoding="utf-8"))["public_key"])


def _stdlib_names(copy: Path, head_file: Path, capsys: pytest.CaptureFixture[str]) -> int | None:
    """The sequence number the export and the stdlib verifier name (None: no finding)."""
    export = copy.with_suffix(".jsonl")
    try:
        SQLiteLedger(copy, key=None).export_jsonl(export)
    except LedgerError as error:  # unreadable stored bytes: the export names the record
        return int(str(error).split("event ", 1)[1].split()[0])
    public = head_public_key(head_file)
    code = stdlib_verifier.main(
        [str(export), "--signed-head", str(head_file), "--trusted-key", public, "--final"]
    )
    out = capsys.readouterr().out
    if code == 0:
        return None
    assert code == 1, out
    assert out.count("chain breaks at sequence") == 1, out  # the first finding only
    return int(out.split("sequence ", 1)[1].split(":")[0])


@SUITES
def test_two_hundred_tamperings_are_found_and_named_alike(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suite: str
) -> None:
    """The record: every tampering is found, at the predicted place, by both verifiers.

    On a ledger of each suite: SHA-256 chains (form 2) and SM3 chains (form 3), the forger
    hashing in the ledger's own.
    """
    original, head, head_file = _closed_ledger(tmp_path, suite)
    trusted = office(suite)[1]
    assert SQLiteLedger(original, key=None).suite() == suite
    assert verify_against(SQLiteLedger(original, key=None), [head], trusted, final=True).ok
    assert _stdlib_names(original, head_file, capsys) is None
    kinds = list(TAMPERINGS)
    seen: dict[str, int] = {}
    for case in range(CASES):
        kind = kinds[case % len(kinds)]
        copy = tmp_path / f"case{case}.db"
        shutil.copyfile(original, copy)
        conn = sqlite3.connect(copy)
        table = RawTable(conn)
        expected = TAMPERINGS[kind](table, head.seq, random.Random(case))
        table.commit()
        conn.close()
        ledger = SQLiteLedger(copy, key=None)
        check = verify_against(ledger, [head], trusted, final=True)
        ledger.close()
        assert (check.ok, check.first_bad) == (False, expected), (case, kind, check)
        assert _stdlib_names(copy, head_file, capsys) == expected, (case, kind)
        seen[kind] = seen.get(kind, 0) + 1
        copy.unlink()
    assert set(seen) == set(kinds)


def test_invalid_utf8_in_a_payload_is_named_by_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The record: bytes that are not UTF-8 are a finding, and the export refuses them."""
    original, head, head_file = _closed_ledger(tmp_path)
    for k in (1, head.seq // 2, head.seq + 1):
        copy = tmp_path / f"utf8-{k}.db"
        shutil.copyfile(original, copy)
        with sqlite3.connect(copy) as conn:
            conn.execute(
                "UPDATE events SET data = CAST(X'7B226E223A22FF227D' AS TEXT) WHERE seq = ?", (k,)
            )
        check = verify_against(SQLiteLedger(copy, key=None), [head], TRUSTED, final=True)
        assert (check.ok, check.first_bad) == (False, k)
        assert _stdlib_names(copy, head_file, capsys) == k
