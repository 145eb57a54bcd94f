"""Canonical encoding and the hash chain of the ledger (stdlib only; the record, E-5).

Two forms of record share one chain; each record's form is bound into its hash by its tag.

**Form 2** (every record written by this version). The data is stored as the exact bytes
that are hashed: JSON with sorted keys, no spaces, UTF-8, text keys only, no floats —
what the standard library's C encoder writes, checked once before it writes. The hash
binds the stored columns themselves::

    h_i = SHA-256(TAG_2 NUL seq NUL h_(i-1) NUL stream NUL version NUL type NUL at NUL data)

with ``seq`` and ``version`` in decimal and ``NUL`` the zero byte, which no stream, type,
time or canonical JSON text contains, so the fields cannot be shifted into one another.
Verifying is one SHA-256 over the stored bytes per record: nothing is parsed again.

**Form 1** (ledgers written before form 2 existed; they still verify). Every value is
type-tagged — ``["s", text]``, ``["i", "123"]``, ``["b", true]``, ``["n"]``,
``["l", [...]]``, ``["d", [[key, value], ...]]`` — then written compact and sorted, and
``h_i = SHA-256(TAG | seq | h_(i-1) | canonical(event))`` with ``|`` a literal byte and the
event ``{"stream", "version", "type", "at", "data"}``.

**Form 3** (a ledger of the ``sm3-sm2`` suite). Form 2's layout, hashed with SM3
(GB/T 32905-2016) under its own tag::

    h_i = SM3(TAG_3 NUL seq NUL h_(i-1) NUL stream NUL version NUL type NUL at NUL data)

A ledger's suite is chosen when it begins and is its first record's: ``sha256-ed25519``
(forms 1 and 2) or ``sm3-sm2`` (form 3). The tag binds the suite into every hash, and a
record of the other suite breaks the chain where it stands, so no record can switch
suites. SM3 comes from the standard library's ``hashlib.new("sm3")``, which OpenSSL
provides; where it does not, ``SM3UnavailableError`` says so.

``h_0`` is ``GENESIS``. This module imports nothing from the rest of the package, so the
verifier built on it runs anywhere Python does.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

__all__ = [
    "CHECKPOINT_STREAM",
    "CHECKPOINT_TYPE",
    "GENESIS",
    "HEAD_ALGORITHM_FIELDS",
    "HEAD_FIELDS",
    "HEAD_LEDGER_FIELDS",
    "HEAD_SCHEMA",
    "HEAD_TAG",
    "HEAD_TAG_2",
    "HEAD_TAG_3",
    "RECORD_KEYS",
    "SM2_ALGORITHM",
    "SUITES",
    "TAG",
    "TAG_2",
    "TAG_3",
    "LedgerCheck",
    "SM3UnavailableError",
    "StoredRow",
    "canonical",
    "check_records",
    "data_text",
    "event_body",
    "export_rows",
    "head_message",
    "head_record",
    "ledger_id",
    "link",
    "link_2",
    "link_3",
    "past_final_head",
    "record_problem",
    "sm3",
    "suite_of",
    "when",
]

TAG = b"community-governance/ledger/1"
TAG_2 = b"community-governance/ledger/2"
TAG_3 = b"community-governance/ledger/3/sm3"
GENESIS = "0" * 64

#: The algorithm suites a ledger may begin with, and the record form each writes.
SUITES = {"sha256-ed25519": 2, "sm3-sm2": 3}
_FORM_SUITE = {1: "sha256-ed25519", 2: "sha256-ed25519", 3: "sm3-sm2"}


class SM3UnavailableError(RuntimeError):
    """This Python's ``hashlib`` has no SM3 (its OpenSSL does not provide it)."""


@functools.cache
def _sm3_template() -> Any:
    """An empty SM3 hash object; each hash starts as its copy, which skips looking it up."""
    try:
        return hashlib.new("sm3")
    except ValueError:
        msg = (
            "SM3 is not available: this Python's OpenSSL does not provide it "
            "(hashlib.new('sm3') fails); use a Python built with OpenSSL 1.1.1 or later"
        )
        raise SM3UnavailableError(msg) from None


def sm3(data: bytes = b"") -> Any:
    """A new SM3 hash object (GB/T 32905-2016) over ``data``, from the standard library's OpenSSL.

    Raises:
        SM3UnavailableError: this Python's OpenSSL does not provide SM3.
    """
    hashed = _sm3_template().copy()
    hashed.update(data)
    return hashed


