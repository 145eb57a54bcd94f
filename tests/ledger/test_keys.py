"""The pseudonym key: long enough, from a file or the environment, never overwritten."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import random
import re
import stat
import tempfile
from pathlib import Path

import pytest
from hypothesis import assume, given, strategies as st

from community_governance.ledger import SQLiteLedger, chain
from community_governance.ledger.chain import CHECKPOINT_STREAM, canonical
from community_governance.ledger.keys import (
    HMACS,
    MIN_KEY_BYTES,
    PseudonymKey,
    _weakness,
    check_key,
    generate_key,
    hmac_hash,
    key_id,
    load_key,
    new_key_file,
)
from community_governance.ledger.storage import LedgerError
from community_governance.ledger.store import BEGUN_TYPE, begin
from community_governance.ports import NewEvent
from tests.ledger.builders import hmac_sm3 as _hmac_sm3

GOOD = hashlib.sha256(b"a test key").digest()
DAY = dt.date(2026, 9, 30)


@given(st.binary(max_size=MIN_KEY_BYTES - 1))
def test_a_short_key_is_refused(key: bytes) -> None:
    """Ledger: any key under 32 bytes is refused, naming the field and the length."""
    with pytest.raises(LedgerError, match=f"has {len(key)} bytes") as refused:
        check_key(key)
    assert refused.value.field == "key"


@given(st.integers(0, 2**64), st.integers(MIN_KEY_BYTES, 4 * MIN_KEY_BYTES))
def test_a_random_key_is_taken_as_it_is(seed: int, size: int) -> None:
    """Ledger: random bytes, 32 or more, are accepted unchanged."""
    key = random.Random(seed).randbytes(size)
    assert check_key(key) is key


@pytest.mark.parametrize(
    ("key", "said"),
    [
        (bytes(32), "all its bytes are the same"),
        (b"k" * 40, "all its bytes are the same"),
        (bytes(range(32)), "step by one constant"),
        (bytes(range(100, 36, -2)), "step by one constant"),
        (b"ab" * 16, "repeats a pattern of 2 bytes"),
        (bytes.fromhex("0123456789abcdef") * 5, "repeats a pattern of 8 bytes"),
        (b"unused-for-replay" * 2, "only 13 distinct values"),
    ],
)
def test_a_key_that_is_not_random_is_refused(key: bytes, said: str) -> None:
    """Ledger: all-equal bytes, a constant step, a short period, few byte values."""
    with pytest.raises(LedgerError, match=said) as refused:
        check_key(key)
    assert refused.value.field == "key"
    assert "不是随机的" in (refused.value.zh or "")


@given(st.binary(min_size=1, max_size=16), st.integers(MIN_KEY_BYTES, 3 * MIN_KEY_BYTES))
def test_any_short_pattern_repeated_is_refused(pattern: bytes, size: int) -> None:
    """Ledger: a pattern of up to 16 bytes repeated to a key's length never passes."""
    key = (pattern * size)[:size]
    with pytest.raises(LedgerError, match="not random"):
        check_key(key)


def test_generated_keys_pass_and_differ() -> None:
    """Ledger: generate_key's keys pass the test and are not repeated."""
    keys = {generate_key() for _ in range(200)}
    assert len(keys) == 200
    assert all(check_key(k) is k for k in keys)


def test_the_ledger_refuses_a_short_key(tmp_path: Path) -> None:
    """Ledger: a 1-byte key, which was once brute-forced in a second and a half, is refused."""
    with pytest.raises(LedgerError, match="at least 32"):
        SQLiteLedger(tmp_path / "l.db", key=b"k")
    assert not (tmp_path / "l.db").exists()


def test_a_new_key_file_is_private_random_and_never_overwritten(tmp_path: Path) -> None:
    """Ledger: 32 random bytes in hex, mode 0600; a second call on the same path is refused."""
    path = new_key_file(tmp_path / "ledger.key")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert re.fullmatch(r"[0-9a-f]{64}\n", path.read_text(encoding="ascii"))
    key = load_key(file=path)
    assert len(key.secret) == MIN_KEY_BYTES
    assert key.hmac is None
    assert key != load_key(file=new_key_file(tmp_path / "other.key"))
    with pytest.raises(LedgerError, match="never overwritten"):
        new_key_file(path)
    assert load_key(file=path) == key
    ledger = SQLiteLedger(tmp_path / "l.db", key=key)
    assert ledger.pseudonym("A-1-101").startswith("hh-")


