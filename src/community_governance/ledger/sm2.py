"""SM2 keys and signatures for the heads of an ``sm3-sm2`` ledger (GB/T 32918, R-1).

A signed head of an ``sm3-sm2`` ledger is signed with SM2 over SM3, with the default
distinguishing identifier ``1234567812345678`` of GB/T 35276-2017, and its signature is
written as GB/T 35276 and OpenSSL write it: DER ``SEQUENCE { r INTEGER, s INTEGER }``.
Keys are read and written in the forms OpenSSL uses, so an office can make its key with
``openssl genpkey -algorithm SM2`` and anyone can check a head with ``openssl pkeyutl``:

* a private key: PEM, PKCS#8, unencrypted (``-----BEGIN PRIVATE KEY-----``);
* a public key: PEM, SubjectPublicKeyInfo, or its 65 raw bytes ``04 || x || y``, hex.

The curve arithmetic comes from ``gmalg``, a maintained pure-Python implementation of the
national algorithms (MIT licence, no compiled parts, so it installs wherever Python runs),
in the ``[ledger]`` extra. Reading and writing the key and signature encodings needs
nothing but the standard library.
"""

from __future__ import annotations

import base64
import re
import secrets
from typing import Any

from community_governance.extras import require
from community_governance.ledger.storage import LedgerError

__all__ = [
    "DEFAULT_ID",
    "SM2_OID",
    "SM2PrivateKey",
    "SM2PublicKey",
    "der_signature",
    "signature_numbers",
]

#: The default distinguishing identifier of GB/T 35276-2017, used by OpenSSL too.
DEFAULT_ID = b"1234567812345678"

#: The DER object identifier of the curve sm2p256v1 (1.2.156.10197.1.301).
SM2_OID = bytes.fromhex("06082a811ccf5501822d")
# The fixed DER around a 256-bit SM2 key: id-ecPublicKey with the curve sm2p256v1.
_ALGORITHM = bytes.fromhex("301306072a8648ce3d0201") + SM2_OID
_SPKI_PREFIX = bytes.fromhex("3059") + _ALGORITHM + bytes.fromhex("034200")
_PKCS8_PREFIX = bytes.fromhex("308187020100") + _ALGORITHM + bytes.fromhex("046d306b0201010420")
_PKCS8_MIDDLE = bytes.fromhex("a144034200")
#: The order n of the curve's base point (GB/T 32918.5).
_ORDER = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123", 16)
_PEM = re.compile(
    rb"-----BEGIN (PRIVATE KEY|PUBLIC KEY)-----\s*([A-Za-z0-9+/=\s]{1,4096}?)\s*-----END \1-----"
)
_RAW_PUBLIC = 65
_SCALAR = 32


def _gmalg() -> Any:
    return require(
        "gmalg", needed_for=("SM2 signed heads", "SM2 签名的账本头"), field="key", rule="R-1"
    )


def _refuse(message: str, *, zh: str, field: str = "key") -> LedgerError:
    return LedgerError(message, field=field, rule="R-1", zh=zh)


def _pem(data: bytes, kind: bytes) -> bytes:
    found = _PEM.search(data)
    if found is None or found.group(1) != kind:
        name = kind.decode()
        raise _refuse(f"not a PEM {name}", zh=f"不是 PEM 格式的 {name}")
    try:
        # The pattern admits base64's characters only: what is left to refuse is padding.
        return base64.b64decode(b"".join(found.group(2).split()))
    except ValueError:
        raise _refuse("the PEM text is not base64", zh="PEM 文本不是 base64") from None


def _pem_text(kind: str, der: bytes) -> bytes:
    body = base64.encodebytes(der).replace(b"\n", b"")
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return b"\n".join(
        [f"-----BEGIN {kind}-----".encode(), *lines, f"-----END {kind}-----".encode(), b""]
    )


class SM2PublicKey:
    """An SM2 public key: the point ``04 || x || y`` on sm2p256v1, 65 bytes."""

    __slots__ = ("raw",)

    def __init__(self, raw: bytes) -> None:
        given: object = raw  # callers outside the type checker pass anything
        if not isinstance(given, bytes) or len(raw) != _RAW_PUBLIC or raw[0] != 4:  # noqa: PLR2004 - uncompressed point
            raise _refuse(
                "an SM2 public key is 65 bytes, 04 then x and y",
                zh="SM2 公钥为 65 字节：04 后接 x 和 y",
            )
        if not _gmalg().SM2().verify_pk(raw):
            raise _refuse("the SM2 public key is not a point of the curve", zh="SM2 公钥不在曲线上")
        self.raw = raw

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SM2PublicKey) and other.raw == self.raw

    def __hash__(self) -> int:
        return hash(self.raw)

    @classmethod
    def from_pem(cls, data: bytes) -> SM2PublicKey:
        """The key of a PEM SubjectPublicKeyInfo, as ``openssl pkey -pubout`` writes it.

        Raises:
            LedgerError: not such a PEM of an SM2 key.
        """
        der = _pem(data, b"PUBLIC KEY")
        if len(der) != len(_SPKI_PREFIX) + _RAW_PUBLIC or not der.startswith(_SPKI_PREFIX):
            raise _refuse("not an SM2 public key", zh="不是 SM2 公钥")
        return cls(der[len(_SPKI_PREFIX) :])

    def to_pem(self) -> bytes:
        """The key as PEM SubjectPublicKeyInfo (what ``openssl pkeyutl -pubin`` reads)."""
        return _pem_text("PUBLIC KEY", _SPKI_PREFIX + self.raw)

    def verify(self, signature: bytes, message: bytes, uid: bytes = DEFAULT_ID) -> bool:
        """Whether ``signature`` (DER) is this key's SM2 signature of ``message``."""
        numbers = signature_numbers(signature)
        if numbers is None:
            return False
        r, s = (n.to_bytes(_SCALAR) for n in numbers)
        return bool(_gmalg().SM2(uid=uid, pk=self.raw).verify(message, r, s))