def suite_of(form: object) -> str | None:
    """The suite a record of ``form`` belongs to (``None`` for an unknown form)."""
    return _FORM_SUITE.get(form) if isinstance(form, int) and not isinstance(form, bool) else None


#: (seq, form, stream, version, type, at, data, hash), the text fields as stored bytes.
StoredRow = tuple[Any, Any, bytes, Any, bytes, bytes, bytes, bytes]

_ENCODE = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
).encode


def _is_plain(value: Any) -> bool:
    """Whether the C encoder writes ``value`` canonically as it is: no floats, text keys."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return True
    if kind is dict:
        return all(type(key) is str and _is_plain(item) for key, item in value.items())
    if kind is list:
        return all(_is_plain(item) for item in value)
    return False


def _json_key(key: Any) -> str:
    if isinstance(key, str):
        return str(key)
    if isinstance(key, bool) or key is None:
        return json.dumps(key)
    if isinstance(key, int):
        return str(int(key))
    msg = f"a key of type {type(key).__name__} has no canonical form in the ledger"
    raise TypeError(msg)


def _plain(value: Any) -> Any:
    """``value`` as plain JSON data (text keys, lists), refusing floats and colliding keys."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        msg = f"a float has no canonical form in the ledger: {value!r}"
        raise TypeError(msg)
    if isinstance(value, Mapping):
        plain = {_json_key(key): _plain(item) for key, item in value.items()}
        if len(plain) != len(value):
            msg = "two keys of the data are the same text in JSON (such as 1 and '1')"
            raise ValueError(msg)
        return plain
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    msg = f"{type(value).__name__} has no canonical form in the ledger"
    raise TypeError(msg)


def data_text(data: Mapping[Any, Any]) -> str:
    """The canonical text of an event's data in form 2 (what is stored and hashed).

    Raises:
        TypeError: a float, or a value that is not plain data.
        ValueError: two keys that are the same text in JSON, or an integer too long to write.
        RecursionError: data nested deeper than the interpreter can walk.
    """
    if not _is_plain(data):
        data = _plain(data)
    return _ENCODE(data)


def link_2(  # noqa: PLR0917 - the chain binds every stored column
    seq: int, previous: bytes, stream: bytes, version: int, type_: bytes, at: bytes, data: bytes
) -> bytes:
    """The form-2 chain hash (hex, as bytes) of a record from its stored bytes."""
    return (
        hashlib.sha256(
            b"\0".join((TAG_2, b"%d" % seq, previous, stream, b"%d" % version, type_, at, data))
        )
        .hexdigest()
        .encode()
    )


def link_3(  # noqa: PLR0917 - the chain binds every stored column
    seq: int, previous: bytes, stream: bytes, version: int, type_: bytes, at: bytes, data: bytes
) -> bytes:
    """The form-3 (SM3) chain hash (hex, as bytes) of a record from its stored bytes."""
    parts = (TAG_3, b"%d" % seq, previous, stream, b"%d" % version, type_, at, data)
    digest: str = sm3(b"\0".join(parts)).hexdigest()
    return digest.encode()


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
HEAD_TAG_2 = b"community-governance/ledger-head/2"
HEAD_TAG_3 = b"community-governance/ledger-head/3"
#: The schema of a published signed head (``ledger.checkpoint``).
HEAD_SCHEMA = "community-governance/ledger-head"


def head_message(  # noqa: PLR0917 - every part of a head is signed
    seq: int,
    hash_: str,
    at: str,
    key_id: str,
    ledger: str = "",
    scope: str = "",
    algorithm: str = "",
) -> bytes:
    """The bytes a signed head's signature covers.

    A head that names its algorithm (version 3: ``sm2``, the heads of ``sm3-sm2`` ledgers)
    signs ``HEAD_TAG_3 NUL seq NUL hash NUL at NUL key_id NUL ledger NUL scope NUL
    algorithm``; an Ed25519 head that names its ledger (version 2) signs the same without
    the algorithm under ``HEAD_TAG_2``, NUL the zero byte, which no part contains; a head of
    version 1, which names no ledger, signed ``HEAD_TAG|seq|hash|at|key_id``.
    """
    if algorithm:
        parts: tuple[object, ...] = (seq, hash_, at, key_id, ledger, scope, algorithm)
        return b"\0".join([HEAD_TAG_3, *(str(part).encode() for part in parts)])
    if not ledger:
        return b"|".join([HEAD_TAG, *(str(part).encode() for part in (seq, hash_, at, key_id))])
    parts = (seq, hash_, at, key_id, ledger, scope)
    return b"\0".join([HEAD_TAG_2, *(str(part).encode() for part in parts)])


