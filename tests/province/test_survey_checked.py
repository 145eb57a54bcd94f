"""A province's answers are checked against its frames and certificates, as ``evaluate`` does (E-4).

Each hostile partition is written as an attacker with write access would: the tables
changed, the manifest's digests recomputed. ``city evaluate`` must refuse it in one line
naming the file and the row, exit 2, leaving nothing behind; on a real ``LocalCluster``
too. A property test tampers with random partitions and checks that the province route and
the one-quarter route (certificate, frame and responses, as ``evaluate --frame`` reads them)
refuse exactly the same ones.
"""

from __future__ import annotations

import json
import random
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, event, given, settings, strategies as st

from community_governance.cli import main
from community_governance.community import Project, Quarter
from community_governance.errors import GovernanceError
from community_governance.evaluation import SamplingFrame, Survey, SurveyResponse, check_drawn
from community_governance.policy import default_policy
from community_governance.province.dataset import (
    Manifest,
    Partition,
    read_manifest,
    read_partition,
    write_dataset,
)
from community_governance.province.run import _snapshots, evaluate_partition
from community_governance.schemas import load_document
from tests.cli.shell import province_refused

Tables = dict[str, dict[str, list[Any]]]


@pytest.fixture(scope="module")
def source() -> tuple[Manifest, Partition, Tables]:
    """A one-partition province of two communities, as columns."""
    from community_governance.province.generate import generate_province  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as folder:
        generate_province(Path(folder) / "p", communities=2, seed="survey-checks")
        manifest = read_manifest(Path(folder) / "p")
        partition = manifest.partitions[0]
        tables = read_partition(Path(folder) / "p", manifest, partition)
    return manifest, partition, {name: t.to_pydict() for name, t in tables.items()}


def _written(directory: Path, partition: Partition, columns: Tables) -> Path:
    """The tables as a dataset, digests recomputed (what a forger with write access does)."""
    types = {"score": pa.decimal128(5, 2), "responsible_units": pa.list_(pa.string())}
    tables = {
        name: pa.table({c: pa.array(v, type=types.get(c, pa.string())) for c, v in table.items()})
        for name, table in columns.items()
    }
    write_dataset(directory, [(partition, tables)], default_policy())
    return directory


def _copy(tables: Tables) -> Tables:
    return {name: {c: list(v) for c, v in table.items()} for name, table in tables.items()}


def _certificate(tables: Tables, row: int = 0) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(tables["certificates"]["certificate"][row])
    return loaded


def _set_certificate(tables: Tables, document: dict[str, Any], row: int = 0) -> None:
    tables["certificates"]["certificate"][row] = json.dumps(document)


def _add_answer(tables: Tables, community: str, household: str) -> None:
    answers = tables["answers"]
    project = next(
        p
        for c, p in zip(tables["projects"]["community"], tables["projects"]["project"], strict=True)
        if c == community
    )
    for column, value in (
        ("community", community),
        ("household", household),
        ("project", project),
        ("answer", "satisfied"),
    ):
        answers[column].append(value)


def _outsider_answers(tables: Tables) -> None:
    _add_answer(tables, tables["communities"]["community"][0], "NOT-IN-FRAME")


def _slipped_into_certificate(tables: Tables) -> None:
    document = _certificate(tables)
    document["sample"].append("NOT-IN-FRAME")
    _set_certificate(tables, document)
    _add_answer(tables, tables["communities"]["community"][0], "NOT-IN-FRAME")


def _empty_frames(tables: Tables) -> None:
    tables["frames"] = {"community": [], "household": []}


def _not_json(tables: Tables) -> None:
    tables["certificates"]["certificate"][0] = "{not json"


def _no_certificate(tables: Tables) -> None:
    tables["certificates"] = {c: v[1:] for c, v in tables["certificates"].items()}


def _second_certificate(tables: Tables) -> None:
    for values in tables["certificates"].values():
        values.append(values[0])


