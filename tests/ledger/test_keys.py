"""The pseudonym key: long enough, from a file or the environment, never overwritten."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from community_governance.ledger import SQLiteLedger
from community_governance.ledger.keys import MIN_KEY_BYTES, check_key, load_key, new_key_file
from community_governance.ledger.storage import LedgerError


@given(st.binary(max_size=MIN_KEY_BYTES - 1))
def test_a_short_key_is_refused(key: bytes) -> None:
    """Ledger: any key under 32 bytes is refused, naming the field and the length."""
    with pytest.raises(LedgerError, match=f"has {len(key)} bytes") as refused:
        check_key(key)
    assert refused.value.field == "key"


@given(st.binary(min_size=MIN_KEY_BYTES, max_size=4 * MIN_KEY_BYTES))
def test_a_long_enough_key_is_taken_as_it_is(key: bytes) -> None:
    """Ledger: a key of 32 bytes or more is accepted unchanged."""
    assert check_key(key) is key


def test_the_ledger_refuses_a_short_key(tmp_path: Path) -> None:
    """Ledger: a 1-byte key, which was once brute-forced in a second and a half, is refused."""
    with pytest.raises(LedgerError, match="at least 32"):
        SQLiteLedger(tmp_path / "l.db", key=b"k")
    assert not (tmp_path / "l.db").exists()


def test_a_new_key_file_is_private_random_and_never_overwritten(tmp_path: Path) -> None:
    """Ledger: 32 random bytes, mode 0600; a second call on the same path is refused."""
    path = new_key_file(tmp_path / "ledger.key")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = load_key(file=path)
    assert len(key) == MIN_KEY_BYTES
    assert key != load_key(file=new_key_file(tmp_path / "other.key"))
    with pytest.raises(LedgerError, match="never overwritten"):
        new_key_file(path)
    assert load_key(file=path) == key
    ledger = SQLiteLedger(tmp_path / "l.db", key=key)
    assert ledger.pseudonym("A-1-101").startswith("hh-")


def test_a_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ledger: hex digits in a variable; unset, not hex or too short are named."""
    monkeypatch.setenv("CG_TEST_KEY", "ab" * MIN_KEY_BYTES)
    assert load_key(env="CG_TEST_KEY") == b"\xab" * MIN_KEY_BYTES
    monkeypatch.setenv("CG_TEST_KEY", "zz" * MIN_KEY_BYTES)
    with pytest.raises(LedgerError, match="hex digits") as refused:
        load_key(env="CG_TEST_KEY")
    assert refused.value.field == "CG_TEST_KEY"
    monkeypatch.setenv("CG_TEST_KEY", "ab" * 4)
    with pytest.raises(LedgerError, match="has 4 bytes"):
        load_key(env="CG_TEST_KEY")
    monkeypatch.delenv("CG_TEST_KEY")
    with pytest.raises(LedgerError, match="not set"):
        load_key(env="CG_TEST_KEY")


def test_one_source_and_a_readable_file(tmp_path: Path) -> None:
    """Ledger: exactly one of file and env; a missing file is named."""
    with pytest.raises(LedgerError, match="one of them"):
        load_key()
    with pytest.raises(LedgerError, match="one of them"):
        load_key(file=tmp_path / "k", env="X")
    with pytest.raises(LedgerError, match="cannot read the key file") as refused:
        load_key(file=tmp_path / "missing.key")
    assert refused.value.field == str(tmp_path / "missing.key")
