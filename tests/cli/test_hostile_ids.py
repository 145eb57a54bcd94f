"""Every hostile id meets the same check on every route (E-1, E-4).

A frame of households (E-4) and a community's member units (E-1) arrive as Python objects,
JSON documents, CSV tables and workbooks (a workbook cannot hold some control characters at
all; those cases have no workbook route). Each hostile spelling below is refused, or
accepted, alike on all of them: the check is the domain's (``ids.as_id`` on every id field,
``check_lookalikes`` where a list is drawn from or evaluated), not a reader's.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import openpyxl
import pyarrow as pa
import pytest
from openpyxl.utils.exceptions import IllegalCharacterError

from community_governance.cli import EXIT_BAD_INPUT, EXIT_OK
from community_governance.demo import demo_quarter
from community_governance.errors import GovernanceError
from community_governance.evaluation import (
    RatingBook,
    SamplingFrame,
    Survey,
    draw_sample,
    evaluate_city,
    evaluate_quarter,
)
from community_governance.province.dataset import Partition, write_dataset
from community_governance.province.run import evaluate_province
from community_governance.schemas import CertificateDoc
from tests.cli.shell import run
from tests.evaluation.cities import city_tables

DEMO = demo_quarter(127)
RULES = DEMO.policy.at(DEMO.quarter.end)

#: (name, the ids of a list, "refused" or "accepted")
HOSTILE = [
    ("right-to-left override U+202E", ["H1", "H\u202e2"], "refused"),
    ("zero-width space U+200B", ["H1", "H\u200b2"], "refused"),
    ("TAB", ["H1", "H\t2"], "refused"),
    ("newline", ["H1", "H\n2"], "refused"),
    ("NUL", ["H1", "H\x002"], "refused"),
    ("byte-order mark inside", ["H1", "H\ufeff2"], "refused"),
    ("line separator U+2028", ["H1", "H\u20282"], "refused"),
    ("escape U+001B", ["H1", "H\x1b2"], "refused"),
    ("Cyrillic look-alike", ["A12", "\u041012"], "refused"),
    ("full-width look-alike", ["A12", "\uff21\uff11\uff12"], "refused"),
    ("composed and decomposed", ["Caf\u00e9", "Cafe\u0301"], "refused"),
    ("Cyrillic alone mixed in one id", ["H1", "\u0410B1"], "refused"),
    ("plain Chinese ids", ["1号楼101", "1号楼102"], "accepted"),
    ("outer spaces", ["H1", " H2 "], "accepted"),
]
CASES = pytest.mark.parametrize(
    ("ids", "expected"), [(ids, expected) for _, ids, expected in HOSTILE],
    ids=[name for name, _, _ in HOSTILE],
)  # fmt: skip


def _frame_files(ids: list[str], folder: Path) -> dict[str, Path]:
    """The frame as a JSON document, a CSV table and (where a workbook can hold it) xlsx."""
    files = {
        "json": folder / "frame.json",
        "csv": folder / "frame.csv",
    }
    files["json"].write_text(json.dumps({"document": "frame", "households": ids}), encoding="utf-8")
    # Quoted as any CSV writer quotes, so a TAB or a newline is inside its cell.
    files["csv"].write_text(
        "household\r\n" + "".join('"' + i.replace('"', '""') + '"\r\n' for i in ids),
        encoding="utf-8",
        newline="",
    )
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    sheet.append(["household"])
    try:
        for household in ids:
            sheet.append([household])
    except IllegalCharacterError:
        return files  # a workbook cannot hold this character at all
    buffer = io.BytesIO()
    book.save(buffer)
    files["xlsx"] = folder / "frame.xlsx"
    files["xlsx"].write_bytes(buffer.getvalue())
    return files


def _outcome_of(action: Callable[[], object]) -> str:
    try:
        action()
    except GovernanceError:
        return "refused"
    return "accepted"


@CASES
def test_a_frame_is_refused_alike_on_every_route(
    ids: list[str], expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-4: objects, a JSON frame, a CSV frame and a workbook: the same outcome at the draw."""
    outcomes = {
        "objects": _outcome_of(
            lambda: draw_sample(SamplingFrame(ids), 1, RULES, seed_source="dice")
        )
    }
    for route, path in _frame_files(ids, tmp_path).items():
        argv = ["sample", "draw", str(path), "--seed", "1", "--seed-source", "dice"]
        code, out, err = run(capsys, *argv)
        assert code in {EXIT_OK, EXIT_BAD_INPUT}, err
        if code == EXIT_BAD_INPUT:
            assert len(err.strip().splitlines()) == 1, err
            assert str(path) in err
            assert out == ""
        outcomes[route] = "refused" if code == EXIT_BAD_INPUT else "accepted"
    assert outcomes == dict.fromkeys(outcomes, expected)


