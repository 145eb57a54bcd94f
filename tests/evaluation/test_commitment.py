"""E-4: a frame committed to before its seed, and the receipts households check.

The tree is RFC 6962's. It is checked three ways: against the reference vectors of
Certificate Transparency's own test suite (``merkle_tree_test.cc``: the roots of the first
one to eight test leaves and two audit paths), against a second implementation written
here from RFC 6962's recursive definitions (``_mth``, ``_path``), and by properties.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import shutil
import subprocess
import sys
from pathlib import Path

import attrs
import pytest
from hypothesis import given, strategies as st

from community_governance.errors import ParseError, SampleError
from community_governance.evaluation import SamplingFrame, verify_inclusion
from community_governance.evaluation.commitment import (
    FrameCommitment,
    Receipt,
    SeedKind,
    SeedSource,
    _root,
    _tree,
    commit_frame,
    frame_root,
    receipts,
)
from community_governance.evaluation.verify_inclusion import (
    leaf_data,
    leaf_hash,
    main as check_receipt,
    root_from_path,
)

SECRET = hashlib.sha256(b"the office's frame secret").digest()
OTHER_SECRET = hashlib.sha256(b"another secret").digest()
SOURCE = SeedSource(SeedKind.DICE, "居民议事会，海滨社区会议室", dt.date(2026, 9, 20))

#: Certificate Transparency's test leaves and the roots of their first 1..8
#: (certificate-transparency, cpp/merkletree/merkle_tree_test.cc).
CT_LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    bytes(range(0x50, 0x58)),
    bytes(range(0x60, 0x70)),
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
#: Their audit paths of leaves 0 and 5 in the tree of all eight.
CT_PATHS = {
    0: [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    5: [
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
}


# -- a second implementation, from RFC 6962 section 2.1 as written ---------------------------


def _h(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _k(n: int) -> int:
    """The largest power of two smaller than n."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def _mth(d: list[bytes]) -> bytes:
    if len(d) == 1:
        return _h(b"\x00" + d[0])
    k = _k(len(d))
    return _h(b"\x01" + _mth(d[:k]) + _mth(d[k:]))


def _path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return [*_path(m, d[:k]), _mth(d[k:])]
    return [*_path(m - k, d[k:]), _mth(d[:k])]


def _independent_leaf(secret: bytes, household: str) -> bytes:
    data = household.encode()
    netstring = str(len(data)).encode() + b":" + data + b","
    return hmac.new(secret, netstring, hashlib.sha256).digest() + netstring


# -- the tree ----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_are_certificate_transparency_s(size: int) -> None:
    """E-4: the root of the first 1..8 CT test leaves is the published one."""
    assert _root([leaf_hash(d) for d in CT_LEAVES[:size]]).hex() == CT_ROOTS[size - 1]


@pytest.mark.parametrize("index", sorted(CT_PATHS))
def test_audit_paths_are_certificate_transparency_s(index: int) -> None:
    """E-4: the audit paths of leaves 0 and 5 of eight are the published ones, and fold back."""
    hashes = [leaf_hash(d) for d in CT_LEAVES]
    paths: list[list[bytes]] = [[] for _ in hashes]
    root = _tree(hashes, paths, 0)
    assert [p.hex() for p in paths[index]] == CT_PATHS[index]
    assert root_from_path(hashes[index], index, 8, paths[index]) == root


@given(st.lists(st.binary(max_size=8), min_size=1, max_size=40))
def test_the_tree_equals_rfc_6962_s_definition(leaves: list[bytes]) -> None:
    """E-4: root and every audit path equal MTH and PATH as RFC 6962 defines them."""
    hashes = [leaf_hash(d) for d in leaves]
    paths: list[list[bytes]] = [[] for _ in hashes]
    assert _tree(hashes, paths, 0) == _mth(leaves) == _root(hashes)
    assert paths == [_path(m, leaves) for m in range(len(leaves))]