def ledger_id(first_hash: str | None) -> str:
    """A ledger's id: the chain hash of its first record, fixed when the ledger begins.

    It is in every export (the first record's hash), survives export and import, and no
    two ledgers share it unless their first records are the same to the byte; ``""`` for a
    ledger that holds nothing yet.
    """
    return first_hash or ""


#: Where ``ledger.checkpoint`` records a signed head, and the record's type.
CHECKPOINT_STREAM = "ledger"
CHECKPOINT_TYPE = "ledger.checkpoint"
#: The fields of a signed head, as its checkpoint record holds them; a head that names its
#: ledger (version 2) adds ``HEAD_LEDGER_FIELDS``.
HEAD_FIELDS = ("seq", "hash", "at", "key_id", "public_key", "signature")
HEAD_LEDGER_FIELDS = ("ledger", "scope")
#: What a head of version 3 adds: its signature algorithm.
HEAD_ALGORITHM_FIELDS = ("algorithm",)
#: The algorithm of a version-3 head: SM2 over SM3 (GB/T 32918, GB/T 35276).
SM2_ALGORITHM = "sm2"


def head_record(head: Mapping[str, Any]) -> dict[str, Any]:
    """A head's fields as its checkpoint record holds them (ledger, algorithm: if named)."""
    names = HEAD_FIELDS + (HEAD_LEDGER_FIELDS if head.get("ledger") else ())
    names += HEAD_ALGORITHM_FIELDS if head.get("algorithm") else ()
    return {name: head[name] for name in names}


def past_final_head(
    after: Iterable[tuple[int, str, str, Mapping[str, Any]]], head: Mapping[str, Any]
) -> tuple[int, str] | None:
    """What follows a head that is meant to be the ledger's last, if anything should not.

    ``after`` holds (seq, stream, type, data) of every record after ``head["seq"]``. Only
    the head's own checkpoint record may follow it: a missing or different checkpoint
    record, or any record after it, is a finding (sequence number, reason).
    """
    expected = head_record(head)
    records = iter(after)
    first = next(records, None)
    if first is None:
        return head["seq"] + 1, "the signed head's checkpoint record is missing"
    seq, stream, type_, data = first
    if (stream, type_) != (CHECKPOINT_STREAM, CHECKPOINT_TYPE) or dict(data) != expected:
        return seq, "the record after the signed head is not its checkpoint"
    extra = next(records, None)
    if extra is not None:
        return extra[0], "a record follows the final signed head's checkpoint"
    return None


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


def export_rows(records: Iterable[Mapping[str, Any]]) -> Iterable[StoredRow]:
    """The stored rows ``check_records`` reads, from the records of a JSON Lines export.

    A record carries its ``"form"`` (2 or 3) unless it was written in form 1.

    Raises:
        ValueError: a record's data has no canonical form (a float, say), naming the record.
    """
    for r in records:
        form = r.get("form", 1)
        # Form 1 parses the data again before hashing it, so its text need not be its own.
        try:
            data = data_text(r["data"])
        except (TypeError, ValueError, RecursionError) as error:
            msg = f"record {r.get('seq')!r} holds data the ledger never writes: {error}"
            raise ValueError(msg) from None
        yield (
            r["seq"],
            form,
            str(r["stream"]).encode(),
            r["version"],
            str(r["type"]).encode(),
            str(r["at"]).encode(),
            data.encode(),
            str(r["hash"]).encode(),
        )


def _bad(count: int, head: bytes, first_bad: int, reason: str) -> LedgerCheck:
    return LedgerCheck(
        ok=False, events=count, head=head.decode(), first_bad=first_bad, reason=reason
    )


def _link_1(row: StoredRow, previous: bytes) -> bytes:
    seq, _, stream, version, type_, at, data, _ = row
    body = event_body(stream.decode(), version, type_.decode(), at.decode(), json.loads(data))
    return link(seq, previous.decode(), body).encode()


