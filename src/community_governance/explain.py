"""Explanation: the trace every decision carries.

Every rule of the library returns, beside its result, an
[`Explanation`][community_governance.explain.Explanation]
that says which rule IDs applied, which policy parameters were read (with the
date their value took effect), the inputs that mattered, and the ordered steps
with their exact intermediate values. It renders as text in Chinese or
English, and as HTML in a notebook; its JSON form is a document of
[`schemas.explanation`][community_governance.schemas.explanation].

Values are stored as canonical text (``"1/3"``, ``"86.20"``): exact, readable,
and the same in every rendering.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction

import attrs

from community_governance.numbers import format_fraction
from community_governance.vocabulary import BilingualEnum, Lang

__all__ = [
    "Explanation",
    "ExplanationBuilder",
    "ParameterUse",
    "Step",
    "Text",
    "render_value",
]


def render_value(value: object) -> str:  # noqa: PLR0911 - one return per kind of value
    """Canonical, exact text for a value shown in an explanation.

    Fractions as integers, decimals or ratios
    ([`format_fraction`][community_governance.numbers.format_fraction]),
    Decimals as written, vocabulary members by code, dates in ISO form,
    sequences and mappings element by element.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Fraction):
        return format_fraction(value)
    if isinstance(value, int | Decimal | str):
        return str(value)
    if isinstance(value, BilingualEnum):
        return value.code
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return (
            "{" + ", ".join(f"{render_value(k)}: {render_value(v)}" for k, v in value.items()) + "}"
        )
    if isinstance(value, Iterable):
        return "[" + ", ".join(render_value(v) for v in value) + "]"
    if value is None:
        return "none"
    return repr(value)


@attrs.frozen
class Text:
    """A short text in Chinese and English."""

    zh: str
    en: str

    def __call__(self, lang: Lang) -> str:
        """The text in ``lang``."""
        return self.zh if lang == "zh" else self.en


@attrs.frozen
class ParameterUse:
    """A policy parameter a decision read: its name, value and provenance."""

    name: str
    value: str
    valid_from: dt.date
    rule: str


@attrs.frozen
class Step:
    """One ordered step of a decision, with its exact intermediate value."""

    text: Text
    value: str | None = None
    rule: str | None = None


_LABELS: dict[str, Text] = {
    "rules": Text("适用规则", "Rules applied"),
    "parameters": Text("读取的参数", "Parameters read"),
    "inputs": Text("关键输入", "Inputs"),
    "steps": Text("步骤", "Steps"),
    "outcome": Text("结论", "Outcome"),
    "flags": Text("标记", "Flags"),
    "from": Text("生效于", "from"),
}


