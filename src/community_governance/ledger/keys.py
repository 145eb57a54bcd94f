"""The ledger's pseudonym key: how long it must be, where it lives, how to make one (the record).

A household's pseudonym is an HMAC of its id under this key, so the key is what keeps
pseudonyms from being reversed: with a short key, the key and every id can be recovered by
trying keys against a list of plausible ids ("A-1-101", …). The ledger therefore takes keys
of at least ``MIN_KEY_BYTES`` bytes, and the library reads them from a key file or an
environment variable, never from a literal in code:

* ``new_key_file(path)`` writes 32 random bytes, readable by the owner only;
* ``load_key(file=path)`` reads such a file; ``load_key(env="NAME")`` reads the key as
  hex digits from an environment variable.

Reading, verifying, exporting and the head need no key: open the ledger with
``key=None``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from community_governance.errors import strerror_zh
from community_governance.ledger.storage import LedgerError

if TYPE_CHECKING:
    from community_governance.policy.schema import PolicySnapshot

__all__ = ["MIN_KEY_BYTES", "check_key", "load_key", "new_key_file", "pseudonym_scope"]

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
    return key


def load_key(*, file: Path | str | None = None, env: str | None = None) -> bytes:
    """The pseudonym key from a key file (its raw bytes) or an environment variable (hex).

    Give exactly one of ``file`` and ``env``.

    Raises:
        LedgerError: neither or both given; the file cannot be read; the variable is unset or
            not hex; the key is too short.
    """
    if (file is None) == (env is None):
        raise _refuse(
            "give the key file or the environment variable, one of them",
            "key",
            zh="请给出密钥文件或环境变量，二者之一",
        )
    if file is not None:
        try:
            key = Path(file).read_bytes()
        except OSError as error:
            raise _refuse(
                f"cannot read the key file ({error.strerror})",
                str(file),
                zh=f"无法读取密钥文件（{strerror_zh(error)}）",
            ) from None
        return check_key(key, str(file))
    text = os.environ.get(env or "")
    if not text:
        raise _refuse(
            f"the environment variable {env} is not set", str(env), zh=f"未设置环境变量 {env}"
        )
    try:
        key = bytes.fromhex(text.strip())
    except ValueError:
        raise _refuse(
            f"the environment variable {env} does not hold hex digits",
            str(env),
            zh=f"环境变量 {env} 的值不是十六进制数",
        ) from None
    return check_key(key, str(env))


def new_key_file(path: Path | str) -> Path:
    """Write a new random key (``MIN_KEY_BYTES`` bytes) to ``path``, readable by its owner only.

    Raises:
        LedgerError: the file exists already (a key is never overwritten).
    """
    target = Path(path)
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise _refuse(
            "the key file exists already; a key is never overwritten",
            str(target),
            zh="密钥文件已存在；密钥从不覆盖",
        ) from None
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(secrets.token_bytes(MIN_KEY_BYTES))
    return target


def pseudonym_scope(policy: PolicySnapshot, community_id: str, quarter: object) -> str:
    """The pseudonym scope the policy's ``ledger.pseudonym_scope`` sets (E-4).

    ``community``: one pseudonym per household within a community (its records over the
    quarters can be linked by whoever holds the key). ``quarter``: a new pseudonym each
    quarter (nothing links a household's quarters).
    """
    if policy.pseudonym_scope.code == "quarter":
        return f"{community_id}:{quarter}"
    return community_id
