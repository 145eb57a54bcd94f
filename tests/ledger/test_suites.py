"""A ledger's algorithm suite: SHA-256 chains, or SM3 chains as GB/T 32905-2016 defines SM3.

SM3 is checked against the examples the standard publishes and against ``gmalg``, a
pure-Python implementation independent of the OpenSSL the ledger uses. A ledger's suite is
its first record's, and a record of the other suite breaks the chain where it stands.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from community_governance.cli import EXIT_BAD_INPUT, EXIT_OK
from community_governance.ledger import SQLiteLedger, chain, verify as stdlib_verifier
from community_governance.ledger.chain import (
    GENESIS,
    TAG_3,
    check_records,
    data_text,
    export_rows,
    link_2,
    sm3,
)
from community_governance.ledger.keys import key_id, load_key
from community_governance.ledger.storage import LedgerError
from community_governance.ports import NewEvent
from tests.cli.shell import run
from tests.ledger.builders import KEY, gmalg_sm3 as _gmalg_sm3, hmac_sm3 as _hmac_sm3

DAY = dt.date(2026, 9, 30)

#: GB/T 32905-2016, Appendix A: the two examples, message and hash value.
STANDARD_EXAMPLES = [
    (b"abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"),
    (b"abcd" * 16, "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"),
]


@pytest.mark.parametrize(("message", "expected"), STANDARD_EXAMPLES, ids=["abc", "512-bit"])
def test_sm3_gives_the_standard_s_examples(message: bytes, expected: str) -> None:
    """GB/T 32905-2016 Appendix A: both examples, by the ledger's SM3 and by gmalg's."""
    assert sm3(message).hexdigest() == expected
    assert _gmalg_sm3(message) == expected


@given(st.binary(max_size=300))
def test_sm3_equals_an_independent_implementation(data: bytes) -> None:
    """GB/T 32905: OpenSSL's SM3 (through hashlib) and gmalg's agree on any message."""
    assert sm3(data).hexdigest() == _gmalg_sm3(data)


def _notes(ledger: SQLiteLedger, count: int) -> None:
    for n in range(count):
        event = NewEvent("note", {"n": n, "text": f"记录 {n}"}, DAY)
        ledger.append("s", [event], expected_version=ledger.version("s"))


def test_an_sm3_record_hashes_its_stored_columns_as_the_form_says(tmp_path: Path) -> None:
    """The record: h_i = SM3(TAG_3 NUL seq NUL h_(i-1) NUL … NUL data), recomputed by gmalg."""
    ledger = SQLiteLedger(tmp_path / "l.db", key=KEY, suite="sm3-sm2")
    _notes(ledger, 3)
    previous = GENESIS
    for event in ledger.read_after(0):
        message = b"\0".join(
            [
                TAG_3,
                str(event.seq).encode(),
                previous.encode(),
                event.stream.encode(),
                str(event.version).encode(),
                event.type.encode(),
                event.at.isoformat().encode(),
                data_text(event.data).encode(),
            ]
        )
        assert event.hash == _gmalg_sm3(message)
        previous = event.hash
    assert ledger.verify().ok
    assert ledger.suite() == "sm3-sm2"


def test_a_ledger_keeps_the_suite_it_began_in(tmp_path: Path) -> None:
    """The record: opened again without a suite it goes on in its own; the other is refused."""
    path = tmp_path / "l.db"
    _notes(SQLiteLedger(path, key=KEY, suite="sm3-sm2"), 2)
    again = SQLiteLedger(path, key=KEY)
    _notes(again, 1)
    assert [row[0] for row in sqlite3.connect(path).execute("SELECT form FROM events")] == [3] * 3
    assert again.verify().ok
    other = SQLiteLedger(path, key=KEY, suite="sha256-ed25519")
    with pytest.raises(LedgerError) as refused:
        _notes(other, 1)
    assert refused.value.said("en") == (
        "suite: this ledger began in the sm3-sm2 suite; it cannot continue in "
        "sha256-ed25519 [ledger]"
    )
    assert refused.value.said("zh") == (
        "suite: 此账本以 sm3-sm2 算法套件开始，不能改用 sha256-ed25519 继续 [ledger]"
    )
    assert again.head()[0] == 3
    default = SQLiteLedger(tmp_path / "d.db", key=KEY)
    assert default.suite() == "sha256-ed25519"
    _notes(default, 1)
    assert SQLiteLedger(tmp_path / "d.db", key=None).suite() == "sha256-ed25519"


@pytest.mark.parametrize("suite", ["sm3", "SM3-SM2", "", 3])
def test_an_unknown_suite_is_refused_in_one_line(tmp_path: Path, suite: object) -> None:
    """The record: a suite that is not one of the two is named, with the two there are."""
    with pytest.raises(LedgerError) as refused:
        SQLiteLedger(tmp_path / "l.db", key=KEY, suite=suite)  # type: ignore[arg-type]
    assert refused.value.message == (
        f"{suite!r} is not an algorithm suite; the suites are sha256-ed25519, sm3-sm2"
    )
    assert refused.value.zh == f"{suite!r} 不是算法套件；可选 sha256-ed25519, sm3-sm2"
    assert not (tmp_path / "l.db").exists()


@pytest.mark.parametrize(("first", "other"), [("sm3-sm2", 2), ("sha256-ed25519", 3)])
def test_a_record_of_the_other_suite_breaks_the_chain_where_it_stands(
    tmp_path: Path, first: str, other: int
) -> None:
    """The record: a record hashed correctly, but in the other suite, is a finding."""
    path = tmp_path / "l.db"
    ledger = SQLiteLedger(path, key=KEY, suite=first)
    _notes(ledger, 3)
    rows = list(sqlite3.connect(path).execute("SELECT seq, hash FROM events ORDER BY seq"))
    data = data_text({"n": 9})
    forged = link_2(4, rows[-1][1].encode(), b"s", 4, b"note", b"2026-09-30", data.encode())
    if other == 3:
        from community_governance.ledger.chain import link_3  # noqa: PLC0415

        forged = link_3(4, rows[-1][1].encode(), b"s", 4, b"note", b"2026-09-30", data.encode())
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO events (seq, form, stream, version, type, at, data, hash)"
            " VALUES (4, ?, 's', 4, 'note', '2026-09-30', ?, ?)",
            (other, data, forged.decode()),
        )
    check = ledger.verify()
    other_suite = "sha256-ed25519" if other == 2 else "sm3-sm2"
    assert (check.ok, check.first_bad) == (False, 4)
    assert check.reason == f"a record of the {other_suite} suite in a ledger of the {first} suite"


def test_an_sm3_ledger_moves_by_export_and_the_stdlib_verifier_checks_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The record: export, import into a ledger opened without a suite, verify with stdlib."""
    source = SQLiteLedger(tmp_path / "a.db", key=KEY, suite="sm3-sm2")
    _notes(source, 4)
    export = tmp_path / "a.jsonl"
    head = source.export_jsonl(export)
    records = [json.loads(line) for line in export.read_text(encoding="utf-8").splitlines()]
    assert {record["form"] for record in records} == {3}
    target = SQLiteLedger(tmp_path / "b.db", key=KEY)
    assert target.import_jsonl(export) == head
    assert target.suite() == "sm3-sm2"
    assert check_records(export_rows(records), head).ok
    assert stdlib_verifier.main([str(export), "--head", f"{head[0]}:{head[1]}"]) == 0
    assert capsys.readouterr().out == "ok: 4 events, chain and scores recomputed\n"


