"""A quarter that cannot be evaluated is refused, whatever route it came by (E-1, E-4)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from community_governance.cli import EXIT_BAD_INPUT
from community_governance.community import MAX_NAME, Community, MemberUnit
from community_governance.errors import GovernanceError
from community_governance.evaluation import RatingBook, evaluate_quarter
from tests.cli.shell import run


def _refused_once(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run(capsys, *argv)
    assert (code, out) == (EXIT_BAD_INPUT, ""), err
    assert len(err.strip().splitlines()) == 1, err
    return err


def test_a_community_of_no_units_is_refused(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-1: an empty units table, a ratings document of no units and objects all refuse."""
    folder = Path(shutil.copytree(exported / "csv", tmp_path / "csv"))
    header = (folder / "units.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    (folder / "empty.csv").write_text(header + "\n", encoding="utf-8")
    ratings, survey = str(folder / "ratings.csv"), str(folder / "survey.csv")
    assert "empty.csv" in _refused_once(
        capsys, "evaluate", ratings, survey, "--units", str(folder / "empty.csv")
    )
    document = json.loads((exported / "ratings.json").read_text(encoding="utf-8"))
    document["community"]["units"] = []
    document["history"] = []
    (tmp_path / "ratings.json").write_text(json.dumps(document), encoding="utf-8")
    err = _refused_once(
        capsys, "evaluate", str(tmp_path / "ratings.json"), str(exported / "survey.json")
    )
    assert "community.units" in err
    assert "[E-1]" in err
    community = Community("c1", "c1", [])
    with pytest.raises(GovernanceError) as refused:
        evaluate_quarter(community, "2026Q3", RatingBook(community, "2026Q3"), None)
    assert (refused.value.field, refused.value.rule) == ("community.units", "E-1")


def test_a_negative_household_count_is_refused(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-1: -5 households, from a units table, a ratings document or objects."""
    folder = Path(shutil.copytree(exported / "csv", tmp_path / "csv"))
    rows = list(csv.reader(io.StringIO((folder / "units.csv").read_text(encoding="utf-8-sig"))))
    column = rows[0].index("households")
    for row in rows[1:]:
        row[column] = row[column] and "-5"
    text = io.StringIO(newline="")
    csv.writer(text).writerows(rows)
    (folder / "units.csv").write_text(text.getvalue(), encoding="utf-8")
    err = _refused_once(capsys, "evaluate", str(folder / "ratings.csv"), str(folder / "survey.csv"))
    assert "-5" in err
    document = json.loads((exported / "ratings.json").read_text(encoding="utf-8"))
    document["community"]["household_count"] = -5
    (tmp_path / "ratings.json").write_text(json.dumps(document), encoding="utf-8")
    err = _refused_once(
        capsys, "evaluate", str(tmp_path / "ratings.json"), str(exported / "survey.json")
    )
    assert "-5" in err
    with pytest.raises(GovernanceError) as refused:
        Community("c1", "c1", [], household_count=-5)
    assert (refused.value.field, refused.value.rule) == ("community.household_count", "E-1")


def test_a_name_past_its_bound_is_refused_on_every_route(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-1: a unit's name of MAX_NAME + 1 characters, from a units table, JSON or objects."""
    long_name = "名" * (MAX_NAME + 1)
    folder = Path(shutil.copytree(exported / "csv", tmp_path / "csv"))
    rows = list(csv.reader(io.StringIO((folder / "units.csv").read_text(encoding="utf-8-sig"))))
    rows[1][rows[0].index("name")] = long_name
    text = io.StringIO(newline="")
    csv.writer(text).writerows(rows)
    (folder / "units.csv").write_text(text.getvalue(), encoding="utf-8")
    err = _refused_once(capsys, "evaluate", str(folder / "ratings.csv"), str(folder / "survey.csv"))
    assert f"at most {MAX_NAME} characters" in err
    document = json.loads((exported / "ratings.json").read_text(encoding="utf-8"))
    document["community"]["units"][0]["name"] = long_name
    (tmp_path / "ratings.json").write_text(json.dumps(document), encoding="utf-8")
    err = _refused_once(
        capsys, "evaluate", str(tmp_path / "ratings.json"), str(exported / "survey.json")
    )
    assert f"at most {MAX_NAME} characters" in err
    with pytest.raises(GovernanceError) as refused:
        MemberUnit("u1", long_name, "residents_committee")
    assert (refused.value.field, refused.value.rule) == ("unit.name", "E-1")
    assert MemberUnit("u1", "名" * MAX_NAME, "residents_committee").name == "名" * MAX_NAME
