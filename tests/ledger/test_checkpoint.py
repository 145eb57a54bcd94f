"""Signed checkpoints: a published head that a rewritten or truncated tail no longer meets (R-1).

Real components: an SQLite file on disk, rewritten behind the library's back with the
standard ``sqlite3`` module, and Ed25519 signatures from ``cryptography``.
"""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import attrs
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, strategies as st

from community_governance.ledger import SQLiteLedger, events as ev, verify as stdlib_verifier
from community_governance.ledger.chain import data_text, past_final_head
from community_governance.ledger.checkpoint import (
    SignedHead,
    checkpoint,
    key_id,
    latest_checkpoint,
    sign_head,
    verify_against,
    verify_head,
)
from community_governance.ledger.storage import LedgerError
from community_governance.ports import NewEvent
from tests.ledger.builders import AT, OFFICE, OUTCOME, TRUSTED, version_1_head
from tests.ledger.tamper import RawTable

LEDGER = "12" * 32


def _ledger(path: Path, events: int = 6) -> SQLiteLedger:
    ledger = SQLiteLedger(path, key=None)
    batch = [NewEvent("note", {"n": i, "text": f"record {i}"}, AT.date()) for i in range(events)]
    ledger.append("notes", batch, expected_version=0)
    return ledger


def _rewrite_tail(path: Path, seq: int) -> None:
    """Change record ``seq`` and recompute every hash from it on, as a writer of the file could."""
    conn = sqlite3.connect(path)
    table = RawTable(conn)
    data = json.loads(table.rows()[seq - 1][6])
    table.set(seq, "data", data_text({**data, "text": "rewritten"}))
    table.rewrite_from(seq)
    table.commit()
    conn.close()


def test_a_checkpoint_is_recorded_and_verifies(tmp_path: Path) -> None:
    """R-1: the signed head is the ledger's head, is found again, and checks out."""
    ledger = _ledger(tmp_path / "l.db")
    before = ledger.head()
    head = checkpoint(ledger, OFFICE, AT)
    assert (head.seq, head.hash) == before
    assert ledger.head()[0] == before[0] + 1  # the checkpoint is an event itself
    assert latest_checkpoint(ledger) == head
    assert verify_head(head, TRUSTED) is None
    assert verify_against(ledger, [head], TRUSTED).ok
    assert SignedHead.from_document(json.loads(head.to_json())) == head


@pytest.mark.parametrize("first_changed", [1, 3, 6])
def test_a_rewritten_tail_passes_the_chain_but_not_the_signed_head(
    tmp_path: Path, first_changed: int
) -> None:
    """R-1: a tail rewritten with fresh hashes fools verify() alone, not the signed head."""
    path = tmp_path / "l.db"
    ledger = _ledger(path)
    head = checkpoint(ledger, OFFICE, AT)
    _rewrite_tail(path, first_changed)
    assert ledger.verify().ok  # the chain alone cannot tell
    check = verify_against(ledger, [head], TRUSTED)
    assert not check.ok
    assert check.first_bad == head.seq


def test_the_ledger_verifies_against_signed_heads_itself(tmp_path: Path) -> None:
    """R-1: verify(heads=, trusted_keys=, final=) is verify_against on the ledger."""
    path = tmp_path / "l.db"
    ledger = _ledger(path)
    head = checkpoint(ledger, OFFICE, AT)
    assert ledger.verify(heads=[head], trusted_keys=TRUSTED, final=True).ok
    ledger.append("late", [NewEvent("note", {"n": 1}, AT.date())], expected_version=0)
    assert ledger.verify(heads=[head], trusted_keys=TRUSTED).ok
    late = ledger.verify(heads=[head], trusted_keys=TRUSTED, final=True)
    assert (late.ok, late.first_bad) == (False, head.seq + 2)
    assert late.reason == "a record follows the final signed head's checkpoint"
    _rewrite_tail(path, 2)
    assert ledger.verify(heads=[head], trusted_keys=TRUSTED) == verify_against(
        ledger, [head], TRUSTED
    )
    assert ledger.verify(heads=[head], trusted_keys=TRUSTED).first_bad == head.seq
    assert not ledger.verify(heads=[head]).ok  # no trusted key: the head is not trusted


