"""``community-governance ledger``: init, head, verify, export, import, checkpoint (the record).

Real components: SQLite files on disk and, for a ``postgresql://`` ledger, the session's
PostgreSQL server; Ed25519 keys written as PEM files, as an office would keep them.
"""

from __future__ import annotations

import json
import re
import sqlite3
import stat
from pathlib import Path

import pytest

from community_governance.cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_OUTCOME
from community_governance.ledger import SQLiteLedger, keys as ledger_keys
from community_governance.ledger.findings import reason_zh
from community_governance.ledger.keys import load_key
from tests.cli.shell import run
from tests.ledger.builders import OFFICE, demo_ledger, office_pem

AT = "2026-10-04T09:00:00+08:00"


def test_init_creates_the_ledger_and_its_key_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The record: a new key file readable by its owner only; a second init keeps it.

    The key file names its HMAC, and the ledger's first record names the key by its id.
    """
    db, key = str(tmp_path / "l.db"), tmp_path / "l.key"
    code, out, _ = run(capsys, "ledger", "init", db, "--key-file", str(key), "--lang", "en")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    first = key.read_bytes()
    assert re.fullmatch(rb"hmac-sha256:[0-9a-f]{64}\n", first)
    made = load_key(file=key)
    assert made.secret == bytes.fromhex(first.decode().removeprefix("hmac-sha256:"))
    key_id = ledger_keys.key_id(made.secret, "hmac-sha256")
    said = (
        f"created ledger {db}, key file {key} (new, readable by its owner only)\n"
        f"pseudonym key {key_id} (hmac-sha256), recorded in the ledger's first record\n"
    )
    assert (code, out) == (EXIT_OK, said)
    code, out, _ = run(capsys, "ledger", "init", db, "--key-file", str(key), "--lang", "zh")
    assert code == EXIT_OK
    assert out == (
        f"账本 {db} 已可用，使用已有密钥文件 {key}\n"
        f"假名密钥 {key_id}（hmac-sha256），已记入账本的第一条记录\n"
    )
    assert key.read_bytes() == first
    with SQLiteLedger(db, key=None) as ledger:
        assert [(e.type, dict(e.data)) for e in ledger.read_after(0)] == [
            (
                "ledger.begun",
                {"suite": "sha256-ed25519", "pseudonym_key": {"id": key_id, "hmac": "hmac-sha256"}},
            )
        ]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_ledger_refuses_another_pseudonym_key(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    """The record: append with a key the ledger did not begin with: one line, exit 2, no write.

    Pseudonyms made with another key could never be linked to the ledger's own; so could
    those of the same key under another HMAC, which ``init --hmac`` refuses too.
    """
    db, key, other = str(tmp_path / "l.db"), tmp_path / "l.key", tmp_path / "other.key"
    assert run(capsys, "ledger", "init", db, "--key-file", str(key), "--hmac", "hmac-sm3")[0] == 0
    assert key.read_text(encoding="ascii").startswith("hmac-sm3:")
    ledger_keys.new_key_file(other)
    before = _head(db)
    paths = [str(exported / "certificate.json"), "--community", "haibin", "--quarter", "2026Q3"]
    code, _, err = run(capsys, "ledger", "append", db, *paths, "--key-file", str(other),
                       "--lang", lang)  # fmt: skip
    assert code == EXIT_BAD_INPUT
    assert len(err.strip().splitlines()) == 1
    said = "这不是账本开始时使用的假名密钥" if lang == "zh" else "not the pseudonym key the ledger"
    assert said in err
    assert _head(db) == before
    code, _, err = run(capsys, "ledger", "init", db, "--key-file", str(key), "--hmac",
                       "hmac-sha256", "--lang", lang)  # fmt: skip
    assert code == EXIT_BAD_INPUT
    assert ("而不是 hmac-sha256" if lang == "zh" else "is for hmac-sm3, not hmac-sha256") in err
    code, _, err = run(capsys, "ledger", "append", db, *paths, "--key-file", str(key))
    assert code == EXIT_OK, err


def test_head_verify_and_a_tampered_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The record: the head as text and JSON; verify exits 0, then 1 naming the record."""
    path = tmp_path / "l.db"
    ledger = demo_ledger(path)
    (count, digest), own = ledger.head(), ledger.ledger_id()
    assert own == ledger.read_after(0)[0].hash
    code, out, _ = run(capsys, "ledger", "head", str(path), "--lang", "en")
    said = (
        f"{count} events, last hash {digest}; ledger id {own}; suite sha256-ed25519\n"
        "no signed head yet\n"
    )
    assert (code, out) == (EXIT_OK, said)
    code, out, _ = run(capsys, "ledger", "head", str(path), "--format", "json")
    assert json.loads(out) == {
        "seq": count,
        "hash": digest,
        "ledger_id": own,
        "suite": "sha256-ed25519",
        "pseudonym_key": None,
        "signed_head": None,
    }
    code, out, _ = run(
        capsys, "ledger", "verify", str(path), "--head", f"{count}:{digest}", "--lang", "en"
    )
    assert (code, out) == (EXIT_OK, f"ok: {count} events, the chain holds\n")
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE events SET at = '2000-01-01' WHERE seq = 3")
    code, out, _ = run(capsys, "ledger", "verify", str(path), "--lang", "en")
    assert (code, out) == (EXIT_OUTCOME, "not ok: the chain breaks at event 3 (hash mismatch)\n")
    code, out, _ = run(capsys, "ledger", "verify", str(path), "--lang", "zh")
    assert out == "校验未通过：第 3 条记录起不符（哈希不符）\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["verify", "{missing}"], "no ledger file here"),
        (["head", "{missing}"], "no ledger file here"),
        (["verify", "{db}", "--head", "12"], "a head is COUNT:HASH"),
        (["verify", "{db}", "--final"], "goes with --signed-head"),
        (["export", "{missing}", "{out}"], "no ledger file here"),
        (["import", "{fresh}", "{db}"], "line 1 is not UTF-8 text"),
        (["checkpoint", "{db}", "--signing-key", "{db}"], "not an unencrypted PEM private key"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    """The record: missing ledgers, malformed options and files are one line, exit 2."""
    demo_ledger(tmp_path / "l.db").close()
    names = {
        "db": tmp_path / "l.db",
        "missing": tmp_path / "none.db",
        "out": tmp_path / "o.jsonl",
        "fresh": tmp_path / "fresh.db",
    }
    code, out, err = run(capsys, "ledger", *[a.format(**names) for a in argv])
    assert (code, out) == (EXIT_BAD_INPUT, "")
    assert message in err
    assert err.count("\n") == 1
    assert not (tmp_path / "none.db").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l.db"]  # nothing left behind


def test_export_and_import_move_a_ledger(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The record: export, then import into a new file: the same head."""
    source = tmp_path / "a.db"
    count, digest = demo_ledger(source).head()
    export = tmp_path / "a.jsonl"
    code, out, _ = run(capsys, "ledger", "export", str(source), str(export), "--lang", "en")
    assert (code, out) == (EXIT_OK, f"exported {count} events to {export}, last hash {digest}\n")
    code, out, _ = run(
        capsys, "ledger", "import", str(tmp_path / "b.db"), str(export), "--lang", "en"
    )
    assert (code, out) == (EXIT_OK, f"imported {count} events, last hash {digest}\n")
    code, _, err = run(capsys, "ledger", "import", str(tmp_path / "b.db"), str(export))
    assert code == EXIT_BAD_INPUT
    assert "import only into an empty ledger" in err


def test_a_postgres_ledger_by_its_uri(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], postgresql_server: str
) -> None:
    """The record: a postgresql:// LEDGER with --schema: import, head and verify there."""
    source = tmp_path / "a.db"
    count, digest = demo_ledger(source).head()
    run(capsys, "ledger", "export", str(source), str(tmp_path / "a.jsonl"))
    options = dict(part.split("=", 1) for part in postgresql_server.split())
    uri = f"postgresql://{options['user']}@{options['host']}:{options['port']}/{options['dbname']}"
    schema = ["--schema", "cli_import"]
    code, _, _ = run(capsys, "ledger", "import", uri, str(tmp_path / "a.jsonl"), *schema)
    assert code == EXIT_OK
    code, out, _ = run(capsys, "ledger", "head", uri, *schema, "--format", "json")
    assert (json.loads(out)["seq"], json.loads(out)["hash"]) == (count, digest)
    code, out, _ = run(capsys, "ledger", "verify", uri, *schema, "--lang", "en")
    assert (code, out) == (EXIT_OK, f"ok: {count} events, the chain holds\n")


def test_checkpoint_signs_and_verify_checks_the_signed_head(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R-1: checkpoint writes head.json; verify --signed-head --final holds, then fails."""
    path = tmp_path / "l.db"
    demo_ledger(path).close()
    pem = office_pem(tmp_path)
    head_file = tmp_path / "head.json"
    code, out, _ = run(
        capsys,
        "ledger",
        "checkpoint",
        str(path),
        "--signing-key",
        str(pem),
        "--at",
        AT,
        "-o",
        str(head_file),
        "--scope",
        "haibin",
        "--lang",
        "en",
    )
    assert code == EXIT_OK
    head = json.loads(head_file.read_text(encoding="utf-8"))
    said = f"latest signed head: event {head['seq']}, {AT}, key {head['key_id']}, scope haibin\n"
    assert out == said
    assert (head["version"], head["scope"]) == (2, "haibin")
    public = OFFICE.public_key().public_bytes_raw().hex()
    signed = ["--signed-head", str(head_file), "--trusted-key", public, "--final"]
    code, out, _ = run(capsys, "ledger", "verify", str(path), *signed, "--lang", "en")
    assert code == EXIT_OK, out
    code, out, _ = run(capsys, "ledger", "head", str(path), "--lang", "en")
    assert out.endswith(said)
    ledger = SQLiteLedger(path, key=None)
    from community_governance.ports import NewEvent  # noqa: PLC0415

    ledger.append(
        "late", [NewEvent("note", {"n": 1}, ledger.read_after(0)[0].at)], expected_version=0
    )
    code, out, _ = run(capsys, "ledger", "verify", str(path), *signed, "--lang", "en")
    assert code == EXIT_OUTCOME
    assert out.startswith(f"not ok: the chain breaks at event {head['seq'] + 2}")


@pytest.mark.parametrize(
    ("reason", "zh"),
    [
        ("hash mismatch", "哈希不符"),
        ("expected sequence 4, found 5", "应为第 4 条，实为 5"),
        ("a stream skips to version 9", "流的版本跳至 9"),
        ("unknown record form 3", "未知的记录格式 3"),
        ("unreadable record: bad", "记录无法读取：bad"),
        ("differs from the published head", "与公示的链头不符"),
        ("truncated: 3 of 5 events", "被截断：只有 3 条，公示时为 5 条"),
        ("the signed head's checkpoint record is missing", "签名链头的检查点记录缺失"),
        (
            "the record after the signed head is not its checkpoint",
            "签名链头之后的记录不是其检查点",
        ),
        ("a record follows the final signed head's checkpoint", "最终签名链头的检查点之后还有记录"),
        ("signed by key ab12, which is not trusted", "由未受信任的密钥 ab12 签名"),
        ("key ab12 is listed under another key's id", "密钥 ab12 登记在另一密钥的编号下"),
        ("the signature of the head at sequence 7 is not valid", "第 7 条处链头的签名无效"),
        (
            "a key of type float has no canonical form in the ledger",
            "账本无法规范地写出 float 类型的键",
        ),
        (
            "a float has no canonical form in the ledger: 0.5",
            "浮点数不精确，账本无法规范地写出：0.5",
        ),
        (
            "two keys of the data are the same text in JSON (such as 1 and '1')",
            "数据中有两个键在 JSON 中是同一文本（如 1 与 '1'）",
        ),
        ("set has no canonical form in the ledger", "账本无法规范地写出 set 类型的值"),
        (
            "record 3 holds data the ledger never writes: x",
            "第 3 条记录含有账本从不写入的数据：x",
        ),
        ("something new", "something new"),
    ],
)
def test_every_finding_reads_in_chinese(reason: str, zh: str) -> None:
    """The record: under --lang zh a finding's reason is Chinese, not English."""
    assert reason_zh(reason) == zh


def _head(db: str) -> tuple[int, str]:
    with SQLiteLedger(db, key=None) as ledger:
        return ledger.head()


def test_append_checks_documents_then_records_them_pseudonymised(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """C-3, E-1..E-6, R-1, R-2: every document of a quarter appended; no raw household id."""
    db, key = str(tmp_path / "l.db"), str(tmp_path / "l.key")
    assert run(capsys, "ledger", "init", db, "--key-file", key)[0] == EXIT_OK
    names = ["ratings.json", "result.json", "meeting.json", "announcement.json", "case.json"]
    code, out, err = run(
        capsys, "ledger", "append", db, *(str(exported / n) for n in names), "--key-file", key
    )
    assert code == EXIT_OK, err
    assert out.startswith("appended 5 events to 3 streams; 6 events")
    place = ("--community", "haibin", "--quarter", "2026Q3")
    paths = [str(exported / "certificate.json"), str(exported / "survey.json")]
    code, out, _ = run(capsys, "ledger", "append", db, *paths, "--key-file", key, *place)
    assert code == EXIT_OK
    with SQLiteLedger(db, key=None) as ledger:
        recorded = ledger.read("quarter:haibin:2026Q3")
        assert [e.type for e in recorded] == [
            "ratings.recorded",
            "quarter.evaluated",
            "results.announced",
            "sample.drawn",
            "survey.recorded",
        ]
        assert [e.type for e in ledger.read("case:2026Q3-market")] == ["case.recorded"]
    stored = Path(db).read_bytes()
    sample = json.loads((exported / "certificate.json").read_text())["sample"]
    assert not any(household.encode() in stored for household in sample)
    assert run(capsys, "ledger", "verify", db)[0] == EXIT_OK


def test_append_refuses_a_forged_meeting_and_writes_nothing(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """C-3: tallies that the ballots do not give are refused; the head does not move."""
    db, key = str(tmp_path / "l.db"), str(tmp_path / "l.key")
    run(capsys, "ledger", "init", db, "--key-file", key)
    forged = json.loads((exported / "meeting.json").read_text(encoding="utf-8"))
    first = next(iter(forged["tallies"]))
    forged["tallies"][first]["agree"] -= 1
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(forged, ensure_ascii=False), encoding="utf-8")
    before = _head(db)
    code, _, err = run(
        capsys, "ledger", "append", db, str(exported / "ratings.json"), str(path), "--key-file", key
    )
    assert code == EXIT_BAD_INPUT
    assert err.strip().endswith(
        "forged.json: tallies: the tallies or approvals differ from what the meeting's "
        "ballots give [C-3]"
    )
    assert _head(db) == before


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("certificate.json", "give --community and --quarter [E-4]"),
        ("frame.json", "not a document the record takes"),
    ],
)
def test_append_refuses_what_it_cannot_place(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, words: str
) -> None:
    """E-4: a certificate needs its community and quarter; a frame is not recorded."""
    db, key = str(tmp_path / "l.db"), str(tmp_path / "l.key")
    run(capsys, "ledger", "init", db, "--key-file", key)
    code, _, err = run(capsys, "ledger", "append", db, str(exported / name), "--key-file", key)
    assert code == EXIT_BAD_INPUT
    assert words in err
    assert _head(db)[0] == 1


def test_checkpoint_refuses_to_sign_a_rewritten_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R-1: record 3 edited and every later hash recomputed: the next checkpoint is refused.

    The chain alone checks out; the ledger no longer reaches its latest signed head, so
    the office's key signs nothing, and the ledger is left as it was.
    """
    from tests.ledger.tamper import RawTable  # noqa: PLC0415

    path = tmp_path / "l.db"
    demo_ledger(path).close()
    pem = office_pem(tmp_path)
    sign = ["ledger", "checkpoint", str(path), "--signing-key", str(pem), "--at", AT]
    for name in ("h1.json", "h2.json"):
        code, _, err = run(capsys, *sign, "-o", str(tmp_path / name))
        assert code == EXIT_OK, err
    conn = sqlite3.connect(path)
    table = RawTable(conn)
    table.set(3, "data", table.rows()[2][6].replace("}", ',"forged":true}', 1))
    table.rewrite_from(3)
    table.commit()
    conn.close()
    before = path.read_bytes()
    code, out, err = run(capsys, *sign, "-o", str(tmp_path / "h3.json"))
    assert (code, out) == (EXIT_BAD_INPUT, "")
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "will not sign: the ledger breaks at sequence" in lines[0]
    assert "differs from the published head" in lines[0]
    assert not (tmp_path / "h3.json").exists()
    assert path.read_bytes() == before
