"""SM2-signed heads of ``sm3-sm2`` ledgers, checked against the standard and OpenSSL (R-1).

The signature example of GB/T 32918 (the recommended curve, its private key, ``k`` and
message ``message digest``) is reproduced exactly; then signatures and keys cross between
the library and the ``openssl`` command line, an independent implementation, both ways.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest
from hypothesis import given, strategies as st

from community_governance.cli import EXIT_BAD_INPUT, EXIT_OK
from community_governance.errors import GovernanceError, MissingExtraError
from community_governance.ledger import SQLiteLedger, verify as stdlib_verifier
from community_governance.ledger.chain import sm3
from community_governance.ledger.checkpoint import (
    SignedHead,
    checkpoint,
    key_id,
    verify_against,
    verify_head,
)
from community_governance.ledger.sm2 import (
    SM2PrivateKey,
    SM2PublicKey,
    der_signature,
    signature_numbers,
)
from community_governance.ledger.storage import LedgerError
from community_governance.ports import NewEvent
from tests.cli.shell import run
from tests.ledger.builders import AT, KEY, OFFICE, SM2_OFFICE, SM2_TRUSTED, TRUSTED

OPENSSL = shutil.which("openssl")


def needs_openssl(test: Callable[..., None]) -> Callable[..., None]:
    """Run ``test`` with the openssl command; skip without it, except in CI, which has it."""

    @functools.wraps(test)
    def wrapper(*args: object, **kwargs: object) -> None:
        if OPENSSL is None:
            if os.environ.get("CI"):
                pytest.fail("CI must provide the openssl command (.ci/run installs it)")
            pytest.skip("the openssl command is not installed")
        test(*args, **kwargs)

    return wrapper


DAY = dt.date(2026, 9, 30)

#: GB/T 32918.5-2017 (GM/T 0003.5), the signature example on the recommended curve.
STANDARD_KEY = "3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8"
STANDARD_PUBLIC = (
    "0409F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
    "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13"
)
STANDARD_K = "59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21"
STANDARD_R = "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
STANDARD_S = "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"
_ORDER = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123", 16)


def test_the_standard_s_signature_example_is_reproduced() -> None:
    """GB/T 32918: the example's public key, and (r, s) for its k, ID and message."""
    key = SM2PrivateKey(bytes.fromhex(STANDARD_KEY))
    assert key.public_key().raw.hex().upper() == STANDARD_PUBLIC
    signature = key.sign(b"message digest", k=int(STANDARD_K, 16))
    assert signature_numbers(signature) == (int(STANDARD_R, 16), int(STANDARD_S, 16))
    assert key.public_key().verify(signature, b"message digest")
    assert not key.public_key().verify(signature, b"message digesT")