def test_what_may_follow_a_final_head() -> None:
    """R-1: only the head's own checkpoint record may follow a final head, and exactly it."""
    head = {"seq": 4, "hash": "ab", "at": "t", "key_id": "k", "public_key": "p", "signature": "s"}
    record = (5, "ledger", "ledger.checkpoint", {**head})
    assert past_final_head([record], head) is None
    assert past_final_head([], head) == (5, "the signed head's checkpoint record is missing")
    for changed in (
        (5, "other", "ledger.checkpoint", head),
        (5, "ledger", "note", head),
        (5, "ledger", "ledger.checkpoint", {**head, "signature": "forged"}),
    ):
        assert past_final_head([changed], head) == (
            5,
            "the record after the signed head is not its checkpoint",
        )
    extra: tuple[int, str, str, dict[str, str]] = (6, "notes", "note", {})
    assert past_final_head([record, extra], head) == (
        6,
        "a record follows the final signed head's checkpoint",
    )


def test_a_truncated_ledger_fails_its_signed_head(tmp_path: Path) -> None:
    """R-1: cutting records off is found against the signed head."""
    path = tmp_path / "l.db"
    ledger = _ledger(path)
    head = checkpoint(ledger, OFFICE, AT)
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM events WHERE seq >= 5")
    conn.commit()
    conn.close()
    check = verify_against(ledger, [head], TRUSTED)
    assert not check.ok
    assert check.first_bad == 5


_FIELDS = ("seq", "hash", "at", "key_id", "signature")


@given(st.sampled_from(_FIELDS), st.integers(min_value=0, max_value=63))
def test_any_change_to_a_signed_head_breaks_its_signature(field: str, position: int) -> None:
    """R-1: a head with any field changed no longer verifies under the trusted key."""
    head = sign_head(OFFICE, 42, "ab" * 32, AT, ledger=LEDGER)
    value = getattr(head, field)
    if field == "seq":
        forged = attrs.evolve(head, seq=value + 1 + position)
    else:
        index = position % len(value)
        swapped = "0" if value[index] != "0" else "1"
        forged = attrs.evolve(head, **{field: value[:index] + swapped + value[index + 1 :]})
    assert verify_head(forged, TRUSTED) is not None


def test_only_trusted_keys_count(tmp_path: Path) -> None:
    """R-1: a head signed by another key, or naming a trusted id falsely, is refused."""
    stranger = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
    head = sign_head(stranger, 3, "cd" * 32, AT, ledger=LEDGER)
    assert "not trusted" in (verify_head(head, TRUSTED) or "")
    pretending = attrs.evolve(head, key_id=next(iter(TRUSTED)))
    assert verify_head(pretending, TRUSTED) is not None
    mislisted = {head.key_id: OFFICE.public_key()}
    assert "another key" in (verify_head(head, mislisted) or "")
    ledger = _ledger(tmp_path / "l.db")
    check = verify_against(ledger, [head], TRUSTED)
    assert not check.ok
    assert check.first_bad == 3


def test_bad_arguments_and_documents_are_named() -> None:
    """R-1: a naive time, a wrong key type and malformed documents are clear errors."""
    with pytest.raises(LedgerError, match="UTC offset"):
        sign_head(OFFICE, 1, "ab" * 32, AT.replace(tzinfo=None), ledger=LEDGER)
    with pytest.raises(LedgerError, match="Ed25519 or SM2 private key, not bytes"):
        sign_head(b"secret", 1, "ab" * 32, AT, ledger=LEDGER)
    document = sign_head(OFFICE, 1, "ab" * 32, AT, ledger=LEDGER).to_document()
    with pytest.raises(LedgerError, match="not a community-governance/ledger-head"):
        SignedHead.from_document({**document, "version": 4})
    with pytest.raises(LedgerError, match="version 3 is signed with sm2, not None") as raised:
        SignedHead.from_document({**document, "version": 3})
    assert raised.value.field == "head.algorithm"
    with pytest.raises(LedgerError, match="seq must be int") as raised:
        SignedHead.from_document({**document, "seq": "1"})
    assert raised.value.field == "head.seq"
    with pytest.raises(LedgerError, match="seq must be int"):
        SignedHead.from_document({**document, "seq": True})


