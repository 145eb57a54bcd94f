"""E-4: checking a commitment: the frame against the root, the record before the seed.

The commitment is recorded in a real ledger on disk and its head signed with the office's
Ed25519 key, as ``sample commit`` does; each way a commitment can fail is checked, with
every line it says, in both languages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import attrs
import pytest

from community_governance.errors import ParseError
from community_governance.evaluation import SamplingFrame
from community_governance.evaluation.commitment import (
    CommitmentCheck,
    FrameCommitment,
    SeedKind,
    SeedSource,
    check_commitment,
    commit_frame,
    frame_root,
)
from community_governance.ledger import SQLiteLedger
from community_governance.ledger.checkpoint import checkpoint, key_id
from community_governance.ports import NewEvent
from tests.ledger.builders import OFFICE, SM2_OFFICE

SECRET = hashlib.sha256(b"office secret").digest()
FRAME = SamplingFrame([f"A-1-{n}" for n in range(101, 131)])
SOURCE = SeedSource(SeedKind.LOTTERY, "体彩排列五 2026260 期", dt.date(2026, 9, 30))
AT = dt.datetime(2026, 9, 30, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
OWN_KEY = key_id(OFFICE.public_key())


def _recorded(folder: Path, at: dt.datetime = AT, notes: int = 0) -> FrameCommitment:
    """The commitment to FRAME, recorded after ``notes`` other records and signed at ``at``."""
    commitment = commit_frame(
        FRAME, SECRET, community="haibin", quarter="2026Q3", seed_source=SOURCE
    )
    with SQLiteLedger(folder / "l.db", key=None) as ledger:
        if notes:
            filler = [NewEvent("note", {"n": n}, at.date()) for n in range(notes)]
            ledger.append("notes", filler, expected_version=0)
        event = NewEvent("sample.committed", commitment.to_document(), at.date())
        ledger.append("commitment:haibin:2026Q3", [event], expected_version=0)
        seq = ledger.head()[0]
        signed = checkpoint(ledger, OFFICE, at)
    recorded = {"seq": seq, "at": signed.at, "signed_head": signed.to_document()}
    return attrs.evolve(commitment, recorded=recorded)


def test_a_commitment_that_holds_says_so_in_both_languages(tmp_path: Path) -> None:
    """E-4: frame, record, signature and date: every line, exactly."""
    commitment = _recorded(tmp_path, notes=2)
    found = check_commitment(commitment, frame=FRAME, secret=SECRET)
    assert found.ok
    assert found.problems == found.problems_zh == ()
    assert found.unchecked == found.unchecked_zh == ()
    root = commitment.root
    assert found.checked == (
        f"the frame is the one committed to: 30 households, root {root}",
        (
            "the commitment is record 3 of the ledger, signed at 2026-09-30T09:00:00+08:00 under "
            f"the key it names, {OWN_KEY}, no later than the seed's declared date 2026-09-30"
        ),
    )
    assert found.checked_zh == (
        f"抽样框即所承诺的抽样框：30 户，根 {root}",
        (
            f"承诺为账本第 3 条记录，于 2026-09-30T09:00:00+08:00 由其所列密钥 {OWN_KEY} 签名，"
            "不晚于事先声明的种子日期 2026-09-30"
        ),
    )
    assert found.lines("en") == list(found.checked)
    assert found.lines("zh") == list(found.checked_zh)
    trusted = check_commitment(commitment, trusted_keys={OWN_KEY: OFFICE.public_key()})
    assert trusted.checked[0].endswith("under a trusted key, no later than the seed's "
                                       "declared date 2026-09-30")  # fmt: skip
    assert "由受信任的密钥签名" in trusted.checked_zh[0]


def test_without_the_frame_or_the_secret_the_frame_is_not_checked(tmp_path: Path) -> None:
    """E-4: the check says it did not look, and what it needs, after what held."""
    commitment = _recorded(tmp_path)
    for frame, secret in ((None, SECRET), (FRAME, None), (None, None)):
        found = check_commitment(commitment, frame=frame, secret=secret)
        assert found.ok
        assert found.unchecked == (
            (
                "the frame was not checked against the root: that needs the frame and the "
                "office's frame secret"
            ),
        )
        assert found.unchecked_zh == ("未核对抽样框与根：这需要抽样框和社区保管的抽样框密钥",)
        assert found.lines("en") == [*found.checked, *found.unchecked]
        assert found.lines("zh") == [*found.checked_zh, *found.unchecked_zh]
        assert len(found.checked) == 1


def test_another_frame_is_a_problem_naming_both_roots(tmp_path: Path) -> None:
    """E-4: one household more, or the same households under another secret."""
    commitment = _recorded(tmp_path)
    bigger = SamplingFrame([*FRAME.households, "A-1-999"])
    for frame, secret in ((bigger, SECRET), (FRAME, hashlib.sha256(b"x").digest())):
        found = check_commitment(commitment, frame=frame, secret=secret)
        assert not found.ok
        root = frame_root(frame, secret)
        assert found.problems == (
            (
                f"the frame ({len(frame)} households, root {root}) is not the one committed to "
                f"(30 households, root {commitment.root})"
            ),
        )
        assert found.problems_zh == (
            (
                f"此抽样框（{len(frame)} 户，根 {root}）不是所承诺的抽样框"
                f"（30 户，根 {commitment.root}）"
            ),
        )
        assert found.lines("en")[0] == found.problems[0]
        assert found.lines("zh")[0] == found.problems_zh[0]
    empty = check_commitment(commitment, frame=SamplingFrame([]), secret=SECRET)
    assert "(0 households, root )" in empty.problems[0]


def test_an_unrecorded_commitment_shows_nothing_of_when_it_was_made() -> None:
    """E-4: not recorded: a problem, in both languages."""
    commitment = commit_frame(
        FRAME, SECRET, community="haibin", quarter="2026Q3", seed_source=SOURCE
    )
    found = check_commitment(commitment, frame=FRAME, secret=SECRET)
    assert found.problems == (
        (
            "the commitment is not recorded in a ledger: nothing shows that it was made before "
            "the seed"
        ),
    )
    assert found.problems_zh == ("承诺未记入账本：没有任何记录表明它早于种子",)
    assert found.checked == ((f"the frame is the one committed to: 30 households, root "
                             f"{commitment.root}"),)  # fmt: skip


def test_a_commitment_recorded_after_the_seed_s_date_fails(tmp_path: Path) -> None:
    """E-4: signed the day after the declared date: a problem naming both dates."""
    late = _recorded(tmp_path, at=AT + dt.timedelta(days=1))
    found = check_commitment(late)
    assert found.problems == (
        "the commitment was recorded on 2026-10-01, after the seed's declared date 2026-09-30",
    )
    assert found.problems_zh == ("承诺记录于 2026-10-01，晚于事先声明的种子日期 2026-09-30",)


def test_the_same_day_counts_as_before_and_the_offset_decides_the_day(tmp_path: Path) -> None:
    """E-4: at 23:00 on the seed's day (its own offset) the commitment is in time."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    evening = AT.replace(hour=23)
    assert check_commitment(_recorded(tmp_path / "a", at=evening)).ok
    # 2026-09-30T16:00 in UTC-8 is 2026-10-01 in China, but the head's own day is the 30th.
    utc_minus = dt.datetime(2026, 9, 30, 16, tzinfo=dt.timezone(dt.timedelta(hours=-8)))
    assert check_commitment(_recorded(tmp_path / "b", at=utc_minus)).ok