def test_a_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ledger: hex digits in a variable; unset, not hex or too short are named."""
    monkeypatch.setenv("CG_TEST_KEY", f" {GOOD.hex()}\n")
    assert load_key(env="CG_TEST_KEY") == PseudonymKey(GOOD)
    monkeypatch.setenv("CG_TEST_KEY", "zz" * MIN_KEY_BYTES)
    with pytest.raises(LedgerError, match="hexadecimal digits") as refused:
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


def test_a_file_and_a_variable_holding_the_same_text_give_the_same_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ledger: one encoding, hex, for both; a file of raw bytes is refused, not misread."""
    text = GOOD.hex() + "\n"
    (tmp_path / "k.key").write_text(text, encoding="ascii")
    monkeypatch.setenv("CG_TEST_KEY", text)
    assert load_key(file=tmp_path / "k.key") == load_key(env="CG_TEST_KEY") == PseudonymKey(GOOD)
    (tmp_path / "raw.key").write_bytes(GOOD)
    with pytest.raises(LedgerError, match="hexadecimal digits") as refused:
        load_key(file=tmp_path / "raw.key")
    assert refused.value.field == str(tmp_path / "raw.key")
    (tmp_path / "weak.key").write_text("00" * 32, encoding="ascii")
    with pytest.raises(LedgerError, match="all its bytes are the same"):
        load_key(file=tmp_path / "weak.key")


@pytest.mark.parametrize(
    ("key", "english", "chinese"),
    [
        (bytes(32), "all its bytes are the same", "其所有字节都相同"),
        (bytes(range(32)), "its bytes step by one constant", "其字节按固定差值递进"),
        (
            bytes((200 + 7 * i) % 256 for i in range(32)),
            "its bytes step by one constant",
            "其字节按固定差值递进",
        ),
        (b"abc" * 11, "it repeats a pattern of 3 bytes", "其内容以 3 字节为周期重复"),
        (
            b"unused-for-replay" * 2,
            "its first 32 bytes hold only 13 distinct values",
            "其前 32 个字节只有 13 种不同的值",
        ),
    ],
)
def test_each_weakness_is_said_in_both_languages(key: bytes, english: str, chinese: str) -> None:
    """Ledger: the refusal says which test the key failed, field and rule included."""
    with pytest.raises(LedgerError) as refused:
        check_key(key, "where")
    assert refused.value.message == (
        f"the pseudonym key is not random: {english} (make one with new_key_file)"
    )
    assert refused.value.zh == f"假名密钥不是随机的：{chinese}（用 new_key_file 生成）"
    assert (refused.value.field, refused.value.rule) == ("where", "ledger")


def _diverse(count: int) -> bytes:
    """32 bytes of exactly ``count`` distinct values, in no short period, steps varied."""
    values = [(v * 37 + 11) % 256 for v in range(count)]
    order = [values[i % count] for i in range(32)]
    random.Random(count).shuffle(order)
    return bytes(order)


def test_sixteen_distinct_values_are_enough_and_fifteen_are_not() -> None:
    """Ledger: the diversity bound is exact: 16 distinct byte values pass, 15 do not."""
    assert check_key(_diverse(16)) == _diverse(16)
    with pytest.raises(LedgerError, match="only 15 distinct values"):
        check_key(_diverse(15))


def test_the_other_refusals_name_their_field_and_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ledger: every refusal of a key names where the key came from, under the rule ledger."""
    with pytest.raises(LedgerError) as not_bytes:
        check_key("text")
    assert not_bytes.value.message == "the pseudonym key is bytes, not str"
    assert (not_bytes.value.field, not_bytes.value.rule) == ("key", "ledger")
    with pytest.raises(LedgerError) as short:
        check_key(b"k")
    assert short.value.message == (
        "the pseudonym key has 1 bytes; at least 32 are needed (make one with new_key_file)"
    )
    with pytest.raises(LedgerError) as neither:
        load_key()
    assert neither.value.message == "give the key file or the environment variable, one of them"
    assert (neither.value.field, neither.value.rule) == ("key", "ledger")
    (tmp_path / "weak.key").write_text("00" * 32, encoding="ascii")
    with pytest.raises(LedgerError) as weak_file:
        load_key(file=tmp_path / "weak.key")
    assert (weak_file.value.field, weak_file.value.rule) == (str(tmp_path / "weak.key"), "ledger")
    (tmp_path / "raw.key").write_bytes(b"\xff" * 32)
    with pytest.raises(LedgerError) as raw:
        load_key(file=tmp_path / "raw.key")
    assert raw.value.message == (
        "the key file does not hold a key in hexadecimal digits (what new_key_file writes)"
    )
    assert raw.value.zh == "密钥文件中不是十六进制数字写成的密钥（new_key_file 写出的格式）"
    monkeypatch.setenv("CG_TEST_KEY", "00" * 32)
    with pytest.raises(LedgerError) as weak_env:
        load_key(env="CG_TEST_KEY")
    assert weak_env.value.field == "CG_TEST_KEY"
    monkeypatch.delenv("CG_TEST_KEY")
    with pytest.raises(LedgerError) as unset:
        load_key(env="CG_TEST_KEY")
    assert (unset.value.field, unset.value.rule) == ("CG_TEST_KEY", "ledger")
    new_key_file(tmp_path / "ledger.key")
    with pytest.raises(LedgerError) as exists:
        new_key_file(tmp_path / "ledger.key")
    assert exists.value.message == "the key file exists already; a key is never overwritten"
    assert exists.value.field == str(tmp_path / "ledger.key")


def _independent_hmac(secret: bytes, message: bytes, hmac_name: str) -> str:
    """HMAC by the standard library over SHA-256, or written out over gmalg's SM3."""
    if hmac_name == "hmac-sha256":
        return hmac.new(secret, message, hashlib.sha256).hexdigest()
    return _hmac_sm3(secret, message)


