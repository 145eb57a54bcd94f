"""The ledger's pseudonym key: how long it must be, where it lives, how to make one (the record).

A household's pseudonym is an HMAC of its id under this key, so the key is what keeps
pseudonyms from being reversed: with a short key, the key and every id can be recovered by
trying keys against a list of plausible ids ("A-1-101", …). The ledger therefore takes keys
of at least ``MIN_KEY_BYTES`` bytes, and the library reads them from a key file or an
environment variable, never from a literal in code:

* ``new_key_file(path)`` writes 32 random bytes as 64 hexadecimal digits and a newline,
  readable by the owner only; ``new_key_file(path, hmac="hmac-sm3")`` writes the HMAC the
  key is for in front of them, ``hmac-sm3:`` followed by the digits;
* ``load_key(file=path)`` reads such a file as a
  [`PseudonymKey`][community_governance.ledger.keys.PseudonymKey];
  ``load_key(env="NAME")`` reads the same text from an environment variable: one encoding,
  so the same text always gives the same key.

A key may name its HMAC, HMAC-SHA-256 or HMAC-SM3 (GB/T 32905's hash), so that a district
that must use the national algorithms uses SM3 for its households' pseudonyms, whatever
the ledger's suite. A key that names none follows the ledger's suite. A ledger records the
key it was begun with by its id (``key_id``: an HMAC of a fixed label under the key, which
reveals nothing of it) and its HMAC, and refuses to make pseudonyms with another key.

A key must also look random by a simple test (``check_key``): one that repeats a short
pattern, steps by a constant or draws on few byte values is refused, wherever it comes
from; ``generate_key`` and ``new_key_file`` make keys that pass.

Reading, verifying, exporting and the head need no key: open the ledger with
``key=None``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac as hmac_module
import itertools
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from community_governance.errors import strerror_zh
from community_governance.ledger.chain import SM3UnavailableError, sm3
from community_governance.ledger.storage import LedgerError

if TYPE_CHECKING:
    from community_governance.policy.schema import PolicySnapshot

__all__ = [
    "HMACS",
    "MIN_KEY_BYTES",
    "SUITE_HMAC",
    "PseudonymKey",
    "check_key",
    "generate_key",
    "hmac_hash",
    "key_id",
    "load_key",
    "new_key_file",
    "pseudonym_scope",
]

#: The shortest pseudonym key accepted: 256 bits.
MIN_KEY_BYTES = 32


def _refuse(message: str, where: str, *, zh: str) -> LedgerError:
    return LedgerError(message, field=where, rule="ledger", zh=zh)


def check_key(key: object, where: str = "key") -> bytes:
    """``key`` if it is a pseudonym key: bytes, at least ``MIN_KEY_BYTES`` long.

    Raises:
        LedgerError: naming ``where``, if it is not bytes or too short.
    """
    if not isinstance(key, bytes):
        raise _refuse(
            f"the pseudonym key is bytes, not {type(key).__name__}",
            where,
            zh=f"假名密钥须为字节串，而不是 {type(key).__name__}",
        )
    if len(key) < MIN_KEY_BYTES:
        raise _refuse(
            f"the pseudonym key has {len(key)} bytes; at least {MIN_KEY_BYTES} are needed "
            "(make one with new_key_file)",
            where,
            zh=(
                f"假名密钥只有 {len(key)} 字节；"
                f"至少需要 {MIN_KEY_BYTES} 字节（用 new_key_file 生成）"
            ),
        )
    weakness = _weakness(key)
    if weakness is not None:
        raise _refuse(
            f"the pseudonym key is not random: {weakness[0]} (make one with new_key_file)",
            where,
            zh=f"假名密钥不是随机的：{weakness[1]}（用 new_key_file 生成）",
        )
    return key


#: The fewest distinct byte values a key's first ``MIN_KEY_BYTES`` bytes may hold. Random
#: bytes hold about 30 of 32; fewer than 16 happens by chance with odds far below 2^-60.
MIN_DISTINCT_BYTES = 16
#: The longest repeating period looked for.
MAX_PERIOD = 16


def _weakness(key: bytes) -> tuple[str, str] | None:
    """Why ``key`` cannot carry 256 bits of entropy, by a simple test, in both languages.

    A key that repeats a short pattern, steps by a constant (such as ``bytes(range(32))``)
    or draws on few byte values was typed or made up, not drawn at random; such keys are
    found by brute force in seconds. Random keys pass with overwhelming odds.
    """
    head = key[:MIN_KEY_BYTES]
    if len(set(key)) == 1:
        return "all its bytes are the same", "其所有字节都相同"
    steps = {(b - a) % 256 for a, b in itertools.pairwise(head)}
    if len(steps) == 1:
        return "its bytes step by one constant", "其字节按固定差值递进"
    for period in range(1, MAX_PERIOD + 1):
        if all(key[i] == key[i + period] for i in range(len(key) - period)):
            return (
                f"it repeats a pattern of {period} bytes",
                f"其内容以 {period} 字节为周期重复",
            )
    distinct = len(set(head))
    if distinct < MIN_DISTINCT_BYTES:
        return (
            f"its first {MIN_KEY_BYTES} bytes hold only {distinct} distinct values",
            f"其前 {MIN_KEY_BYTES} 个字节只有 {distinct} 种不同的值",
        )
    return None


#: The HMACs a pseudonym key can be for, and the hash each runs over.
HMACS: dict[str, Callable[..., Any]] = {"hmac-sha256": hashlib.sha256, "hmac-sm3": sm3}

#: The HMAC of a key that names none, in a ledger of each suite.
SUITE_HMAC = {"sha256-ed25519": "hmac-sha256", "sm3-sm2": "hmac-sm3"}

#: What a key's id is the HMAC of: a label no pseudonym or commitment is made of.
_KEY_ID_LABEL = b"community-governance pseudonym key id"


#: The most characters of an unknown HMAC's name a refusal shows.
_SHOWN = 20


def _checked_hmac(name: object, where: str) -> str:
    if not isinstance(name, str) or name not in HMACS:
        known = ", ".join(HMACS)
        # A raw file read as text can put anything before a colon: show a little of it.
        long = isinstance(name, str) and len(name) > _SHOWN
        shown = repr(f"{str(name)[:_SHOWN]}…" if long else name)
        raise _refuse(
            f"{shown} is not an HMAC a pseudonym key can be for; they are {known}",
            where,
            zh=f"{shown} 不是假名密钥可用的 HMAC；可选 {known}",
        )
    return name


def hmac_hash(name: str) -> Callable[..., Any]:
    """The hash HMAC ``name`` runs over (``HMACS``), checked to be available here.

    Raises:
        LedgerError: ``name`` is no HMAC of ``HMACS``, or it is HMAC-SM3 and this Python's
            OpenSSL has no SM3.
    """
    chosen = HMACS[_checked_hmac(name, "hmac")]
    try:
        chosen()
    except SM3UnavailableError as error:
        raise LedgerError(
            str(error),
            field="hmac",
            rule="ledger",
            zh="SM3 不可用：此 Python 的 OpenSSL 不提供 SM3（hashlib.new('sm3') 失败）",
        ) from None
    return chosen


def key_id(secret: bytes, hmac: str) -> str:
    """The public id of a pseudonym key used with ``hmac``: ``pk-`` and 16 hex digits.

    An HMAC, under the key, of a fixed label: it names the key and its HMAC in the record
    and reveals nothing of the key; the same secret used with another HMAC has another id,
    since it makes other pseudonyms.
    """
    digest = hmac_module.new(secret, _KEY_ID_LABEL, hmac_hash(hmac)).hexdigest()
    return f"pk-{digest[:16]}"


@dataclasses.dataclass(frozen=True)
class PseudonymKey:
    """A pseudonym key: its secret bytes and, if it names one, the HMAC it is for.

    ``hmac`` is ``"hmac-sha256"``, ``"hmac-sm3"`` or ``None`` (the ledger's suite decides:
    ``SUITE_HMAC``). The secret never shows in the key's ``repr``.

    Raises:
        LedgerError: the secret is not a key (``check_key``), or ``hmac`` is no HMAC of
            ``HMACS``.
    """

    secret: bytes = dataclasses.field(repr=False)
    hmac: str | None = None

    def __post_init__(self) -> None:
        check_key(self.secret)
        if self.hmac is not None:
            _checked_hmac(self.hmac, "hmac")

    def text(self) -> str:
        """The key as a key file holds it: ``[HMAC:]HEX``."""
        prefix = "" if self.hmac is None else f"{self.hmac}:"
        return prefix + self.secret.hex()


def _parsed(text: str, where: str, what: tuple[str, str]) -> PseudonymKey:
    """The key written in ``text``: ``[HMAC:]HEX``, with spaces or newlines at its ends."""
    written = text.strip()
    name, _, digits = written.rpartition(":")
    hmac = _checked_hmac(name, where) if name or ":" in written else None
    try:
        # bytes.fromhex refuses anything but ASCII hex digits and spaces, so a raw file
        # (decoded with replacement characters) is refused here too.
        secret = bytes.fromhex(digits)
    except ValueError:
        raise _refuse(
            f"{what[0]} does not hold a key in hexadecimal digits (what new_key_file writes)",
            where,
            zh=f"{what[1]}中不是十六进制数字写成的密钥（new_key_file 写出的格式）",
        ) from None
    return PseudonymKey(check_key(secret, where), hmac)


def load_key(*, file: Path | str | None = None, env: str | None = None) -> PseudonymKey:
    """The pseudonym key from a key file or an environment variable, both written in hex.

    One encoding for both, so the same text always gives the same key: the key's bytes as
    hexadecimal digits (at least 64), after the HMAC it is for and a colon if it names
    one (``hmac-sm3:…``), with spaces or a newline at the ends allowed. A file of raw
    bytes is refused, not read as a different key.

    Give exactly one of ``file`` and ``env``.

    Raises:
        LedgerError: neither or both given; the file cannot be read; the file or the variable
            is unset, not hex, names an unknown HMAC, or holds a key that is too short or
            not random.
    """
    if (file is None) == (env is None):
        raise _refuse(
            "give the key file or the environment variable, one of them",
            "key",
            zh="请给出密钥文件或环境变量，二者之一",
        )
    if file is not None:
        try:
            raw = Path(file).read_bytes()
        except OSError as error:
            raise _refuse(
                f"cannot read the key file ({error.strerror})",
                str(file),
                zh=f"无法读取密钥文件（{strerror_zh(error)}）",
            ) from None
        text = raw.decode("ascii", errors="replace")
        return _parsed(text, str(file), ("the key file", "密钥文件"))
    value = os.environ.get(str(env))
    if not value:
        raise _refuse(
            f"the environment variable {env} is not set", str(env), zh=f"未设置环境变量 {env}"
        )
    what = (f"the environment variable {env}", f"环境变量 {env} ")
    return _parsed(value, str(env), what)


def new_key_file(path: Path | str, *, hmac: str | None = None) -> Path:
    """Write a new random key (``MIN_KEY_BYTES`` bytes) to ``path``, readable by its owner only.

    ``hmac`` (``"hmac-sha256"`` or ``"hmac-sm3"``) is written in front of the key, which is
    then for that HMAC in any ledger; without it, the key follows the ledger's suite.

    Raises:
        LedgerError: the file exists already (a key is never overwritten), or ``hmac`` is
            no HMAC of ``HMACS``.
    """
    key = PseudonymKey(generate_key(), None if hmac is None else _checked_hmac(hmac, "hmac"))
    target = Path(path)
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise _refuse(
            "the key file exists already; a key is never overwritten",
            str(target),
            zh="密钥文件已存在；密钥从不覆盖",
        ) from None
    with os.fdopen(descriptor, "w", encoding="ascii") as stream:
        stream.write(key.text() + "\n")
    return target


def generate_key() -> bytes:
    """A new random pseudonym key of ``MIN_KEY_BYTES`` bytes, from the system's CSPRNG."""
    while True:
        key = secrets.token_bytes(MIN_KEY_BYTES)
        # The entropy test refuses random keys with odds below 2^-60; draw again if so.
        if _weakness(key) is None:
            return key


def pseudonym_scope(policy: PolicySnapshot, community_id: str, quarter: object) -> str:
    """The pseudonym scope the policy's ``ledger.pseudonym_scope`` sets (E-4).

    ``community``: one pseudonym per household within a community (its records over the
    quarters can be linked by whoever holds the key). ``quarter``: a new pseudonym each
    quarter (nothing links a household's quarters).
    """
    if policy.pseudonym_scope.code == "quarter":
        return f"{community_id}:{quarter}"
    return community_id
