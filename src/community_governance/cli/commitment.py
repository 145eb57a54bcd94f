"""``sample commit``, ``sample prove`` and ``sample check``: the frame before the seed (E-4).

``commit`` fixes the frame in the signed ledger before any seed exists and writes the
commitment that ``sample draw --commitment`` and ``sample verify`` read; ``prove`` writes
every household's receipt; ``check`` is ``verify_inclusion.py``, the standalone script a
resident runs on a receipt.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from community_governance.cli import default_lang
from community_governance.cli.inputs import encoding_option
from community_governance.cli.options import lang_option
from community_governance.tables.text import Encoding

__all__ = ["check", "commit", "prove", "read_commitment", "secret_at", "secret_option"]

F = TypeVar("F", bound=Callable[..., Any])

#: The stream a community's quarter's commitment is recorded in: one per quarter.
STREAM = "commitment:{community}:{quarter}"

_TEXT = {
    "committed": (
        (
            "抽样框承诺 / frame commitment\n"
            "  社区：{community}　季度：{quarter}\n"
            "  户数：{size}\n"
            "  根：{root}\n"
            "  种子来源（事先声明）：{source}\n"
            "  账本记录：第 {seq} 条，签名于 {at}，密钥 {key_id}\n"
            "  已写入 {out}"
        ),
        (
            "frame commitment\n"
            "  community: {community}  quarter: {quarter}\n"
            "  households: {size}\n"
            "  root: {root}\n"
            "  seed source (declared in advance): {source}\n"
            "  ledger record {seq}, signed at {at}, key {key_id}\n"
            "  written to {out}"
        ),
    ),
    "proved": (
        "已为 {count} 户写出收据：{folder}（每户一个文件，索引见 receipts.csv）",
        "wrote {count} receipts to {folder} (one file per household; receipts.csv lists them)",
    ),
}


def _say(lang: str | None, what: str, **values: Any) -> None:
    zh, en = _TEXT[what]
    click.echo((zh if (lang or default_lang()) == "zh" else en).format(**values))


def secret_option(*, required: bool = True, why: str = "") -> Callable[[F], F]:
    """The ``--secret-file`` option: the office's frame secret, which must exist.

    ``why`` says what the command uses it for, after the common words.
    """
    return click.option(
        "--secret-file",
        required=required,
        default=None,
        type=click.Path(dir_okay=False, exists=True, path_type=Path),
        help=f"The office's frame secret (sample commit made it){why}.",
    )


def secret_at(path: Path, *, create: bool) -> bytes:
    """The office's frame secret in the key file at ``path``, made first if ``create``.

    The secret is kept like a pseudonym key (``ledger.keys``): 32 random bytes in hex,
    readable by its owner only, never overwritten.
    """
    from community_governance.ledger.keys import load_key, new_key_file

    if create and not path.exists():
        new_key_file(path)
    return load_key(file=path).secret


def read_commitment(path: str) -> Any:
    """The commitment in the JSON file at ``path`` (what ``sample commit`` writes).

    Raises:
        ParseError: not JSON, or not a commitment, naming the file.
    """
    from community_governance.errors import ParseError, read_in
    from community_governance.evaluation.commitment import FrameCommitment
    from community_governance.tables.text import read_path

    data, source = read_path(path, rule="E-4")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ParseError(
            f"not a JSON commitment ({error})",
            field=source,
            rule="E-4",
            zh=f"不是 JSON 格式的承诺（{error}）",
        ) from None
    if not isinstance(document, dict):
        raise ParseError(
            "not a JSON commitment (an object is expected)",
            field=source,
            rule="E-4",
            zh="不是 JSON 格式的承诺（应为对象）",
        )
    return read_in(source, lambda: FrameCommitment.from_document(document))


@click.command(
    "commit",
    help="Fix a frame before the seed exists: record its Merkle root in the signed ledger. "
    "在产生种子之前承诺抽样框。",
)
@click.argument("frame_path", metavar="FRAME")
@click.option("--ledger", "where", required=True, help="The ledger (SQLite file or postgresql://).")
@click.option("--community", required=True, help="The community whose households FRAME lists.")
@click.option("--quarter", required=True, help="The quarter surveyed (2026Q3).")
@click.option(
    "--seed-kind",
    type=click.Choice(["dice", "lottery", "other"]),
    required=True,
    help="Where the seed will come from: dice at a named meeting, a named lottery draw, other.",
)
@click.option(
    "--seed-description", required=True, help="Which meeting or draw, in the office's words."
)
@click.option(
    "--seed-date",
    type=click.DateTime(["%Y-%m-%d"]),
    required=True,
    help="The day the seed will be produced; the commitment is recorded no later.",
)
@click.option(
    "--secret-file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The office's frame secret: created (32 random bytes, mode 0600) if missing; kept, "
    "never published.",
)
@click.option(
    "--signing-key",
    required=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="The office's private key (PEM), which signs the ledger's head after the record.",
)
@click.option(
    "-o",
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the commitment (JSON), for sample draw and sample verify.",
)
@click.option(
    "--at",
    "signed_at",
    type=dt.datetime.fromisoformat,
    help="When it is recorded and signed, ISO 8601 with its UTC offset (default: now).",
)
@click.option("--schema", default="community_ledger", help="The PostgreSQL schema of a ledger.")
@encoding_option
@lang_option
def commit(
    frame_path: str,
    where: str,
    community: str,
    quarter: str,
    seed_kind: str,
    seed_description: str,
    seed_date: dt.datetime,
    secret_file: Path,
    signing_key: Path,
    out: Path,
    signed_at: dt.datetime | None,
    schema: str,
    encoding: Encoding,
    lang: str | None,
) -> None:
    """Commit to a frame."""
    from community_governance.cli.inputs import frame_input
    from community_governance.cli.ledger import open_ledger, signing_key_at
    from community_governance.community import Quarter
    from community_governance.errors import ParseError, read_in
    from community_governance.evaluation.commitment import SeedSource, commit_frame
    from community_governance.ledger.checkpoint import checkpoint
    from community_governance.ledger.storage import ConcurrencyError
    from community_governance.ports import NewEvent

    when = signed_at or dt.datetime.now().astimezone()
    if when.tzinfo is None:
        raise ParseError(
            "--at needs its UTC offset (2026-09-20T09:00+08:00)",
            field="--at",
            rule="E-4",
            zh="--at 须带 UTC 时差（如 2026-09-20T09:00+08:00）",
        )
    quarter_text = str(Quarter.parse(quarter))
    key = signing_key_at(signing_key)
    frame = frame_input(frame_path, encoding=encoding)
    source = SeedSource(seed_kind, seed_description, seed_date.date())
    secret = secret_at(secret_file, create=True)
    commitment = read_in(
        frame_path,
        lambda: commit_frame(
            frame, secret, community=community, quarter=quarter_text, seed_source=source
        ),
    )
    stream = STREAM.format(community=community, quarter=quarter_text)
    event = NewEvent("sample.committed", commitment.to_document(), when.date())
    with open_ledger(where, schema) as store:
        try:
            store.append(stream, [event], expected_version=0)
        except ConcurrencyError:
            first = store.read(stream)[0]
            # One commitment per quarter: an office that could commit again could choose,
            # after the seed, which of its frames to draw from.
            raise ParseError(
                f"a frame is already committed to for {community} {quarter_text} "
                f"(ledger record {first.seq}); a quarter has one commitment",
                field="--quarter",
                rule="E-4",
                zh=f"{community} {quarter_text} 已承诺过抽样框（账本第 {first.seq} 条）；"
                "每季度只能承诺一次",
            ) from None
        seq = store.read(stream)[0].seq
        signed = checkpoint(store, key, when)
    recorded = {"seq": seq, "at": signed.at, "signed_head": signed.to_document()}
    document = commitment.to_document() | {"recorded": recorded}
    out.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    shown = lang or default_lang()
    _say(
        lang,
        "committed",
        community=community,
        quarter=quarter_text,
        size=commitment.size,
        root=commitment.root,
        source=source.said(shown),
        seq=seq,
        at=signed.at,
        key_id=signed.key_id,
        out=out,
    )


@click.command(
    "prove",
    help="Write every household's receipt: the proof that it is in the committed frame. "
    "为每户写出收据。",
)
@click.argument("frame_path", metavar="FRAME")
@click.option(
    "--commitment",
    "commitment_path",
    required=True,
    help="The commitment sample commit wrote.",
)
@secret_option()
@click.option(
    "-o",
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder to write the receipts to (created; files in it are never overwritten).",
)
@encoding_option
@lang_option
def prove(
    frame_path: str,
    commitment_path: str,
    secret_file: Path,
    out: Path,
    encoding: Encoding,
    lang: str | None,
) -> None:
    """Write the receipts."""
    import csv

    from community_governance.cli.inputs import frame_input
    from community_governance.errors import read_in
    from community_governance.evaluation.commitment import receipts

    commitment = read_commitment(commitment_path)
    frame = frame_input(frame_path, encoding=encoding)
    secret = secret_at(secret_file, create=False)
    issued = read_in(frame_path, lambda: list(receipts(frame, secret, commitment)))
    out.mkdir(parents=True, exist_ok=True)
    width = len(str(len(issued)))
    index_rows = []
    for receipt in issued:
        name = f"receipt-{receipt.index + 1:0{width}d}.json"
        text = json.dumps(receipt.to_document(), ensure_ascii=False, indent=2) + "\n"
        with (out / name).open("x", encoding="utf-8") as stream:
            stream.write(text)
        index_rows.append((receipt.household, name))
    with (out / "receipts.csv").open("x", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["住户 household", "收据 receipt"])
        writer.writerows(index_rows)
    _say(lang, "proved", count=len(issued), folder=out)


@click.command(
    "check",
    help="Check a household's receipt against the root the notice prints. 核对住户收据。",
    context_settings={"ignore_unknown_options": False},
)
@click.argument("receipt", metavar="RECEIPT.json")
@click.option("--root", default=None, help="The frame's root, as the notice prints it.")
@lang_option
def check(receipt: str, root: str | None, lang: str | None) -> None:
    """Check a receipt (as verify_inclusion.py does)."""
    from community_governance.evaluation.verify_inclusion import main

    argv = [receipt, "--lang", lang or default_lang()]
    if root is not None:
        argv += ["--root", root]
    code = main(argv)
    if code:
        raise click.exceptions.Exit(code)
