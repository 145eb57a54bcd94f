"""Tampering with a ledger's table behind its back, as anyone who can write the database can.

``RawTable`` works on any DB-API connection to the ``events`` table (SQLite's ``?`` or
psycopg's ``%s``); ``TAMPERINGS`` are the ways of changing a ledger that carries a final
signed head, each returning the sequence number a verifier must name.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

from community_governance.ledger.chain import GENESIS, data_text, link_2, link_3

COLUMNS = ("seq", "form", "stream", "version", "type", "at", "data", "hash")


class RawTable:
    """The ``events`` table through a plain connection (no ledger code on the write path).

    A forger writes in the ledger's own suite: records of its first record's form (2 or 3),
    hashed as that form hashes.
    """

    def __init__(self, conn: Any, placeholder: str = "?") -> None:
        self.conn = conn
        self._p = placeholder
        self.form = self.rows()[0][1]

    def _sql(self, statement: str) -> str:
        return statement.replace("?", self._p)

    def rows(self) -> list[list[Any]]:
        """Every record as a list of its columns (``COLUMNS``), in sequence order."""
        cursor = self.conn.cursor()
        cursor.execute(f"SELECT {', '.join(COLUMNS)} FROM events ORDER BY seq")  # noqa: S608
        return [list(row) for row in cursor.fetchall()]

    def set(self, seq: int, column: str, value: object) -> None:
        """Overwrite one stored value."""
        statement = f"UPDATE events SET {column} = ? WHERE seq = ?"  # noqa: S608 - fixed names
        self.conn.cursor().execute(self._sql(statement), (value, seq))

    def delete(self, where: str, seq: int) -> None:
        """Delete the records ``seq {where} ?`` (such as ``=`` or ``>=``)."""
        statement = f"DELETE FROM events WHERE seq {where} ?"  # noqa: S608 - fixed operators
        self.conn.cursor().execute(self._sql(statement), (seq,))

    def insert(self, row: list[Any]) -> None:
        """Add a record with the given columns."""
        marks = ", ".join("?" * len(COLUMNS))
        statement = f"INSERT INTO events ({', '.join(COLUMNS)}) VALUES ({marks})"  # noqa: S608
        self.conn.cursor().execute(self._sql(statement), tuple(row))

    def renumber(self, seq: int, new: int) -> None:
        """Give record ``seq`` another sequence number."""
        self.set(seq, "seq", new)

    def rehash(self, row: list[Any], previous: str) -> str:
        """Recompute ``row``'s hash after ``previous`` in the ledger's form; store, return it."""
        seq, _, stream, version, type_, at, data, _ = row
        link = link_3 if self.form == 3 else link_2
        digest = link(
            seq,
            previous.encode(),
            stream.encode(),
            version,
            type_.encode(),
            at.encode(),
            data.encode(),
        ).decode()
        self.set(seq, "hash", digest)
        return digest

    def rewrite_from(self, seq: int) -> None:
        """Recompute every hash from record ``seq`` on, so that the chain holds again."""
        rows = self.rows()
        previous = GENESIS
        for row in rows:
            previous = self.rehash(row, previous) if row[0] >= seq else row[7]

    def commit(self) -> None:
        """Make the tampering durable."""
        self.conn.commit()


def edited(data: str, rnd: random.Random) -> str:
    """The stored data with one value changed, still canonical."""
    value = json.loads(data)
    value[f"tampered{rnd.randrange(10)}"] = "yes"
    return data_text(value)


def flip_ascii(text: str, rnd: random.Random) -> str:
    """``text`` with one bit of one ASCII character flipped (still valid text)."""
    positions = [i for i, c in enumerate(text) if 0x20 <= ord(c) < 0x80]
    i = rnd.choice(positions)
    return text[:i] + chr(ord(text[i]) ^ (1 << rnd.randrange(4))) + text[i + 1 :]


# Each tampering takes the table, the signed head's sequence number N (the last record,
# N + 1, is its checkpoint) and a random source; it returns the sequence number a verifier
# must name: the first record that no longer follows from the evidence. A record whose own
# hash was recomputed is consistent in itself, so the break shows at the next record; a
# rewritten tail is consistent throughout, so it shows where the signed head no longer
# matches.


def _pick(n: int, rnd: random.Random) -> int:
    return rnd.randint(1, n + 1)


def flip_payload(t: RawTable, n: int, rnd: random.Random) -> int:
    """Flip one bit of one character of a record's stored data."""
    k = _pick(n, rnd)
    t.set(k, "data", flip_ascii(t.rows()[k - 1][6], rnd))
    return k