def _renamed_objects(names: dict[str, str]) -> None:
    """Evaluate the demo's quarter with its units renamed, built as Python objects."""
    units = [attrs.evolve(u, unit_id=names.get(u.unit_id, u.unit_id)) for u in DEMO.community.units]
    community = attrs.evolve(DEMO.community, units=units)
    ratings = [
        attrs.evolve(r, rater=names.get(r.rater, r.rater), ratee=names.get(r.ratee, r.ratee))
        for r in DEMO.ratings.current.values()
    ]
    book = RatingBook(community, DEMO.quarter).record_all(ratings, RULES)
    projects = [
        attrs.evolve(p, responsible_units=[names.get(u, u) for u in p.responsible_units])
        for p in DEMO.survey.projects
    ]
    survey = Survey(DEMO.quarter, DEMO.survey.certificate, projects, DEMO.survey.responses)
    evaluate_quarter(community, DEMO.quarter, book, survey, policy=DEMO.policy)


def _renamed_city(names: dict[str, str]) -> dict[str, dict[str, list[Any]]]:
    """The demo's quarter with its units renamed, as a city's tables (Arrow's route)."""
    tables = city_tables([(DEMO.community, DEMO.ratings, DEMO.survey)])
    for columns in tables.values():
        for name in ("unit", "rater", "ratee"):
            if name in columns:
                columns[name] = [names.get(v, v) for v in columns[name]]
    tables["ratings"]["quarter"] = [str(DEMO.quarter)] * len(tables["ratings"]["quarter"])
    tables["projects"]["responsible_units"] = [
        ";".join(names.get(u, u) for u in units.split(";"))
        for units in tables["projects"]["responsible_units"]
    ]
    return tables


def _province_of(tables: dict[str, dict[str, list[Any]]], folder: Path) -> Path:
    """The same tables as a one-partition province dataset (Parquet's route)."""
    community = DEMO.community.community_id
    households = list(DEMO.frame.households)
    drawn = CertificateDoc.from_domain(DEMO.survey.certificate).model_dump_json()
    full = {
        **tables,
        "units": {
            **tables["units"],
            "kind": ["other"] * len(tables["units"]["unit"]),
            "name": tables["units"]["unit"],
        },
        "communities": {"community": [community], "district": ["D"], "name": ["haibin"]},
        "frames": {
            "community": [community] * len(households),
            "household": households,
            "stratum": [DEMO.frame.strata[h] for h in households],
        },
        "certificates": {"community": [community], "certificate": [drawn]},
    }
    arrow = {
        name: pa.table({c: pa.array(v, pa.string()) for c, v in t.items()})
        for name, t in full.items()
    }
    write_dataset(folder, [(Partition(str(DEMO.quarter), "0000"), arrow)], DEMO.policy)
    return folder


def _renamed_files(exported: Path, folder: Path, names: dict[str, str]) -> dict[str, Path]:
    """The demo's JSON documents and CSV tables with its units renamed."""
    folder.mkdir()
    for name in ("ratings.json", "survey.json"):
        text = (exported / name).read_text(encoding="utf-8")
        for old, new in names.items():
            text = text.replace(json.dumps(old), json.dumps(new, ensure_ascii=False))
        (folder / name).write_text(text, encoding="utf-8")
    tables = Path(shutil.copytree(exported / "csv", folder / "csv"))
    for path in tables.glob("*.csv"):
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
        renamed = [
            [";".join(names.get(p, p) for p in cell.split(";")) for cell in row] for row in rows
        ]
        written = io.StringIO(newline="")
        csv.writer(written, lineterminator="\r\n").writerows(renamed)
        path.write_text(written.getvalue(), encoding="utf-8")
    return {"json": folder, "csv": tables}


@CASES
def test_a_community_s_units_are_refused_alike_on_every_route(
    ids: list[str],
    expected: str,
    exported: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """E-1: the demo's units school and clinic renamed; every route evaluates alike.

    Objects, JSON documents, CSV tables, Arrow tables (``evaluate_city``) and a Parquet
    dataset (``evaluate_province``).
    """
    names = dict(zip(("school", "clinic"), ids, strict=True))
    outcomes = {"objects": _outcome_of(lambda: _renamed_objects(names))}
    tables = _renamed_city(names)
    outcomes["arrow"] = _outcome_of(
        lambda: evaluate_city(
            {name: pa.table(columns) for name, columns in tables.items()},
            quarter=DEMO.quarter,
            policy=DEMO.policy,
        )
    )
    dataset = _province_of(tables, tmp_path / "province")
    outcomes["parquet"] = _outcome_of(lambda: evaluate_province(dataset, policy=DEMO.policy))
    for route, folder in _renamed_files(exported, tmp_path / "in", names).items():
        ratings, survey = folder / f"ratings.{route}", folder / f"survey.{route}"
        code, _, err = run(capsys, "evaluate", str(ratings), str(survey), "--format", "json")
        assert code in {EXIT_OK, EXIT_BAD_INPUT}, err
        if code == EXIT_BAD_INPUT:
            assert len(err.strip().splitlines()) == 1, err
        outcomes[route] = "refused" if code == EXIT_BAD_INPUT else "accepted"
    assert outcomes == dict.fromkeys(outcomes, expected)
