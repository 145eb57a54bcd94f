"""``community-governance ledger``: create, check, sign and move the record (the record, R-1).

``LEDGER`` is an SQLite file, or a ``postgresql://`` URI for a
[`PostgresLedger`][community_governance.ledger.postgres.PostgresLedger] (``--schema``
names its schema). Reading, verifying and exporting need no key. A broken chain is a rule
outcome (exit 1, the finding on one line); a missing file or a bad option is bad input
(exit 2).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from community_governance.cli import EXIT_OUTCOME, default_lang
from community_governance.cli.options import format_option, lang_option, policy_option
from community_governance.ledger.findings import reason_zh

if TYPE_CHECKING:
    from community_governance.ledger.keys import PseudonymKey

__all__ = ["ledger"]

_POSTGRES = ("postgresql://", "postgres://")

_TEXT = {
    "created": (
        "已创建账本 {where}，密钥文件 {key}（新生成，仅所有者可读）",
        "created ledger {where}, key file {key} (new, readable by its owner only)",
    ),
    "opened": (
        "账本 {where} 已可用，使用已有密钥文件 {key}",
        "ledger {where} is ready, with the existing key file {key}",
    ),
    "head": (
        "共 {count} 条记录，最新哈希 {hash}；账本编号 {ledger}；算法套件 {suite}",
        "{count} events, last hash {hash}; ledger id {ledger}; suite {suite}",
    ),
    "suite": (
        "算法套件 {suite}，已记入账本的第一条记录",
        "algorithm suite {suite}, recorded in the ledger's first record",
    ),
    "key": (
        "假名密钥 {id}（{hmac}），已记入账本的第一条记录",
        "pseudonym key {id} ({hmac}), recorded in the ledger's first record",
    ),
    "signed": (
        "最新签名位置：第 {seq} 条，{at}，密钥 {key_id}，范围 {scope}",
        "latest signed head: event {seq}, {at}, key {key_id}, scope {scope}",
    ),
    "unsigned": ("尚无签名位置", "no signed head yet"),
    "ok": ("校验通过：{count} 条记录，哈希链完整", "ok: {count} events, the chain holds"),
    "bad": (
        "校验未通过：第 {seq} 条记录起不符（{reason}）",
        "not ok: the chain breaks at event {seq} ({reason})",
    ),
    "exported": (
        "已导出 {count} 条记录到 {path}，最新哈希 {hash}",
        "exported {count} events to {path}, last hash {hash}",
    ),
    "appended": (
        "已写入 {count} 条记录（{streams} 个记录流），共 {total} 条，最新哈希 {hash}",
        "appended {count} events to {streams} streams; {total} events, last hash {hash}",
    ),
    "imported": (
        "已导入 {count} 条记录，最新哈希 {hash}",
        "imported {count} events, last hash {hash}",
    ),
}


def _say(lang: str | None, what: str, **values: Any) -> None:
    zh, en = _TEXT[what]
    click.echo((zh if (lang or default_lang()) == "zh" else en).format(**values))


ledger_argument = click.argument("where", metavar="LEDGER")
schema_option = click.option(
    "--schema",
    default="community_ledger",
    show_default=True,
    help="The PostgreSQL schema of a postgresql:// LEDGER.",
)


def open_ledger(
    where: str,
    schema: str,
    *,
    key: PseudonymKey | None = None,
    create: bool = False,
    suite: str | None = None,
) -> Any:
    """The ledger at ``where``; an SQLite file must exist unless ``create``."""
    from community_governance.errors import ParseError

    if where.startswith(_POSTGRES):
        from community_governance.ledger.postgres import PostgresLedger

        return PostgresLedger(where, key=key, schema=schema, suite=suite)
    from community_governance.ledger.sqlite import SQLiteLedger

    path = Path(where)
    if not create and not path.is_file():
        raise ParseError(
            "no ledger file here; create one with: community-governance ledger init",
            field=where,
            rule="ledger",
            zh="此处没有账本文件；请先创建：community-governance ledger init",
        )
    return SQLiteLedger(path, key=key, suite=suite)


@click.group(help="The tamper-evident record: create, check, sign, move. 防篡改记录账本。")
def ledger() -> None:
    """Group of the ledger commands."""


@ledger.command("init", help="Create a ledger, and its pseudonym key file if it has none.")
@ledger_argument
@click.option(
    "--key-file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The pseudonym key: created (32 random bytes, mode 0600) if missing, never overwritten.",
)
@click.option(
    "--suite",
    type=click.Choice(["sha256-ed25519", "sm3-sm2"]),
    default=None,
    help="The algorithm suite a new ledger begins in, recorded in its first record "
    "(default sha256-ed25519; sm3-sm2: SM3 chain, GB/T 32905).",
)
@click.option(
    "--hmac",
    type=click.Choice(["hmac-sha256", "hmac-sm3"]),
    default=None,
    help="The HMAC of the household pseudonyms, written in a new key file "
    "(default: the suite's, hmac-sm3 in sm3-sm2).",
)
@schema_option
@lang_option
def init(
    where: str,
    key_file: Path,
    suite: str | None,
    hmac: str | None,
    schema: str,
    lang: str | None,
) -> None:
    """Create the ledger (and the key), and record its suite and key in its first record."""
    from community_governance.errors import ParseError
    from community_governance.ledger.keys import SUITE_HMAC, load_key, new_key_file
    from community_governance.ledger.store import begin

    new = not key_file.exists()
    if new:
        new_key_file(key_file, hmac=hmac or SUITE_HMAC[suite or "sha256-ed25519"])
    key = load_key(file=key_file)
    if hmac is not None and key.hmac not in (None, hmac):
        raise ParseError(
            f"the key file is for {key.hmac}, not {hmac}",
            field=str(key_file),
            rule="ledger",
            zh=f"该密钥文件用于 {key.hmac}，而不是 {hmac}",
        )
    with open_ledger(where, schema, key=key, create=True, suite=suite) as store:
        begin(store, dt.datetime.now(dt.UTC).date())
        recorded = store.recorded_key()
    shown = where
    if where.startswith(_POSTGRES):
        from community_governance.ledger.postgres import redacted

        shown = redacted(where)
    _say(lang, "created" if new else "opened", where=shown, key=key_file)
    if suite is not None:
        _say(lang, "suite", suite=suite)
    if recorded is not None:
        _say(lang, "key", **recorded)


@ledger.command("head", help="The ledger's head (count and last hash) and latest signed head.")
@ledger_argument
@schema_option
@format_option(["table", "json"], "How to show the head.")
@lang_option
def head(where: str, schema: str, fmt: str, lang: str | None) -> None:
    """Show the head to publish."""
    from community_governance.ledger.checkpoint import latest_checkpoint

    with open_ledger(where, schema) as store:
        count, digest = store.head()
        own = store.ledger_id()
        suite = store.suite()
        recorded = store.recorded_key()
        signed = latest_checkpoint(store)
    if fmt == "json":
        document = {"seq": count, "hash": digest, "ledger_id": own, "suite": suite}
        document["pseudonym_key"] = recorded
        document["signed_head"] = None if signed is None else signed.to_document()
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    _say(lang, "head", count=count, hash=digest, ledger=own or "-", suite=suite)
    if recorded is not None:
        _say(lang, "key", **recorded)
    if signed is None:
        _say(lang, "unsigned")
    else:
        scope = signed.scope or "-"
        _say(lang, "signed", seq=signed.seq, at=signed.at, key_id=signed.key_id, scope=scope)


def _trusted(hex_key: str | None) -> dict[str, Any]:
    from community_governance.errors import ParseError
    from community_governance.ledger.checkpoint import key_id

    if hex_key is None:
        return {}
    try:
        raw = bytes.fromhex(hex_key)
    except ValueError:
        raise ParseError(
            "not hexadecimal", field="--trusted-key", rule="R-1", zh="不是十六进制数"
        ) from None
    return {key_id(raw): raw}


@ledger.command("verify", help="Recompute the chain; against published heads too.")
@ledger_argument
@schema_option
@click.option("--head", "published", help="A published head, COUNT:HASH, the chain must reach.")
@click.option(
    "--signed-head",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="A published signed head (head.json); checked with --trusted-key.",
)
@click.option(
    "--trusted-key", help="The community's public key, hex: Ed25519's 32 bytes or SM2's 65."
)
@click.option(
    "--final", is_flag=True, help="The signed head closes the ledger: nothing may follow."
)
@click.option("--ledger-id", help="The ledger the signed head must close (its id, as published).")
@click.option("--scope", help="The community or scope the signed head must name.")
@lang_option
def verify(
    where: str,
    schema: str,
    published: str | None,
    signed_head: Path | None,
    trusted_key: str | None,
    final: bool,
    ledger_id: str | None,
    scope: str | None,
    lang: str | None,
) -> None:
    """Check the chain; exit 1 with the first finding when it breaks."""
    from community_governance.errors import ParseError
    from community_governance.ledger.checkpoint import SignedHead

    head_of: tuple[int, str] | None = None
    if published is not None:
        count, _, digest = published.partition(":")
        if not (count.isascii() and count.isdigit() and len(digest) == 64):  # noqa: PLR2004
            raise ParseError(
                "a head is COUNT:HASH (64 hex digits)",
                field="--head",
                rule="R-1",
                zh="账本头的格式为 COUNT:HASH（64 位十六进制数）",
            )
        head_of = (int(count), digest)
    with open_ledger(where, schema) as store:
        if signed_head is not None:
            document = json.loads(signed_head.read_text(encoding="utf-8"))
            heads = [SignedHead.from_document(document)]
            check = store.verify(
                heads=heads,
                trusted_keys=_trusted(trusted_key),
                final=final,
                ledger_id=ledger_id,
                scope=scope,
            )
        elif final or trusted_key is not None or ledger_id is not None or scope is not None:
            raise ParseError(
                "goes with --signed-head",
                field="--final/--trusted-key/--ledger-id/--scope",
                rule="R-1",
                zh="须与 --signed-head 一起使用",
            )
        else:
            check = store.verify(head_of)
    if not check.ok:
        zh = (lang or default_lang()) == "zh"
        reason = reason_zh(check.reason or "") if zh else check.reason
        _say(lang, "bad", seq=check.first_bad, reason=reason)
        raise click.exceptions.Exit(EXIT_OUTCOME)
    _say(lang, "ok", count=check.events)


@ledger.command(
    "append",
    help="Check documents by the rules, then append them to the record (households pseudonymised).",
)
@ledger_argument
@click.argument("documents", nargs=-1, required=True, metavar="DOCUMENT.json...")
@click.option(
    "--key-file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The ledger's pseudonym key file (from ledger init).",
)
@click.option("--community", default=None, help="The community of a certificate or survey.")
@click.option("--quarter", default=None, help="The quarter of a certificate or survey (2026Q3).")
@policy_option
@schema_option
@lang_option
def append(
    where: str,
    documents: tuple[str, ...],
    key_file: Path,
    community: str | None,
    quarter: str | None,
    policy_name: str,
    schema: str,
    lang: str | None,
) -> None:
    """Append documents."""
    from community_governance.cli.ledger_append import documents_to_events
    from community_governance.ledger.keys import load_key

    with open_ledger(where, schema, key=load_key(file=key_file)) as store:
        found = documents_to_events(
            list(documents),
            lambda household, scope: store.pseudonym(household, scope=scope),
            policy_name=policy_name,
            community=community,
            quarter=quarter,
        )
        streams: dict[str, list[Any]] = {}
        for stream, event in found:
            streams.setdefault(stream, []).append(event)
        for stream, batch in streams.items():
            store.append(stream, batch, expected_version=store.version(stream))
        total, last = store.head()
    _say(lang, "appended", count=len(found), streams=len(streams), total=total, hash=last)


@ledger.command("export", help="Write every event with its hash as JSON Lines.")
@ledger_argument
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@schema_option
@lang_option
def export(where: str, target: Path, schema: str, lang: str | None) -> None:
    """Export for an auditor (python -m community_governance.ledger.verify re-checks it)."""
    with open_ledger(where, schema) as store:
        count, digest = store.export_jsonl(target)
    _say(lang, "exported", count=count, path=target, hash=digest)


@ledger.command("import", help="Load an export into a new, empty ledger, checking its chain.")
@ledger_argument
@click.argument("source", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@schema_option
@lang_option
def import_(where: str, source: Path, schema: str, lang: str | None) -> None:
    """Import an export; a new ledger file is removed again if the import fails."""
    new_file = None if where.startswith(_POSTGRES) or Path(where).exists() else Path(where)
    try:
        with open_ledger(where, schema, create=True) as store:
            count, digest = store.import_jsonl(source)
    except BaseException:
        if new_file is not None:
            for leftover in (new_file, *(Path(f"{new_file}{s}") for s in ("-wal", "-shm"))):
                leftover.unlink(missing_ok=True)
        raise
    _say(lang, "imported", count=count, hash=digest)


def _sm2_key(text: bytes, source: Path) -> Any:
    """The SM2 private key of a PEM PKCS#8 text, or ``None`` if it holds another kind."""
    from community_governance.ledger.sm2 import SM2_OID, SM2PrivateKey
    from community_governance.ledger.storage import LedgerError

    try:
        return SM2PrivateKey.from_pem(text)
    except LedgerError as error:
        if SM2_OID in _der_of(text):  # an SM2 key, but a damaged one: say what is wrong
            raise error.moved(str(source)) from None
        return None


