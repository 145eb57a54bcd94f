"""Read-only mappings for recorded objects (all rules).

A value object that keeps a mapping must not let a caller change it after it
was validated: a rating's scores were checked against the scale when recorded,
a book's current ratings were checked for duplicates. ``FrozenMap`` is a
copy of what the caller passed in, with no way to change it; unlike
``types.MappingProxyType`` it pickles (results travel to worker processes) and
hashes when its values do.
"""

from __future__ import annotations

from collections.abc import (
    Callable,
    ItemsView,
    Iterable,
    Iterator,
    KeysView,
    Mapping,
    ValuesView,
)
from typing import Any, Generic, TypeVar

__all__ = [
    "Deferred",
    "FrozenMap",
    "LazyMap",
    "as_tuple",
    "deferred",
    "frozen_map",
    "read_only",
]

K = TypeVar("K")
T = TypeVar("T")
V = TypeVar("V")


class FrozenMap(Mapping[K, V]):
    """An immutable copy of a mapping, in the order given."""

    __slots__ = ("_data", "_hash")

    _data: dict[K, V]
    _hash: int | None

    def __init__(self, data: Mapping[K, V] | None = None) -> None:
        if isinstance(data, FrozenMap):
            copied = data._data.copy()  # noqa: SLF001 - the same class
        else:
            copied = dict(data) if data is not None else {}
        object.__setattr__(self, "_data", copied)
        object.__setattr__(self, "_hash", None)

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    # The dict's own views: read-only, and iterated at C speed.
    def keys(self) -> KeysView[K]:
        """The keys, in order."""
        return self._data.keys()

    def values(self) -> ValuesView[V]:
        """The values, in order."""
        return self._data.values()

    def items(self) -> ItemsView[K, V]:
        """The (key, value) pairs, in order."""
        return self._data.items()

    def get(self, key: K, default: Any = None) -> Any:
        """The value of ``key``, or ``default``."""
        return self._data.get(key, default)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenMap):
            return self._data == other._data
        if isinstance(other, dict):
            return self._data == other
        if isinstance(other, Mapping):
            return self._data == dict(other.items())
        return NotImplemented

    def __hash__(self) -> int:
        if self._hash is None:
            object.__setattr__(self, "_hash", hash(frozenset(self._data.items())))
        return self._hash  # type: ignore[return-value]

    def __repr__(self) -> str:
        # Shown like the dict it copies: results print the same in notebooks and docs.
        return repr(self._data)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a FrozenMap cannot be changed")

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMap, (self._data,))


class LazyMap(Mapping[K, V]):
    """A read-only mapping computed on first use and then kept.

    A result's per-dimension means are this way, so that evaluating a whole city does
    not build tables nobody reads; one that is read is the same as ever. It compares as
    the mapping it computes, and pickles and copies as a
    [FrozenMap][community_governance.frozen.FrozenMap] of it.
    """

    __slots__ = ("_data",)

    _data: Deferred[dict[K, V]]

    def __init__(self, compute: Callable[[], Mapping[K, V]]) -> None:
        object.__setattr__(self, "_data", Deferred(lambda: dict(compute())))

    def __getitem__(self, key: K) -> V:
        return self._data.get()[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data.get())

    def __len__(self) -> int:
        return len(self._data.get())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._data.get() == dict(other.items())
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._data.get())

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a LazyMap cannot be changed")

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMap, (self._data.get(),))


def frozen_map(data: Mapping[K, V] | None = None) -> Mapping[K, V]:
    """``data`` read-only: a [FrozenMap][community_governance.frozen.FrozenMap] copy.

    ``data`` itself where it is one already, or a ``LazyMap`` (read-only too).
    """
    if isinstance(data, FrozenMap | LazyMap):
        return data
    return FrozenMap(data)


def read_only(data: Mapping[Any, Any]) -> Mapping[Any, Any]:
    """An attrs converter: a read-only copy of a mapping field (any key and value types)."""
    return frozen_map(data)


def as_tuple(items: Iterable[Any]) -> tuple[Any, ...]:
    """An attrs converter: a tuple copy of a sequence field, so a caller's list is not kept."""
    return tuple(items)


class Deferred(Generic[T]):
    """A value computed on first use and then kept; it compares, pickles and shows as its value.

    Results hold their explanations this way, so that an evaluation of a whole city does
    not build a trace nobody reads, while a trace that is read is the same as ever.
    """

    __slots__ = ("_compute", "_value")

    _compute: Callable[[], T] | None
    _value: T | None

    def __init__(self, compute: Callable[[], T]) -> None:
        self._compute = compute
        self._value = None

    @classmethod
    def ready(cls, value: T) -> Deferred[T]:
        """A deferred value that is already known."""
        made: Deferred[T] = cls.__new__(cls)
        made._compute = None
        made._value = value
        return made

    def get(self) -> T:
        """The value, computed now if it was not yet."""
        if self._compute is not None:
            self._value = self._compute()
            self._compute = None
        return self._value  # type: ignore[return-value]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Deferred):
            return bool(self.get() == other.get())
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self.get())

    def __reduce__(self) -> tuple[Any, ...]:
        return (Deferred.ready, (self.get(),))


def deferred(value: T | Deferred[T]) -> Deferred[T]:
    """An attrs converter: a value, or a deferred one, as a ``Deferred``."""
    return value if isinstance(value, Deferred) else Deferred.ready(value)
