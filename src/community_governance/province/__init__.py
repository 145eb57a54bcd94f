"""A province: many communities' quarters as a Parquet dataset, evaluated anywhere (E-1..E-6).

``dataset`` is the layout (partitions by quarter and community group, a manifest with a
digest per file), ``generate`` writes a deterministic synthetic province, ``run``
evaluates a dataset in one process or on a Dask cluster with byte-identical results, and
``output`` writes each partition's results where it was evaluated.
Everything here needs the ``[scale]`` extra (pyarrow, NumPy, Dask); importing the library
loads none of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from community_governance._lazy import lazy_exports

if TYPE_CHECKING:
    from community_governance.province.dataset import (
        Manifest,
        Partition,
        read_manifest,
        read_partition,
        write_dataset,
    )
    from community_governance.province.generate import generate_province
    from community_governance.province.run import (
        ProvinceRun,
        SchedulerError,
        evaluate_partition,
        evaluate_province,
        province_frame,
    )

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "Manifest": "community_governance.province.dataset",
        "Partition": "community_governance.province.dataset",
        "read_manifest": "community_governance.province.dataset",
        "read_partition": "community_governance.province.dataset",
        "write_dataset": "community_governance.province.dataset",
        "generate_province": "community_governance.province.generate",
        "ProvinceRun": "community_governance.province.run",
        "SchedulerError": "community_governance.province.run",
        "evaluate_partition": "community_governance.province.run",
        "evaluate_province": "community_governance.province.run",
        "province_frame": "community_governance.province.run",
    },
)

__all__ = [
    "Manifest",
    "Partition",
    "ProvinceRun",
    "SchedulerError",
    "evaluate_partition",
    "evaluate_province",
    "generate_province",
    "province_frame",
    "read_manifest",
    "read_partition",
    "write_dataset",
]