def test_the_announcement_event_carries_the_signed_head(tmp_path: Path) -> None:
    """R-1: the announcement recorded after a checkpoint carries that signed head."""
    ledger = _ledger(tmp_path / "l.db")
    head = checkpoint(ledger, OFFICE, AT)
    event = ev.announcement_made(OUTCOME.announcement, latest_checkpoint(ledger))
    ledger.append("announcements", [event], expected_version=0)
    recorded = ledger.read("announcements")[0].data["signed_head"]
    assert SignedHead.from_document(recorded) == head
    assert "signed_head" not in ev.announcement_made(OUTCOME.announcement).data


def _stdlib_verify(*argv: str, block_cryptography: bool = False) -> tuple[int, str, str]:
    """The standard-library verifier: (exit code, stdout, stderr).

    Without ``cryptography`` it runs in a fresh interpreter, the only way to take a package
    away; otherwise in this process, so that the code under test is the code that runs.
    """
    if not block_cryptography:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = stdlib_verifier.main(list(argv))
        return code, out.getvalue(), err.getvalue()
    program = (
        "import sys; sys.modules['cryptography'] = None\n"
        "from community_governance.ledger.verify import main\n"
        f"sys.exit(main({list(argv)!r}))\n"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", program], capture_output=True, text=True, check=False
    )
    return done.returncode, done.stdout, done.stderr


def test_the_stdlib_verifier_checks_a_published_signed_head(tmp_path: Path) -> None:
    """R-1: the export reaches the head, the signature holds; a rewritten tail does not."""
    path = tmp_path / "l.db"
    ledger = _ledger(path)
    head = checkpoint(ledger, OFFICE, AT)
    (tmp_path / "head.json").write_text(head.to_json(), encoding="utf-8")
    ledger.export_jsonl(tmp_path / "good.jsonl")
    public = OFFICE.public_key().public_bytes_raw().hex()
    signed = ["--signed-head", str(tmp_path / "head.json")]
    code, out, _ = _stdlib_verify(str(tmp_path / "good.jsonl"), *signed, "--trusted-key", public)
    assert code == 0, out
    assert out.splitlines()[-1] == f"signature ok: head {head.seq} signed by key {head.key_id}"
    code, out, _ = _stdlib_verify(str(tmp_path / "good.jsonl"), *signed)
    assert code == 0
    assert out.splitlines()[-1] == (
        "signature not checked: give the community's public key with --trusted-key"
    )
    code, out, _ = _stdlib_verify(str(tmp_path / "good.jsonl"), *signed, "--trusted-key", "zz")
    assert (code, out) == (1, "signature invalid: --trusted-key is not hex\n")
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps({**head.to_document(), "signature": "00" * 64}), encoding="utf-8")
    code, out, _ = _stdlib_verify(
        str(tmp_path / "good.jsonl"), "--signed-head", str(forged), "--trusted-key", public
    )
    assert (code, out) == (
        1,
        f"signature invalid: the head at sequence {head.seq} is not signed by that key\n",
    )
    code, out, _ = _stdlib_verify(
        str(tmp_path / "good.jsonl"), *signed, "--trusted-key", public, block_cryptography=True
    )
    assert code == 0
    assert "cryptography package is not installed" in out
    stranger = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33))).public_key()
    code, out, _ = _stdlib_verify(
        str(tmp_path / "good.jsonl"), *signed, "--trusted-key", stranger.public_bytes_raw().hex()
    )
    assert code == 1
    assert out == f"signature invalid: the head names key {head.key_id}, not the trusted key\n"
    _rewrite_tail(path, 2)
    ledger.export_jsonl(tmp_path / "rewritten.jsonl")
    code, out, _ = _stdlib_verify(
        str(tmp_path / "rewritten.jsonl"), *signed, "--trusted-key", public
    )
    assert code == 1
    assert f"chain breaks at sequence {head.seq}" in out
    assert verify_against(ledger, [head], TRUSTED).first_bad == head.seq  # the two agree


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--signed-head"], "--signed-head takes"),
        (["--trusted-key", "ab"], "--trusted-key goes with --signed-head"),
        (["--signed-head", "missing.json"], "cannot read the signed head"),
        (["--head", "x:y"], "--head takes COUNT:HASH"),
        (["--final"], "--final goes with --signed-head"),
        (["--head", "x"], "--head takes COUNT:HASH"),
        (["--head", "1:"], "--head takes COUNT:HASH"),
        (["--head", "--final"], "--head takes COUNT:HASH"),
        (["--signed-head", "bad.json"], "bad.json: not a community-governance/ledger-head"),
        (["--signed-head", "seq.json"], "seq.json: seq must be int"),
        (["--signed-head", "key.json"], "key.json: key_id must be str"),
    ],
)
def test_the_stdlib_verifier_names_bad_head_options(
    tmp_path: Path, extra: list[str], message: str
) -> None:
    """R-1: a malformed head option is one line on standard error and exit 2."""
    ledger = _ledger(tmp_path / "l.db")
    ledger.export_jsonl(tmp_path / "e.jsonl")
    document = checkpoint(ledger, OFFICE, AT).to_document()
    for name, changed in (
        ("bad.json", {**document, "schema": "other"}),
        ("seq.json", {**document, "seq": True}),
        ("key.json", {**document, "key_id": 7}),
    ):
        (tmp_path / name).write_text(json.dumps(changed), encoding="utf-8")
    extra = [str(tmp_path / e) if e.endswith(".json") and e != "missing.json" else e for e in extra]
    code, _, err = _stdlib_verify(str(tmp_path / "e.jsonl"), *extra)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("first_changed", [1, 3, 6])
