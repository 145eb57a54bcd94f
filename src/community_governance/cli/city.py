"""``community-governance city``: a province generated and evaluated (E-1..E-6).

``city generate`` writes a deterministic synthetic province as a Parquet dataset;
``city evaluate`` evaluates a dataset in this process or on Dask. Both need the
``[scale]`` extra.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from community_governance.cli.options import messages_lang_option, named_policy
from community_governance.policy import DEFAULT_POLICY
from community_governance.province.dataset import MAX_FILE_BYTES, MAX_ROWS, MAX_TABLE_BYTES

__all__ = ["city"]


@click.group(help="A whole province as a Parquet dataset. 全省（市）数据集的生成与考评。")
def city() -> None:
    """Group of the province commands."""


@city.command("generate", help="Write a deterministic synthetic province (a Parquet dataset).")
@messages_lang_option
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--communities", type=click.IntRange(min=1), required=True, help="How many.")
@click.option("--seed", required=True, help="The province's seed, as text; same seed, same bytes.")
@click.option("--quarter", default="2026Q3", show_default=True, help="The quarter generated.")
@click.option(
    "--group-size",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Communities per partition.",
)
@click.option(
    "--policy",
    "policy_name",
    default=DEFAULT_POLICY,
    show_default=True,
    help="The policy the data is checked under.",
)
def generate(
    directory: Path, communities: int, seed: str, quarter: str, group_size: int, policy_name: str
) -> None:
    """Generate a province."""
    from community_governance.province.generate import generate_province

    manifest = generate_province(
        directory,
        communities=communities,
        seed=seed,
        quarter=quarter,
        policy=named_policy(policy_name),
        group_size=group_size,
    )
    click.echo(
        f"{directory}: {communities} communities in {len(manifest.partitions)} partitions, "
        f"manifest {manifest.digest[:16]}"
    )


@city.command("evaluate", help="Evaluate a province dataset, in this process or on Dask.")
@messages_lang_option
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="A new folder for the results (one Parquet file per partition), results.sha256, "
    "summary.json and certificate.json.",
)
@click.option(
    "--scheduler",
    default=None,
    help="local, local:N (N worker processes) or tcp://HOST:PORT; none: this process.",
)
@click.option(
    "--progress/--no-progress",
    default=True,
    show_default=True,
    help="Show partitions done on standard error.",
)
@click.option(
    "--policy",
    "policy_name",
    default=DEFAULT_POLICY,
    show_default=True,
    help="The policy the province is evaluated under.",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    default=MAX_ROWS,
    show_default=True,
    help="The most rows a table of a partition may declare.",
)
@click.option(
    "--max-file-mib",
    type=click.IntRange(min=1),
    default=MAX_FILE_BYTES >> 20,
    show_default=True,
    help="The largest file of the dataset read, in MiB.",
)
@click.option(
    "--max-table-mib",
    type=click.IntRange(min=1),
    default=MAX_TABLE_BYTES >> 20,
    show_default=True,
    help="The most MiB a table may declare once decompressed.",
)
def evaluate(
    directory: Path,
    out: Path,
    scheduler: str | None,
    progress: bool,
    policy_name: str,
    max_rows: int,
    max_file_mib: int,
    max_table_mib: int,
) -> None:
    """Evaluate a province."""
    from community_governance.province.dataset import Limits
    from community_governance.province.run import evaluate_province

    def report(done: int, total: int) -> None:
        width = 30
        filled = width * done // total
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} partitions")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    run = evaluate_province(
        directory,
        out=out,
        scheduler=scheduler,
        policy=named_policy(policy_name),
        progress=report if progress else None,
        limits=Limits(
            file_bytes=max_file_mib << 20, rows=max_rows, table_bytes=max_table_mib << 20
        ),
    )
    click.echo(
        f"{out}: {run.certificate['units']} units from {run.certificate['partitions']} "
        f"partitions; results {run.certificate['results_sha256'][:16]}"
    )
