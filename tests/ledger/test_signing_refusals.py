"""What a signer refuses, and where it says so (R-1, the record).

Each refusal of ``sign_head``, ``checkpoint``, ``checked_head`` and ``SignedHead`` names its
field and the rule R-1; ``verify_against`` reports the earliest finding among several heads.
Real components: SQLite files on disk and Ed25519 signatures from ``cryptography``.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import sys
from pathlib import Path

import attrs
import pytest

from community_governance.errors import GovernanceError
from community_governance.ledger import SQLiteLedger
from community_governance.ledger.chain import CHECKPOINT_STREAM, CHECKPOINT_TYPE, HEAD_FIELDS
from community_governance.ledger.checkpoint import (
    MAX_SCOPE,
    SignedHead,
    checked_head,
    checkpoint,
    latest_checkpoint,
    sign_head,
    verify_against,
    verify_head,
)
from community_governance.ledger.storage import LedgerError
from community_governance.ports import NewEvent
from tests.ledger.builders import AT, OFFICE, TRUSTED, version_1_head
from tests.ledger.tamper import RawTable

LEDGER = "ab" * 32


def _ledger(path: Path, events: int = 12) -> SQLiteLedger:
    ledger = SQLiteLedger(path, key=None)
    batch = [NewEvent("note", {"n": i}, AT.date()) for i in range(events)]
    ledger.append("notes", batch, expected_version=0)
    return ledger


class _NoOffset(dt.tzinfo):
    """A time zone that knows no offset (``utcoffset`` is ``None``)."""

    def utcoffset(self, _: dt.datetime | None) -> None:
        return None

    def dst(self, _: dt.datetime | None) -> None:
        return None

    def tzname(self, _: dt.datetime | None) -> str:
        return "nowhere"


@pytest.mark.parametrize(
    ("arguments", "field", "words"),
    [
        ({"ledger": ""}, "ledger", "a signed head names its ledger; an empty ledger has no id"),
        ({"ledger": 5}, "ledger", "a signed head names its ledger"),
        ({"scope": "x" * (MAX_SCOPE + 1)}, "scope", f"at most {MAX_SCOPE} characters"),
        ({"scope": "a\0b"}, "scope", "without NUL"),
        ({"scope": 5}, "scope", "without NUL, not 5"),
        ({"signing_key": b"secret"}, "signing_key", "an Ed25519 or SM2 private key, not bytes"),
        ({"at": AT.replace(tzinfo=None)}, "at", "carries its UTC offset"),
        ({"at": AT.replace(tzinfo=_NoOffset())}, "at", "carries its UTC offset"),
    ],
)
def test_each_refusal_of_sign_head_names_its_field(
    arguments: dict[str, object], field: str, words: str
) -> None:
    """R-1: an empty or missing ledger, a long or NUL scope, a wrong key, a naive time."""
    given = {"signing_key": OFFICE, "at": AT, "ledger": LEDGER, "scope": "haibin", **arguments}
    with pytest.raises(LedgerError, match=words) as refused:
        sign_head(given.pop("signing_key"), 1, "cd" * 32, **given)  # type: ignore[arg-type]
    assert (refused.value.field, refused.value.rule) == (field, "R-1")


def test_a_scope_at_its_bound_and_no_scope_are_signed() -> None:
    """R-1: 200 characters are a scope; a head signed without one names the empty scope."""
    long = sign_head(OFFICE, 1, "cd" * 32, AT, ledger=LEDGER, scope="x" * MAX_SCOPE)
    assert verify_head(long, TRUSTED) is None
    plain = sign_head(OFFICE, 1, "cd" * 32, AT, ledger=LEDGER)
    assert plain.scope == ""
    assert verify_head(plain, TRUSTED) is None


def test_signing_without_cryptography_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """R-1: without the [ledger] extra, signing says what needs it, field and rule."""
    monkeypatch.setitem(sys.modules, "cryptography.hazmat.primitives.asymmetric.ed25519", None)
    with pytest.raises(GovernanceError) as missing:
        sign_head(OFFICE, 1, "cd" * 32, AT, ledger=LEDGER)
    assert (missing.value.field, missing.value.rule) == ("signing_key", "R-1")
    assert missing.value.message.startswith("signed heads needs cryptography, of the [ledger]")
    assert (missing.value.zh or "").startswith("签名的账本头需要 cryptography")


def test_a_head_document_is_refused_naming_head(tmp_path: Path) -> None:
    """R-1: another schema or version, a field of the wrong type: field and rule named."""
    head = checkpoint(_ledger(tmp_path / "l.db"), OFFICE, AT, scope="haibin")
    document = head.to_document()
    for changed in ({"version": 4}, {"version": 0}, {"schema": "other"}):
        with pytest.raises(LedgerError) as refused:
            SignedHead.from_document({**document, **changed})
        assert (refused.value.field, refused.value.rule) == ("head", "R-1")
    for algorithm in (None, "ed25519", "SM2"):
        with pytest.raises(LedgerError, match=f"signed with sm2, not {algorithm!r}") as refused:
            SignedHead.from_document({**document, "version": 3, "algorithm": algorithm})
        assert (refused.value.field, refused.value.rule) == ("head.algorithm", "R-1")
    without_ledger = {k: v for k, v in document.items() if k != "ledger"}
    with pytest.raises(LedgerError, match="ledger must be str") as missing:
        SignedHead.from_document(without_ledger)
    assert (missing.value.field, missing.value.rule) == ("head.ledger", "R-1")
    version_1 = {k: v for k, v in document.items() if k not in {"ledger", "scope"}}
    assert SignedHead.from_document({**version_1, "version": 1}).ledger == ""


def test_a_head_is_published_as_indented_sorted_json(tmp_path: Path) -> None:
    """R-1: head.json is two-space indented, keys sorted, one final newline."""
    head = checkpoint(_ledger(tmp_path / "l.db"), OFFICE, AT, scope="haibin")
    text = head.to_json()
    assert text == json.dumps(head.to_document(), indent=2, sort_keys=True) + "\n"
    keys = [line.split('"')[1] for line in text.splitlines()[1:-1]]
    assert keys == sorted(keys)
    assert text.splitlines()[1].startswith('  "')


def test_checkpoint_refusals_name_rule_r1_and_a_scope_defaults_to_none(tmp_path: Path) -> None:
    """R-1: a changed scope is refused under R-1; a first head without scope names ''."""
    ledger = _ledger(tmp_path / "l.db")
    first = checkpoint(ledger, OFFICE, AT)
    assert first.scope == ""
    other = _ledger(tmp_path / "m.db")
    checkpoint(other, OFFICE, AT, scope="A")
    with pytest.raises(LedgerError) as refused:
        checkpoint(other, OFFICE, AT, scope="B")
    assert (refused.value.field, refused.value.rule) == ("scope", "R-1")
    assert refused.value.zh == "此账本的签名位置写明的范围是 'A'，而不是 'B'"


def test_checked_head_gives_the_head_to_publish_or_refuses(tmp_path: Path) -> None:
    """R-1: the head and the latest signed head, or one refusal naming the first break."""
    ledger = _ledger(tmp_path / "l.db")
    assert checked_head(ledger) == (*ledger.head(), None)
    signed = checkpoint(ledger, OFFICE, AT, scope="haibin")
    assert checked_head(ledger) == (*ledger.head(), signed)
    conn = sqlite3.connect(tmp_path / "l.db")
    RawTable(conn).set(4, "hash", "0" * 64)
    conn.commit()
    conn.close()
    with pytest.raises(LedgerError) as refused:
        checked_head(ledger)
    assert refused.value.message == (
        "will not publish: the ledger breaks at sequence 4 (hash mismatch)"
    )
    assert refused.value.zh == "拒绝公示：账本在序号 4 处断开（哈希不符）"
    assert (refused.value.field, refused.value.rule) == ("ledger", "R-1")
    fresh = _ledger(tmp_path / "n.db")
    fresh_conn = sqlite3.connect(tmp_path / "n.db")
    RawTable(fresh_conn).set(2, "hash", "0" * 64)
    fresh_conn.commit()
    fresh_conn.close()
    with pytest.raises(LedgerError, match="breaks at sequence 2"):
        checked_head(fresh)


def test_another_ledger_s_head_recorded_here_is_not_published(tmp_path: Path) -> None:
    """R-1: B's checkpoint record appended to A: A's head is not published."""
    a, b = _ledger(tmp_path / "a.db"), _ledger(tmp_path / "b.db", events=13)
    foreign = checkpoint(b, OFFICE, AT, scope="B")
    event = NewEvent(CHECKPOINT_TYPE, foreign.record(), AT.date())
    a.append(CHECKPOINT_STREAM, [event], expected_version=0)
    with pytest.raises(LedgerError, match="will not publish"):
        checked_head(a)


def test_a_version_1_checkpoint_record_is_read_as_version_1(tmp_path: Path) -> None:
    """R-1: a checkpoint recorded before heads named their ledger is read, and verifies."""
    ledger = _ledger(tmp_path / "l.db")
    seq, digest = ledger.head()
    old = version_1_head(seq, digest)
    record = {name: getattr(old, name) for name in HEAD_FIELDS}
    event = NewEvent(CHECKPOINT_TYPE, record, AT.date())
    ledger.append(CHECKPOINT_STREAM, [event], expected_version=0)
    latest = latest_checkpoint(ledger)
    assert latest == old
    assert latest is not None
    assert latest.version == 1
    assert verify_head(latest, TRUSTED) is None


def test_a_head_reached_but_naming_another_ledger_is_named(tmp_path: Path) -> None:
    """R-1: signed for another ledger's id yet reached here: both ids are named, 16 digits."""
    ledger = _ledger(tmp_path / "l.db")
    seq, digest = ledger.head()
    other = "0123456789abcdef0" + "f" * 47
    head = sign_head(OFFICE, seq, digest, AT, ledger=other, scope="x")
    check = verify_against(ledger, [head], TRUSTED)
    own = ledger.ledger_id()
    assert check.reason == f"the head names ledger 0123456789abcdef, not this ledger {own[:16]}"
    current = ledger.verify()
    assert (check.events, check.head, check.first_bad) == (current.events, current.head, seq)


