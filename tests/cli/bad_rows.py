"""The table of bad input rows the shell refuses, each with its one line (E-1..E-4)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from community_governance.cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_OUTCOME
from community_governance.demo import demo_quarter
from community_governance.schemas import CertificateDoc


def ratings_csv(folder: Path, exported: Path, body: str, name: str = "ratings.csv") -> str:
    """A ratings CSV of ``body`` beside the demo's units, in ``folder``; its path."""
    (folder / "units.csv").write_bytes((exported / "csv" / "units.csv").read_bytes())
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return str(path)


RATINGS_HEADER = (
    "quarter,rater,ratee,kind,service_attitude,professional_level,execution_ability,"
    "coordination_ability,task_completion,public_satisfaction\n"
)


# name -> (write the fixture and give the arguments, exit code, the lines of the message
# without their "community-governance: error: " heads; {dir} is the test's folder)
TABLE: dict[str, tuple[Row, int, str]] = {
    "GBK frame is read": (
        lambda f, _: [
            "sample",
            "draw",
            _frame_csv(f, ["一号楼101", "二号楼202"], "gbk"),
            "--seed",
            "1",
            "--seed-source",
            "s",
        ],
        EXIT_OK,
        "",
    ),
    "BOM frame is read": (
        lambda f, e: [
            "sample",
            "verify",
            str(e / "certificate.json"),
            str(_bom(f, e / "csv" / "frame.csv")),
        ],
        EXIT_OK,
        "",
    ),
    "NaN score": (
        lambda f, e: [
            "evaluate",
            _doc(f, e, "ratings.json", '": 80,', '": NaN,'),
            str(e / "survey.json"),
        ],
        EXIT_BAD_INPUT,
        "{dir}/ratings.json: NaN is not a number a document can hold [ratings]",
    ),
    "Infinity score": (
        lambda f, e: [
            "evaluate",
            _doc(f, e, "ratings.json", '": 80,', '": Infinity,'),
            str(e / "survey.json"),
        ],
        EXIT_BAD_INPUT,
        "{dir}/ratings.json: Infinity is not a number a document can hold [ratings]",
    ),
    "1e309 score": (
        lambda f, e: [
            "evaluate",
            _doc(f, e, "ratings.json", '": 80,', '": 1e309,'),
            str(e / "survey.json"),
        ],
        EXIT_BAD_INPUT,
        "{dir}/ratings.json: scores.execution_ability: '1E+309' is not a decimal score such as '87.5' [E-2]",
    ),
    "5,000-digit score in a table": (
        lambda f, e: [
            "evaluate",
            ratings_csv(
                f,
                e,
                RATINGS_HEADER + "2026Q3,clinic,school,peer,0." + "9" * 5000 + ",80,80,80,80,80\n",
            ),
            str(e / "survey.json"),
        ],
        EXIT_BAD_INPUT,
        "{dir}/ratings.csv:row 2, service_attitude (服务态度): '0.999999999999999999'… has 5002 characters; an exact number has at most 200 digits [E-2]",
    ),
    "duplicate keys": (
        lambda f, e: [
            "evaluate",
            _doc(
                f,
                e,
                "ratings.json",
                '"quarter": "2026Q3"',
                '"quarter": "2026Q3", "quarter": "2026Q4"',
            ),
            str(e / "survey.json"),
        ],
        EXIT_BAD_INPUT,
        "{dir}/ratings.json: quarter: the key 'quarter' appears twice in one object; which one counts is ambiguous [ratings]",
    ),
    "JSON nested 10^5 deep": (
        lambda f, _: [
            "sample",
            "draw",
            _write(f, "deep.json", '{"a":' + "[" * 100_000 + "]" * 100_000 + "}"),
            "--seed",
            "1",
            "--seed-source",
            "s",
        ],
        EXIT_BAD_INPUT,
        "{dir}/deep.json: arrays or objects are nested too deeply to be a document [frame]",
    ),
    "unknown column": (
        lambda f, _: [
            "sample",
            "draw",
            _write(f, "f.csv", "household,colour\nH1,red\n"),
            "--seed",
            "1",
            "--seed-source",
            "s",
        ],
        EXIT_BAD_INPUT,
        "{dir}/f.csv: column 2 'colour' is not a column of this table; columns: household (住户编号), stratum (分层) [E-4]",
    ),
    "empty file": (
        lambda f, _: [
            "sample",
            "draw",
            _write(f, "f.csv", ""),
            "--seed",
            "1",
            "--seed-source",
            "s",
        ],
        EXIT_BAD_INPUT,
        "{dir}/f.csv: the table is empty: no header row [E-4]",
    ),
    "directory": (
        lambda f, _: ["sample", "draw", str(f), "--seed", "1", "--seed-source", "s"],
        EXIT_BAD_INPUT,
        "{dir}: is a folder, not a file [E-4]",
    ),
    "negative household count": (
        lambda f, e: [
            "evaluate",
            _negative_units(f, e),
            str(e / "survey.json"),
        ],
        EXIT_BAD_INPUT,
        "{dir}/units.csv, households (住户数): the community's household count is one whole number, not -5 [E-1]",
    ),
    "certificate naming a household outside the frame": (
        lambda f, e: ["sample", "verify", _foreign_certificate(f, e), str(e / "frame.json")],
        EXIT_OUTCOME,
        "",
    ),
    "control character in an id": (
        lambda f, _: [
            "sample",
            "draw",
            _frame_csv(f, ["H1", "H\u200b2"]),
            "--seed",
            "1",
            "--seed-source",
            "s",
        ],
        EXIT_BAD_INPUT,
        "{dir}/frame.csv:row 3, household (住户编号): the id 'H\\u200b2' holds the invisible character U+200B; retype it without control or format characters [E-4]",
    ),
    "look-alike ids": (
        lambda f, _: [
            "sample",
            "draw",
            _frame_csv(f, ["A12", "\u041012"]),
            "--seed",
            "1",
            "--seed-source",
            "s",
        ],
        EXIT_BAD_INPUT,
        "{dir}/frame.csv: frame.households: the ids 'A12' and '\u041012' look alike but differ (U+0410); write each id in one way (policy input.ids.lookalikes) [E-4]",
    ),
    "every bad row listed": (
        lambda f, e: [
            "evaluate",
            ratings_csv(
                f,
                e,
                RATINGS_HEADER
                + "2026Q3,clinic,school,peer,80,x,80,80,80,80\n"
                + "2026Q3,clinic,nobody,peer,80,80,80,80,80,80\n"
                + "2026Q3,clinic,clinic,peer,80,80,80,80,80,80\n",
            ),
            str(e / "survey.json"),
        ],
        EXIT_BAD_INPUT,
        "\n".join(
            [
                "{dir}/ratings.csv:row 2, professional_level (专业水平): 'x' is not a decimal score such as '87.5' [E-2]",
                "{dir}/ratings.csv:row 3, ratee (被评单位): 'nobody' is not a member unit of haibin [E-3]",
                "{dir}/ratings.csv:row 4, rater (评价单位): unit clinic cannot peer-rate itself; use a self-rating [E-3]",
            ]
        ),
    ),
}


