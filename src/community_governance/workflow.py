"""Declarative workflows: transition tables with named guards, checked when defined.

A [`Workflow`][community_governance.workflow.Workflow] is data: its states, its one initial state,
its terminal
states and a table of [`Transition`][community_governance.workflow.Transition] rows (from which
states, on which
kind of event, to which state, under which named [`Guard`][community_governance.workflow.Guard]
objects). It is
validated when it is built — the initial state exists, every state can be
reached from it, and from every state a terminal state can be reached (no dead
ends) — so a broken table fails at import, not in production.

[`Workflow.step`][community_governance.workflow.Workflow.step] finds the row for a state and an
event and runs its
guards; a missing row raises
[`InvalidTransition`][community_governance.errors.InvalidTransition] naming the state and the
event, a failing guard raises the guard's own error naming the state, the
event and the guard. Used by meetings (C-3), project records (C-4),
rectification cases (R-1..R-3) and micro-wishes (S-4).

Every event-driven object is advanced the same way, by the pure
``apply(subject, event, at=...)`` of this module, which returns the subject after
the event and leaves the one it was given unchanged. Each kind of subject
registers how it advances with [`advances`][community_governance.workflow.advances].
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

import attrs

from community_governance.errors import GovernanceError, InvalidTransition
from community_governance.vocabulary import BilingualEnum

__all__ = [
    "Guard",
    "Transition",
    "Workflow",
    "WorkflowDefinitionError",
    "advances",
    "apply",
]

S = TypeVar("S")
F = TypeVar("F", bound=Callable[..., Any])
_ADVANCE: dict[type, Callable[..., Any]] = {}


class WorkflowDefinitionError(GovernanceError, ValueError):
    """A transition table that fails validation (unreachable state, dead end, ...)."""


@attrs.frozen
class Guard:
    """A named condition on a transition, with the error it raises and why.

    ``check(subject, event, at)`` returns true when the step may happen; when it
    does not, ``error`` is raised naming ``field`` (by default the event).
    """

    name: str
    check: Callable[[Any, Any, dt.date], bool]
    error: type[GovernanceError]
    why: str
    rule: str
    field: str = "event"
    #: ``why`` in Chinese, for people who read Chinese (the command line's ``--lang zh``).
    why_zh: str | None = None


@attrs.frozen
class Transition:
    """One row of a table: from ``sources`` on an event of type ``event`` to ``target``.

    ``target`` ``None`` means the state does not change (a recorded step).
    """

    sources: frozenset[BilingualEnum]
    event: type
    target: BilingualEnum | None
    guards: tuple[Guard, ...] = ()


@attrs.frozen
class Workflow:
    """A validated transition table.

    ``ended`` is the error raised for an event that a terminal state does not
    accept (for example a ballot at a closed meeting); by default
    [`InvalidTransition`][community_governance.errors.InvalidTransition].
    """

    name: str
    states: tuple[BilingualEnum, ...]
    initial: BilingualEnum
    terminal: frozenset[BilingualEnum]
    transitions: tuple[Transition, ...]
    ended: type[GovernanceError] = InvalidTransition

    def __attrs_post_init__(self) -> None:
        self._validate()

    def _edges(self) -> dict[BilingualEnum, set[BilingualEnum]]:
        edges: dict[BilingualEnum, set[BilingualEnum]] = {s: set() for s in self.states}
        for row in self.transitions:
            for source in row.sources:
                edges[source].add(row.target if row.target is not None else source)
        return edges

    def _validate(self) -> None:
        known = set(self.states)
        if self.initial not in known:
            raise WorkflowDefinitionError(
                f"initial state {self.initial} is not a state",
                field=self.name,
                zh=f"初始状态 {self.initial} 不是状态",
            )
        for row in self.transitions:
            stray = (set(row.sources) | ({row.target} if row.target else set())) - known
            if stray:
                raise WorkflowDefinitionError(
                    f"unknown state(s) {stray}", field=self.name, zh=f"未知的状态 {stray}"
                )
            if row.sources & self.terminal and row.target is not None:
                raise WorkflowDefinitionError(
                    "a terminal state has a way out", field=self.name, zh="终止状态不能有出路"
                )
        edges = self._edges()
        reached = _closure({self.initial}, edges)
        unreachable = [s.code for s in self.states if s not in reached]
        if unreachable:
            raise WorkflowDefinitionError(
                f"unreachable state(s): {unreachable}",
                field=self.name,
                zh=f"不可到达的状态：{unreachable}",
            )
        dead = [s.code for s in self.states if not (_closure({s}, edges) & self.terminal)]
        if dead:
            raise WorkflowDefinitionError(
                f"no terminal state can be reached from: {dead}",
                field=self.name,
                zh=f"从以下状态无法到达终止状态：{dead}",
            )

    def step(self, state: BilingualEnum, subject: object, event: object, at: dt.date) -> Transition:
        """The row that lets ``event`` happen in ``state`` at ``at``, guards checked.

        Raises:
            InvalidTransition: no row for (state, event).
            GuardFailed: a guard refused; its own subclass, naming the guard.
        """
        kind = type(event).__name__
        for row in self.transitions:
            if state in row.sources and isinstance(event, row.event):
                for guard in row.guards:
                    if not guard.check(subject, event, at):
                        raise guard.error(
                            f"{_shown(event)} is not allowed in state {state.code}: guard "
                            f"{guard.name!r} failed ({guard.why})",
                            field=guard.field,
                            rule=guard.rule,
                            zh=f"在“{state.zh}”状态下不允许 {_shown(event)}："
                            f"条件 {guard.name!r} 不满足（{guard.why_zh or guard.why}）",
                        )
                return row
        allowed = sorted({r.event.__name__ for r in self.transitions if state in r.sources})
        error = self.ended if state in self.terminal else InvalidTransition
        raise error(
            f"{kind} is not allowed in state {state.code}; allowed: {', '.join(allowed) or 'none'}",
            field="event",
            rule=self.name,
            zh=f"在“{state.zh}”状态下不允许 {kind}；允许的有：{', '.join(allowed) or '无'}",
        )

    def events_from(self, state: BilingualEnum) -> tuple[type, ...]:
        """The event types the table accepts in ``state``."""
        return tuple(dict.fromkeys(r.event for r in self.transitions if state in r.sources))


def _shown(event: object) -> str:
    # The event with its values, so that the message names what was refused (C-3: "R9"),
    # written for a person: codes of vocabulary members, not their Python spelling.
    if attrs.has(type(event)):
        values = attrs.asdict(event, recurse=False)  # type: ignore[arg-type]
        parts = ", ".join(f"{key}={getattr(value, 'code', value)}" for key, value in values.items())
        shown = f"{type(event).__name__}({parts})"
    else:
        shown = repr(event)
    return shown if len(shown) <= 200 else f"{type(event).__name__}(...)"  # noqa: PLR2004


def _closure(
    start: Iterable[BilingualEnum], edges: dict[BilingualEnum, set[BilingualEnum]]
) -> set[BilingualEnum]:
    seen = set(start)
    frontier = list(seen)
    while frontier:
        for nxt in edges[frontier.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return seen


def advances(kind: type) -> Callable[[F], F]:
    """Register how subjects of ``kind`` advance with ``apply(subject, event, at=...)``.

    The decorated function is called as ``step(subject, event, at=...)`` and returns the
    new subject; it is returned unchanged.
    """

    def register(step: F) -> F:
        _ADVANCE[kind] = step
        return step

    return register


def apply(subject: S, event: object, *, at: dt.date) -> S:
    """``subject`` after ``event`` on date ``at``; ``subject`` itself is unchanged.

    The one way every event-driven object advances: a meeting (C-3), a project
    record (C-4), a rectification case (R-2) or a micro-wish (S-4).

    Raises:
        InvalidTransition: the subject's table has no row for its state and the
            event, or the subject is not advanced by events at all.
        GovernanceError: a guard refused (its own error, naming the guard).
    """
    for klass in type(subject).__mro__:
        step = _ADVANCE.get(klass)
        if step is not None:
            return cast("S", step(subject, event, at=at))
    raise InvalidTransition(
        f"a {type(subject).__name__} is not advanced by events",
        field="subject",
        rule="workflow",
        zh=f"{type(subject).__name__} 不通过事件推进",
    )
