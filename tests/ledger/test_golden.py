"""Golden values of the ledger's encodings and hashes: a changed byte changes a pinned digest.

Each value is written out by hand, and each hash is also recomputed here from its bytes with
``hashlib`` alone, so that a change to a tag, a separator, a key or an encoding option of the
chain (E-5, the record) cannot pass by changing the library and its own check together.
Ledgers and exports written by earlier versions depend on every one of these bytes.
"""

from __future__ import annotations

import hashlib

import pytest

from community_governance.ledger.chain import (
    GENESIS,
    TAG,
    TAG_2,
    canonical,
    data_text,
    event_body,
    head_message,
    link,
    link_2,
)

DATA = {"b": [1, "2", None, True], "a": {"y": "中文", "x": -3}}
FORM_2_TEXT = '{"a":{"x":-3,"y":"中文"},"b":[1,"2",null,true]}'
FORM_2_HASH = b"4683c6e9ca10a73003c2249edc987dc15cad3c432793242261ed1dfa770eaed1"


def test_form_2_data_and_hash_are_pinned() -> None:
    """The record: form 2's canonical text and chain hash of a fixed record never change."""
    assert TAG_2 == b"community-governance/ledger/2"
    assert data_text(DATA) == FORM_2_TEXT
    fields = (b"quarter:haibin", b"rating", b"2026-09-30", FORM_2_TEXT.encode())
    message = b"\0".join((TAG_2, b"7", b"0" * 64, fields[0], b"3", fields[1], fields[2], fields[3]))
    assert hashlib.sha256(message).hexdigest().encode() == FORM_2_HASH
    assert link_2(7, b"0" * 64, fields[0], 3, fields[1], fields[2], fields[3]) == FORM_2_HASH


def test_form_1_canonical_bytes_and_hash_are_pinned() -> None:
    """The record: form 1's type-tagged bytes (keys sorted as text) and hash never change."""
    assert TAG == b"community-governance/ledger/1"
    assert canonical({10: "x", 9: ["y", None, True, False], "a": {"k": -1}}) == (
        b'["d",[["10",["s","x"]],["9",["l",[["s","y"],["n"],["b",true],["b",false]]]],'
        b'["a",["d",[["k",["i","-1"]]]]]]]'
    )
    assert canonical({"t": "中"}) == '["d",[["t",["s","中"]]]]'.encode()  # UTF-8, not \\u escapes
    body = event_body("s", 1, "t", "2026-09-30", {"n": 1})
    assert body == (
        b'["d",[["at",["s","2026-09-30"]],["data",["d",[["n",["i","1"]]]]],'
        b'["stream",["s","s"]],["type",["s","t"]],["version",["i","1"]]]]'
    )
    digest = "868c09387094d518039d9737abeffe021e175b495a25bba2e21580437720aaca"
    assert hashlib.sha256(b"|".join([TAG, b"1", GENESIS.encode(), body])).hexdigest() == digest
    assert link(1, GENESIS, body) == digest


def test_the_signed_message_of_a_head_is_pinned() -> None:
    """R-1: the bytes an Ed25519 head signature covers never change."""
    assert head_message(5, "ab" * 32, "2026-10-04T09:00:00+08:00", "0123456789abcdef") == (
        b"community-governance/ledger-head/1|5|"
        + b"ab" * 32
        + b"|2026-10-04T09:00:00+08:00|0123456789abcdef"
    )


@pytest.mark.parametrize("value", [object(), b"bytes", {"a": {2}}])
def test_form_1_refuses_what_it_cannot_encode(value: object) -> None:
    """The record: a value with no canonical form raises, never becomes null in the hash."""
    inner = value["a"] if isinstance(value, dict) else value
    with pytest.raises(TypeError, match=f"^{type(inner).__name__} has no canonical form"):
        canonical({"v": value})


@pytest.mark.parametrize("value", [object(), b"bytes", {"a": {2}}])
def test_form_2_refuses_what_it_cannot_encode(value: object) -> None:
    """The record: a value with no canonical form raises in form 2 as well."""
    with pytest.raises(TypeError, match=r"canonical form|not JSON serializable"):
        data_text({"v": value})
    with pytest.raises(TypeError, match="a key of type float has no canonical form"):
        data_text({1.5: "a"})
