"""A province: many communities' quarters as a Parquet dataset, evaluated anywhere (E-1..E-6).

``dataset`` is the layout (partitions by quarter and community group, a manifest with a
digest per file), ``generate`` writes a deterministic synthetic province, ``run``
evaluates a dataset in one process or on a Dask cluster with byte-identical results, and
``output`` writes each partition's results where it was evaluated.
Everything here needs the ``[scale]`` extra (pyarrow, NumPy, Dask); importing the library
loads none of it.
"""

from typing import TYPE_CHECKING

from community_governance._lazy import lazy_exports

if TYPE_CHECKING:
    from community_governance.province.dataset import (
        Manifest as Manifest,
        Partition as Partition,
        read_manifest as read_manifest,
        read_partition as read_partition,
        write_dataset as write_dataset,
    )
    from community_governance.province.generate import (
        generate_province as generate_province,
    )
    from community_governance.province.run import (
        ProvinceRun as ProvinceRun,
        SchedulerError as SchedulerError,
        evaluate_partition as evaluate_partition,
        evaluate_province as evaluate_province,
        province_frame as province_frame,
    )

__getattr__, __dir__ = lazy_exports(__name__, __file__)
