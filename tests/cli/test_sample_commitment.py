"""E-4: ``sample commit``, ``draw --commitment``, ``verify``, ``prove`` and ``check``.

The office's path: commit to the frame in the signed ledger before the dice, draw from the
committed frame, verify, and hand each household its receipt.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

from community_governance.cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_OUTCOME
from tests.cli.shell import run
from tests.ledger.builders import office_pem

SEED_DATE = "2026-09-20"
AT = "2026-09-20T09:00+08:00"


def _commit(
    capsys: pytest.CaptureFixture[str], exported: Path, folder: Path, *extra: str
) -> tuple[int, str, str]:
    return run(
        capsys,
        "sample", "commit", str(exported / "frame.json"),
        "--ledger", str(folder / "l.db"),
        "--community", "haibin", "--quarter", "2026Q3",
        "--seed-kind", "dice", "--seed-description", "居民议事会，海滨社区会议室",
        "--seed-date", SEED_DATE,
        "--secret-file", str(folder / "frame.secret"),
        "--signing-key", str(office_pem(folder)),
        *extra,
    )  # fmt: skip


@pytest.fixture
def committed(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[Path, dict[str, object]]:
    """A ledger with the demo frame committed to, and the commitment written."""
    run(capsys, "ledger", "init", str(tmp_path / "l.db"), "--key-file", str(tmp_path / "l.key"))
    out = tmp_path / "commitment.json"
    code, _, err = _commit(capsys, exported, tmp_path, "-o", str(out), "--at", AT)
    assert code == EXIT_OK, err
    return tmp_path, json.loads(out.read_text(encoding="utf-8"))


def _draw(capsys: pytest.CaptureFixture[str], exported: Path, *extra: str) -> str:
    code, out, err = run(
        capsys, "sample", "draw", str(exported / "frame.json"), "--seed", "20260920", *extra
    )
    assert code == EXIT_OK, err
    return out


def _draw_committed(
    capsys: pytest.CaptureFixture[str], exported: Path, folder: Path, commitment: Path | None = None
) -> str:
    """The certificate drawn from the committed frame, as JSON text."""
    used = commitment or folder / "commitment.json"
    secret = str(folder / "frame.secret")
    return _draw(capsys, exported, "--commitment", str(used), "--secret-file", secret)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_commit_records_the_root_and_prints_a_receipt(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    """E-4: the commitment is a ledger record under a signed head; a second is refused."""
    run(capsys, "ledger", "init", str(tmp_path / "l.db"), "--key-file", str(tmp_path / "l.key"))
    out = tmp_path / "c.json"
    code, said, err = _commit(capsys, exported, tmp_path, "-o", str(out), "--at", AT,
                              "--lang", lang)  # fmt: skip
    assert code == EXIT_OK, err
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["size"] == 2400
    assert document["recorded"]["seq"] == 2
    assert document["recorded"]["signed_head"]["seq"] >= 2
    assert document["seed_source"] == {
        "kind": "dice",
        "description": "居民议事会，海滨社区会议室",
        "date": SEED_DATE,
    }
    words = ("根", "种子来源（事先声明）", "账本记录：第 2 条") if lang == "zh" else (
        "root", "seed source (declared in advance)", "ledger record 2")  # fmt: skip
    assert all(w in said for w in words)
    assert document["root"] in said
    code, _, err = _commit(capsys, exported, tmp_path, "-o", str(tmp_path / "again.json"),
                           "--lang", lang)  # fmt: skip
    assert code == EXIT_BAD_INPUT
    assert len(err.strip().splitlines()) == 1
    assert ("每季度只能承诺一次" if lang == "zh" else "a quarter has one commitment") in err
    assert not (tmp_path / "again.json").exists()
    assert run(capsys, "ledger", "verify", str(tmp_path / "l.db"))[0] == EXIT_OK


def test_the_draw_carries_the_commitment_and_its_sample_is_unchanged(
    exported: Path, committed: tuple[Path, dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> None:
    """E-4: drawn from the committed frame, the sample is the one drawn without commitment."""
    folder, commitment = committed
    plain = json.loads(_draw(capsys, exported, "--seed-source", "dice"))
    drawn = json.loads(_draw_committed(capsys, exported, folder))
    assert drawn["sample"] == plain["sample"]
    assert drawn["commitment"] == commitment
    assert drawn["seed_source"] == "在公开会议上掷骰子：居民议事会，海滨社区会议室，2026-09-20"
    assert "commitment" not in plain


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_frame_changed_after_the_commitment_is_refused(
    exported: Path,
    committed: tuple[Path, dict[str, object]],
    capsys: pytest.CaptureFixture[str],
    lang: str,
) -> None:
    """E-4: one household dropped: the draw is refused, naming the file and both roots."""
    folder, commitment = committed
    frame = json.loads((exported / "frame.json").read_text(encoding="utf-8"))
    dropped = frame["households"].pop(0)
    frame.get("strata", {}).pop(dropped, None)
    changed = folder / "changed.json"
    changed.write_text(json.dumps(frame, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(
        capsys, "sample", "draw", str(changed), "--seed", "1",
        "--commitment", str(folder / "commitment.json"),
        "--secret-file", str(folder / "frame.secret"), "--lang", lang,
    )  # fmt: skip
    assert (code, out) == (EXIT_BAD_INPUT, "")
    assert len(err.strip().splitlines()) == 1
    assert str(changed) in err
    assert str(commitment["root"]) in err
    assert ("2399 户" if lang == "zh" else "2399 households") in err
    code, _, err = run(capsys, "sample", "draw", str(changed), "--seed", "1",
                       "--commitment", str(folder / "commitment.json"))  # fmt: skip
    assert code == EXIT_BAD_INPUT
    assert "--commitment and --secret-file go together" in err
    code, _, err = run(capsys, "sample", "draw", str(changed), "--seed", "1")
    assert code == EXIT_BAD_INPUT
    assert "--seed-source" in err


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_verify_says_what_it_checked_and_what_it_could_not(
    exported: Path,
    committed: tuple[Path, dict[str, object]],
    capsys: pytest.CaptureFixture[str],
    lang: str,
) -> None:
    """E-4: the draw, the frame against the root, and the record before the seed's date."""
    folder, commitment = committed
    certificate = folder / "certificate.json"
    certificate.write_text(
        _draw_committed(capsys, exported, folder),
        encoding="utf-8",
    )  # fmt: skip
    frame = str(exported / "frame.json")
    secret = ("--secret-file", str(folder / "frame.secret"))
    code, out, _ = run(capsys, "sample", "verify", str(certificate), frame, *secret,
                       "--lang", lang)  # fmt: skip
    assert code == EXIT_OK
    lines = out.splitlines()
    if lang == "zh":
        assert lines[0] == "一致"
        assert lines[1].startswith("抽样框即所承诺的抽样框：2400 户")
        assert lines[2].startswith("承诺为账本第 2 条记录，于 2026-09-20T09:00:00+08:00")
    else:
        assert lines == [
            "ok",
            f"the frame is the one committed to: 2400 households, root {commitment['root']}",
            (
                "the commitment is record 2 of the ledger, signed at 2026-09-20T09:00:00+08:00 "
                f"under the key it names, {lines[2].split('names, ')[1].split(',')[0]}, "
                "no later than the seed's declared date 2026-09-20"
            ),
        ]
    code, out, _ = run(capsys, "sample", "verify", str(certificate), frame, "--lang", lang)
    assert code == EXIT_OK
    assert ("未核对抽样框与根" if lang == "zh" else "the frame was not checked") in out
    plain = folder / "plain.json"
    plain.write_text(_draw(capsys, exported, "--seed-source", "dice"), encoding="utf-8")
    code, out, _ = run(capsys, "sample", "verify", str(plain), frame, "--lang", lang)
    assert code == EXIT_OK
    assert out.splitlines()[1] == (
        "无承诺：没有记录表明抽样框在种子产生之前已固定"
        if lang == "zh"
        else "no commitment: nothing shows that the frame was fixed before the seed"
    )


