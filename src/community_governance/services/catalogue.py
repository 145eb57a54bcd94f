"""The service catalogue: the seven services and their sub-services, bilingual (S-1..S-7).

The built-in catalogue is data (``services/data/catalogue.toml``): each
[`ServiceEntry`][community_governance.services.catalogue.ServiceEntry] has an id, its category (one
of the seven services, whose
rule ID it carries), Chinese and English names and descriptions, the roles or
organisation kinds that provide it and the groups it serves.

Municipal teams extend it without forking: a TOML file of the same shape, or an
installed package naming such a file under the entry-point group
``community_governance.services``. An extension may add entries, target groups
and local labels (``[[label]]``: new names for an existing entry). It never
silently replaces a built-in entry: reusing an id raises
[`CatalogueError`][community_governance.services.catalogue.CatalogueError] unless the entry says
``replace = true``.

``community-governance catalogue --format markdown --lang en`` (or ``zh``)
prints the catalogue as Markdown; the docs' catalogue pages are generated that way.

The catalogue's entries, its TOML reading and its extension by files and packages share
one structure.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from community_governance.errors import GovernanceError, UnknownLabelError, strerror_zh
from community_governance.explain import Text
from community_governance.vocabulary import Lang, OrganisationKind, Pillar, Role, ServiceCategory

__all__ = [
    "ENTRY_POINT_GROUP",
    "Catalogue",
    "CatalogueError",
    "ServiceEntry",
    "builtin_catalogue",
    "load_catalogue",
]

#: Installed packages extend the catalogue under this entry-point group.
ENTRY_POINT_GROUP = "community_governance.services"


class CatalogueError(GovernanceError, ValueError):
    """An invalid catalogue or extension (names the file, the entry and the field)."""


def _providers() -> frozenset[str]:
    return frozenset(m.code for m in Role) | frozenset(m.code for m in OrganisationKind)


@attrs.frozen
class ServiceEntry:
    """One service or sub-service of the catalogue.

    Attributes:
        entry_id: a stable id (sub-services: ``"<parent>.<name>"`` by convention).
        category: which of the seven services it belongs to.
        name: its name in Chinese and English.
        description: what it is, in Chinese and English.
        providers: role or organisation-kind codes of who provides it.
        groups: codes of the groups it serves.
        parent: the entry it is a part of, if any.
        source: where it came from (``builtin`` or an extension's name).
    """

    entry_id: str
    category: ServiceCategory
    name: Text
    description: Text
    providers: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    parent: str | None = None
    source: str = "builtin"

    @property
    def rule(self) -> str:
        """The rule ID of its category (S-1..S-7)."""
        return self.category.rule

    @property
    def pillar(self) -> Pillar:
        """Every service counts toward the 70% service pillar (P-2)."""
        return Pillar.SERVICE


@attrs.frozen
class Catalogue:
    """An immutable, validated set of service entries, with target-group labels."""

    entries: Mapping[str, ServiceEntry]
    groups: Mapping[str, Text]
    sources: tuple[str, ...] = ("builtin",)

    def __attrs_post_init__(self) -> None:
        known = _providers()
        for entry in self.entries.values():
            where = f"{entry.source}: service[{entry.entry_id}]"
            if entry.parent is not None:
                parent = self.entries.get(entry.parent)
                if parent is None:
                    raise CatalogueError(
                        f"unknown parent {entry.parent!r}",
                        field=f"{where}.parent",
                        rule=entry.rule,
                        zh=f"未知的上级服务 {entry.parent!r}",
                    )
                if parent.category is not entry.category:
                    raise CatalogueError(
                        "a sub-service shares its parent's category",
                        field=f"{where}.category",
                        rule=entry.rule,
                        zh="子服务与上级服务属于同一类别",
                    )
            stray = [p for p in entry.providers if p not in known]
            if stray:
                raise CatalogueError(
                    f"unknown provider(s) {stray}",
                    field=f"{where}.providers",
                    rule=entry.rule,
                    zh=f"未知的提供方 {stray}",
                )
            missing = [g for g in entry.groups if g not in self.groups]
            if missing:
                raise CatalogueError(
                    f"undefined group(s) {missing}",
                    field=f"{where}.groups",
                    rule=entry.rule,
                    zh=f"未定义的分组 {missing}",
                )

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, entry_id: str) -> ServiceEntry:
        """The entry with id ``entry_id``.

        Raises:
            UnknownLabelError: no such entry.
        """
        try:
            return self.entries[entry_id]
        except KeyError:
            raise UnknownLabelError(
                f"no service {entry_id!r} in the catalogue",
                field="service",
                rule="S-1",
                zh=f"服务目录中没有服务 {entry_id!r}",
            ) from None

    def find(self, label: str) -> ServiceEntry:
        """The entry whose id, Chinese or English name is ``label``.

        Raises:
            UnknownLabelError: nothing matches.
        """
        wanted = label.strip()
        for entry in self.entries.values():
            if (
                wanted in (entry.entry_id, entry.name.zh)
                or wanted.casefold() == entry.name.en.casefold()
            ):
                return entry
        raise UnknownLabelError(
            f"no service named {label!r}",
            field="service",
            rule="S-1",
            zh=f"没有名为 {label!r} 的服务",
        )

    def select(
        self,
        *,
        category: ServiceCategory | None = None,
        provider: str | None = None,
        group: str | None = None,
        top_level: bool | None = None,
    ) -> tuple[ServiceEntry, ...]:
        """Entries by category, provider code, target group and level, in catalogue order."""
        return tuple(
            e
            for e in self.entries.values()
            if (category is None or e.category is category)
            and (provider is None or provider in e.providers)
            and (group is None or group in e.groups)
            and (top_level is None or (e.parent is None) == top_level)
        )

    def children(self, entry_id: str) -> tuple[ServiceEntry, ...]:
        """The sub-services of ``entry_id``."""
        self.get(entry_id)
        return tuple(e for e in self.entries.values() if e.parent == entry_id)

    def extend(self, text: str, *, source: str) -> Catalogue:
        """A catalogue with the extension in ``text`` (TOML) applied; this one is unchanged.

        Raises:
            CatalogueError: invalid TOML or entries, or an id clash without
                ``replace = true``.
        """
        entries, groups, labels = _parse(text, source)
        merged = dict(self.entries)
        for entry, replace in entries:
            if entry.entry_id in merged and not replace:
                raise CatalogueError(
                    f"{entry.entry_id!r} already exists (from {merged[entry.entry_id].source}); "
                    "set replace = true to replace it on purpose",
                    field=f"{source}: service[{entry.entry_id}]",
                    rule=entry.rule,
                    zh=(
                        f"{entry.entry_id!r} 已存在（来自 {merged[entry.entry_id].source}）；"
                        "若要有意替换，请设 replace = true"
                    ),
                )
            merged[entry.entry_id] = entry
        clashing = sorted(set(groups) & set(self.groups))
        if clashing:
            raise CatalogueError(
                f"group(s) {clashing} already defined",
                field=f"{source}: groups",
                rule="S-1",
                zh=f"分组 {clashing} 已有定义",
            )
        for entry_id, name in labels.items():
            if entry_id not in merged:
                raise CatalogueError(
                    f"a label for unknown service {entry_id!r}",
                    field=f"{source}: label",
                    rule="S-1",
                    zh=f"标签指向未知服务 {entry_id!r}",
                )
            merged[entry_id] = attrs.evolve(merged[entry_id], name=name)
        return Catalogue(merged, {**self.groups, **groups}, (*self.sources, source))

    def to_list(self) -> list[dict[str, Any]]:
        """Every entry as plain data (for JSON export)."""
        return [
            {
                "id": e.entry_id,
                "category": e.category.code,
                "rule": e.rule,
                "parent": e.parent,
                "name": {"zh": e.name.zh, "en": e.name.en},
                "description": {"zh": e.description.zh, "en": e.description.en},
                "providers": list(e.providers),
                "groups": list(e.groups),
                "source": e.source,
            }
            for e in self.entries.values()
        ]

    def to_json(self) -> str:
        """The catalogue as JSON."""
        return json.dumps(self.to_list(), ensure_ascii=False, indent=2)

    def to_markdown(self, lang: Lang = "en") -> str:
        """The catalogue as a Markdown page in ``lang`` (used for the docs)."""

        def label(code: str) -> str:
            for enum in (Role, OrganisationKind):
                for member in enum:
                    if member.code == code:
                        return member.label(lang)
            return code

        title = "服务目录" if lang == "zh" else "Service catalogue"
        head = (
            ("规则", "服务", "提供者", "服务对象")
            if lang == "zh"
            else ("Rule", "Service", "Providers", "For")
        )
        lines = [f"# {title}", ""]
        for category in ServiceCategory:
            top = self.select(category=category, top_level=True)
            if not top:
                continue
            lines.append(f"## {category.rule} {category.label(lang)}")
            lines.append("")
            for entry in top:
                lines.append(entry.description(lang))
                lines.append("")
            lines.append(f"| {' | '.join(head)} |")
            lines.append("|---|---|---|---|")
            lines.extend(
                f"| {entry.rule} | {entry.name(lang)} | "
                f"{', '.join(label(p) for p in entry.providers)} | "
                f"{', '.join(self.groups[g](lang) for g in entry.groups)} |"
                for entry in self.select(category=category)
            )
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"


def _text(raw: object, where: str) -> Text:
    if (
        isinstance(raw, Mapping)
        and isinstance(raw.get("zh"), str)
        and isinstance(raw.get("en"), str)
    ):
        return Text(raw["zh"], raw["en"])
    raise CatalogueError(
        "expected a table {zh, en}", field=where, rule="S-1", zh="应为 {zh, en} 表"
    )


_ENTRY_KEYS = {
    "id",
    "parent",
    "category",
    "zh",
    "en",
    "description",
    "providers",
    "groups",
    "replace",
}


def _parse(
    text: str, source: str
) -> tuple[list[tuple[ServiceEntry, bool]], dict[str, Text], dict[str, Text]]:
    import tomllib  # noqa: PLC0415 - only when a catalogue is read

    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CatalogueError(
            f"not valid TOML: {error}", field=source, rule="S-1", zh=f"不是有效的 TOML：{error}"
        ) from None
    unknown = set(document) - {"groups", "service", "label"}
    if unknown:
        raise CatalogueError(
            f"unknown key(s) {sorted(unknown)}",
            field=source,
            rule="S-1",
            zh=f"未知的键 {sorted(unknown)}",
        )
    groups = {
        code: _text(raw, f"{source}: groups.{code}")
        for code, raw in document.get("groups", {}).items()
    }
    entries: list[tuple[ServiceEntry, bool]] = []
    seen: set[str] = set()
    for i, raw in enumerate(document.get("service", [])):
        where = f"{source}: service[{i}]"
        extra = set(raw) - _ENTRY_KEYS
        if extra:
            raise CatalogueError(
                f"unknown key(s) {sorted(extra)}",
                field=where,
                rule="S-1",
                zh=f"未知的键 {sorted(extra)}",
            )
        entry_id = raw.get("id")
        if not isinstance(entry_id, str) or not entry_id or entry_id in seen:
            raise CatalogueError(
                "each entry has a unique, non-empty id",
                field=f"{where}.id",
                rule="S-1",
                zh="每个条目须有唯一的非空编号",
            )
        seen.add(entry_id)
        try:
            category = ServiceCategory.from_label(str(raw.get("category", "")))
        except UnknownLabelError as error:
            raise CatalogueError(
                error.message, field=f"{where}.category", rule="S-1", zh=error.zh
            ) from None
        if not isinstance(raw.get("zh"), str) or not isinstance(raw.get("en"), str):
            raise CatalogueError(
                "an entry has zh and en names",
                field=f"{where}.zh",
                rule=category.rule,
                zh="条目须有 zh 和 en 名称",
            )
        entries.append(
            (
                ServiceEntry(
                    entry_id=entry_id,
                    category=category,
                    name=Text(raw["zh"], raw["en"]),
                    description=_text(raw.get("description"), f"{where}.description"),
                    providers=tuple(raw.get("providers", ())),
                    groups=tuple(raw.get("groups", ())),
                    parent=raw.get("parent"),
                    source=source,
                ),
                bool(raw.get("replace", False)),
            )
        )
    labels = {}
    for i, raw in enumerate(document.get("label", [])):
        where = f"{source}: label[{i}]"
        if not isinstance(raw.get("id"), str):
            raise CatalogueError(
                "a label names the entry id",
                field=f"{where}.id",
                rule="S-1",
                zh="标签须写明条目编号",
            )
        labels[raw["id"]] = _text(raw, where)
    return entries, groups, labels


def builtin_catalogue() -> Catalogue:
    """The catalogue shipped with the library."""
    from importlib import resources  # noqa: PLC0415 - only when a catalogue is read

    text = (
        resources.files("community_governance.services")
        .joinpath("data/catalogue.toml")
        .read_text(encoding="utf-8")
    )
    entries, groups, labels = _parse(text, "builtin")
    catalogue = Catalogue({e.entry_id: e for e, _ in entries}, groups)
    if labels:
        raise CatalogueError(
            "the built-in catalogue carries no local labels",
            field="builtin",
            rule="S-1",
            zh="内置服务目录不含本地标签",
        )
    return catalogue


def _extension_texts() -> list[tuple[str, str]]:
    from importlib.metadata import entry_points  # noqa: PLC0415 - slow; only when asked

    texts = []
    for point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda p: p.name):
        target: Any = point.load()
        if callable(target):
            target = target()
        try:
            texts.append((point.name, Path(target).read_text(encoding="utf-8")))
        except (OSError, TypeError) as error:
            raise CatalogueError(
                f"entry point {point.name!r} must name a catalogue file: {error}",
                field=f"entry-points[{ENTRY_POINT_GROUP}].{point.name}",
                rule="S-1",
                zh=f"入口点 {point.name!r} 须指向服务目录文件：{error}",
            ) from None
    return texts


def load_catalogue(*, installed: bool = True, files: Iterable[str | Path] = ()) -> Catalogue:
    """The built-in catalogue, extended by installed packages and by ``files``, in that order.

    Raises:
        CatalogueError: an invalid extension or an unflagged id clash.
    """
    catalogue = builtin_catalogue()
    if installed:
        for name, text in _extension_texts():
            catalogue = catalogue.extend(text, source=name)
    for path in files:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as error:
            raise CatalogueError(
                f"cannot read: {error.strerror}",
                field=str(path),
                rule="S-1",
                zh=f"无法读取：{strerror_zh(error)}",
            ) from None
        catalogue = catalogue.extend(text, source=str(path))
    return catalogue