def _with_head(commitment: FrameCommitment, **changes: object) -> FrameCommitment:
    recorded = json.loads(json.dumps(commitment.recorded))
    head = recorded["signed_head"]
    for name, value in changes.items():
        if name in {"seq", "signed_head"}:
            recorded[name] = value
        else:
            head[name] = value
    return attrs.evolve(commitment, recorded=recorded)


def test_a_forged_or_foreign_head_fails(tmp_path: Path) -> None:
    """E-4: a changed time breaks the signature; another key is not trusted; SM2 is not Ed."""
    commitment = _recorded(tmp_path)
    seq = (commitment.recorded or {})["seq"]
    forged = check_commitment(_with_head(commitment, at="2026-09-01T09:00:00+08:00"))
    assert forged.problems == (
        (
            "the signed head that records the commitment does not hold: the signature of the "
            f"head at sequence {seq} is not valid"
        ),
    )
    assert forged.problems_zh[0].startswith("记录承诺的签名账本头不成立：第 ")
    untrusted = check_commitment(commitment, trusted_keys={})
    assert untrusted.problems == (
        (
            "the signed head that records the commitment does not hold: signed by key "
            f"{OWN_KEY}, which is not trusted"
        ),
    )
    assert untrusted.problems_zh == (
        f"记录承诺的签名账本头不成立：由未受信任的密钥 {OWN_KEY} 签名",
    )
    other = key_id(SM2_OFFICE.public_key())
    wrong = check_commitment(commitment, trusted_keys={OWN_KEY: SM2_OFFICE.public_key()})
    assert "is an SM2 key" in wrong.problems[0]
    assert other != OWN_KEY


def test_a_head_that_does_not_cover_the_record_or_cannot_be_read_fails(tmp_path: Path) -> None:
    """E-4: a record after the head; a head that is no head; a missing sequence."""
    commitment = _recorded(tmp_path)
    seq = commitment.recorded["seq"]  # type: ignore[index]
    after = check_commitment(_with_head(commitment, seq=seq + 5))
    assert after.problems == (
        f"the signed head (record {seq}) does not cover the commitment (record {seq + 5})",
    )
    assert after.problems_zh == (f"签名账本头（第 {seq} 条）未覆盖承诺（第 {seq + 5} 条）",)
    as_text = check_commitment(_with_head(commitment, seq=str(seq)))
    assert as_text.problems[0].startswith("the signed head (record")
    for broken in (
        _with_head(commitment, signed_head={"schema": "x"}),
        _with_head(commitment, at="yesterday"),
        attrs.evolve(commitment, recorded={"seq": seq}),
    ):
        found = check_commitment(broken)
        assert found.problems[0].startswith("the commitment's record cannot be read (")
        assert found.problems_zh[0].startswith("无法读取承诺的账本记录（")


def test_an_empty_check_is_ok_and_says_nothing() -> None:
    """E-4: no line at all is a check with nothing wrong."""
    nothing = CommitmentCheck()
    assert nothing.ok
    assert nothing.lines("zh") == nothing.lines("en") == []


def test_a_root_in_capitals_reads_as_the_same_root() -> None:
    """E-4: the hex digits of a root are read in either case."""
    commitment = commit_frame(
        FRAME, SECRET, community="haibin", quarter="2026Q3", seed_source=SOURCE
    )
    document = commitment.to_document() | {"root": commitment.root.upper()}
    assert FrameCommitment.from_document(document) == commitment


@pytest.mark.parametrize("root", ["g" * 64, "０" * 64, "a" * 63])
def test_a_root_that_is_not_hex_is_refused(root: str) -> None:
    """E-4: only the 22 characters of hexadecimal, 64 of them."""
    commitment = commit_frame(
        FRAME, SECRET, community="haibin", quarter="2026Q3", seed_source=SOURCE
    )
    with pytest.raises(ParseError, match="64 hexadecimal digits"):
        FrameCommitment.from_document(commitment.to_document() | {"root": root})
