"""Signed checkpoints of the ledger: a head anyone can publish and check (R-1, the record).

The hash chain shows that records were changed, unless someone who can write the database
rewrites the whole tail. A *signed head* closes that gap: the ledger's head (its sequence
number and hash) signed with Ed25519 (SM2 in a ledger of the ``sm3-sm2`` suite, see
``ledger.sm2``) by the community office's key. Published, for
example on the announcement (公示), it lets anyone holding the office's public key check
that the ledger still reaches that head with that hash; a rewritten or truncated tail no
longer does, and a forged head carries no valid signature.

A checkpoint is also recorded in the ledger itself, as an event of type
``ledger.checkpoint`` on the stream ``ledger``, so the latest one can be found again.

A signed head names the ledger it closes: the ledger's id (the chain hash of its first
record, fixed when the ledger begins and carried by every export) and the community or
scope the office names. The signed message is
``HEAD_TAG_2 NUL seq NUL hash NUL at NUL key_id NUL ledger NUL scope`` (see
``ledger.chain.head_message``, which the standard-library verifier uses too), with
``key_id`` the first 16 hex digits of the SHA-256 of the raw public key; heads of version 1,
signed before heads named their ledger, still verify by their own message. Signing and
checking signatures need the ``cryptography`` package (the ``[ledger]`` extra); reading a
head document does not.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from community_governance.extras import require
from community_governance.ledger.chain import (
    CHECKPOINT_STREAM,
    CHECKPOINT_TYPE,
    HEAD_ALGORITHM_FIELDS,
    HEAD_FIELDS,
    HEAD_LEDGER_FIELDS,
    HEAD_SCHEMA,
    SM2_ALGORITHM,
    LedgerCheck,
    head_message,
    head_record,
    past_final_head,
    sm3,
)
from community_governance.ledger.findings import reason_zh
from community_governance.ledger.sm2 import SM2PrivateKey, SM2PublicKey
from community_governance.ledger.storage import LedgerError
from community_governance.ports import NewEvent

__all__ = [
    "MAX_SCOPE",
    "SignedHead",
    "checked_head",
    "checkpoint",
    "key_id",
    "latest_checkpoint",
    "sign_head",
    "verify_against",
    "verify_head",
]


def _ed25519() -> Any:
    return require(
        "cryptography.hazmat.primitives.asymmetric.ed25519",
        needed_for=("signed heads", "签名的账本头"),
        field="signing_key",
        rule="R-1",
    )


def _raw_public(public_key: Any) -> bytes:
    if isinstance(public_key, bytes):
        return public_key
    serialization: Any = importlib.import_module("cryptography.hazmat.primitives.serialization")
    raw: bytes = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw


def key_id(public_key: Any) -> str:
    """A public key's short id: 16 hex digits of a hash of its raw bytes.

    ``public_key`` is an Ed25519 public key, or its 32 raw bytes (hashed with SHA-256); or
    an SM2 public key, or its 65 raw bytes (hashed with SM3).
    """
    if isinstance(public_key, SM2PublicKey):
        public_key = public_key.raw
    if isinstance(public_key, bytes) and len(public_key) == _SM2_RAW:
        digest: str = sm3(public_key).hexdigest()
        return digest[:16]
    return hashlib.sha256(_raw_public(public_key)).hexdigest()[:16]


_SM2_RAW = 65
#: The algorithm each suite signs its heads with ("": Ed25519, the heads of version 1, 2).
_SUITE_ALGORITHM = {"sha256-ed25519": "", "sm3-sm2": SM2_ALGORITHM}


@attrs.frozen
class SignedHead:
    """The ledger's head, signed: what a community publishes (R-1).

    Attributes:
        seq: how many events the ledger held.
        hash: the chain hash of the last of them.
        at: when it was signed (ISO 8601, with its UTC offset).
        key_id: the signing key's id
            ([`key_id`][community_governance.ledger.checkpoint.key_id]).
        public_key: the raw public key, hex (to look it up, not to trust it): Ed25519's 32
            bytes, or SM2's 65.
        signature: the signature of the message, hex: Ed25519's 64 bytes, or SM2's DER.
        ledger: the id of the ledger the head closes (the chain hash of its first record,
            see ``ledger.chain.ledger_id``); ``""`` in a head of version 1, which named none.
        scope: the community or scope the ledger serves, as the office named it.
        algorithm: ``sm2`` for a head signed with SM2 (version 3, the heads of an
            ``sm3-sm2`` ledger); ``""`` for Ed25519, which heads of versions 1 and 2 use.
    """

    seq: int
    hash: str
    at: str
    key_id: str
    public_key: str
    signature: str
    ledger: str = ""
    scope: str = ""
    algorithm: str = ""

    @property
    def version(self) -> int:
        """3: names its algorithm (SM2); 2: names its ledger; 1: signed before heads did."""
        if self.algorithm:
            return 3
        return 2 if self.ledger else 1

    def message(self) -> bytes:
        """The bytes signed."""
        return head_message(
            self.seq, self.hash, self.at, self.key_id, self.ledger, self.scope, self.algorithm
        )

    def record(self) -> dict[str, Any]:
        """The head's fields as its checkpoint record holds them."""
        return head_record(attrs.asdict(self))

    def to_document(self) -> dict[str, Any]:
        """The head as a small JSON document for publication."""
        return {"schema": HEAD_SCHEMA, "version": self.version, **self.record()}

    def to_json(self) -> str:
        """The head document as JSON text."""
        return json.dumps(self.to_document(), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> SignedHead:
        """A head from its document.

        Raises:
            LedgerError: not a head document, or a field of the wrong type.
        """
        version = document.get("version")
        if document.get("schema") != HEAD_SCHEMA or version not in {1, 2, 3}:
            raise LedgerError(
                f"not a {HEAD_SCHEMA} document, version 1, 2 or 3",
                field="head",
                rule="R-1",
                zh=f"不是第 1、2 或 3 版 {HEAD_SCHEMA} 文档",
            )
        named = document.get("algorithm")
        if version == 3 and named != SM2_ALGORITHM:  # noqa: PLR2004
            raise LedgerError(
                f"a head of version 3 is signed with {SM2_ALGORITHM}, not {named!r:.40}",
                field="head.algorithm",
                rule="R-1",
                zh=f"第 3 版账本头以 {SM2_ALGORITHM} 签名，而不是 {named!r:.40}",
            )
        names = HEAD_FIELDS + (HEAD_LEDGER_FIELDS if version != 1 else ())
        names += HEAD_ALGORITHM_FIELDS if version == 3 else ()  # noqa: PLR2004
        values: dict[str, Any] = {}
        for name in names:
            value = document.get(name)
            expected = int if name == "seq" else str
            if isinstance(value, bool) or not isinstance(value, expected):
                raise LedgerError(
                    f"{name} must be {expected.__name__}, not {value!r}",
                    field=f"head.{name}",
                    rule="R-1",
                    zh=f"{name} 应为 {expected.__name__}，而不是 {value!r}",
                )
            values[name] = value
        return cls(**values)


#: The longest scope a head names.
MAX_SCOPE = 200


def sign_head(
    signing_key: Any,
    seq: int,
    hash_: str,
    at: dt.datetime,
    *,
    ledger: str,
    scope: str = "",
) -> SignedHead:
    """Sign the head (``seq``, ``hash_``) of ledger ``ledger`` at ``at``.

    With an Ed25519 key, the head is of version 2; with an SM2 key
    ([`SM2PrivateKey`][community_governance.ledger.sm2.SM2PrivateKey]), of version 3,
    naming ``sm2`` as its algorithm.

    Raises:
        LedgerError: the key is not an Ed25519 or SM2 private key, ``at`` is naive, the ledger id
            is empty, the scope is not text of at most ``MAX_SCOPE`` characters without
            NUL, or ``cryptography`` is missing.
    """
    given: object = ledger  # callers outside the type checker pass anything
    if not isinstance(given, str) or not given:
        raise LedgerError(
            "a signed head names its ledger; an empty ledger has no id yet",
            field="ledger",
            rule="R-1",
            zh="签名的账本头须写明其账本；空账本尚无编号",
        )
    named: object = scope
    if not isinstance(named, str) or len(named) > MAX_SCOPE or "\0" in named:
        raise LedgerError(
            f"a scope is text of at most {MAX_SCOPE} characters without NUL, not {scope!r:.60}",
            field="scope",
            rule="R-1",
            zh=f"范围须为至多 {MAX_SCOPE} 个字符且不含 NUL 的文本",
        )
    sm2 = isinstance(signing_key, SM2PrivateKey)
    if not sm2 and not isinstance(signing_key, _ed25519().Ed25519PrivateKey):
        raise LedgerError(
            f"the signing key is an Ed25519 or SM2 private key, not {type(signing_key).__name__}",
            field="signing_key",
            rule="R-1",
            zh=f"签名密钥须为 Ed25519 或 SM2 私钥，而不是 {type(signing_key).__name__}",
        )
    if at.tzinfo is None or at.utcoffset() is None:
        raise LedgerError(
            "a checkpoint's time carries its UTC offset",
            field="at",
            rule="R-1",
            zh="检查点的时间须带 UTC 时差",
        )
    public = signing_key.public_key()
    unsigned = SignedHead(
        seq=seq,
        hash=hash_,
        at=at.isoformat(),
        key_id=key_id(public),
        public_key=(public.raw if sm2 else _raw_public(public)).hex(),
        signature="",
        ledger=ledger,
        scope=scope,
        algorithm=SM2_ALGORITHM if sm2 else "",
    )
    signature = signing_key.sign(unsigned.message()).hex()
    return attrs.evolve(unsigned, signature=signature)


def verify_head(head: SignedHead, trusted_keys: Mapping[str, Any]) -> str | None:
    """Why ``head`` is not a valid head signed by one of ``trusted_keys``, or ``None``.

    ``trusted_keys`` maps key ids to public keys (objects or raw bytes): Ed25519 keys for
    heads of versions 1 and 2, SM2 keys for heads of version 3; the key named inside the
    head is not trusted by itself.
    """
    trusted = trusted_keys.get(head.key_id)
    if trusted is None:
        return f"signed by key {head.key_id}, which is not trusted"
    if head.algorithm == SM2_ALGORITHM:
        return _sm2_problem(head, trusted)
    ed25519 = _ed25519()
    invalid: Any = importlib.import_module("cryptography.exceptions").InvalidSignature
    if isinstance(trusted, SM2PublicKey) or (
        isinstance(trusted, bytes) and len(trusted) == _SM2_RAW
    ):
        return f"key {head.key_id} is an SM2 key; the head is signed with Ed25519"
    if isinstance(trusted, bytes):
        trusted = ed25519.Ed25519PublicKey.from_public_bytes(trusted)
    if key_id(trusted) != head.key_id:
        return f"key {head.key_id} is listed under another key's id"
    try:
        trusted.verify(bytes.fromhex(head.signature), head.message())
    except (ValueError, invalid):
        return f"the signature of the head at sequence {head.seq} is not valid"
    return None


def _sm2_problem(head: SignedHead, trusted: Any) -> str | None:
    """Why ``head`` is not signed with the SM2 key ``trusted``, or ``None``."""
    try:
        public = trusted if isinstance(trusted, SM2PublicKey) else SM2PublicKey(trusted)
    except LedgerError:
        return f"key {head.key_id} is not an SM2 public key; the head is signed with SM2"
    if key_id(public) != head.key_id:
        return f"key {head.key_id} is listed under another key's id"
    try:
        signature = bytes.fromhex(head.signature)
    except ValueError:
        signature = b""
    if not public.verify(signature, head.message()):
        return f"the signature of the head at sequence {head.seq} is not valid"
    return None


def _verified(
    ledger: Any, latest: SignedHead | None, keys: Mapping[str, Any], refusing: tuple[str, str]
) -> None:
    """Refuse, as ``refusing`` says (English, Chinese), a ledger that does not verify (R-1).

    The chain is recomputed, and the latest recorded signed head, if any, must carry a
    valid signature by one of ``keys`` and be reached with its hash; the first break found
    is named.
    """
    check: LedgerCheck = (
        ledger.verify() if latest is None else verify_against(ledger, [latest], keys)
    )
    if not check.ok:
        why_zh = reason_zh(check.reason or "")
        raise LedgerError(
            f"{refusing[0]}: the ledger breaks at sequence {check.first_bad} ({check.reason})",
            field="ledger",
            rule="R-1",
            zh=f"{refusing[1]}：账本在序号 {check.first_bad} 处断开（{why_zh}）",
        )


def checkpoint(
    ledger: Any,
    signing_key: Any,
    at: dt.datetime,
    *,
    scope: str | None = None,
    trusted_keys: Mapping[str, Any] | None = None,
) -> SignedHead:
    """Verify ``ledger``, then sign its current head and record the signed head in it (R-1).

    Before signing, the chain is recomputed and the latest signed head the ledger records
    is checked with the signer's own public key: its signature, and that the ledger still
    reaches it with its hash. A history rewritten since that head (every later hash
    recomputed) no longer reaches it, and is refused rather than signed. The head signed
    is the one before the checkpoint's own event; a concurrent writer may append in
    between, and the checkpoint still signs a head the ledger reached.

    Args:
        ledger: the ledger to sign.
        signing_key: the office's private key: Ed25519 for a ledger of the
            ``sha256-ed25519`` suite, SM2 for one of ``sm3-sm2``.
        at: when it is signed (an aware datetime).
        scope: the community or scope the ledger serves, named in the head; default the
            latest head's. Once named, it cannot change: a head naming another is refused.
        trusted_keys: the keys the latest recorded head may be signed with (key ids mapped
            to public keys); default the signer's own. An office that has rotated its key
            gives its previous public key here once, for the first checkpoint after.

    Raises:
        LedgerError: the ledger does not verify, naming the first break; or see
            [`sign_head`][community_governance.ledger.checkpoint.sign_head].
    """
    seq, hash_ = ledger.head()
    latest = latest_checkpoint(ledger)
    named = latest.scope if latest is not None else ""
    if scope is not None and named and scope != named:
        raise LedgerError(
            f"the ledger's heads name the scope {named!r}, not {scope!r}",
            field="scope",
            rule="R-1",
            zh=f"此账本的签名位置写明的范围是 {named!r}，而不是 {scope!r}",
        )
    head = sign_head(
        signing_key, seq, hash_, at, ledger=ledger.ledger_id(), scope=named or scope or ""
    )
    suite = ledger.suite()
    if head.algorithm != _SUITE_ALGORITHM[suite]:
        wanted = "SM2" if suite == "sm3-sm2" else "Ed25519"
        raise LedgerError(
            f"a ledger of the {suite} suite has its heads signed with {wanted} keys",
            field="signing_key",
            rule="R-1",
            zh=f"{suite} 算法套件的账本须以 {wanted} 密钥签名",
        )
    own = {head.key_id: bytes.fromhex(head.public_key)}
    keys = own if trusted_keys is None else trusted_keys
    _verified(ledger, latest, keys, ("will not sign", "拒绝签名"))
    stream_version = ledger.version(CHECKPOINT_STREAM)
    event = NewEvent(CHECKPOINT_TYPE, head.record(), at.date())
    ledger.append(CHECKPOINT_STREAM, [event], expected_version=stream_version)
    return head


def checked_head(ledger: Any) -> tuple[int, str, SignedHead | None]:
    """The head to publish and the latest signed head, once the ledger verifies (R-1).

    What an announcement publishes: the chain is recomputed, and the latest signed head
    must carry a valid signature by the key it names and be reached by this ledger with its
    hash, so that a head copied in from another ledger, or left behind by a rewrite, is
    never published.

    Raises:
        LedgerError: the chain breaks, or the latest signed head does not check out;
            naming the first break.
    """
    seq, hash_ = ledger.head()
    latest = latest_checkpoint(ledger)
    named = {} if latest is None else {latest.key_id: bytes.fromhex(latest.public_key)}
    _verified(ledger, latest, named, ("will not publish", "拒绝公示"))
    return seq, hash_, latest


def latest_checkpoint(ledger: Any) -> SignedHead | None:
    """The last signed head recorded in ``ledger`` (``None`` if there is none)."""
    events = [e for e in ledger.read(CHECKPOINT_STREAM) if e.type == CHECKPOINT_TYPE]
    if not events:
        return None
    data = events[-1].data
    version = 3 if data.get("algorithm") else 2 if "ledger" in data else 1
    return SignedHead.from_document({"schema": HEAD_SCHEMA, "version": version, **data})


def verify_against(
    ledger: Any,
    heads: Sequence[SignedHead],
    trusted_keys: Mapping[str, Any],
    *,
    final: bool = False,
    ledger_id: str | None = None,
    scope: str | None = None,
) -> LedgerCheck:
    """Check the chain, and that it still reaches every signed head it is given (R-1).

    A head with no valid signature from ``trusted_keys`` is a finding at its sequence
    number; so is a head the ledger no longer reaches, or reaches with another hash (a
    rewritten or truncated tail). The first finding by sequence number is reported.

    Args:
        ledger: the ledger to check (any store with ``verify``, ``read_after``).
        heads: signed heads published earlier, oldest first.
        trusted_keys: key ids mapped to the public keys to trust (Ed25519 or SM2).
        final: the last of ``heads`` closes the ledger: only its own checkpoint record
            may follow it, so records appended after it (forged with valid hashes, or
            simply not yet signed) are findings. Without it, records after the latest
            signed head are checked by the chain alone: nobody has signed them yet.
        ledger_id: the ledger the heads must close, as published with them (its id); a
            head of another ledger, or one that names none, is a finding.
        scope: the community or scope the heads must name.

    A head that names a ledger must name this one: another ledger's head presented with
    this ledger is a finding even when both were signed with the same key.
    """
    findings = []
    own = ledger.ledger_id()
    for head in heads:
        problem = verify_head(head, trusted_keys)
        if problem is not None:
            findings.append(_finding(ledger, head.seq, problem))
            continue
        against: LedgerCheck = ledger.verify(published=(head.seq, head.hash))
        if not against.ok:
            findings.append(against)
            continue
        # Reached with its hash, the head shares this ledger's chain; what it names is
        # checked against what the auditor expects.
        problem = _named(head, own, ledger_id, scope)
        if problem is not None:
            findings.append(_finding(ledger, head.seq, problem))
    if final and heads:
        last = heads[-1]
        try:
            after = [(e.seq, e.stream, e.type, e.data) for e in ledger.read_after(last.seq)]
        except LedgerError:  # damaged bytes after the head: the chain check names them
            after = None
        past = None if after is None else past_final_head(after, last.record())
        if past is not None:
            findings.append(_finding(ledger, *past))
    if findings:
        return min(findings, key=lambda f: f.first_bad if f.first_bad is not None else 0)
    check: LedgerCheck = ledger.verify()
    return check


def _named(head: SignedHead, own: str, expected: str | None, scope: str | None) -> str | None:
    """Why ``head`` is not a head of this ledger (id ``own``) as expected, or ``None``."""
    if head.ledger and head.ledger != own:
        return f"the head names ledger {head.ledger[:16]}, not this ledger {own[:16]}"
    if expected is not None and head.ledger != expected:
        named = head.ledger[:16] or "no ledger"
        return f"the head names {named}, not the expected ledger {expected[:16]}"
    if scope is not None and head.scope != scope:
        return f"the head names the scope {head.scope!r}, not {scope!r}"
    return None


def _finding(ledger: Any, seq: int, reason: str) -> LedgerCheck:
    current = ledger.verify()
    return LedgerCheck(
        ok=False, events=current.events, head=current.head, first_bad=seq, reason=reason
    )