def test_a_rewritten_history_is_not_signed(tmp_path: Path, first_changed: int) -> None:
    """R-1: after a rewrite that fools the chain, checkpoint refuses and writes nothing."""
    path = tmp_path / "l.db"
    ledger = _ledger(path)
    checkpoint(ledger, OFFICE, AT)
    _rewrite_tail(path, first_changed)
    assert ledger.verify().ok
    before = ledger.head()
    with pytest.raises(LedgerError, match="will not sign") as refused:
        checkpoint(ledger, OFFICE, AT)
    assert (refused.value.field, refused.value.rule) == ("ledger", "R-1")
    assert refused.value.message.startswith("will not sign: the ledger breaks at sequence ")
    assert "differs from the published head" in refused.value.message
    assert (refused.value.zh or "").startswith("拒绝签名：账本在序号 ")
    assert ledger.head() == before


def test_a_broken_chain_is_not_signed_and_another_key_s_head_needs_trusting(
    tmp_path: Path,
) -> None:
    """R-1: a hash mismatch with no head yet is refused; a rotated key names the old one."""
    path = tmp_path / "l.db"
    ledger = _ledger(path)
    conn = sqlite3.connect(path)
    RawTable(conn).set(2, "hash", "0" * 64)
    conn.commit()
    conn.close()
    with pytest.raises(LedgerError, match="breaks at sequence 2 \\(hash mismatch\\)"):
        checkpoint(ledger, OFFICE, AT)
    fresh = _ledger(tmp_path / "fresh.db")
    checkpoint(fresh, OFFICE, AT)
    rotated = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
    with pytest.raises(LedgerError, match="which is not trusted"):
        checkpoint(fresh, rotated, AT)
    signed = checkpoint(fresh, rotated, AT, trusted_keys=TRUSTED)
    assert signed.key_id == key_id(rotated.public_key())
    assert checkpoint(fresh, rotated, AT).seq == signed.seq + 1


def _two_ledgers(tmp_path: Path) -> tuple[SQLiteLedger, SignedHead, SQLiteLedger, SignedHead]:
    """Ledgers A and B of two communities, each closed by a head signed with one key."""
    a = SQLiteLedger(tmp_path / "a.db", key=None)
    a.append("notes", [NewEvent("note", {"community": "A"}, AT.date())], expected_version=0)
    b = SQLiteLedger(tmp_path / "b.db", key=None)
    b.append("notes", [NewEvent("note", {"community": "B"}, AT.date())], expected_version=0)
    return a, checkpoint(a, OFFICE, AT, scope="A"), b, checkpoint(b, OFFICE, AT, scope="B")