@pytest.mark.parametrize("hmac_name", ["hmac-sha256", "hmac-sm3"])
def test_a_key_file_names_its_hmac_and_reads_back(tmp_path: Path, hmac_name: str) -> None:
    """The record: ``new_key_file(hmac=…)`` writes ``HMAC:HEX``; load reads the same key."""
    path = new_key_file(tmp_path / "k.key", hmac=hmac_name)
    text = path.read_text(encoding="ascii")
    assert re.fullmatch(rf"{hmac_name}:[0-9a-f]{{64}}\n", text)
    key = load_key(file=path)
    assert key == PseudonymKey(bytes.fromhex(text.strip().split(":")[1]), hmac_name)
    assert key.text() + "\n" == text
    assert key.secret.hex() not in repr(key)


@given(st.binary(min_size=MIN_KEY_BYTES, max_size=64), st.sampled_from([None, *HMACS]))
def test_a_key_s_text_reads_back_as_the_same_key(secret: bytes, hmac_name: str | None) -> None:
    """The record: ``load_key`` of ``PseudonymKey.text()`` is the key, for any key and HMAC."""
    assume(_weakness(secret) is None)
    key = PseudonymKey(secret, hmac_name)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CG_TEST_KEY", f" {key.text()}\n")
        assert load_key(env="CG_TEST_KEY") == key


@given(st.binary(min_size=MIN_KEY_BYTES, max_size=64), st.sampled_from(list(HMACS)))
def test_a_key_s_id_is_an_hmac_of_its_label(secret: bytes, hmac_name: str) -> None:
    """The record: a key's id is its HMAC of a fixed label, computed independently.

    The same secret under the other HMAC has another id, since it makes other pseudonyms.
    """
    label = b"community-governance pseudonym key id"
    expected = "pk-" + _independent_hmac(secret, label, hmac_name)[:16]
    assert key_id(secret, hmac_name) == expected
    other = "hmac-sm3" if hmac_name == "hmac-sha256" else "hmac-sha256"
    assert key_id(secret, other) != expected


@pytest.mark.parametrize("written", ["hmac-md5:", "sm3:", "HMAC-SM3:", ":"])
def test_a_key_naming_no_known_hmac_is_refused(tmp_path: Path, written: str) -> None:
    """The record: a key file naming an unknown HMAC is refused, naming the file and the HMACs."""
    path = tmp_path / "k.key"
    path.write_text(written + GOOD.hex() + "\n", encoding="ascii")
    with pytest.raises(LedgerError) as refused:
        load_key(file=path)
    name = written.removesuffix(":")
    assert refused.value.message == (
        f"{name!r} is not an HMAC a pseudonym key can be for; they are hmac-sha256, hmac-sm3"
    )
    assert refused.value.zh == f"{name!r} 不是假名密钥可用的 HMAC；可选 hmac-sha256, hmac-sm3"
    assert (refused.value.field, refused.value.rule) == (str(path), "ledger")
    with pytest.raises(LedgerError, match="is not an HMAC"):
        new_key_file(tmp_path / "n.key", hmac=name)
    assert not (tmp_path / "n.key").exists()
    with pytest.raises(LedgerError, match="is not an HMAC"):
        PseudonymKey(GOOD, name)


