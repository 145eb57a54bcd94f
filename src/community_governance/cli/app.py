"""Commands of the ``community-governance`` command line (adapter over the domain).

``policy show`` (the default job), ``policy list``, ``policy validate`` and
``policy diff`` (P, all rules).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from community_governance.cli import EXIT_OUTCOME, default_lang
from community_governance.policy import (
    DEFAULT_POLICY,
    Policy,
    available_policies,
    diff,
    load_policy,
)
from community_governance.vocabulary import Lang

__all__ = ["cli"]

_LANG = click.Choice(["zh", "en"])
_FORMAT = click.Choice(["table", "json"])


def _policy(name: str) -> Policy:
    return load_policy(Path(name) if name.endswith(".toml") else name)


def _echo_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group(help="The 127 community-governance mechanism. 127党建引领社区治理机制。")
@click.version_option(package_name="community-governance")
def cli() -> None:
    """Group of all commands."""


@cli.group(help="Read, check and compare policies. 查看、校验、比较政策参数。")
def policy() -> None:
    """Group of the policy commands."""


@policy.command("show", help="List every parameter with its value, rule, dates and note.")
@click.argument("name", default=DEFAULT_POLICY)
@click.option("--at", "on", type=click.DateTime(["%Y-%m-%d"]), help="Only the values on this date.")
@click.option("--format", "fmt", type=_FORMAT, default="table", show_default=True)
@click.option("--lang", type=_LANG, default=None, help="zh or en (default: from the locale).")
def policy_show(name: str, on: dt.datetime | None, fmt: str, lang: Lang | None) -> None:
    """Show a policy (a shipped or installed id, or a .toml file)."""
    loaded = _policy(name)
    lang = lang or default_lang()
    if on is not None:
        snapshot = loaded.at(on.date())
        if fmt == "json":
            _echo_json(
                {
                    use.name: {
                        "value": use.value,
                        "rule": use.rule,
                        "valid_from": str(use.valid_from),
                    }
                    for use in snapshot.uses.values()
                }
            )
        else:
            for use in snapshot.uses.values():
                click.echo(f"{use.name} = {use.value}  [{use.rule}, {use.valid_from}]")
        return
    if fmt == "json":
        click.echo(loaded.to_json())
    else:
        click.echo(loaded.to_text(lang))


@policy.command("list", help="List the ids of the shipped and installed policies.")
def policy_list() -> None:
    """List available policy ids."""
    for name in available_policies():
        click.echo(name)


@policy.command("validate", help="Check a policy file; exit 2 with the field and rule if invalid.")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", type=_LANG, default=None)
def policy_validate(path: Path, lang: Lang | None) -> None:
    """Validate a policy file."""
    loaded = load_policy(path)
    if (lang or default_lang()) == "zh":
        click.echo(f"{path}: 有效（{len(loaded.parameters)} 个参数）")
    else:
        click.echo(f"{path}: valid ({len(loaded.parameters)} parameters)")


@policy.command("diff", help="List the parameters that differ between two policies.")
@click.argument("before")
@click.argument("after")
@click.option("--format", "fmt", type=_FORMAT, default="table", show_default=True)
@click.option("--lang", type=_LANG, default=None)
@click.option("--fail-on-change", is_flag=True, help="Exit 1 when the policies differ.")
def policy_diff(before: str, after: str, fmt: str, lang: Lang | None, fail_on_change: bool) -> None:  # noqa: FBT001
    """Compare two policies."""
    changes = diff(_policy(before), _policy(after))
    if fmt == "json":
        _echo_json(changes.as_overrides())
    else:
        click.echo(changes.to_text(lang or default_lang()))
    if fail_on_change and changes:
        raise click.exceptions.Exit(EXIT_OUTCOME)


@cli.command("catalogue", help="List the service catalogue (S-1..S-7), with installed extensions.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table")
@click.option("--lang", type=_LANG, default=None)
@click.option("--builtin", is_flag=True, help="Only the built-in catalogue, without extensions.")
@click.option(
    "--extension",
    "extensions",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="An extension file.",
)
def catalogue(fmt: str, lang: Lang | None, builtin: bool, extensions: tuple[str, ...]) -> None:  # noqa: FBT001
    """Show the service catalogue."""
    from community_governance.services import load_catalogue  # noqa: PLC0415

    shown = load_catalogue(installed=not builtin, files=extensions)
    language = lang or default_lang()
    if fmt == "json":
        click.echo(shown.to_json())
    elif fmt == "markdown":
        click.echo(shown.to_markdown(language), nl=False)
    else:
        for entry in shown.entries.values():
            indent = "  " if entry.parent else ""
            click.echo(f"{entry.rule}  {indent}{entry.entry_id}  {entry.name(language)}")
