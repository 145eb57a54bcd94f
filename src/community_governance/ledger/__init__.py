"""The record: an embedded, append-only, tamper-evident ledger on SQLite (adapter).

* [`SQLiteLedger`][community_governance.ledger.sqlite.SQLiteLedger] — the event store (streams,
versions, hash chain,
  head, verify, JSON Lines export and import, personal data kept apart).
* [`PostgresLedger`][community_governance.ledger.postgres.PostgresLedger] — the same ledger
  in a PostgreSQL schema, for a city (the ``[postgres]`` extra).
* [`community_governance.ledger.events`][community_governance.ledger.events] — events for the
library's
  decisions, built from the document models, households pseudonymised.
* [`community_governance.ledger.checkpoint`][community_governance.ledger.checkpoint] — signed
  heads (Ed25519, the ``[ledger]`` extra) to publish with the announcement.
* ``python -m community_governance.ledger.verify EXPORT.jsonl`` — a verifier
  that needs only the standard library: it recomputes the chain and the
  quarter's scores from an export.

Names load on first use, so that the verifier imports nothing but the
standard library.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from community_governance.ledger.chain import (
        GENESIS,
        TAG,
        LedgerCheck,
        canonical,
        check_records,
        event_body,
        link,
    )
    from community_governance.ledger.sqlite import ConcurrencyError, LedgerError, SQLiteLedger

_EXPORTS = {
    "GENESIS": "community_governance.ledger.chain",
    "TAG": "community_governance.ledger.chain",
    "LedgerCheck": "community_governance.ledger.chain",
    "canonical": "community_governance.ledger.chain",
    "check_records": "community_governance.ledger.chain",
    "event_body": "community_governance.ledger.chain",
    "link": "community_governance.ledger.chain",
    "ConcurrencyError": "community_governance.ledger.sqlite",
    "LedgerError": "community_governance.ledger.sqlite",
    "SQLiteLedger": "community_governance.ledger.sqlite",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'community_governance.ledger' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "GENESIS",
    "TAG",
    "ConcurrencyError",
    "LedgerCheck",
    "LedgerError",
    "SQLiteLedger",
    "canonical",
    "check_records",
    "event_body",
    "link",
]