def check_records(  # noqa: PLR0911, PLR0912 - one return per way a chain can break
    rows: Iterable[StoredRow], published: tuple[int, str] | None
) -> LedgerCheck:
    """Recompute a chain from stored rows; name the first record that does not match it."""
    previous, expected = GENESIS.encode(), 1
    versions: dict[bytes, int] = {}
    published_seq, published_hash = published if published else (-1, "")
    published_bytes = published_hash.encode()
    # The form-2 hash (``link_2``) is written out in the loop: it runs once per record, and
    # a call per record costs as much as the checks around it.
    sha256, join, tag = hashlib.sha256, b"\0".join, TAG_2
    suite = sm3_base = None
    for row in rows:
        seq, form, stream, version, type_, at, data, digest = row
        if seq != expected:
            reason = f"expected sequence {expected}, found {seq!r}"
            return _bad(expected - 1, previous, expected, reason)
        if version != versions.get(stream, 0) + 1:
            return _bad(seq - 1, previous, seq, f"a stream skips to version {version!r}")
        record_suite = suite_of(form)
        if record_suite is None:
            return _bad(seq - 1, previous, seq, f"unknown record form {form!r}")
        if suite is None:
            suite = record_suite
        elif record_suite != suite:
            reason = f"a record of the {record_suite} suite in a ledger of the {suite} suite"
            return _bad(seq - 1, previous, seq, reason)
        try:
            if form == 2:  # noqa: PLR2004
                message = (tag, b"%d" % seq, previous, stream, b"%d" % version, type_, at, data)
                computed = sha256(join(message)).hexdigest().encode()
            elif form == 1:
                computed = _link_1(row, previous)
            else:  # form 3, written out like form 2
                if sm3_base is None:
                    sm3_base = _sm3_template()
                hashed = sm3_base.copy()
                hashed.update(
                    join((TAG_3, b"%d" % seq, previous, stream, b"%d" % version, type_, at, data))
                )
                computed = hashed.hexdigest().encode()
        except (TypeError, ValueError) as error:
            return _bad(seq - 1, previous, seq, f"unreadable record: {error}")
        if computed != digest:
            return _bad(seq - 1, previous, seq, "hash mismatch")
        if seq == published_seq and digest != published_bytes:
            return _bad(seq - 1, previous, seq, "differs from the published head")
        previous, expected = digest, expected + 1
        versions[stream] = version
    count = expected - 1
    if published is not None and count < published_seq:
        return _bad(count, previous, count + 1, f"truncated: {count} of {published_seq} events")
    return LedgerCheck(ok=True, events=count, head=previous.decode())


def when(text: str) -> dt.date:
    """A stored time: ``YYYY-MM-DD`` as a date, an aware datetime with its offset."""
    return dt.datetime.fromisoformat(text) if "T" in text else dt.date.fromisoformat(text)


#: The fields of an exported record; a form-2 record adds ``form``.
RECORD_KEYS = frozenset({"seq", "stream", "version", "type", "at", "data", "hash"})


def record_problem(record: Mapping[str, Any]) -> tuple[str, str] | None:  # noqa: PLR0911
    """What is wrong with the types of an exported record's fields, if anything.

    In English and in Chinese; ``None`` when nothing is (one return per field).
    """
    for name in ("seq", "version"):
        value = record[name]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            return (
                f"{name} is a positive whole number, not {value!r}",
                f"{name} 须为正整数，而不是 {value!r}",
            )
    if suite_of(record.get("form", 1)) is None:
        form = record["form"]
        return f"form is 1, 2 or 3, not {form!r}", f"form 须为 1、2 或 3，而不是 {form!r}"
    for name in ("stream", "type"):
        if not isinstance(record[name], str) or not record[name].strip() or "\0" in record[name]:
            return (
                f"{name} is non-empty text without NUL, not {record[name]!r}",
                f"{name} 须为不含 NUL 的非空文本，而不是 {record[name]!r}",
            )
    at = record["at"]
    bad_at = f"at is an ISO date, not {at!r}", f"at 须为 ISO 日期，而不是 {at!r}"
    if not isinstance(at, str):
        return bad_at
    try:
        when(at)
    except ValueError:
        return bad_at
    if not isinstance(record["data"], dict):
        kind = type(record["data"]).__name__
        return f"data is a JSON object, not {kind}", f"data 须为 JSON 对象，而不是 {kind}"
    digest = record["hash"]
    if not isinstance(digest, str) or len(digest) != 64 or set(digest) - set("0123456789abcdef"):  # noqa: PLR2004
        return (
            f"hash is 64 hexadecimal digits, not {digest!r}",
            f"hash 须为 64 位十六进制数，而不是 {digest!r}",
        )
    return None