DEMO = demo_quarter(127)


PREFIX = "community-governance: error: "


def _frame_csv(folder: Path, lines: list[str], encoding: str = "utf-8") -> str:
    path = folder / "frame.csv"
    path.write_bytes("\n".join(["household", *lines]).encode(encoding))
    return str(path)


Row = Callable[[Path, Path], list[str]]


def _write(folder: Path, name: str, text: str) -> str:
    (folder / name).write_text(text, encoding="utf-8")
    return str(folder / name)


def _bom(folder: Path, source: Path) -> Path:
    target = folder / "frame-bom.csv"
    target.write_bytes(b"\xef\xbb\xbf" + source.read_bytes())
    return target


def _doc(folder: Path, exported: Path, name: str, old: str, new: str) -> str:
    text = (exported / name).read_text(encoding="utf-8")
    assert old in text
    return _write(folder, name, text.replace(old, new, 1))


def _negative_units(folder: Path, exported: Path) -> str:
    units = (exported / "csv" / "units.csv").read_text(encoding="utf-8").splitlines()
    header = units[0].split(",")
    at = header.index("households")
    rows = [line.split(",") for line in units[1:]]
    for row in rows:
        row[at] = "-5"
    (folder / "units.csv").write_text(
        "\n".join([units[0], *(",".join(r) for r in rows)]), encoding="utf-8"
    )
    (folder / "ratings.csv").write_bytes((exported / "csv" / "ratings.csv").read_bytes())
    return str(folder / "ratings.csv")


def _foreign_certificate(folder: Path, exported: Path) -> str:
    certificate = CertificateDoc.model_validate_json((exported / "certificate.json").read_text())
    changed = certificate.model_copy(update={"sample": ["not-in-frame", *certificate.sample[1:]]})
    return _write(folder, "certificate.json", changed.model_dump_json())
