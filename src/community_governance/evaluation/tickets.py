"""Tickets of the consistent sampler, the order they give, and frame digests (E-4).

**Version 2** is Ronald Rivest's released consistent sampler (the ``consistent-sampler``
package, 1.0.x, which VotingWorks' Arlo also uses). For a seed and a household id::

    seed_hash = sha256_hex(str(seed))
    x = int(sha256_hex(seed_hash + str(id)), 16)
    first_fraction(id, seed) = "0." + reversed(f"{x:064d}")

hashing the UTF-8 of the texts. The households in increasing order of that fraction
(the id breaks a tie) are the sample without replacement, so a resident who runs
``sampler(ids, with_replacement=False, seed=...)`` gets the same order. Seeds are text,
hashed exactly as announced: ``"007"`` is ``"007"``.

The frame digest of version 2 is the SHA-256 of the sorted ids, each written as a
netstring (``<length in bytes>:<UTF-8 bytes>,``), so that no two frames share one even
when ids contain newlines.

**Version 1** is the ticket of an early draft (``":id:"``, a ``"0"`` suffix, hexadecimal
digests, ids joined by newlines for the digest). Certificates drawn with it still verify.

Speed: the seed is hashed once and its hash state copied for every id; the ``n`` lowest
tickets are kept by a bounded heap; a reserve for replacements is computed only as deep as
replacements need, and deepened by doubling (:class:`TicketOrder`).
"""

from __future__ import annotations

import hashlib
import heapq
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from fractions import Fraction

__all__ = [
    "ALGORITHM",
    "ALGORITHM_V1",
    "ALGORITHM_VERSION",
    "KNOWN_ALGORITHMS",
    "TicketOrder",
    "first_fraction",
    "frame_digest",
    "ticket",
    "ticket_hex",
    "ticket_order",
]

#: The algorithm of version 2: Rivest's released consistent sampler.
ALGORITHM = "consistent-sampler"
#: The version certificates are drawn with.
ALGORITHM_VERSION = 2
#: The name version-1 certificates carry.
ALGORITHM_V1 = "consistent-sampler-sha256"
#: Every (algorithm, version) a certificate may name.
KNOWN_ALGORITHMS = frozenset({(ALGORITHM_V1, 1), (ALGORITHM, ALGORITHM_VERSION)})


def _sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- version 2: the released sampler ---------------------------------------------------------


def _v2_key(seed: int | str) -> Callable[[str], tuple[str, str]]:
    # The seed's hash is one SHA-256 block of 64 hexadecimal characters, so hashing it once
    # and copying the state leaves one block per id.
    state = hashlib.sha256(_sha256_hex(str(seed)).encode("ascii"))
    copy, from_bytes = state.copy, int.from_bytes

    def key(household: str) -> tuple[str, str]:
        h = copy()
        h.update(household.encode("utf-8"))
        digits = str(from_bytes(h.digest(), "big")).zfill(64)
        return digits[::-1], household

    return key


def first_fraction(household: str, seed: int | str) -> str:
    """The publisher's first ticket number of ``household`` under ``seed``: ``"0.ddd..."``.

    Example (the released package's own doctest):
        >>> first_fraction("AB-130", "01382438112797316654")[:36]
        '0.2629971412283800841650754429754666'
    """
    return "0." + _v2_key(seed)(household)[0]


# -- version 1: the draft ----------------------------------------------------------------------


def ticket_hex(household_id: str, seed: int | str) -> str:
    """Version 1: the hexadecimal SHA-256 ticket of ``household_id`` under ``seed``."""
    seed_hash = _sha256_hex(str(seed))
    return _sha256_hex(_sha256_hex(f"{seed_hash}:id:{household_id}") + "0")


def ticket(household_id: str, seed: int | str) -> Fraction:
    """Version 1: the ticket as an exact fraction in [0, 1) (the hex digest over 2**256)."""
    return Fraction(int(ticket_hex(household_id, seed), 16), 2**256)


def _v1_key(seed: int | str) -> Callable[[str], tuple[str, str]]:
    seed_hash = _sha256_hex(str(seed))

    def key(household: str) -> tuple[str, str]:
        return _sha256_hex(_sha256_hex(f"{seed_hash}:id:{household}") + "0"), household

    return key


_KEYS: dict[int, Callable[[int | str], Callable[[str], tuple[str, str]]]] = {
    1: _v1_key,
    2: _v2_key,
}


def frame_digest(households: Sequence[str], version: int = ALGORITHM_VERSION) -> str:
    """The SHA-256 (hex) of sorted household ids, as ``version`` encodes them.

    Version 2 writes each id as a netstring, ``<length in bytes>:<UTF-8 bytes>,``, so the
    encoding is unambiguous; version 1 joined them with newlines.
    """
    if version == 1:
        return _sha256_hex("\n".join(households))
    h = hashlib.sha256()
    for household in households:
        data = household.encode("utf-8")
        h.update(b"%d:%s," % (len(data), data))
    return h.hexdigest()


# -- the order ---------------------------------------------------------------------------------


class TicketOrder:
    """The households of a frame in ticket order, computed only as deep as asked.

    ``prefix(k)`` gives the first ``k`` households: the first time by a bounded heap of
    ``k`` (memory in ``k``, not in the frame's size), and when more are asked for, again
    with the depth doubled. ``all()`` sorts the whole frame.
    """

    __slots__ = ("_done", "_households", "_key", "_prefix")

    def __init__(self, households: Sequence[str], seed: int | str, version: int) -> None:
        self._households = households
        self._key = _KEYS[version](seed)
        self._prefix: tuple[str, ...] = ()
        self._done = False

    def prefix(self, k: int) -> tuple[str, ...]:
        """The first ``k`` households in ticket order (all of them if ``k`` is larger)."""
        if k > len(self._prefix) and not self._done:
            depth = max(k, 2 * len(self._prefix))
            if 2 * depth >= len(self._households):
                self._prefix = tuple(sorted(self._households, key=self._key))
                self._done = True
            else:
                self._prefix = tuple(heapq.nsmallest(depth, self._households, key=self._key))
        return self._prefix[:k]

    def all(self) -> tuple[str, ...]:
        """Every household in ticket order."""
        return self.prefix(len(self._households))

    def __iter__(self) -> Iterator[str]:
        """The households in ticket order, deepening as the iteration goes on."""
        position = 0
        while position < len(self._households):
            chunk = self.prefix(max(2 * position, 16))
            yield from chunk[position:]
            position = len(chunk)


_ORDERS: OrderedDict[tuple[str, str, int], TicketOrder] = OrderedDict()
_CACHED_ORDERS = 8


def ticket_order(
    households: Sequence[str], seed: int | str, version: int, digest: str
) -> TicketOrder:
    """The (shared, lazily computed) ticket order of a frame, known by its ``digest``.

    A frame is immutable, so its order under a seed is computed once and kept for the few
    frames in use: a draw, its replacements and their verification share one.
    """
    cache_key = (digest, f"{type(seed).__name__}:{seed}", version)
    order = _ORDERS.get(cache_key)
    if order is None:
        order = TicketOrder(households, seed, version)
        _ORDERS[cache_key] = order
        if len(_ORDERS) > _CACHED_ORDERS:
            _ORDERS.popitem(last=False)
    else:
        _ORDERS.move_to_end(cache_key)
    return order