@pytest.mark.parametrize("reverse", [False, True])
def test_the_earliest_finding_among_heads_is_reported(tmp_path: Path, *, reverse: bool) -> None:
    """R-1: a badly signed head at 3 and a rewritten tail caught at 10: 3, in either order.

    The finding at 3 counts every event (a bad signature), the one at 10 counts nine (a
    break), so only the sequence number orders them.
    """
    path = tmp_path / "l.db"
    ledger = _ledger(path)
    at_3 = attrs.evolve(sign_head(OFFICE, 3, "cd" * 32, AT, ledger=ledger.ledger_id()), seq=3)
    forged_3 = attrs.evolve(at_3, signature="00" * 64)
    at_10 = sign_head(OFFICE, 10, ledger.read_after(9)[0].hash, AT, ledger=ledger.ledger_id())
    conn = sqlite3.connect(path)
    table = RawTable(conn)
    table.set(10, "data", '{"n":"rewritten"}')
    table.rewrite_from(10)
    table.commit()
    conn.close()
    heads = [forged_3, at_10]
    check = verify_against(ledger, heads[::-1] if reverse else heads, TRUSTED)
    assert (check.ok, check.first_bad) == (False, 3)
    assert check.reason == "the signature of the head at sequence 3 is not valid"


def test_every_head_is_checked_after_one_fails(tmp_path: Path) -> None:
    """R-1: a failing head does not stop the others being checked."""
    path = tmp_path / "l.db"
    ledger = _ledger(path)
    own = ledger.ledger_id()
    late = attrs.evolve(sign_head(OFFICE, 11, "cd" * 32, AT, ledger=own), signature="00" * 64)
    early = sign_head(OFFICE, 2, ledger.read_after(1)[0].hash, AT, ledger=own)
    unreached = sign_head(OFFICE, 12, "ef" * 32, AT, ledger=own)
    conn = sqlite3.connect(path)
    table = RawTable(conn)
    table.set(2, "data", '{"n":"rewritten"}')
    table.rewrite_from(2)
    table.commit()
    conn.close()
    assert verify_against(ledger, [late, early], TRUSTED).first_bad == 2
    assert verify_against(ledger, [unreached, early], TRUSTED).first_bad == 2


def test_damaged_bytes_after_a_final_head_are_the_chain_s_finding(tmp_path: Path) -> None:
    """R-1: an unreadable record after a final head is named where it is, by the chain."""
    path = tmp_path / "l.db"
    ledger = _ledger(path)
    head = checkpoint(ledger, OFFICE, AT)
    ledger.append("late", [NewEvent("note", {"n": 1}, AT.date())], expected_version=0)
    conn = sqlite3.connect(path)
    RawTable(conn).set(head.seq + 2, "data", "{not json")
    conn.commit()
    conn.close()
    check = verify_against(ledger, [head], TRUSTED, final=True)
    assert check.first_bad == head.seq + 2