def test_without_sm3_a_suite_and_a_chain_say_so_in_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    """The record: a Python whose OpenSSL lacks SM3 refuses the suite and the SM3 chain.

    This machine's OpenSSL has SM3, so its absence is made by refusing the name, as such a
    Python's ``hashlib.new`` does.
    """
    source = SQLiteLedger(tmp_path / "a.db", key=KEY, suite="sm3-sm2")
    _notes(source, 2)
    export = tmp_path / "a.jsonl"
    source.export_jsonl(export)
    real = hashlib.new

    def without_sm3(name: str, *args: object, **kwargs: object) -> object:
        if name.lower() == "sm3":
            msg = f"unsupported hash type {name}"
            raise ValueError(msg)
        return real(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(hashlib, "new", without_sm3)
    # The looked-up SM3 object is kept once found: forget it, here and after the test.
    chain._sm3_template.cache_clear()
    request.addfinalizer(chain._sm3_template.cache_clear)
    with pytest.raises(LedgerError, match="SM3 is not available") as refused:
        SQLiteLedger(tmp_path / "b.db", key=KEY, suite="sm3-sm2")
    assert "SM3 不可用" in (refused.value.zh or "")
    with pytest.raises(LedgerError, match="SM3 is not available"):
        source.verify()
    assert stdlib_verifier.main([str(export)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"verify: {export}: the chain is not checked: SM3 is not available")
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_ledger_init_records_the_suite_and_head_shows_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    """The record: ``ledger init --suite sm3-sm2`` writes the first record; head names it."""
    where, key_file = str(tmp_path / "l.db"), str(tmp_path / "k.hex")
    code, out, _ = run(capsys, "ledger", "init", where, "--key-file", key_file, "--suite",
                       "sm3-sm2", "--lang", lang)  # fmt: skip
    assert code == EXIT_OK
    said = "算法套件 sm3-sm2，已记入账本的第一条记录" if lang == "zh" else "algorithm suite sm3-sm2"
    assert said in out
    ledger = SQLiteLedger(where, key=None)
    made = load_key(file=key_file)
    assert made.hmac == "hmac-sm3"  # a new key file of an sm3-sm2 ledger names HMAC-SM3
    recorded = {"id": key_id(made.secret, "hmac-sm3"), "hmac": "hmac-sm3"}
    assert [(e.type, dict(e.data)) for e in ledger.read_after(0)] == [
        ("ledger.begun", {"suite": "sm3-sm2", "pseudonym_key": recorded})
    ]
    code, out, _ = run(capsys, "ledger", "head", where, "--format", "json")
    assert code == EXIT_OK
    assert json.loads(out)["suite"] == "sm3-sm2"
    assert json.loads(out)["pseudonym_key"] == recorded
    code, out, err = run(capsys, "ledger", "init", where, "--key-file", key_file, "--suite",
                         "sha256-ed25519", "--lang", lang)  # fmt: skip
    assert code == EXIT_BAD_INPUT
    assert len(err.strip().splitlines()) == 1
    assert ("不能改用" if lang == "zh" else "cannot continue in sha256-ed25519") in err
    assert SQLiteLedger(where, key=None).head()[0] == 1


@given(st.text(min_size=1, max_size=30).filter(lambda t: t.strip() == t and "\x1f" not in t))
def test_an_sm3_ledger_s_pseudonyms_are_hmac_sm3(household: str) -> None:
    """E-4, the record: pseudonyms and commitments of an sm3-sm2 ledger are HMAC-SM3."""
    with tempfile.TemporaryDirectory() as folder:
        ledger = SQLiteLedger(Path(folder) / "l.db", key=KEY, suite="sm3-sm2")
        expected = "hh-" + _hmac_sm3(KEY, household.encode())[:24]
        assert ledger.pseudonym(household) == expected
        scoped = "hh-" + _hmac_sm3(KEY, f"2026Q3\x1f{household}".encode())[:24]
        assert ledger.pseudonym(household, scope="2026Q3") == scoped
        _notes(ledger, 1)  # begun: the suite, and the hash, are fixed now
        assert ledger.pseudonym(household) == expected
        plain = SQLiteLedger(Path(folder) / "p.db", key=KEY)
        assert plain.pseudonym(household) != expected


def test_an_sm3_ledger_commits_to_private_details_with_hmac_sm3(tmp_path: Path) -> None:
    """The record: a commitment is pd- and 32 hex digits of HMAC-SM3 of the canonical details."""
    ledger = SQLiteLedger(tmp_path / "l.db", key=KEY, suite="sm3-sm2")
    details = {"household": "1号楼101", "phone": "138"}
    ref = ledger.keep_private(details, retain_until=DAY)
    body = b"private|" + chain.canonical(details)
    assert ref == "pd-" + _hmac_sm3(KEY, body)[:32]
    assert ledger.personal(ref) == details
