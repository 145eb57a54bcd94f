"""A sampling frame committed to before the seed is known, and each household's receipt (E-4).

The draw (``sampling``) is honest *given* the frame and the seed; a commitment shows that
the frame was fixed before the seed could be known, and a receipt lets each household
check, on its own, that it was in that frame.

**The commitment** is the root of an RFC 6962 Merkle tree over the frame's households in
sorted order (the order of the frame digest), with the frame's size, the community, the
quarter and the source the seed will come from, declared in advance
([`SeedSource`][community_governance.evaluation.commitment.SeedSource]): dice rolled at a
named meeting, a named public lottery draw, or another source, each on a date. Recorded in
the signed ledger before that date, it fixes the frame: a frame with one household more,
less or changed has another root.

**The leaves** are each household's id as a netstring (the frame digest's encoding),
after a salt of 32 bytes: ``HMAC-SHA-256(frame secret, netstring)``. The frame secret is
the office's, random, kept like a key (``ledger.keys.new_key_file``), and never published.
Without salts a receipt's path would hold the hash of a neighbour's id, which anyone could
find by hashing the ids a community's numbering makes plausible (``A-1-101``, …); with
them, a receipt reveals its own household's id only. Whoever holds the secret and the
frame (the office, an auditor it gives them to) recomputes the root.

**A receipt** ([`Receipt`][community_governance.evaluation.commitment.Receipt]) holds one
household's id, salt, position and audit path; ``verify_inclusion.py`` (standard library
only) checks it against the root the notice prints.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs

from community_governance.errors import ParseError, SampleError
from community_governance.evaluation.sampling import SamplingFrame
from community_governance.evaluation.verify_inclusion import (
    leaf_data,
    leaf_hash,
    node_hash,
    root_from_path,
)
from community_governance.vocabulary import BilingualEnum

__all__ = [
    "CommitmentCheck",
    "FrameCommitment",
    "Receipt",
    "SeedKind",
    "SeedSource",
    "check_commitment",
    "commit_frame",
    "frame_mismatch",
    "frame_root",
    "receipts",
]

#: The version of the tree and leaves described above, carried by every commitment.
COMMITMENT_VERSION = 1


class SeedKind(BilingualEnum):
    """Where a survey's seed comes from, declared before it is known (E-4)."""

    DICE = ("dice", "在公开会议上掷骰子", "public dice rolled at a named meeting")
    LOTTERY = ("lottery", "指定的公开彩票开奖", "a named public lottery draw")
    OTHER = ("other", "其他事先声明的来源", "another source declared in advance")


def _kind(value: SeedKind | str) -> SeedKind:
    return SeedKind.coerce(value)


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ParseError(
            "the seed source needs a description: which meeting, which draw",
            field="seed_source.description",
            rule="E-4",
            zh="种子来源须有说明：哪次会议、哪一期开奖",
        )
    return value.strip()


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ParseError(
            f"the seed source's date is a date, not {value!r}",
            field="seed_source.date",
            rule="E-4",
            zh=f"种子来源的日期须为日期，而不是 {value!r}",
        )
    return value


@attrs.frozen
class SeedSource:
    """The seed's source, declared when the frame is committed to, before the seed exists.

    Attributes:
        kind: dice, a lottery draw, or another source.
        description: which meeting or draw, in the office's words.
        date: the day the seed is produced; the commitment must be recorded no later.
    """

    kind: SeedKind = attrs.field(converter=_kind)
    description: str = attrs.field(converter=_text)
    date: dt.date = attrs.field(converter=_date)

    def said(self, lang: str) -> str:
        """One line: the kind, the description and the date, in ``lang``."""
        day = self.date.isoformat()
        if lang == "zh":
            return f"{self.kind.zh}：{self.description}，{day}"
        return f"{self.kind.en}: {self.description}, {day}"


def _salt(secret: bytes, household: str) -> bytes:
    data = household.encode("utf-8")
    return hmac.new(secret, b"%d:%s," % (len(data), data), hashlib.sha256).digest()


def _leaves(frame: SamplingFrame, secret: bytes) -> list[bytes]:
    return [leaf_hash(leaf_data(_salt(secret, h), h)) for h in frame.households]


def _tree(hashes: Sequence[bytes], paths: list[list[bytes]], start: int) -> bytes:
    """The root of ``hashes`` (RFC 6962), appending every leaf's sibling on the way up.

    ``paths[start + i]`` collects leaf ``i``'s audit path, nearest sibling first: one pass
    over the tree gives every path, O(n log n), where one path at a time would be O(n²).
    """
    if len(hashes) == 1:
        return hashes[0]
    split = 1 << ((len(hashes) - 1).bit_length() - 1)
    left = _tree(hashes[:split], paths, start)
    right = _tree(hashes[split:], paths, start + split)
    for i in range(start, start + split):
        paths[i].append(right)
    for i in range(start + split, start + len(hashes)):
        paths[i].append(left)
    return node_hash(left, right)