def _der_of(text: bytes) -> bytes:
    import base64
    import binascii

    body = b"".join(line for line in text.splitlines() if not line.startswith(b"-----"))
    try:
        return base64.b64decode(body)
    except (binascii.Error, ValueError):
        return b""


def signing_key_at(path: Path) -> Any:
    """The office's private signing key in the PEM file at ``path``: Ed25519 or SM2.

    Raises:
        ParseError: not an unencrypted PEM private key, naming the file.
    """
    from community_governance.errors import ParseError
    from community_governance.extras import require

    text = path.read_bytes()
    key: Any = _sm2_key(text, path)
    serialization: Any = require(
        "cryptography.hazmat.primitives.serialization",
        needed_for=("signing", "签名"),
        field="--signing-key",
        rule="R-1",
    )
    try:
        return key or serialization.load_pem_private_key(text, password=None)
    except (ValueError, TypeError) as error:
        raise ParseError(
            f"not an unencrypted PEM private key ({error})",
            field=str(path),
            rule="R-1",
            zh=f"不是未加密的 PEM 私钥（{error}）",
        ) from None


@ledger.command(
    "checkpoint",
    help="Sign the head with the office's key (Ed25519, or SM2 for sm3-sm2); write head.json.",
)
@ledger_argument
@click.option(
    "--signing-key",
    required=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="The office's private key, PEM (PKCS#8), unencrypted: Ed25519, or SM2 (openssl "
    "genpkey -algorithm SM2) for an sm3-sm2 ledger.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the signed head here (head.json) for publication.",
)
@click.option(
    "--at",
    "signed_at",
    type=dt.datetime.fromisoformat,
    help="When it is signed, ISO 8601 with its UTC offset (default: now).",
)
@click.option(
    "--scope",
    default=None,
    help="The community or scope the ledger serves, named in the head (default: the "
    "latest head's; it cannot change once named).",
)
@schema_option
@lang_option
def checkpoint_(
    where: str,
    signing_key: Path,
    output: Path | None,
    signed_at: dt.datetime | None,
    scope: str | None,
    schema: str,
    lang: str | None,
) -> None:
    """Sign and record the head."""
    from community_governance.ledger.checkpoint import checkpoint

    key = signing_key_at(signing_key)
    with open_ledger(where, schema) as store:
        signed = checkpoint(store, key, signed_at or dt.datetime.now().astimezone(), scope=scope)
    if output is not None:
        output.write_text(signed.to_json(), encoding="utf-8")
    scope_shown = signed.scope or "-"
    _say(lang, "signed", seq=signed.seq, at=signed.at, key_id=signed.key_id, scope=scope_shown)