def test_a_head_names_its_ledger_and_scope(tmp_path: Path) -> None:
    """R-1: the head carries the ledger's id (its first hash) and scope, under the signature."""
    a, head_a, _, head_b = _two_ledgers(tmp_path)
    assert head_a.ledger == a.ledger_id() == a.read_after(0)[0].hash
    assert (head_a.scope, head_a.version, head_b.scope) == ("A", 2, "B")
    assert head_a.ledger != head_b.ledger
    document = head_a.to_document()
    assert (document["version"], document["ledger"], document["scope"]) == (2, head_a.ledger, "A")
    assert SignedHead.from_document(json.loads(head_a.to_json())) == head_a
    assert latest_checkpoint(a) == head_a
    for forged in (attrs.evolve(head_a, ledger=head_b.ledger), attrs.evolve(head_a, scope="B")):
        assert verify_head(forged, TRUSTED) == (
            f"the signature of the head at sequence {head_a.seq} is not valid"
        )


def test_another_ledger_s_head_fails_when_the_auditor_says_which_ledger(tmp_path: Path) -> None:
    """R-1: B's ledger and B's head, presented as A's, fail by A's id or A's scope."""
    a, head_a, b, head_b = _two_ledgers(tmp_path)
    assert verify_against(b, [head_b], TRUSTED).ok  # alone, B's pair is consistent
    as_a = verify_against(b, [head_b], TRUSTED, ledger_id=a.ledger_id())
    assert (as_a.ok, as_a.first_bad) == (False, head_b.seq)
    assert as_a.reason == (
        f"the head names {head_b.ledger[:16]}, not the expected ledger {a.ledger_id()[:16]}"
    )
    by_scope = b.verify(heads=[head_b], trusted_keys=TRUSTED, scope="A")
    assert by_scope.reason == "the head names the scope 'B', not 'A'"
    assert verify_against(a, [head_a], TRUSTED, ledger_id=a.ledger_id(), scope="A").ok
    assert not verify_against(a, [head_b], TRUSTED).ok  # A never reaches B's head


def test_a_scope_once_named_does_not_change_and_an_empty_ledger_is_not_signed(
    tmp_path: Path,
) -> None:
    """R-1: the next head keeps the scope; another is refused; nothing to sign is refused."""
    a, head_a, _, _ = _two_ledgers(tmp_path)
    assert checkpoint(a, OFFICE, AT).scope == "A"
    with pytest.raises(LedgerError, match="name the scope 'A', not 'B'") as refused:
        checkpoint(a, OFFICE, AT, scope="B")
    assert refused.value.field == "scope"
    with pytest.raises(LedgerError, match="an empty ledger has no id"):
        checkpoint(SQLiteLedger(tmp_path / "empty.db", key=None), OFFICE, AT)
    with pytest.raises(LedgerError, match="without NUL"):
        sign_head(OFFICE, 1, head_a.hash, AT, ledger=head_a.ledger, scope="a\0b")


def test_a_version_1_head_still_verifies_by_its_own_message(tmp_path: Path) -> None:
    """R-1: a head signed before heads named their ledger checks out, and names none."""
    ledger = _ledger(tmp_path / "l.db")
    seq, digest = ledger.head()
    old = version_1_head(seq, digest)
    assert old.version == 1
    assert old.message().startswith(b"community-governance/ledger-head/1|")
    assert old.to_document()["version"] == 1
    assert "ledger" not in old.to_document()
    assert verify_against(ledger, [old], TRUSTED).ok
    named = verify_against(ledger, [old], TRUSTED, ledger_id=ledger.ledger_id())
    assert (
        named.reason
        == f"the head names no ledger, not the expected ledger {ledger.ledger_id()[:16]}"
    )


def test_a_recorded_head_is_read_by_the_version_its_fields_name(tmp_path: Path) -> None:
    """R-1: a checkpoint record with an empty algorithm is an Ed25519 head of version 2."""
    ledger = _ledger(tmp_path / "l.db")
    head = checkpoint(ledger, OFFICE, AT)
    ledger.append(
        "ledger",
        [NewEvent("ledger.checkpoint", attrs.asdict(head), AT.date())],
        expected_version=ledger.version("ledger"),
    )
    read = latest_checkpoint(ledger)
    assert read == head
    assert read is not None
    assert (read.version, read.algorithm) == (2, "")