def flip_hash(t: RawTable, n: int, rnd: random.Random) -> int:
    """Change one hex digit of a record's stored hash."""
    k = _pick(n, rnd)
    digest = t.rows()[k - 1][7]
    i = rnd.randrange(64)
    t.set(k, "hash", digest[:i] + ("0" if digest[i] != "0" else "1") + digest[i + 1 :])
    return k


def edit_column(t: RawTable, n: int, rnd: random.Random) -> int:
    """Change a record's stream, type, time or version."""
    k = _pick(n, rnd)
    row = t.rows()[k - 1]
    column = rnd.choice(("stream", "type", "at", "version"))
    changed = {
        "stream": row[2] + "x",
        "type": row[4] + "x",
        "at": "2000-01-01",
        "version": row[3] + 1000,
    }[column]
    t.set(k, column, changed)
    return k


def delete_one(t: RawTable, n: int, rnd: random.Random) -> int:
    """Delete one record."""
    k = _pick(n, rnd)
    t.delete("=", k)
    return k


def swap_two(t: RawTable, n: int, rnd: random.Random) -> int:
    """Swap two neighbouring records."""
    k = rnd.randint(1, n)
    t.renumber(k, -1)
    t.renumber(k + 1, k)
    t.renumber(-1, k + 1)
    return k


def insert_forged(t: RawTable, n: int, rnd: random.Random) -> int:
    """Insert a forged record, shifting the later ones, hashes untouched."""
    k = _pick(n, rnd)
    rows = t.rows()
    for row in reversed(rows[k - 1 :]):
        t.renumber(row[0], row[0] + 1)
    t.insert([k, t.form, "forged", 1, "note", "2026-01-01", "{}", rows[k - 1][7]])
    return k


def own_hash(t: RawTable, n: int, rnd: random.Random) -> int:
    """Edit a record and recompute its own hash only."""
    k = _pick(n, rnd)
    rows = t.rows()
    rows[k - 1][6] = edited(rows[k - 1][6], rnd)
    t.set(k, "data", rows[k - 1][6])
    t.rehash(rows[k - 1], rows[k - 2][7] if k > 1 else GENESIS)
    return k if k >= n else k + 1


def edit_and_rewrite(t: RawTable, n: int, rnd: random.Random) -> int:
    """Edit a record and recompute every hash from it on."""
    k = _pick(n, rnd)
    t.set(k, "data", edited(t.rows()[k - 1][6], rnd))
    t.rewrite_from(k)
    return n if k <= n else k


def insert_and_rewrite(t: RawTable, n: int, rnd: random.Random) -> int:
    """Insert a forged record and recompute every hash from it on."""
    k = _pick(n, rnd)
    rows = t.rows()
    for row in reversed(rows[k - 1 :]):
        t.renumber(row[0], row[0] + 1)
    t.insert([k, t.form, "forged", 1, "note", "2026-01-01", "{}", "0" * 64])
    t.rewrite_from(k)
    return n if k <= n else k


def truncate(t: RawTable, n: int, rnd: random.Random) -> int:
    """Delete a record and every later one."""
    k = _pick(n, rnd)
    t.delete(">=", k)
    return k


def append_forged(t: RawTable, _: int, rnd: random.Random) -> int:
    """Append one to three records after the last, with valid hashes."""
    rows = t.rows()
    previous = rows[-1][7]
    for i in range(rnd.randint(1, 3)):
        seq = len(rows) + 1 + i
        row = [seq, t.form, f"forged{i}", 1, "note", "2026-12-01", data_text({"n": i}), ""]
        t.insert([*row[:7], "0" * 64])
        previous = t.rehash(row, previous)
    return len(rows) + 1


TAMPERINGS: dict[str, Callable[[RawTable, int, random.Random], int]] = {
    "flip a payload byte": flip_payload,
    "flip a hash digit": flip_hash,
    "edit a column": edit_column,
    "delete a record": delete_one,
    "swap two records": swap_two,
    "insert a forged record": insert_forged,
    "edit with its own hash recomputed": own_hash,
    "edit and rewrite the tail": edit_and_rewrite,
    "insert and rewrite the tail": insert_and_rewrite,
    "truncate": truncate,
    "append after the signed head": append_forged,
}