@given(st.lists(st.binary(max_size=4), min_size=1, max_size=24), st.data())
def test_no_path_leads_elsewhere(leaves: list[bytes], data: st.DataObject) -> None:
    """E-4: a path folds to the root only from its own leaf, position and size."""
    hashes = [leaf_hash(d) for d in leaves]
    paths: list[list[bytes]] = [[] for _ in hashes]
    root = _tree(hashes, paths, 0)
    index = data.draw(st.integers(0, len(leaves) - 1))
    assert root_from_path(hashes[index], index, len(leaves), paths[index]) == root
    other = data.draw(st.integers(0, len(leaves) - 1))
    if hashes[other] != hashes[index]:
        assert root_from_path(hashes[other], index, len(leaves), paths[index]) != root
    assert root_from_path(hashes[index], len(leaves), len(leaves), paths[index]) is None
    assert root_from_path(hashes[index], -1, len(leaves), paths[index]) is None
    assert root_from_path(hashes[index], index, len(leaves), [*paths[index], root]) is None
    if paths[index]:
        assert root_from_path(hashes[index], index, len(leaves), paths[index][:-1]) != root


# -- frames, commitments and receipts ----------------------------------------------------------

households = st.lists(
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Zs", "Zl", "Zp"]),
        min_size=1,
        max_size=8,
    ),
    min_size=1,
    max_size=30,
    unique=True,
)


def _frame(ids: list[str]) -> SamplingFrame:
    return SamplingFrame(ids)


def _commit(frame: SamplingFrame, secret: bytes = SECRET) -> FrameCommitment:
    return commit_frame(frame, secret, community="haibin", quarter="2026Q3", seed_source=SOURCE)


def _safe(ids: list[str]) -> bool:
    try:
        SamplingFrame(ids)
    except ParseError:
        return False
    return True


@given(households.filter(_safe))
def test_the_root_is_the_independent_one_and_every_receipt_holds(ids: list[str]) -> None:
    """E-4: the frame's root is MTH over salted netstrings; every member's receipt holds."""
    frame = _frame(ids)
    commitment = _commit(frame)
    leaves = [_independent_leaf(SECRET, h) for h in frame.households]
    assert commitment.root == _mth(leaves).hex() == frame_root(frame, SECRET)
    assert commitment.size == len(frame)
    issued = list(receipts(frame, SECRET, commitment))
    assert [r.household for r in issued] == list(frame.households)
    for receipt in issued:
        assert receipt.holds()
        leaf = leaf_hash(leaf_data(bytes.fromhex(receipt.salt), receipt.household))
        path = [bytes.fromhex(p) for p in receipt.path]
        assert root_from_path(leaf, receipt.index, receipt.size, path) == bytes.fromhex(
            commitment.root
        )


@given(households.filter(_safe), st.data())
def test_no_receipt_holds_for_another_household_or_root(
    ids: list[str], data: st.DataObject
) -> None:
    """E-4: a receipt with its household changed, or checked against another root, fails."""
    frame = _frame(ids)
    receipt = data.draw(st.sampled_from(list(receipts(frame, SECRET, _commit(frame)))))
    stranger = data.draw(st.text(min_size=1, max_size=8).filter(lambda t: t != receipt.household))
    assert not attrs.evolve(receipt, household=stranger).holds()
    assert not attrs.evolve(receipt, root=_commit(frame, OTHER_SECRET).root).holds()


@given(households.filter(_safe), st.data())
def test_changing_adding_or_dropping_a_household_changes_the_root(
    ids: list[str], data: st.DataObject
) -> None:
    """E-4: any change of the frame gives another root."""
    root = _commit(_frame(ids)).root
    index = data.draw(st.integers(0, len(ids) - 1))
    changed = data.draw(st.text(min_size=1, max_size=8).filter(lambda t: t not in ids))
    variants = [[*ids[:index], changed, *ids[index + 1 :]], [*ids, changed]]
    if len(ids) > 1:
        variants.append([*ids[:index], *ids[index + 1 :]])
    for variant in variants:
        if _safe(variant):
            assert _commit(_frame(variant)).root != root