HOSTILE: dict[str, tuple[Callable[[Tables], None], str, str]] = {
    "answers from a household outside": (
        _outsider_answers,
        "answers.parquet: answers[row",
        "was not sampled",
    ),
    "a household slipped into a certificate": (
        _slipped_into_certificate,
        "certificates.parquet: certificates[row 0].certificate",
        "names 101 households",
    ),
    "an empty frames table": (
        _empty_frames,
        "certificates.parquet: certificates[row 0].community",
        "no frame",
    ),
    "a certificate that is not JSON": (
        _not_json,
        "certificates.parquet: certificates[row 0].certificate",
        "Invalid JSON",
    ),
    "answers without a certificate": (
        _no_certificate,
        "answers.parquet: answers[row",
        "no sample certificate",
    ),
    "two certificates for one community": (
        _second_certificate,
        "certificates.parquet: certificates[row 2].community",
        "second certificate",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_survey_data_is_one_line_naming_file_and_row(
    case: str,
    source: tuple[Manifest, Partition, Tables],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """E-4: ``city evaluate`` refuses it, exit 2, one line, no output folder left."""
    _, partition, tables = source
    edit, where, words = HOSTILE[case]
    changed = _copy(tables)
    edit(changed)
    data = _written(tmp_path / "data", partition, changed)
    line = province_refused(capsys, data, tmp_path / "out")
    assert where in line
    assert words in line
    # A document's refusal cites the document it is read as, like ``evaluate``'s.
    assert ("[certificate]" if case == "a certificate that is not JSON" else "[E-4]") in line
    assert not list(tmp_path.glob(".out.partial-*"))


def test_a_cluster_refuses_what_one_process_refuses(
    source: tuple[Manifest, Partition, Tables],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """E-4: on a LocalCluster of two worker processes, the same line, the same exit."""
    _, partition, tables = source
    changed = _copy(tables)
    _outsider_answers(changed)
    data = _written(tmp_path / "data", partition, changed)
    out = tmp_path / "out"
    argv = ["city", "evaluate", str(data), "--out", str(out), "--no-progress"]
    assert main(argv) == 2
    alone = capsys.readouterr().err
    assert main([*argv, "--scheduler", "local:2"]) == 2
    assert capsys.readouterr().err == alone
    assert not out.exists()


def _quarter_route_refuses(tables: Tables, community: str, quarter: Quarter) -> bool:
    """Whether the one-quarter route refuses the community's survey.

    What ``evaluate --frame`` reads: the certificate document, the frame, then the
    responses into a survey of the community's projects.
    """
    rules = default_policy().at(quarter.end)
    certificates = [
        text
        for c, text in zip(
            tables["certificates"]["community"], tables["certificates"]["certificate"], strict=True
        )
        if c == community
    ]
    answers = tables["answers"]
    rows = [
        (h, p, a)
        for c, h, p, a in zip(
            answers["community"],
            answers["household"],
            answers["project"],
            answers["answer"],
            strict=True,
        )
        if c == community
    ]
    if len(certificates) != 1:
        return bool(rows) or len(certificates) > 1  # no certificate file to give, or two
    households = [
        h
        for c, h in zip(tables["frames"]["community"], tables["frames"]["household"], strict=True)
        if c == community
    ]
    projects = [
        Project(p, p, str(quarter), tuple(units))
        for c, p, units in zip(
            tables["projects"]["community"],
            tables["projects"]["project"],
            tables["projects"]["responsible_units"],
            strict=True,
        )
        if c == community
    ]
    try:
        certificate = load_document("certificate", certificates[0]).to_domain()
        check_drawn(certificate, SamplingFrame(households))
        Survey(quarter, certificate, projects).respond_all(
            [SurveyResponse(h, p, a) for h, p, a in rows], rules
        )
    except GovernanceError:
        return True
    return False


def _tamper(tables: Tables, rnd: random.Random, kind: str) -> None:
    community = rnd.choice(tables["communities"]["community"])
    frame = [
        h
        for c, h in zip(tables["frames"]["community"], tables["frames"]["household"], strict=True)
        if c == community
    ]
    row = tables["certificates"]["community"].index(community)
    document = _certificate(tables, row)
    if kind == "answer":
        pool = [*frame[:50], *document["sample"][:5], "NOT-IN-FRAME"]
        _add_answer(tables, community, rnd.choice(pool))
    elif kind == "sample":
        document["sample"].append(rnd.choice([*frame, "NOT-IN-FRAME"]))
        if rnd.random() < 0.5:
            document["size"] += 1
        _set_certificate(tables, document, row)
    elif kind == "replacement":
        kept = {old for old, _ in document["replacements"]}
        old = rnd.choice([h for h in document["sample"] if h not in kept])
        document["replacements"].append([old, rnd.choice([*frame, "NOT-IN-FRAME"])])
        _set_certificate(tables, document, row)
    elif kind == "frame":
        frames = tables["frames"]
        drop = rnd.randrange(len(frames["household"]))
        if rnd.random() < 0.5:
            frames["household"][drop] = "SWAPPED-IN"
        else:
            for values in frames.values():
                del values[drop]
    elif kind == "seed":
        document["seed"] = document["seed"] + 1 if isinstance(document["seed"], int) else "x"
        _set_certificate(tables, document, row)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32),
    kinds=st.lists(
        st.sampled_from(["answer", "sample", "replacement", "frame", "seed", "none"]),
        min_size=1,
        max_size=2,
    ),
)
def test_province_and_quarter_routes_refuse_the_same_partitions(
    source: tuple[Manifest, Partition, Tables], seed: int, kinds: list[str]
) -> None:
    """E-4: on random tampered partitions, the province refuses iff a quarter would.

    The partition is refused by the province when any of its communities would be refused
    by ``evaluate --frame``; an untouched partition passes both.
    """
    _, partition, tables = source
    changed = _copy(tables)
    rnd = random.Random(seed)
    for kind in kinds:
        _tamper(changed, rnd, kind)
    quarter = Quarter.parse(partition.quarter)
    expected = any(
        _quarter_route_refuses(changed, community, quarter)
        for community in changed["communities"]["community"]
    )
    with tempfile.TemporaryDirectory() as folder:
        data = _written(Path(folder) / "data", partition, changed)
        written = read_manifest(data)
        try:
            evaluate_partition(str(data), written, partition, _snapshots(written, default_policy()))
        except GovernanceError:
            refused = True
        else:
            refused = False
    event(f"refused: {refused}")
    assert refused == expected
    if kinds == ["none"]:
        assert not refused
