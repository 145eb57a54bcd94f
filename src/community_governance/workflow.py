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
event and the guard. Used by rectification cases (R-1..R-3).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from community_governance.errors import GovernanceError, GuardFailed, InvalidTransition
from community_governance.vocabulary import BilingualEnum

__all__ = ["Guard", "Transition", "Workflow", "WorkflowDefinitionError"]


class WorkflowDefinitionError(GovernanceError, ValueError):
    """A transition table that fails validation (unreachable state, dead end, ...)."""


@attrs.frozen
class Guard:
    """A named condition on a transition, with the error it raises and why.

    ``check(subject, event, at)`` returns true when the step may happen.
    """

    name: str
    check: Callable[[Any, Any, dt.date], bool]
    error: type[GuardFailed]
    why: str
    rule: str


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
    """A validated transition table."""

    name: str
    states: tuple[BilingualEnum, ...]
    initial: BilingualEnum
    terminal: frozenset[BilingualEnum]
    transitions: tuple[Transition, ...]

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
                f"initial state {self.initial} is not a state", field=self.name
            )
        for row in self.transitions:
            stray = (set(row.sources) | ({row.target} if row.target else set())) - known
            if stray:
                raise WorkflowDefinitionError(f"unknown state(s) {stray}", field=self.name)
            if row.sources & self.terminal and row.target is not None:
                raise WorkflowDefinitionError("a terminal state has a way out", field=self.name)
        edges = self._edges()
        reached = _closure({self.initial}, edges)
        unreachable = [s.code for s in self.states if s not in reached]
        if unreachable:
            raise WorkflowDefinitionError(f"unreachable state(s): {unreachable}", field=self.name)
        dead = [s.code for s in self.states if not (_closure({s}, edges) & self.terminal)]
        if dead:
            raise WorkflowDefinitionError(
                f"no terminal state can be reached from: {dead}", field=self.name
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
                            f"{kind} is not allowed in state {state.code}: guard "
                            f"{guard.name!r} failed ({guard.why})",
                            field="event",
                            rule=guard.rule,
                        )
                return row
        allowed = sorted({r.event.__name__ for r in self.transitions if state in r.sources})
        raise InvalidTransition(
            f"{kind} is not allowed in state {state.code}; allowed: {', '.join(allowed) or 'none'}",
            field="event",
            rule=self.name,
        )

    def events_from(self, state: BilingualEnum) -> tuple[type, ...]:
        """The event types the table accepts in ``state``."""
        return tuple(dict.fromkeys(r.event for r in self.transitions if state in r.sources))


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
