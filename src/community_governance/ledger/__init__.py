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

from typing import TYPE_CHECKING

from community_governance._lazy import lazy_exports

if TYPE_CHECKING:
    from community_governance.ledger.chain import (
        GENESIS as GENESIS,
        TAG as TAG,
        LedgerCheck as LedgerCheck,
        canonical as canonical,
        check_records as check_records,
        event_body as event_body,
        link as link,
    )
    from community_governance.ledger.sqlite import SQLiteLedger as SQLiteLedger
    from community_governance.ledger.storage import (
        ConcurrencyError as ConcurrencyError,
        LedgerError as LedgerError,
    )

__getattr__, __dir__ = lazy_exports(__name__, __file__)
