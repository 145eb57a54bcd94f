"""What every command shares: the language and format options, policies and documents by name.

One definition of each, so that ``--lang``, ``--format`` and ``--policy`` read and behave the
same in every command, and documents are read from files (or standard input) one way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from community_governance.policy import DEFAULT_POLICY, Policy, load_policy

__all__ = [
    "LANG",
    "document_from_bytes",
    "document_kind",
    "format_option",
    "lang_option",
    "load_document_file",
    "messages_lang_option",
    "named_policy",
    "policy_option",
]

F = TypeVar("F", bound=Callable[..., Any])

#: The output languages.
LANG = click.Choice(["zh", "en"])

lang_option = click.option(
    "--lang",
    type=LANG,
    default=None,
    help="Output language, zh or en (default: the locale, or COMMUNITY_GOVERNANCE_LANG).",
)

#: ``--lang`` on a command whose output is a file or data: the language of its messages
#: (errors and warnings), which the command line reads before the command runs.
messages_lang_option = click.option(
    "--lang",
    type=LANG,
    default=None,
    expose_value=False,
    help="Language of messages, zh or en (default: the locale, or COMMUNITY_GOVERNANCE_LANG).",
)

policy_option = click.option(
    "--policy",
    "policy_name",
    default=DEFAULT_POLICY,
    show_default=True,
    help="A policy's id (see policy list) or a policy file (.toml).",
)


def format_option(choices: Sequence[str], help_text: str) -> Callable[[F], F]:
    """``--format`` with ``choices``, the first being the default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=choices[0],
        show_default=True,
        help=help_text,
    )


def named_policy(name: str) -> Policy:
    """An installed policy by id, or a policy file when the name ends in ``.toml``."""
    return load_policy(Path(name) if name.endswith(".toml") else name)


def load_document_file(path: str, name: str) -> Any:
    """Document ``name`` from the file at ``path``, or from standard input when it is ``-``.

    The text may be UTF-8, with or without the byte-order mark Excel writes, or
    GB18030/GBK, as Chinese Windows writes.

    Raises:
        ParseError: the file cannot be read or decoded, or the document is invalid.
    """
    from community_governance.tables.text import read_path

    data, source = read_path(path, rule=name)
    return document_from_bytes(data, source, name)


def document_kind(data: bytes, source: str, rule: str) -> str | None:
    """The ``document`` field of the JSON document in ``data`` (its kind), or ``None``."""
    import json

    from community_governance.tables.text import decode

    try:
        head = json.loads(decode(data, source, rule=rule))
    except (ValueError, RecursionError):  # the document's own reader names the fault
        return None
    kind = head.get("document") if isinstance(head, dict) else None
    return kind if isinstance(kind, str) else None


def document_from_bytes(data: bytes, source: str, name: str) -> Any:
    """Document ``name`` from the bytes of file ``source`` (UTF-8, with a BOM, or GBK)."""
    from community_governance.schemas import load_document
    from community_governance.tables.text import decode

    return load_document(name, decode(data, source, rule=name), source=source)
