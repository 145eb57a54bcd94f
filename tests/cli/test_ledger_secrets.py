"""A connection string's password is never said: not by a ``ledger`` command, not in an error.

Real components: the PostgreSQL server the suite starts, a role with a password, and every
``ledger`` command run as an operator runs it, its output and its errors searched for the
password.
"""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from community_governance.errors import GovernanceError
from community_governance.ledger.postgres import PostgresLedger, redacted
from tests.cli.shell import run
from tests.ledger.builders import demo_ledger

SECRET = "Zq7-secret-pw"  # noqa: S105 - a test role's password, searched for in the output


@pytest.fixture(scope="module")
def uri(postgresql_server: str) -> str:
    """A URI of a role whose password is SECRET."""
    options = dict(part.split("=", 1) for part in postgresql_server.split())
    with psycopg.connect(postgresql_server, autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS ledger_writer")
        conn.execute(f"CREATE ROLE ledger_writer LOGIN SUPERUSER PASSWORD '{SECRET}'")
    return f"postgresql://ledger_writer:{SECRET}@{options['host']}:{options['port']}/postgres"


def test_no_ledger_command_says_the_password(
    uri: str, exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The record: init, append, import, head, verify, export, checkpoint, and errors."""
    source = tmp_path / "a.db"
    demo_ledger(source).close()
    run(capsys, "ledger", "export", str(source), str(tmp_path / "a.jsonl"))
    pem = tmp_path / "office.pem"
    pem.write_bytes(
        Ed25519PrivateKey.from_private_bytes(bytes(range(32))).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    schema = ["--schema", "secrets_test"]
    key = ["--key-file", str(tmp_path / "k.key")]
    commands = [
        ["ledger", "init", uri, *key, *schema],
        ["ledger", "init", uri, *key, *schema],  # reopened
        [
            "ledger",
            "append",
            uri,
            str(exported / "ratings.json"),
            "--schema",
            "secrets_append_{lang}",
            *key,
        ],
        ["ledger", "import", uri, str(tmp_path / "a.jsonl"), "--schema", "secrets_import_{lang}"],
        ["ledger", "head", uri, *schema],
        ["ledger", "head", uri, *schema, "--format", "json"],
        ["ledger", "verify", uri, *schema],
        ["ledger", "export", uri, str(tmp_path / "b.jsonl"), *schema],
        [
            "ledger",
            "checkpoint",
            uri,
            "--schema",
            "secrets_import_{lang}",
            "--signing-key",
            str(pem),
            "-o",
            str(tmp_path / "h"),
        ],
        ["ledger", "head", uri.replace("/postgres", "/no_such_db"), *schema],
        ["ledger", "head", uri.replace(SECRET, SECRET[:4] + "%zz" + SECRET[4:]), *schema],
        [
            "ledger",
            "head",
            uri.replace(str(uri.rsplit(":", maxsplit=1)[-1].split("/", maxsplit=1)[0]), "1"),
            *schema,
        ],
        ["ledger", "head", uri, "--schema", "information_schema"],
    ]
    said = []
    for argv in commands:
        for lang in ("en", "zh"):
            code, out, err = run(capsys, *(a.format(lang=lang) for a in argv), "--lang", lang)
            said.append((argv[1], code, out + err))
    assert [code for _, code, _ in said[:18]] == [0] * 18, said
    assert all(code == 2 for _, code, _ in said[18:]), said
    for command, code, text in said:
        assert code == 0 or len(text.strip().splitlines()) == 1, text
        assert SECRET not in text, (command, text)
        assert SECRET[4:] not in text, (command, text)
    assert "***" in said[0][2]


@pytest.mark.parametrize(
    "conninfo",
    [
        f"postgresql://u:{SECRET[:4]}%zz{SECRET[4:]}@127.0.0.1:1/db",
        f"postgresql://u:{SECRET}@127.0.0.1:1/db",
        f"host=127.0.0.1 port=1 user=u password={SECRET}",
        f"host=127.0.0.1 port=1 user=u password='{SECRET}'",
        f"postgresql://127.0.0.1:1/db?user=u&password={SECRET}",
    ],
)
def test_a_python_exception_carries_no_password(conninfo: str) -> None:
    """The record: ``PostgresLedger()`` that cannot connect says why, without the password."""
    with pytest.raises(GovernanceError) as raised:
        PostgresLedger(conninfo, key=None, schema="anything")
    for text in (str(raised.value), raised.value.zh or "", repr(raised.value.args)):
        assert SECRET not in text
        assert SECRET[4:] not in text
    assert redacted(conninfo).count("***") == 1


@pytest.mark.parametrize("schema", ["information_schema", "pg_catalog", "pg_mine", "select"])
def test_a_reserved_schema_name_is_refused(schema: str) -> None:
    """The record: PostgreSQL's own schemas and key words cannot hold a ledger."""
    with pytest.raises(GovernanceError, match="reserved by PostgreSQL") as raised:
        PostgresLedger("postgresql://u@127.0.0.1:1/db", key=None, schema=schema)
    assert (raised.value.field, raised.value.rule) == ("schema", "ledger")
    assert json.dumps(raised.value.zh, ensure_ascii=False)