def _tampered(folder: Path, certificate: dict[str, object], change: dict[str, object]) -> Path:
    tampered = json.loads(json.dumps(certificate))
    commitment = tampered["commitment"]
    for key, value in change.items():
        if key == "at":
            commitment["recorded"]["signed_head"]["at"] = value
        elif key == "seed_date":
            commitment["seed_source"]["date"] = value
        else:
            commitment[key] = value
    path = folder / "tampered.json"
    path.write_text(json.dumps(tampered, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"seed_date": "2026-09-19"}, "recorded on 2026-09-20, after the seed's declared"),
        ({"at": "2026-09-01T09:00:00+08:00"}, "records the commitment does not hold: the sig"),
        ({"root": "0" * 64}, "is not the one committed to (2400 households, root 0000"),
        ({"recorded": None}, "the commitment is not recorded in a ledger"),
    ],
)  # fmt: skip
def test_verify_fails_a_commitment_that_does_not_hold(
    exported: Path,
    committed: tuple[Path, dict[str, object]],
    capsys: pytest.CaptureFixture[str],
    change: dict[str, object],
    said: str,
) -> None:
    """E-4: a seed date before the record, a forged time, another root, no record: exit 1."""
    folder, _ = committed
    certificate = json.loads(_draw_committed(capsys, exported, folder))
    if change == {"recorded": None}:
        del certificate["commitment"]["recorded"]
        path = folder / "tampered.json"
        path.write_text(json.dumps(certificate, ensure_ascii=False), encoding="utf-8")
    else:
        path = _tampered(folder, certificate, change)
    code, out, _ = run(capsys, "sample", "verify", str(path), str(exported / "frame.json"),
                       "--secret-file", str(folder / "frame.secret"), "--lang", "en")  # fmt: skip
    assert code == EXIT_OUTCOME
    assert said in out