def _root(hashes: Sequence[bytes]) -> bytes:
    """The root alone, without collecting paths."""
    if len(hashes) == 1:
        return hashes[0]
    split = 1 << ((len(hashes) - 1).bit_length() - 1)
    return node_hash(_root(hashes[:split]), _root(hashes[split:]))


def frame_root(frame: SamplingFrame, secret: bytes) -> str:
    """The Merkle root (hex) of a frame's salted leaves under the office's frame secret."""
    return _root(_leaves(frame, secret)).hex()


def _community(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ParseError(
            "a commitment names its community",
            field="commitment.community",
            rule="E-4",
            zh="承诺须写明社区",
        )
    return value


@attrs.frozen
class FrameCommitment:
    """A frame's root, fixed before its seed is known (E-4).

    Attributes:
        community: the community whose households the frame lists.
        quarter: the quarter surveyed (``2026Q3``).
        root: the frame's Merkle root, hex.
        size: how many households the frame holds.
        seed_source: the seed's source, declared in advance.
        version: ``COMMITMENT_VERSION``.
        recorded: where the ledger holds the commitment: its ``seq``, the date ``at``
            and the signed head that covers it (``signed_head``), once recorded.
    """

    community: str = attrs.field(converter=_community)
    quarter: str
    root: str
    size: int
    seed_source: SeedSource
    version: int = COMMITMENT_VERSION
    recorded: Mapping[str, Any] | None = None

    def to_document(self) -> dict[str, Any]:
        """The commitment as plain data (what the ledger records and the receipt prints)."""
        return {
            "commitment": self.version,
            "community": self.community,
            "quarter": self.quarter,
            "root": self.root,
            "size": self.size,
            "seed_source": {
                "kind": self.seed_source.kind.code,
                "description": self.seed_source.description,
                "date": self.seed_source.date.isoformat(),
            },
            **({} if self.recorded is None else {"recorded": dict(self.recorded)}),
        }

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> FrameCommitment:
        """A commitment read back from ``to_document``'s form.

        Raises:
            ParseError: a field missing or of the wrong kind, named.
        """
        try:
            source = document["seed_source"]
            version = document["commitment"]
            if version != COMMITMENT_VERSION:
                raise ParseError(
                    f"commitment version {version!r} is not one this library reads",
                    field="commitment",
                    rule="E-4",
                    zh=f"本库无法读取第 {version!r} 版承诺",
                )
            root, size = document["root"], document["size"]
            if not (isinstance(root, str) and len(root) == _ROOT_DIGITS and _is_hex(root)):
                raise ParseError(
                    f"the root is 64 hexadecimal digits, not {root!r}",
                    field="commitment.root",
                    rule="E-4",
                    zh=f"根须为 64 位十六进制数字，而不是 {root!r}",
                )
            if type(size) is not int or size < 1:
                raise ParseError(
                    f"the frame's size is a whole number above 0, not {size!r}",
                    field="commitment.size",
                    rule="E-4",
                    zh=f"抽样框的户数须为大于 0 的整数，而不是 {size!r}",
                )
            return cls(
                community=document["community"],
                quarter=str(document["quarter"]),
                root=root.lower(),
                size=size,
                seed_source=SeedSource(
                    kind=source["kind"],
                    description=source["description"],
                    date=dt.date.fromisoformat(str(source["date"])),
                ),
                recorded=document.get("recorded"),
            )
        except (KeyError, TypeError, ValueError) as error:
            if isinstance(error, ParseError):
                raise
            raise ParseError(
                f"not a frame commitment ({type(error).__name__}: {error})",
                field="commitment",
                rule="E-4",
                zh=f"不是抽样框承诺（{type(error).__name__}：{error}）",
            ) from None


#: A root is a SHA-256 digest in hexadecimal.
_ROOT_DIGITS = 64


def _is_hex(text: str) -> bool:
    return text.isascii() and all(c in "0123456789abcdefABCDEF" for c in text)


def commit_frame(
    frame: SamplingFrame,
    secret: bytes,
    *,
    community: str,
    quarter: str,
    seed_source: SeedSource,
) -> FrameCommitment:
    """The commitment to ``frame`` under the office's frame secret (E-4).

    Raises:
        SampleError: an empty frame, which no survey can draw from.
    """
    if not len(frame):
        raise SampleError(
            "an empty frame cannot be committed to",
            field="frame.households",
            rule="E-4",
            zh="空的抽样框无法承诺",
        )
    return FrameCommitment(
        community=community,
        quarter=quarter,
        root=frame_root(frame, secret),
        size=len(frame),
        seed_source=seed_source,
    )


@attrs.frozen
class Receipt:
    """What shows one household, and only it, to be in a committed frame (E-4).

    Attributes:
        community, quarter: the commitment's.
        household: the household's id.
        salt: its leaf's salt, hex.
        index: its position in the frame's sorted order, from 0.
        size: the frame's size.
        path: the audit path, nearest sibling first, hex.
        root: the committed root.
    """

    community: str
    quarter: str
    household: str
    salt: str
    index: int
    size: int
    path: tuple[str, ...]
    root: str

    def holds(self) -> bool:
        """Whether the receipt's path leads from its household to its root."""
        leaf = leaf_hash(leaf_data(bytes.fromhex(self.salt), self.household))
        found = root_from_path(leaf, self.index, self.size, [bytes.fromhex(p) for p in self.path])
        return found is not None and found.hex() == self.root

    def to_document(self) -> dict[str, Any]:
        """The receipt as ``verify_inclusion.py`` reads it."""
        return {"receipt": COMMITMENT_VERSION, **attrs.asdict(self, recurse=False)} | {
            "path": list(self.path)
        }


def _mismatch(commitment: FrameCommitment, size: int, root: str) -> tuple[str, str] | None:
    """Why a frame of ``size`` households and ``root`` is not the committed one, if it is not."""
    if root == commitment.root and size == commitment.size:
        return None
    return (
        (
            f"the frame ({size} households, root {root}) is not the one committed to "
            f"({commitment.size} households, root {commitment.root})"
        ),
        (
            f"此抽样框（{size} 户，根 {root}）不是所承诺的抽样框"
            f"（{commitment.size} 户，根 {commitment.root}）"
        ),
    )


def frame_mismatch(
    commitment: FrameCommitment, frame: SamplingFrame, secret: bytes
) -> tuple[str, str] | None:
    """Why ``frame`` under ``secret`` is not the frame committed to, in English and Chinese.

    ``None`` when it is: the same households, hence the same size and root.
    """
    return _mismatch(commitment, len(frame), frame_root(frame, secret) if len(frame) else "")


def receipts(frame: SamplingFrame, secret: bytes, commitment: FrameCommitment) -> Iterator[Receipt]:
    """Every household's receipt, in the frame's order.

    Raises:
        SampleError: the frame, under this secret, is not the one committed to.
    """
    leaves = _leaves(frame, secret)
    paths: list[list[bytes]] = [[] for _ in leaves]
    root = _tree(leaves, paths, 0).hex() if leaves else ""
    mismatch = _mismatch(commitment, len(leaves), root)
    if mismatch is not None:
        english, chinese = mismatch
        raise SampleError(english, field="frame", rule="E-4", zh=chinese)
    for index, household in enumerate(frame.households):
        yield Receipt(
            community=commitment.community,
            quarter=commitment.quarter,
            household=household,
            salt=_salt(secret, household).hex(),
            index=index,
            size=len(leaves),
            path=tuple(p.hex() for p in paths[index]),
            root=root,
        )


@attrs.frozen
class CommitmentCheck:
    """What checking a commitment found, in English and Chinese (E-4).

    Attributes:
        problems, problems_zh: what is wrong; none when the commitment holds.
        checked, checked_zh: what was checked and held, one line each.
        unchecked, unchecked_zh: what could not be checked, and what it needs.
    """

    problems: tuple[str, ...] = ()
    problems_zh: tuple[str, ...] = ()
    checked: tuple[str, ...] = ()
    checked_zh: tuple[str, ...] = ()
    unchecked: tuple[str, ...] = ()
    unchecked_zh: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether nothing checked is wrong."""
        return not self.problems

    def lines(self, lang: str) -> list[str]:
        """Problems first, then what held, then what was not checked, in ``lang``."""
        if lang == "zh":
            return [*self.problems_zh, *self.checked_zh, *self.unchecked_zh]
        return [*self.problems, *self.checked, *self.unchecked]


class _Findings:
    """Lines of a check, gathered in both languages."""

    def __init__(self) -> None:
        self.found: dict[str, list[tuple[str, str]]] = {"problem": [], "held": [], "open": []}

    def add(self, kind: str, en: str, zh: str) -> None:
        self.found[kind].append((en, zh))

    def result(self) -> CommitmentCheck:
        def split(kind: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
            pairs = self.found[kind]
            return tuple(en for en, _ in pairs), tuple(zh for _, zh in pairs)

        problems, problems_zh = split("problem")
        checked, checked_zh = split("held")
        unchecked, unchecked_zh = split("open")
        return CommitmentCheck(problems, problems_zh, checked, checked_zh, unchecked, unchecked_zh)


def _frame_findings(
    findings: _Findings,
    commitment: FrameCommitment,
    frame: SamplingFrame | None,
    secret: bytes | None,
) -> None:
    if frame is None or secret is None:
        findings.add(
            "open",
            "the frame was not checked against the root: that needs the frame and the "
            "office's frame secret",
            "未核对抽样框与根：这需要抽样框和社区保管的抽样框密钥",
        )
        return
    mismatch = frame_mismatch(commitment, frame, secret)
    if mismatch is not None:
        findings.add("problem", *mismatch)
        return
    findings.add(
        "held",
        f"the frame is the one committed to: {commitment.size} households, root {commitment.root}",
        f"抽样框即所承诺的抽样框：{commitment.size} 户，根 {commitment.root}",
    )


def _recorded_findings(
    findings: _Findings, commitment: FrameCommitment, trusted_keys: Mapping[str, Any] | None
) -> None:
    from community_governance.errors import GovernanceError  # noqa: PLC0415 - only here
    from community_governance.ledger.checkpoint import (  # noqa: PLC0415 - needs [ledger]
        SignedHead,
        verify_head,
    )
    from community_governance.ledger.findings import reason_zh  # noqa: PLC0415 - as above

    recorded = commitment.recorded
    if recorded is None:
        findings.add(
            "problem",
            "the commitment is not recorded in a ledger: nothing shows that it was made "
            "before the seed",
            "承诺未记入账本：没有任何记录表明它早于种子",
        )
        return
    try:
        head = SignedHead.from_document(recorded["signed_head"])
        seq = recorded["seq"]
        signed_on = dt.datetime.fromisoformat(head.at).date()
    except (GovernanceError, KeyError, TypeError, ValueError) as error:
        findings.add(
            "problem",
            f"the commitment's record cannot be read ({error})",
            f"无法读取承诺的账本记录（{error}）",
        )
        return
    own = {head.key_id: bytes.fromhex(head.public_key)}
    problem = verify_head(head, own if trusted_keys is None else trusted_keys)
    if problem is not None:
        findings.add(
            "problem",
            f"the signed head that records the commitment does not hold: {problem}",
            f"记录承诺的签名账本头不成立：{reason_zh(problem)}",
        )
        return
    if type(seq) is not int or head.seq < seq:
        findings.add(
            "problem",
            f"the signed head (record {head.seq}) does not cover the commitment (record {seq})",
            f"签名账本头（第 {head.seq} 条）未覆盖承诺（第 {seq} 条）",
        )
        return
    seed_day = commitment.seed_source.date
    if signed_on > seed_day:
        findings.add(
            "problem",
            f"the commitment was recorded on {signed_on}, after the seed's declared date "
            f"{seed_day}",
            f"承诺记录于 {signed_on}，晚于事先声明的种子日期 {seed_day}",
        )
        return
    whose = "a trusted key" if trusted_keys is not None else f"the key it names, {head.key_id}"
    whose_zh = "受信任的密钥" if trusted_keys is not None else f"其所列密钥 {head.key_id} "
    findings.add(
        "held",
        f"the commitment is record {seq} of the ledger, signed at {head.at} under {whose}, "
        f"no later than the seed's declared date {seed_day}",
        f"承诺为账本第 {seq} 条记录，于 {head.at} 由{whose_zh}签名，不晚于事先声明的种子日期 "
        f"{seed_day}",
    )


def check_commitment(
    commitment: FrameCommitment,
    *,
    frame: SamplingFrame | None = None,
    secret: bytes | None = None,
    trusted_keys: Mapping[str, Any] | None = None,
) -> CommitmentCheck:
    """Check a commitment: its frame, and that it was recorded before the seed (E-4).

    * With the frame and the office's frame secret, the frame's root must be the
      committed one; without them, the check says it could not look.
    * The commitment must be recorded: its signed head must hold (under ``trusted_keys``,
      key ids mapped to public keys; by default under the key the head names, which shows
      the head unaltered but not whose it is), cover the commitment's record, and be
      signed no later than the seed's declared date. The day is the head's own, with its
      UTC offset: a commitment made at the meeting, before the dice, is on the same day.

    Signed heads need the ``[ledger]`` extra.
    """
    findings = _Findings()
    _frame_findings(findings, commitment, frame, secret)
    _recorded_findings(findings, commitment, trusted_keys)
    return findings.result()