def test_a_receipt_names_no_other_household() -> None:
    """E-4: salted leaves: a receipt holds its own id only, and no unsalted leaf hash."""
    ids = [f"A-{b}-{r}" for b in range(1, 4) for r in range(101, 121)]
    frame = _frame(ids)
    for receipt in receipts(frame, SECRET, _commit(frame)):
        text = json.dumps(receipt.to_document(), ensure_ascii=False)
        assert [h for h in ids if h in text] == [receipt.household]
        plain = {leaf_hash(leaf_data(b"", h)).hex() for h in ids}
        assert not plain & set(receipt.path)


def test_receipts_refuse_a_frame_not_committed_to() -> None:
    """E-4: another frame, or the same under another secret, is refused naming both roots."""
    frame = _frame(["A-1-101", "A-1-102", "A-1-103"])
    commitment = _commit(frame)
    for other, secret in ((_frame(["A-1-101", "A-1-102"]), SECRET), (frame, OTHER_SECRET)):
        with pytest.raises(SampleError) as refused:
            list(receipts(other, secret, commitment))
        found = frame_root(other, secret)
        assert refused.value.message == (
            f"the frame ({len(other)} households, root {found}) is not the one committed to "
            f"(3 households, root {commitment.root})"
        )
        assert (refused.value.field, refused.value.rule) == ("frame", "E-4")
        assert "不是所承诺的抽样框" in (refused.value.zh or "")


@given(
    st.sampled_from(list(SeedKind)),
    st.text(min_size=1, max_size=20).filter(str.strip),
    st.dates(),
    households.filter(_safe),
)
def test_a_commitment_reads_back_from_its_document(
    kind: SeedKind, description: str, day: dt.date, ids: list[str]
) -> None:
    """E-4: ``from_document(to_document())`` is the commitment, through JSON."""
    source = SeedSource(kind, description, day)
    commitment = commit_frame(
        _frame(ids), SECRET, community="haibin", quarter="2026Q3", seed_source=source
    )
    document = json.loads(json.dumps(commitment.to_document(), ensure_ascii=False))
    assert FrameCommitment.from_document(document) == commitment


@pytest.mark.parametrize(
    ("change", "field", "said"),
    [
        ({"root": "ab"}, "commitment.root", "the root is 64 hexadecimal digits, not 'ab'"),
        ({"size": 0}, "commitment.size", "whole number above 0, not 0"),
        ({"size": True}, "commitment.size", "whole number above 0, not True"),
        ({"commitment": 2}, "commitment", "commitment version 2 is not one this library reads"),
        ({"community": ""}, "commitment.community", "a commitment names its community"),
        ({"seed_source": {"kind": "dice", "description": " ", "date": "2026-09-20"}},
         "seed_source.description", "the seed source needs a description"),
        ({"seed_source": {"kind": "coin", "description": "x", "date": "2026-09-20"}},
         "commitment", "not a frame commitment"),
        ({"seed_source": {"kind": "dice", "description": "x", "date": "20 Sept"}},
         "commitment", "not a frame commitment (ValueError"),
        ({"quarter": None, "root": None}, "commitment.root", "not None"),
    ],
)  # fmt: skip
def test_a_bad_commitment_document_is_named(
    change: dict[str, object], field: str, said: str
) -> None:
    """E-4: each wrong field of a commitment document is refused, naming it."""
    document = _commit(_frame(["A-1-101", "A-1-102"])).to_document() | change
    with pytest.raises(ParseError) as refused:
        FrameCommitment.from_document(document)
    assert said in refused.value.message
    assert (refused.value.field, refused.value.rule) == (field, "E-4")
    assert refused.value.zh


