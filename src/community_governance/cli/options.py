"""What every command shares: the language and format options, policies and documents by name.

One definition of each, so that ``--lang``, ``--format`` and ``--policy`` read and behave the
same in every command, and documents are read from files (or standard input) one way.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from community_governance.policy import DEFAULT_POLICY, Policy, load_policy

__all__ = [
    "LANG",
    "format_option",
    "lang_option",
    "load_document_file",
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
    from community_governance.errors import ParseError
    from community_governance.schemas import load_document

    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as error:
        raise ParseError(f"cannot read the file: {error.strerror}", field=path, rule=name) from None
    if path == "-":
        path = "<stdin>"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise ParseError(
                "the file is neither UTF-8 nor GB18030/GBK text", field=path, rule=name
            ) from None
    return load_document(name, text, source=path)