def test_a_garbled_prefix_is_shown_short(tmp_path: Path) -> None:
    """The record: a raw file with a colon in it is named by at most 20 characters of it."""
    path = tmp_path / "raw.key"
    path.write_bytes(b"\xff" * 40 + b":" + GOOD.hex().encode())
    with pytest.raises(LedgerError) as refused:
        load_key(file=path)
    assert refused.value.message.startswith(repr("\ufffd" * 20 + "…"))


@given(
    st.text(min_size=1, max_size=30).filter(lambda t: t.strip() == t and "\x1f" not in t),
    st.sampled_from(["sha256-ed25519", "sm3-sm2"]),
    st.sampled_from(list(HMACS)),
)
def test_a_key_s_hmac_makes_the_pseudonyms_whatever_the_suite(
    household: str, suite: str, hmac_name: str
) -> None:
    """E-4, the record: a key naming its HMAC makes pseudonyms and commitments with it.

    So a district that must use SM3 for its households uses it in any ledger, and a key
    that names none follows the suite (``test_suites``).
    """
    with tempfile.TemporaryDirectory() as folder:
        ledger = SQLiteLedger(Path(folder) / "l.db", key=PseudonymKey(GOOD, hmac_name), suite=suite)
        expected = "hh-" + _independent_hmac(GOOD, household.encode(), hmac_name)[:24]
        assert ledger.pseudonym(household) == expected
        assert ledger.pseudonym_key() == {"id": key_id(GOOD, hmac_name), "hmac": hmac_name}
        begin(ledger, dt.date(2026, 9, 30))
        assert ledger.suite() == suite
        assert ledger.pseudonym(household) == expected
        committed = _independent_hmac(GOOD, b"private|" + canonical({"a": 1}), hmac_name)[:32]
        assert ledger.keep_private({"a": 1}, retain_until=dt.date(2027, 1, 1)) == (
            f"pd-{committed}"
        )


@pytest.mark.parametrize(
    "named",
    ["pk-0", {"id": "pk-0"}, {"id": "pk-0", "hmac": 3}, {"id": "pk-0", "hmac": "x", "more": "y"}],
)
def test_a_first_record_naming_its_key_oddly_is_refused(tmp_path: Path, named: object) -> None:
    """The record: a begun record whose key is not an id and an HMAC is named, never guessed."""
    ledger = SQLiteLedger(tmp_path / "l.db", key=GOOD)
    begun = NewEvent(BEGUN_TYPE, {"suite": "sha256-ed25519", "pseudonym_key": named}, DAY)
    ledger.append(CHECKPOINT_STREAM, [begun], expected_version=0)
    with pytest.raises(LedgerError) as refused:
        ledger.pseudonym("A-1-101")
    assert refused.value.message == (
        "the ledger's first record names its pseudonym key in a form the ledger never writes "
        "(an id and an HMAC)"
    )
    assert (refused.value.field, refused.value.rule) == ("pseudonym_key", "ledger")
    assert "假名密钥不是账本写入的格式" in (refused.value.zh or "")


def test_each_refusal_of_an_hmac_names_the_field(tmp_path: Path) -> None:
    """The record: an unknown HMAC given in code is refused under ``hmac``, rule ledger."""
    for attempt in (
        lambda: PseudonymKey(GOOD, "hmac-md5"),
        lambda: new_key_file(tmp_path / "n.key", hmac="hmac-md5"),
        lambda: key_id(GOOD, "hmac-md5"),
        lambda: hmac_hash("hmac-md5"),
    ):
        with pytest.raises(LedgerError) as refused:
            attempt()
        assert (refused.value.field, refused.value.rule) == ("hmac", "ledger")
    name = "h" * 20
    with pytest.raises(LedgerError) as whole:
        PseudonymKey(GOOD, name)
    assert whole.value.message.startswith(f"{name!r} is not an HMAC")


def test_hmac_sm3_where_openssl_lacks_sm3_is_one_clear_refusal(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    """The record: without SM3, an HMAC-SM3 key is refused when used, in both languages.

    HMAC-SHA-256 keys go on working.
    """
    real = hashlib.new

    def without_sm3(name: str, *args: object, **kwargs: object) -> object:
        if name.lower() == "sm3":
            raise ValueError("unsupported hash type sm3")
        return real(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(hashlib, "new", without_sm3)
    chain._sm3_template.cache_clear()
    request.addfinalizer(chain._sm3_template.cache_clear)
    with pytest.raises(LedgerError, match="SM3 is not available") as refused:
        key_id(GOOD, "hmac-sm3")
    assert (refused.value.field, refused.value.rule) == ("hmac", "ledger")
    assert "SM3 不可用" in (refused.value.zh or "")
    assert hmac_hash("hmac-sha256") is hashlib.sha256