def test_a_missing_field_and_an_empty_frame_are_refused() -> None:
    """E-4: a document without its root; an empty frame, which no survey draws from."""
    document = _commit(_frame(["A-1-101"])).to_document()
    del document["root"]
    with pytest.raises(ParseError, match="not a frame commitment"):
        FrameCommitment.from_document(document)
    with pytest.raises(SampleError, match="empty frame") as refused:
        _commit(_frame([]))
    assert refused.value.field == "frame.households"
    with pytest.raises(ParseError, match="date") as not_a_date:
        SeedSource("dice", "x", dt.datetime(2026, 9, 20, 10, 0))  # noqa: DTZ001
    assert not_a_date.value.field == "seed_source.date"


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("zh", "在公开会议上掷骰子：居民议事会，海滨社区会议室，2026-09-20"),
        ("en", "public dice rolled at a named meeting: 居民议事会，海滨社区会议室, 2026-09-20"),
    ],
)
def test_the_seed_source_is_said_in_both_languages(lang: str, line: str) -> None:
    """E-4: the declared source in one line, as the receipt and the notice print it."""
    assert SOURCE.said(lang) == line


# -- the standalone script ---------------------------------------------------------------------


def _receipt_file(tmp_path: Path, receipt: Receipt) -> Path:
    path = tmp_path / f"{receipt.household}.json"
    path.write_text(json.dumps(receipt.to_document(), ensure_ascii=False), encoding="utf-8")
    return path