class SM2PrivateKey:
    """An SM2 private key: a scalar d with 1 ≤ d ≤ n − 2."""

    __slots__ = ("_scalar",)

    def __init__(self, scalar: bytes) -> None:
        given: object = scalar  # callers outside the type checker pass anything
        if (
            not isinstance(given, bytes)
            or len(scalar) != _SCALAR
            or not 1 <= int.from_bytes(scalar) <= _ORDER - 2
        ):
            raise _refuse("an SM2 private key is a scalar of 32 bytes below the curve's order",
                          zh="SM2 私钥是小于曲线阶的 32 字节数")  # fmt: skip
        self._scalar = scalar

    def __repr__(self) -> str:
        return "SM2PrivateKey(…)"  # never the secret

    @classmethod
    def generate(cls) -> SM2PrivateKey:
        """A new random key (``secrets``)."""
        return cls((secrets.randbelow(_ORDER - 2) + 1).to_bytes(_SCALAR))

    @classmethod
    def from_pem(cls, data: bytes) -> SM2PrivateKey:
        """The key of an unencrypted PEM PKCS#8, as ``openssl genpkey -algorithm SM2`` writes.

        Raises:
            LedgerError: not such a PEM of an SM2 key, or its public part does not match.
        """
        der = _pem(data, b"PRIVATE KEY")
        size = len(_PKCS8_PREFIX) + _SCALAR + len(_PKCS8_MIDDLE) + _RAW_PUBLIC
        if len(der) != size or not der.startswith(_PKCS8_PREFIX):
            raise _refuse("not an SM2 private key (PKCS#8)", zh="不是 SM2 私钥（PKCS#8）")
        scalar = der[len(_PKCS8_PREFIX) : len(_PKCS8_PREFIX) + _SCALAR]
        rest = der[len(_PKCS8_PREFIX) + _SCALAR :]
        key = cls(scalar)
        if rest != _PKCS8_MIDDLE + key.public_key().raw:
            raise _refuse("the key's public part does not match it", zh="私钥中的公钥部分与其不符")
        return key

    def to_pem(self) -> bytes:
        """The key as unencrypted PEM PKCS#8 (what ``openssl pkeyutl -inkey`` reads)."""
        der = _PKCS8_PREFIX + self._scalar + _PKCS8_MIDDLE + self.public_key().raw
        return _pem_text("PRIVATE KEY", der)

    def public_key(self) -> SM2PublicKey:
        """The matching public key."""
        return SM2PublicKey(bytes(_gmalg().SM2().generate_pk(self._scalar)))

    def sign(self, message: bytes, uid: bytes = DEFAULT_ID, *, k: int | None = None) -> bytes:
        """The SM2 signature of ``message`` (SM3 over Z and the message), DER.

        ``k`` fixes the per-signature random number, for the standard's examples only;
        a head is always signed with a fresh one.
        """
        fixed = None if k is None else (lambda _bits: k)
        r, s = _gmalg().SM2(self._scalar, uid, rnd_fn=fixed).sign(message)
        return der_signature(int.from_bytes(r), int.from_bytes(s))


def _der_integer(number: int) -> bytes:
    body = number.to_bytes(number.bit_length() // 8 + 1)  # a leading 0 keeps it positive
    return b"\x02" + bytes([len(body)]) + body


def der_signature(r: int, s: int) -> bytes:
    """``SEQUENCE { r INTEGER, s INTEGER }`` in DER, as GB/T 35276 and OpenSSL write it."""
    body = _der_integer(r) + _der_integer(s)
    return b"\x30" + bytes([len(body)]) + body


def signature_numbers(signature: bytes) -> tuple[int, int] | None:
    """(r, s) of a DER signature, or ``None`` unless it is exactly such a signature.

    Strict DER: minimal lengths and integers, nothing after, both numbers in 1..n − 1.
    """
    if len(signature) < 8 or signature[0] != 0x30 or signature[1] != len(signature) - 2:  # noqa: PLR2004
        return None
    numbers = []
    at = 2
    for _ in range(2):
        if at + 2 > len(signature) or signature[at] != 0x02:  # noqa: PLR2004
            return None
        size = signature[at + 1]
        body = signature[at + 2 : at + 2 + size]
        if size == 0 or len(body) != size or size > _SCALAR + 1:
            return None
        if body[0] & 0x80 or (size > 1 and body[0] == 0 and not body[1] & 0x80):
            return None  # negative, or not minimal
        numbers.append(int.from_bytes(body))
        at += 2 + size
    if at != len(signature) or not all(1 <= n < _ORDER for n in numbers):
        return None
    return numbers[0], numbers[1]
