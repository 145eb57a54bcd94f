"""Build a ledger holding the demo quarter's decisions (shared by the ledger tests)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import attrs
import gmalg
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from community_governance.demo import DemoQuarter, demo_quarter, run_demo
from community_governance.ledger import SQLiteLedger, events as ev
from community_governance.ledger.checkpoint import SignedHead, key_id
from community_governance.ledger.record import record_quarter
from community_governance.ledger.sm2 import SM2PrivateKey

KEY = b"test-pseudonym-key-of-32-bytes!!"
#: Keys that pass the entropy test, as random keys do (a key such as b"k" * 32 does not).
TEST_KEY = bytes.fromhex("96a0798b1073eff73bd2626dbc2b837877073020c208156aa947ae8665a3c223")
OTHER_KEY = bytes.fromhex("f07fd71e8883e8146b5cb9afdce4959ff9f40da3d1acae0a23f4ee05b7dfca21")
#: When the tests sign checkpoints (an aware time, as signed heads need).
AT = dt.datetime(2026, 10, 4, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
DEMO = demo_quarter(127)
OUTCOME = run_demo(DEMO)


#: The community office's signing key in the tests, and the trusted keys it makes.
OFFICE = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
TRUSTED = {key_id(OFFICE.public_key()): OFFICE.public_key()}
#: The office's key for a ledger of the sm3-sm2 suite, and the keys trusted with it.
SM2_OFFICE = SM2PrivateKey(bytes(range(1, 33)))
SM2_TRUSTED = {key_id(SM2_OFFICE.public_key()): SM2_OFFICE.public_key()}


def office(suite: str) -> tuple[Any, dict[str, Any]]:
    """The office's signing key for a ledger of ``suite``, and the keys trusted with it."""
    return (SM2_OFFICE, SM2_TRUSTED) if suite == "sm3-sm2" else (OFFICE, TRUSTED)


def version_1_head(seq: int, digest: str) -> SignedHead:
    """A head as signed before heads named their ledger (version 1), by ``OFFICE``."""
    unsigned = SignedHead(seq, digest, AT.isoformat(), key_id(OFFICE.public_key()), "", "")
    return attrs.evolve(
        unsigned,
        public_key=OFFICE.public_key().public_bytes_raw().hex(),
        signature=OFFICE.sign(unsigned.message()).hex(),
    )


def demo_ledger(path: Path, suite: str | None = None) -> SQLiteLedger:
    """A ledger with the demo quarter's decisions, its case and some service records."""
    ledger = SQLiteLedger(path, key=KEY, suite=suite)
    q = DEMO.quarter
    stream = ev.quarter_stream(DEMO.community.community_id, q)
    rules = DEMO.policy.at(OUTCOME.result.evaluated_on)
    ledger.append(
        f"meeting:{DEMO.meeting.meeting.meeting_id}",
        [ev.meeting_closed(DEMO.meeting)],
        expected_version=0,
    )
    ledger.append(
        stream,
        [
            ev.ratings_recorded(DEMO.ratings, q.end),
            ev.sample_drawn(DEMO.survey.certificate, ledger.pseudonym, q.end),
            ev.survey_recorded(DEMO.survey, ledger.pseudonym, q.end),
            ev.quarter_evaluated(OUTCOME.result, rules),
            ev.announcement_made(OUTCOME.announcement),
        ],
        expected_version=0,
    )
    for case in OUTCOME.cases:
        ledger.append(f"case:{case.case_id}", [ev.case_recorded(case)], expected_version=0)
    ledger.append(
        "service:haibin",
        [
            ev.service_recorded(v, q.start, private=ledger, retain_until=dt.date(2028, 1, 1))
            for v in DEMO.volunteers
        ]
        + [ev.service_recorded(h, h.on) for h in DEMO.volunteer_hours[:5]],
        expected_version=0,
    )
    for household in DEMO.survey.certificate.sample[:3]:
        ledger.store_personal(
            household, {"name": "resident", "phone": "000"}, retain_until=dt.date(2027, 1, 1)
        )
    return ledger


def record_demo(store: Any, demo: DemoQuarter = DEMO, policy: Any = None) -> tuple[int, str]:
    """Record ``demo``'s quarter (run afresh unless it is the shared one) with record_quarter."""
    outcome = OUTCOME if demo is DEMO else run_demo(demo)
    return record_quarter(
        store,
        store,
        meeting=demo.meeting,
        ratings=demo.ratings,
        survey=demo.survey,
        result=outcome.result,
        announcement=outcome.announcement,
        policy=demo.policy if policy is None else policy,
    )


def gmalg_sm3(data: bytes) -> str:
    """SM3 (hex) by gmalg, a pure-Python implementation independent of OpenSSL."""
    hashed = gmalg.SM3()
    hashed.update(data)
    return str(hashed.value().hex())


def hmac_sm3(key: bytes, message: bytes) -> str:
    """HMAC (RFC 2104) over gmalg's SM3, written out: 64-byte blocks, inner and outer pads."""
    short = key if len(key) <= 64 else bytes.fromhex(gmalg_sm3(key))
    block = short.ljust(64, b"\0")
    inner = bytes.fromhex(gmalg_sm3(bytes(b ^ 0x36 for b in block) + message))
    return gmalg_sm3(bytes(b ^ 0x5C for b in block) + inner)


def office_pem(folder: Path) -> Path:
    """The office's signing key as an unencrypted PKCS#8 PEM file in ``folder``."""
    pem = folder / "office.pem"
    pem.write_bytes(
        OFFICE.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return pem