@attrs.frozen
class Explanation:
    """Why a decision came out as it did.

    Attributes:
        title: what was decided.
        outcome: the decision, in words.
        rules: rule IDs applied, in the order they applied.
        parameters: policy parameters read, with value and effective date.
        inputs: the inputs that mattered, as (name, canonical text).
        steps: ordered steps with exact intermediate values.
        flags: machine-readable markers of anything out of the ordinary
            (for example ``"reweighted"``).
    """

    title: Text
    outcome: Text
    rules: tuple[str, ...] = ()
    parameters: tuple[ParameterUse, ...] = ()
    inputs: tuple[tuple[str, str], ...] = ()
    steps: tuple[Step, ...] = ()
    flags: tuple[str, ...] = ()

    def to_text(self, lang: Lang = "en") -> str:
        """Render as plain text in ``lang``."""
        label = {key: text(lang) for key, text in _LABELS.items()}
        lines = [self.title(lang), f"{label['outcome']}: {self.outcome(lang)}"]
        lines.append(f"{label['rules']}: {', '.join(self.rules) or '-'}")
        if self.parameters:
            lines.append(f"{label['parameters']}:")
            lines.extend(
                f"  {p.name} = {p.value} ({p.rule}, {label['from']} {p.valid_from.isoformat()})"
                for p in self.parameters
            )
        if self.inputs:
            lines.append(f"{label['inputs']}:")
            lines.extend(f"  {name} = {_said(value, lang)}" for name, value in self.inputs)
        if self.steps:
            lines.append(f"{label['steps']}:")
            for number, step in enumerate(self.steps, start=1):
                value = f" = {_said(step.value, lang)}" if step.value is not None else ""
                rule = f" [{step.rule}]" if step.rule else ""
                lines.append(f"  {number}. {step.text(lang)}{value}{rule}")
        if self.flags:
            lines.append(f"{label['flags']}: {', '.join(self.flags)}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text("en")

    def html_steps(self, lang: Lang | None = None) -> str:
        """The steps as HTML list items, in ``lang`` or (``None``) in both languages."""
        import html  # noqa: PLC0415 - html pulls in a large entity table; only pages need it

        esc = html.escape
        return "".join(
            f"<li>{esc(s.text(lang)) if lang else f'{esc(s.text.zh)} / {esc(s.text.en)}'}"
            + (f" = <code>{esc(render_value(s.value))}</code>" if s.value is not None else "")
            + (f" <small>[{esc(s.rule)}]</small>" if s.rule else "")
            + "</li>"
            for s in self.steps
        )

    def html_parameters(self) -> str:
        """The parameters read as HTML table rows: name, value, rule, first day in force."""
        import html  # noqa: PLC0415

        esc = html.escape
        return "".join(
            f"<tr><td><code>{esc(p.name)}</code></td><td><code>{esc(p.value)}</code></td>"
            f"<td>{esc(p.rule)}</td><td>{p.valid_from.isoformat()}</td></tr>"
            for p in self.parameters
        )

    def _repr_html_(self) -> str:
        import html  # noqa: PLC0415 - html pulls in a large entity table; only notebooks need it

        esc = html.escape
        rows = self.html_parameters()
        steps = self.html_steps()
        inputs = "".join(
            f"<tr><td>{esc(n)}</td><td><code>{esc(v)}</code></td></tr>" for n, v in self.inputs
        )
        return (
            '<div class="cg-explanation">'
            f"<h4>{esc(self.title.zh)} / {esc(self.title.en)}</h4>"
            f"<p><b>结论 / Outcome:</b> {esc(self.outcome.zh)} / {esc(self.outcome.en)}</p>"
            f"<p><b>适用规则 / Rules:</b> {esc(', '.join(self.rules))}</p>"
            + (
                "<table><tr><th>参数 / parameter</th><th>值 / value</th><th>规则 / rule</th>"
                f"<th>生效于 / from</th></tr>{rows}</table>"
                if rows
                else ""
            )
            + (f"<table>{inputs}</table>" if inputs else "")
            + (f"<ol>{steps}</ol>" if steps else "")
            + "</div>"
        )


@attrs.define
class ExplanationBuilder:
    """Collects an explanation while a rule runs; ``build`` freezes it.

    Local to one call of a rule, so rules stay pure.
    """

    title: Text
    rules: list[str] = attrs.field(factory=list)
    parameters: list[ParameterUse] = attrs.field(factory=list)
    inputs: list[tuple[str, str]] = attrs.field(factory=list)
    steps: list[Step] = attrs.field(factory=list)
    flags: list[str] = attrs.field(factory=list)

    def rule(self, *rule_ids: str) -> None:
        """Record rule IDs as applied (each once, in first-use order)."""
        for rule_id in rule_ids:
            if rule_id not in self.rules:
                self.rules.append(rule_id)

    def parameter(self, use: ParameterUse) -> None:
        """Record a parameter read (each once)."""
        if use not in self.parameters:
            self.parameters.append(use)
            self.rule(use.rule)

    def include_reads(self, other: ExplanationBuilder | Explanation) -> None:
        """Record the parameters ``other`` read: a step computed once and shared, or a part."""
        for use in other.parameters:
            self.parameter(use)

    def input(self, name: str, value: object) -> None:
        """Record an input that mattered."""
        self.inputs.append((name, render_value(value)))

    def step(self, zh: str, en: str, value: object = None, rule: str | None = None) -> None:
        """Record a step with its exact intermediate value."""
        shown = None if value is None else render_value(value)
        self.steps.append(Step(Text(zh, en), shown, rule))
        if rule:
            self.rule(rule)

    def flag(self, code: str) -> None:
        """Mark the decision as out of the ordinary."""
        if code not in self.flags:
            self.flags.append(code)

    def build(self, outcome: Text) -> Explanation:
        """Freeze what was collected into an ``Explanation``."""
        return Explanation(
            title=self.title,
            outcome=outcome,
            rules=tuple(self.rules),
            parameters=tuple(self.parameters),
            inputs=tuple(self.inputs),
            steps=tuple(self.steps),
            flags=tuple(self.flags),
        )


#: How a yes-or-no value reads in each language (the JSON form keeps ``true``/``false``).
_YES_NO: dict[str, dict[object, str]] = {"zh": {"true": "是", "false": "否"}, "en": {}}


def _said(value: object, lang: Lang) -> object:
    """A step's or an input's value as read in ``lang``: a yes-or-no in its words."""
    return _YES_NO[lang].get(value, value) if isinstance(value, str) else value