def _openssl(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert OPENSSL is not None
    return subprocess.run(  # noqa: S603 - the openssl command, fixed arguments
        [OPENSSL, *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=60
    )


_DISTID = ("-pkeyopt", "distid:1234567812345678")


@needs_openssl
def test_a_head_signed_here_verifies_with_openssl(tmp_path: Path) -> None:
    """GB/T 32918: the library signs a head; openssl pkeyutl verifies it with the public PEM."""
    ledger = SQLiteLedger(tmp_path / "l.db", key=KEY, suite="sm3-sm2")
    ledger.append("s", [NewEvent("note", {"n": 1}, DAY)], expected_version=0)
    head = checkpoint(ledger, SM2_OFFICE, AT, scope="haibin")
    (tmp_path / "message").write_bytes(head.message())
    (tmp_path / "signature").write_bytes(bytes.fromhex(head.signature))
    (tmp_path / "public.pem").write_bytes(SM2_OFFICE.public_key().to_pem())
    (tmp_path / "private.pem").write_bytes(SM2_OFFICE.to_pem())
    verify = ("pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-pubin", "-inkey", "public.pem")
    done = _openssl(*verify, "-in", "message", "-sigfile", "signature", *_DISTID, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Signature Verified Successfully" in done.stdout
    (tmp_path / "message").write_bytes(head.message() + b"!")
    done = _openssl(*verify, "-in", "message", "-sigfile", "signature", *_DISTID, cwd=tmp_path)
    assert done.returncode != 0
    shown = _openssl("pkey", "-in", "private.pem", "-pubout", cwd=tmp_path)
    assert shown.stdout.encode() == SM2_OFFICE.public_key().to_pem()


@needs_openssl
def test_a_key_made_and_a_signature_made_by_openssl_verify_here(tmp_path: Path) -> None:
    """GB/T 32918: openssl genpkey makes the office's key and signs; the library checks."""
    assert _openssl("genpkey", "-algorithm", "SM2", "-out", "k.pem", cwd=tmp_path).returncode == 0
    assert (
        _openssl("pkey", "-in", "k.pem", "-pubout", "-out", "p.pem", cwd=tmp_path).returncode == 0
    )
    (tmp_path / "m").write_bytes("公示 head 42".encode())
    sign = ("pkeyutl", "-sign", "-rawin", "-digest", "sm3", "-inkey", "k.pem", "-in", "m")
    assert _openssl(*sign, "-out", "sig", *_DISTID, cwd=tmp_path).returncode == 0
    key = SM2PrivateKey.from_pem((tmp_path / "k.pem").read_bytes())
    public = SM2PublicKey.from_pem((tmp_path / "p.pem").read_bytes())
    assert key.public_key() == public
    assert key.to_pem() == (tmp_path / "k.pem").read_bytes()
    assert public.verify((tmp_path / "sig").read_bytes(), "公示 head 42".encode())
    assert not public.verify((tmp_path / "sig").read_bytes(), b"head 43")
    ledger = SQLiteLedger(tmp_path / "l.db", key=KEY, suite="sm3-sm2")
    ledger.append("s", [NewEvent("note", {"n": 1}, DAY)], expected_version=0)
    head = checkpoint(ledger, key, AT)
    assert verify_head(head, {key_id(public): public}) is None


@given(st.integers(1, _ORDER - 1), st.integers(1, _ORDER - 1))
def test_a_der_signature_reads_back_its_numbers(r: int, s: int) -> None:
    """GB/T 35276: SEQUENCE {r, s} in minimal DER, read back exactly; one byte more is not."""
    der = der_signature(r, s)
    assert signature_numbers(der) == (r, s)
    assert signature_numbers(der + b"\x00") is None
    assert signature_numbers(der[:-1]) is None


@pytest.mark.parametrize(
    "der",
    [
        "3006020100020101",  # r = 0
        "300702020001020101",  # r not minimal
        "3006020180020101",  # r negative
        "3006020101020101ff",  # a byte after
        "310602010102010100",  # not a SEQUENCE
        "3007020101020101",  # the SEQUENCE's length is not what follows
        "3006020101030101",  # s is not an INTEGER
        "3006020401010101",  # the signature ends after r
        "300702000203010101",  # r of no bytes
        "3006020200810201",  # s's length said, its bytes missing
        "",
    ],
)
def test_a_malformed_signature_reads_as_none(der: str) -> None:
    """GB/T 35276: only strict DER with both numbers in 1..n-1 is a signature."""
    assert signature_numbers(bytes.fromhex(der)) is None


def test_a_number_as_large_as_the_order_is_no_signature() -> None:
    """GB/T 32918: r and s lie in 1..n-1; n itself is refused, n-1 read."""
    assert signature_numbers(der_signature(_ORDER, 1)) is None
    assert signature_numbers(der_signature(1, _ORDER)) is None
    assert signature_numbers(der_signature(_ORDER - 1, 1)) == (_ORDER - 1, 1)


def test_keys_out_of_range_or_off_the_curve_are_refused() -> None:
    """GB/T 32918: d in 1..n-2, 32 bytes; a public point on the curve, 65 bytes from 04."""
    for scalar in (b"\0" * 32, (_ORDER - 1).to_bytes(32, "big"), b"\1" * 31, "1" * 32):
        with pytest.raises(LedgerError) as refused:
            SM2PrivateKey(scalar)  # type: ignore[arg-type]
        assert refused.value.said("en") == (
            "key: an SM2 private key is a scalar of 32 bytes below the curve's order [R-1]"
        )
        assert refused.value.said("zh") == "key: SM2 私钥是小于曲线阶的 32 字节数 [R-1]"
    for edge in (1, _ORDER - 2):  # the smallest and the largest key
        key = SM2PrivateKey(edge.to_bytes(32, "big"))
        assert key.public_key().verify(key.sign(b"edge"), b"edge")
    raw = SM2_OFFICE.public_key().raw
    with pytest.raises(LedgerError) as refused:
        SM2PublicKey(raw[:-1] + bytes([raw[-1] ^ 1]))
    assert _said(refused.value) == (
        "key: the SM2 public key is not a point of the curve [R-1]",
        "key: SM2 公钥不在曲线上 [R-1]",
    )
    for wrong in (b"\x02" + raw[1:], raw[:-1], raw.hex()):
        with pytest.raises(LedgerError) as refused:
            SM2PublicKey(wrong)  # type: ignore[arg-type]
        assert _said(refused.value) == (
            "key: an SM2 public key is 65 bytes, 04 then x and y [R-1]",
            "key: SM2 公钥为 65 字节：04 后接 x 和 y [R-1]",
        )
    assert repr(SM2_OFFICE) == "SM2PrivateKey(…)"


def _said(error: GovernanceError) -> tuple[str, str]:
    return error.said("en"), error.said("zh")


def test_each_wrong_key_file_is_named_in_one_line() -> None:
    """GB/T 32918: another PEM, bad base64, another algorithm, a public part that differs."""
    pem = SM2_OFFICE.to_pem()
    cases = [
        (SM2PublicKey.from_pem, pem, ("not a PEM PUBLIC KEY", "不是 PEM 格式的 PUBLIC KEY")),
        (
            SM2PrivateKey.from_pem,
            b"no PEM here",
            ("not a PEM PRIVATE KEY", "不是 PEM 格式的 PRIVATE KEY"),
        ),
        (
            SM2PrivateKey.from_pem,
            b"-----BEGIN PRIVATE KEY-----\nAAAA=AAA\n-----END PRIVATE KEY-----\n",
            ("the PEM text is not base64", "PEM 文本不是 base64"),
        ),
        (
            SM2PrivateKey.from_pem,
            pem.replace(b"MIGHAgEA", b"MIGHAgEB"),
            ("not an SM2 private key (PKCS#8)", "不是 SM2 私钥（PKCS#8）"),
        ),
        (
            SM2PublicKey.from_pem,
            SM2_OFFICE.public_key().to_pem().replace(b"MFkw", b"MFow"),
            ("not an SM2 public key", "不是 SM2 公钥"),
        ),
    ]
    other = SM2PrivateKey(bytes(range(2, 34)))
    der = base64.b64decode(b"".join(pem.splitlines()[1:-1]))
    mixed = der[:-65] + other.public_key().raw
    mixed_pem = (
        b"-----BEGIN PRIVATE KEY-----\n"
        + base64.encodebytes(mixed)
        + b"-----END PRIVATE KEY-----\n"
    )
    cases.append(
        (
            SM2PrivateKey.from_pem,
            mixed_pem,
            ("the key's public part does not match it", "私钥中的公钥部分与其不符"),
        )
    )
    for read, text, (english, chinese) in cases:
        with pytest.raises(LedgerError) as refused:
            read(text)
        assert _said(refused.value) == (f"key: {english} [R-1]", f"key: {chinese} [R-1]")


def test_a_generated_key_signs_and_differs_each_time() -> None:
    """GB/T 32918: two new keys differ, and each signs what its public key verifies."""
    first, second = SM2PrivateKey.generate(), SM2PrivateKey.generate()
    assert first.public_key() != second.public_key()
    assert hash(first.public_key()) == hash(SM2PublicKey(first.public_key().raw))
    assert hash(first.public_key()) != hash(second.public_key())
    assert first.public_key() != first.public_key().raw
    assert not first.public_key().verify(b"not DER", b"message")
    signature = first.sign("公示".encode())
    assert first.public_key().verify(signature, "公示".encode())
    assert not second.public_key().verify(signature, "公示".encode())
    assert SM2PrivateKey.from_pem(first.to_pem()).public_key() == first.public_key()


def test_without_gmalg_sm2_says_which_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    """R-1: SM2 needs gmalg, of the [ledger] extra; the error says so in both languages."""
    names = {"gmalg", *(m for m in sys.modules if m.startswith("gmalg."))}
    for name in names:
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(MissingExtraError) as missing:
        SM2_OFFICE.public_key()
    install = "pip install 'community-governance[ledger]'"
    assert _said(missing.value) == (
        f"key: SM2 signed heads needs gmalg, of the [ledger] extra: {install} [R-1]",
        f"key: SM2 签名的账本头需要 gmalg（[ledger] 附加组件）：{install} [R-1]",
    )


def _sm2_ledger(tmp_path: Path) -> SQLiteLedger:
    ledger = SQLiteLedger(tmp_path / "l.db", key=KEY, suite="sm3-sm2")
    ledger.append("s", [NewEvent("note", {"n": 1}, DAY)], expected_version=0)
    return ledger


def test_an_sm2_head_names_its_algorithm_and_is_checked_with_sm2_keys(tmp_path: Path) -> None:
    """R-1: version 3, algorithm sm2; another key, or an Ed25519 key, is a finding."""
    ledger = _sm2_ledger(tmp_path)
    head = checkpoint(ledger, SM2_OFFICE, AT, scope="haibin")
    document = head.to_document()
    assert (document["version"], document["algorithm"]) == (3, "sm2")
    assert SignedHead.from_document(json.loads(head.to_json())) == head
    assert verify_against(ledger, [head], SM2_TRUSTED, final=True).ok
    other = SM2PrivateKey(bytes(range(2, 34))).public_key()
    assert (
        verify_head(head, {head.key_id: other})
        == f"key {head.key_id} is listed under another key's id"
    )
    assert verify_head(head, {head.key_id: OFFICE.public_key()}) == (
        f"key {head.key_id} is not an SM2 public key; the head is signed with SM2"
    )
    forged = attrs.evolve(head, seq=head.seq + 1)
    assert verify_head(forged, SM2_TRUSTED) == (
        f"the signature of the head at sequence {head.seq + 1} is not valid"
    )


def test_each_suite_signs_its_heads_with_its_own_algorithm(tmp_path: Path) -> None:
    """R-1: an sm3-sm2 ledger refuses an Ed25519 key, a sha256-ed25519 one an SM2 key."""
    with pytest.raises(LedgerError) as refused:
        checkpoint(_sm2_ledger(tmp_path), OFFICE, AT)
    assert refused.value.said("en") == (
        "signing_key: a ledger of the sm3-sm2 suite has its heads signed with SM2 keys [R-1]"
    )
    assert refused.value.said("zh") == "signing_key: sm3-sm2 算法套件的账本须以 SM2 密钥签名 [R-1]"
    plain = SQLiteLedger(tmp_path / "p.db", key=KEY)
    plain.append("s", [NewEvent("note", {"n": 1}, DAY)], expected_version=0)
    with pytest.raises(LedgerError, match="sha256-ed25519 suite has its heads signed with Ed25519"):
        checkpoint(plain, SM2_OFFICE, AT)
    head = checkpoint(plain, OFFICE, AT)
    assert verify_head(head, {head.key_id: SM2_OFFICE.public_key()}) == (
        f"key {head.key_id} is an SM2 key; the head is signed with Ed25519"
    )
    assert verify_head(head, TRUSTED) is None


@needs_openssl
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_shell_signs_with_an_openssl_key_and_both_verifiers_check_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    """R-1: ledger init --suite sm3-sm2, checkpoint with openssl's key, verify, stdlib verify."""
    assert _openssl("genpkey", "-algorithm", "SM2", "-out", "k.pem", cwd=tmp_path).returncode == 0
    where, head_file = str(tmp_path / "l.db"), str(tmp_path / "head.json")
    code, _, err = run(capsys, "ledger", "init", where, "--key-file", str(tmp_path / "k.hex"),
                       "--suite", "sm3-sm2")  # fmt: skip
    assert code == EXIT_OK, err
    code, out, err = run(capsys, "ledger", "checkpoint", where, "--signing-key",
                         str(tmp_path / "k.pem"), "-o", head_file, "--lang", lang)  # fmt: skip
    assert code == EXIT_OK, err
    public = json.loads(Path(head_file).read_text(encoding="utf-8"))["public_key"]
    code, out, err = run(capsys, "ledger", "verify", where, "--signed-head", head_file,
                         "--trusted-key", public, "--final", "--lang", lang)  # fmt: skip
    assert code == EXIT_OK, out + err
    export = tmp_path / "l.jsonl"
    SQLiteLedger(where, key=None).export_jsonl(export)
    argv = [str(export), "--signed-head", head_file, "--trusted-key", public, "--final"]
    assert stdlib_verifier.main(argv) == 0
    said = capsys.readouterr().out.splitlines()
    assert said[-1].startswith("signature ok: head 1 signed by SM2 key ")
    damaged = tmp_path / "damaged.pem"
    damaged.write_bytes((tmp_path / "k.pem").read_bytes().replace(b"MIGHAgEA", b"MIGHAgEB"))
    code, out, err = run(capsys, "ledger", "checkpoint", where, "--signing-key", str(damaged),
                         "--lang", lang)  # fmt: skip
    assert code == EXIT_BAD_INPUT
    assert len(err.strip().splitlines()) == 1
    assert str(damaged) in err


def test_without_gmalg_an_sm2_signature_is_said_to_be_unchecked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """R-1: the stdlib verifier checks the SM3 chain and says which check it could not do."""
    ledger = _sm2_ledger(tmp_path)
    head = checkpoint(ledger, SM2_OFFICE, AT)
    head_file = tmp_path / "head.json"
    head_file.write_text(head.to_json(), encoding="utf-8")
    export = tmp_path / "l.jsonl"
    ledger.export_jsonl(export)
    public = SM2_OFFICE.public_key().raw.hex()
    names = {"gmalg", *(m for m in sys.modules if m.startswith("gmalg."))}
    for name in names:  # as if it were not installed, imported or not
        monkeypatch.setitem(sys.modules, name, None)
    assert (
        stdlib_verifier.main(
            [str(export), "--signed-head", str(head_file), "--trusted-key", public]
        )
        == 0
    )
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "ok: 2 events, chain and scores recomputed",
        "signature not checked: SM2 needs the gmalg package, which is not installed",
    ]


def test_an_sm2_head_s_message_is_the_version_3_layout(tmp_path: Path) -> None:
    """R-1: HEAD_TAG_3 NUL seq NUL hash NUL at NUL key_id NUL ledger NUL scope NUL sm2."""
    head = checkpoint(_sm2_ledger(tmp_path), SM2_OFFICE, AT, scope="海滨")
    parts = [head.seq, head.hash, head.at, head.key_id, head.ledger, "海滨", "sm2"]
    expected = b"\0".join(
        [b"community-governance/ledger-head/3", *(str(p).encode() for p in parts)]
    )
    assert head.message() == expected
    broken = attrs.evolve(head, signature="not hex")
    assert verify_head(broken, SM2_TRUSTED) == (
        f"the signature of the head at sequence {head.seq} is not valid"
    )


def test_the_stdlib_verifier_names_the_head_an_sm2_key_does_not_sign(tmp_path: Path) -> None:
    """R-1: a wrong signature, or a key id over bytes that are no SM2 key: said, by sequence."""
    head = checkpoint(_sm2_ledger(tmp_path), SM2_OFFICE, AT).to_document()
    head = {**head, "seq": 7}
    public = SM2_OFFICE.public_key().raw
    said = stdlib_verifier._signature_note(head, public.hex())
    assert said == "signature invalid: the head at sequence 7 is not signed by that key"
    off_curve = public[:-1] + bytes([public[-1] ^ 1])
    other = {**head, "key_id": sm3(off_curve).hexdigest()[:16]}
    said = stdlib_verifier._signature_note(other, off_curve.hex())
    assert said == "signature invalid: the head at sequence 7 is not signed by that key"