def test_the_script_runs_alone_on_the_standard_library(tmp_path: Path) -> None:
    """E-4: copied out of the package and run with no site-packages, it checks a receipt."""
    script = tmp_path / "verify_inclusion.py"
    shutil.copy(verify_inclusion.__file__, script)
    if "mutmut" in script.read_text(encoding="utf-8"):
        # Under mutation testing the module is instrumented and imports mutmut: it is not
        # the standalone file any more (its logic is tested through main below).
        pytest.skip("the script is instrumented for mutation testing")
    frame = _frame(["A-1-101", "A-1-102", "A-1-103", "B-2-201", "B-2-202"])
    commitment = _commit(frame)
    receipt = list(receipts(frame, SECRET, commitment))[3]
    path = _receipt_file(tmp_path, receipt)
    run = subprocess.run(  # noqa: S603 - the test's own interpreter and file
        [sys.executable, "-I", "-S", str(script), str(path), "--root", commitment.root],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout == (
        f"住户 B-2-201 在 haibin 2026Q3 承诺的抽样框中（共 5 户，根 {commitment.root}）\n"
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_script_s_three_answers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    """E-4: in the frame (0), not under the notice's root (1), no receipt (2), one line each."""
    frame = _frame(["A-1-101", "A-1-102", "A-1-103"])
    commitment = _commit(frame)
    path = _receipt_file(tmp_path, next(receipts(frame, SECRET, commitment)))
    assert check_receipt([str(path), "--lang", lang]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert commitment.root in lines[1]
    other = _commit(frame, OTHER_SECRET).root
    assert check_receipt([str(path), "--root", other, "--lang", lang]) == 1
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert ("与公示的根" if lang == "zh" else "not the notice's") in out
    document = json.loads(path.read_text(encoding="utf-8"))
    for broken in (
        "[]",
        json.dumps(document | {"index": "0"}),
        json.dumps(document | {"path": "ab"}),
        json.dumps(document | {"salt": 5}),
        json.dumps(document | {"path": ["00"] * 65}),
        json.dumps(document | {"salt": "zz"}),
        "{",
    ):
        path.write_text(broken, encoding="utf-8")
        assert check_receipt([str(path), "--lang", lang]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"{path}: ")
        assert err.count("\n") == 1
        assert ("无法读取收据" if lang == "zh" else "cannot read the receipt") in err
    assert check_receipt([str(tmp_path / "missing.json"), "--lang", lang]) == 2
    assert "No such file" in capsys.readouterr().err
    path.write_text(json.dumps(document | {"index": 1}), encoding="utf-8")
    assert check_receipt([str(path), "--lang", lang]) == 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_script_s_lines_exactly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    """E-4: what a resident reads, word for word; a receipt naming no community shows '-'."""
    frame = _frame(["A-1-101", "A-1-102", "A-1-103"])
    commitment = _commit(frame)
    receipt = next(receipts(frame, SECRET, commitment))
    path = _receipt_file(tmp_path, receipt)
    root = commitment.root
    assert check_receipt([str(path), "--lang", lang, "--root", root.upper()]) == 0
    in_frame = (
        f"住户 A-1-101 在 haibin 2026Q3 承诺的抽样框中（共 3 户，根 {root}）"
        if lang == "zh"
        else f"household A-1-101 is in the frame haibin committed to for 2026Q3 "
        f"(3 households, root {root})"
    )
    assert capsys.readouterr().out == in_frame + "\n"
    assert check_receipt([str(path), "--lang", lang]) == 0
    own = (
        f"收据自洽；请核对公示中的根是否为 {root}"
        if lang == "zh"
        else f"the receipt holds together; check that the notice's root is {root}"
    )
    assert capsys.readouterr().out == f"{in_frame}\n{own}\n"
    assert check_receipt([str(path), "--lang", lang, "--root", "0" * 64]) == 1
    out = (
        f"收据算出的根 {root} 与公示的根 {'0' * 64} 不同：此收据不能证明住户在抽样框中"
        if lang == "zh"
        else f"the receipt leads to root {root}, not the notice's {'0' * 64}: it does not "
        "show the household in the frame"
    )
    assert capsys.readouterr().out == out + "\n"
    document = receipt.to_document()
    del document["community"], document["quarter"]
    path.write_text(json.dumps(document), encoding="utf-8")
    assert check_receipt([str(path), "--lang", lang, "--root", root]) == 0
    unnamed = (
        f"住户 A-1-101 在 - - 承诺的抽样框中（共 3 户，根 {root}）"
        if lang == "zh"
        else f"household A-1-101 is in the frame - committed to for - (3 households, root {root})"
    )
    assert capsys.readouterr().out == unnamed + "\n"
    path.write_text(json.dumps(document | {"index": 5}), encoding="utf-8")
    assert check_receipt([str(path), "--lang", lang, "--root", root]) == 1
    said = capsys.readouterr().out
    assert ("收据算出的根 - 与公示的根" if lang == "zh" else "leads to root -, not") in said


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"[]", "not a JSON object"),
        (b'{"household": 1, "salt": "", "root": "", "index": 0, "size": 1, "path": []}',
         "household, salt and root must be text"),
        (b'{"household": "h", "salt": 1, "root": "", "index": 0, "size": 1, "path": []}',
         "household, salt and root must be text"),
        (b'{"household": "h", "salt": "", "root": 1, "index": 0, "size": 1, "path": []}',
         "household, salt and root must be text"),
        (b'{"household": "h", "salt": "", "root": "", "index": 0, "size": true, "path": []}',
         "index and size must be whole numbers"),
        (b'{"household": "h", "salt": "", "root": "", "index": 0, "size": 1, "path": [1]}',
         "path must be a list of hashes"),
    ],
)  # fmt: skip
def test_each_unreadable_receipt_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, why: str
) -> None:
    """E-4: exit 2 and one line naming the file and what is wrong with it."""
    path = tmp_path / "r.json"
    path.write_bytes(content)
    assert check_receipt([str(path), "--lang", "en"]) == 2
    assert capsys.readouterr().err == f"{path}: cannot read the receipt: {why}\n"


def test_a_receipt_is_read_up_to_its_bound_and_no_further(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-4: 64 KiB are read; one byte more is refused, whatever follows."""
    frame = _frame(["A-1-101", "A-1-102"])
    commitment = _commit(frame)
    text = json.dumps(next(receipts(frame, SECRET, commitment)).to_document())
    path = tmp_path / "r.json"
    limit = verify_inclusion.MAX_RECEIPT_BYTES
    path.write_text(text + " " * (limit - len(text)), encoding="utf-8")
    assert check_receipt([str(path), "--root", commitment.root]) == 0
    path.write_text(text + " " * (limit + 1 - len(text)), encoding="utf-8")
    assert check_receipt([str(path), "--root", commitment.root, "--lang", "en"]) == 2
    assert f"larger than {limit} bytes" in capsys.readouterr().err
