"""A deterministic synthetic province, as a dataset (E-1..E-6): the demo scaled up.

Each community is drawn from its own seeded generator (the province seed and the
community's index), so the same seed always gives the same files, byte for byte, and a
community does not change when the province grows. The variety is that of real
communities: 5 to 30 member units with full peer matrices, frames of 300 to 10,000
households, a sample of the policy's size with about a tenth replaced, and 5 to 15
projects, each the responsibility of one to three units, every unit answering for one.
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path
from typing import Any

from community_governance.community import Quarter
from community_governance.evaluation.sampling import SamplingFrame, draw_sample
from community_governance.policy import default_policy
from community_governance.policy.model import Policy
from community_governance.province.dataset import TABLES, Manifest, Partition, write_dataset
from community_governance.schemas.evaluation import CertificateDoc
from community_governance.vocabulary import Dimension, OrganisationKind

__all__ = ["GROUP_SIZE", "generate_province"]

#: Communities per partition group.
GROUP_SIZE = 100
#: Communities per district.
DISTRICT_SIZE = 40

_KINDS = tuple(kind.code for kind in OrganisationKind)
_DIMENSIONS = tuple(d.code for d in Dimension)


def _community(seed: str, index: int, quarter: Quarter, policy: Policy) -> dict[str, list[Any]]:
    """One community's rows, table by table, from its own generator."""
    rnd = random.Random(f"{seed}/{index}")  # noqa: S311 - synthetic data, not security
    cid = f"C{index:06d}"
    rows: dict[str, list[Any]] = {
        "communities": [(cid, f"D{index // DISTRICT_SIZE:04d}", f"社区 {index}")],
        "units": [],
        "ratings": [],
        "projects": [],
        "frames": [],
        "certificates": [],
        "answers": [],
    }
    units = [f"{cid}-U{u:02d}" for u in range(rnd.randint(5, 30))]
    quality = {u: rnd.uniform(55, 98) for u in units}
    for u in units:
        rows["units"].append((cid, u, rnd.choice(_KINDS), f"单位 {u[-3:]}"))
    for rater in units:
        for ratee in units:
            for dimension in _DIMENSIONS:
                points = min(100.0, max(0.0, quality[ratee] + rnd.gauss(0, 6)))
                score = Decimal(round(points * 2)) / 2
                rows["ratings"].append((cid, str(quarter), rater, ratee, dimension, score))
    households = [f"{cid}-H{h:05d}" for h in range(rnd.randint(300, 10_000))]
    frame = SamplingFrame(households)
    rows["frames"] += [(cid, h) for h in households]
    certificate = draw_sample(
        frame, f"{seed}-{index}", policy, seed_source="generated province", at=quarter.end
    )
    for household in rnd.sample(list(certificate.sample), len(certificate.sample) // 10):
        certificate = certificate.replace(household, frame)
    rows["certificates"].append((cid, CertificateDoc.from_domain(certificate).model_dump_json()))
    projects = [f"{cid}-P{p:02d}" for p in range(rnd.randint(5, 15))]
    owners: dict[str, set[str]] = {p: set() for p in projects}
    for position, unit in enumerate(units):
        owners[projects[position % len(projects)]].add(unit)
    for project in projects:
        wanted = rnd.randint(1, 3) - len(owners[project])
        if wanted > 0:
            owners[project].update(rnd.sample(units, wanted))
        rows["projects"].append((cid, project, sorted(owners[project])))
    levels = [level.code for level in policy.at(quarter.end).survey_answer_scale.levels]
    for household in sorted(certificate.respondents):
        for project in projects:
            if rnd.random() < 0.9:  # noqa: PLR2004 - about one answer in ten is missing
                mood = sum(quality[u] for u in owners[project]) / len(owners[project])
                level = min(len(levels) - 1, max(0, int((100 - mood) / 10 + rnd.gauss(0, 1))))
                rows["answers"].append((cid, household, project, levels[level]))
    return rows


def _tables(rows: dict[str, list[Any]]) -> dict[str, Any]:
    import pyarrow as pa  # noqa: PLC0415 - the [scale] extra

    types = {"score": pa.decimal128(5, 2), "responsible_units": pa.list_(pa.string())}
    return {
        name: pa.table(
            {
                column: pa.array(
                    [row[i] for row in rows[name]], type=types.get(column, pa.string())
                )
                for i, column in enumerate(columns)
            }
        )
        for name, columns in TABLES.items()
    }


def generate_province(
    directory: Path | str,
    *,
    communities: int,
    seed: str,
    quarter: Quarter | str = "2026Q3",
    policy: Policy | None = None,
    group_size: int = GROUP_SIZE,
) -> Manifest:
    """Write a synthetic province of ``communities`` communities for ``quarter``.

    Args:
        directory: an empty or new folder.
        communities: how many communities.
        seed: the province's seed (text); the same seed gives the same bytes.
        quarter: the quarter generated.
        policy: the policy the data is checked under; default the shipped one.
        group_size: communities per partition.

    Raises:
        ParseError: the folder exists and is not empty.
    """
    quarter = quarter if isinstance(quarter, Quarter) else Quarter.parse(quarter)
    rules = policy or default_policy()
    partitions = []
    for start in range(0, communities, group_size):
        rows: dict[str, list[Any]] = {}
        for index in range(start, min(start + group_size, communities)):
            for name, part in _community(seed, index, quarter, rules).items():
                rows.setdefault(name, []).extend(part)
        group = f"{start // group_size:04d}"
        partitions.append((Partition(str(quarter), group), _tables(rows)))
    return write_dataset(Path(directory), partitions, rules)
