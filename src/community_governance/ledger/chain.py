"""Canonical encoding and the hash chain of the ledger (stdlib only).

Canonical JSON: every value is type-tagged, so that ``"1"`` and ``1`` never hash
alike — ``["s", text]``, ``["i", "123"]``, ``["b", true]``, ``["n"]``,
``["l", [...]]``, ``["d", [[key, value], ...]]`` with keys sorted — then written
with sorted keys, no spaces, UTF-8. Floats are refused. Dates are text.

The chain: ``h_i = SHA-256(TAG | seq | h_(i-1) | canonical(event))`` with
``TAG``, ``seq`` in decimal, ``h_0`` = ``GENESIS``, and ``|`` a literal
separator byte. The event is ``{"stream", "version", "type", "at", "data"}``.

This module imports nothing from the rest of the package, so the verifier
built on it runs anywhere Python does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

__all__ = [
    "GENESIS",
    "HEAD_SCHEMA",
    "HEAD_TAG",
    "TAG",
    "LedgerCheck",
    "canonical",
    "check_records",
    "event_body",
    "head_message",
    "link",
]

TAG = b"community-governance/ledger/1"
GENESIS = "0" * 64


def _tagged(value: Any) -> Any:
    if isinstance(value, bool):
        return ["b", value]
    if isinstance(value, int):
        return ["i", str(value)]
    if isinstance(value, str):
        return ["s", value]
    if value is None:
        return ["n"]
    if isinstance(value, float):
        msg = f"a float has no canonical form in the ledger: {value!r}"
        raise TypeError(msg)
    if isinstance(value, list | tuple):
        return ["l", [_tagged(v) for v in value]]
    if isinstance(value, Mapping):
        return ["d", [[str(k), _tagged(value[k])] for k in sorted(value, key=str)]]
    msg = f"{type(value).__name__} has no canonical form in the ledger"
    raise TypeError(msg)


def canonical(value: Any) -> bytes:
    """The canonical bytes of a JSON value (type-tagged, sorted, compact, UTF-8)."""
    return json.dumps(_tagged(value), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def event_body(stream: str, version: int, type_: str, at: str, data: Mapping[str, Any]) -> bytes:
    """The canonical bytes of one stored event."""
    return canonical({"stream": stream, "version": version, "type": type_, "at": at, "data": data})


def link(seq: int, previous: str, body: bytes) -> str:
    """The chain hash of event ``seq`` after ``previous`` (hex)."""
    return hashlib.sha256(b"|".join([TAG, str(seq).encode(), previous.encode(), body])).hexdigest()


HEAD_TAG = b"community-governance/ledger-head/1"
#: The schema of a published signed head (``ledger.checkpoint``).
HEAD_SCHEMA = "community-governance/ledger-head"


def head_message(seq: int, hash_: str, at: str, key_id: str) -> bytes:
    """The bytes a signed head's Ed25519 signature covers: ``HEAD_TAG|seq|hash|at|key_id``."""
    return b"|".join([HEAD_TAG, *(str(part).encode() for part in (seq, hash_, at, key_id))])


class LedgerCheck(NamedTuple):
    """The outcome of a chain check.

    ``first_bad`` is the first sequence number whose record does not match the
    chain (or the first missing one, for a truncated ledger); ``None`` when all
    is well.
    """

    ok: bool
    events: int
    head: str
    first_bad: int | None = None
    reason: str | None = None


def export_rows(records: Iterable[Mapping[str, Any]]) -> Iterable[tuple[Any, ...]]:
    """The rows ``check_records`` reads, from the records of a JSON Lines export."""
    return (
        (r["seq"], r["stream"], r["version"], r["type"], r["at"], json.dumps(r["data"]), r["hash"])
        for r in records
    )


def _bad(count: int, head: str, first_bad: int, reason: str) -> LedgerCheck:
    return LedgerCheck(ok=False, events=count, head=head, first_bad=first_bad, reason=reason)


def check_records(  # noqa: PLR0911 - one return per way a chain can break
    rows: Iterable[tuple[Any, Any, Any, Any, Any, Any, Any]], published: tuple[int, str] | None
) -> LedgerCheck:
    """Recompute a chain from (seq, stream, version, type, at, data JSON, hash) rows."""
    previous, expected = GENESIS, 1
    versions: dict[str, int] = {}
    count, published_hash_seen = 0, None
    for seq, stream, version, type_, at, data, digest in rows:
        if seq != expected:
            return _bad(count, previous, expected, f"expected sequence {expected}, found {seq}")
        if version != versions.get(stream, 0) + 1:
            return _bad(count, previous, seq, f"stream {stream} skips to version {version}")
        try:
            body = event_body(stream, version, type_, at, json.loads(data))
        except (TypeError, ValueError) as error:
            return _bad(count, previous, seq, f"unreadable record: {error}")
        if link(seq, previous, body) != digest:
            return _bad(count, previous, seq, "hash mismatch")
        previous, expected, count = digest, expected + 1, count + 1
        versions[stream] = version
        if published is not None and seq == published[0]:
            published_hash_seen = digest
    if published is not None:
        if count < published[0]:
            return _bad(count, previous, count + 1, f"truncated: {count} of {published[0]} events")
        if published_hash_seen != published[1] and published[0] > 0:
            return _bad(count, previous, published[0], "differs from the published head")
    return LedgerCheck(ok=True, events=count, head=previous)