def test_a_commitment_recorded_after_the_seed_s_date_fails(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-4: committed on the 21st to a seed declared for the 20th: verify exits 1."""
    run(capsys, "ledger", "init", str(tmp_path / "l.db"), "--key-file", str(tmp_path / "l.key"))
    out = tmp_path / "late.json"
    late = "2026-09-21T08:00+08:00"
    assert _commit(capsys, exported, tmp_path, "-o", str(out), "--at", late)[0] == EXIT_OK
    certificate = tmp_path / "certificate.json"
    certificate.write_text(
        _draw_committed(capsys, exported, tmp_path, out),
        encoding="utf-8",
    )  # fmt: skip
    code, said, _ = run(capsys, "sample", "verify", str(certificate), str(exported / "frame.json"),
                        "--lang", "zh")  # fmt: skip
    assert code == EXIT_OUTCOME
    assert "承诺记录于 2026-09-21，晚于事先声明的种子日期 2026-09-20" in said


def test_a_tampered_commitment_record_breaks_the_ledger(
    committed: tuple[Path, dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> None:
    """E-4, the record: the committed root edited in the database: ledger verify exits 1."""
    folder, commitment = committed
    with sqlite3.connect(folder / "l.db") as conn:
        conn.execute(
            "UPDATE events SET data = replace(data, ?, ?) WHERE type = 'sample.committed'",
            (str(commitment["root"]), "0" * 64),
        )
    code, out, _ = run(capsys, "ledger", "verify", str(folder / "l.db"), "--lang", "en")
    assert code == EXIT_OUTCOME
    assert out == "not ok: the chain breaks at event 2 (hash mismatch)\n"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_prove_writes_every_receipt_and_check_reads_them(
    exported: Path,
    committed: tuple[Path, dict[str, object]],
    capsys: pytest.CaptureFixture[str],
    lang: str,
) -> None:
    """E-4: one receipt per household and an index; each checks against the root."""
    folder, commitment = committed
    receipts = folder / "receipts"
    code, out, err = run(
        capsys, "sample", "prove", str(exported / "frame.json"),
        "--commitment", str(folder / "commitment.json"),
        "--secret-file", str(folder / "frame.secret"), "-o", str(receipts), "--lang", lang,
    )  # fmt: skip
    assert code == EXIT_OK, err
    assert ("已为 2400 户写出收据" if lang == "zh" else "wrote 2400 receipts") in out
    with (receipts / "receipts.csv").open(encoding="utf-8-sig") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == ["住户 household", "收据 receipt"]
    assert len(rows) == 2401
    household, name = rows[1234]
    root = str(commitment["root"])
    code, out, _ = run(capsys, "sample", "check", str(receipts / name), "--root", root,
                       "--lang", lang)  # fmt: skip
    assert code == EXIT_OK
    assert household in out
    assert root in out
    code, out, _ = run(capsys, "sample", "check", str(receipts / name), "--root", "0" * 64)
    assert code == EXIT_OUTCOME
    code, _, err = run(
        capsys, "sample", "prove", str(exported / "frame.json"),
        "--commitment", str(folder / "commitment.json"),
        "--secret-file", str(folder / "l.key"), "-o", str(folder / "other"),
    )  # fmt: skip
    assert code == EXIT_BAD_INPUT
    assert "is not the one committed to" in err
    assert len(err.strip().splitlines()) == 1


def test_announce_takes_the_certificate_with_its_commitment(
    exported: Path, committed: tuple[Path, dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> None:
    """E-4, R-1: ``announce --certificate`` shows the commitment and publishes the script."""
    folder, commitment = committed
    certificate = folder / "certificate.json"
    certificate.write_text(_draw_committed(capsys, exported, folder), encoding="utf-8")
    site = folder / "notice"
    base = ["announce", str(exported / "result.json"), "--ratings", str(exported / "ratings.json")]
    code, _, err = run(capsys, *base, "--certificate", str(certificate), "-o", str(site),
                       "--no-charts")  # fmt: skip
    assert code == EXIT_OK, err
    assert str(commitment["root"]) in (site / "index.html").read_text(encoding="utf-8")
    assert (site / "verify_inclusion.py").is_file()
    code, _, err = run(capsys, *base, "--certificate", str(certificate), "--survey",
                       str(exported / "survey.json"), "-o", str(folder / "x"))  # fmt: skip
    assert code == EXIT_BAD_INPUT
    assert "give the certificate once" in err
    assert not (folder / "x").exists()
