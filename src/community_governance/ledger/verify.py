"""Re-check a ledger export with the standard library alone (E-5, the record).

Usage::

    python -m community_governance.ledger.verify EXPORT.jsonl [--head COUNT:HASH]
        [--signed-head HEAD.json [--trusted-key PUBLIC_KEY_HEX] [--final]
         [--ledger-id ID] [--scope SCOPE]]

It recomputes the hash chain, in the ledger's suite: SHA-256 (forms 1 and 2) or SM3
(form 3, from ``hashlib``'s OpenSSL; where SM3 is missing it says that the chain could
not be checked and exits 2). It names the first bad sequence number, and catches
truncation against a published head; then, for every evaluated
quarter in the export, recomputes each unit's self, peer and survey components
from the recorded ratings and survey responses, and the final score, exactly, from the
recorded parameters, with the library's own arithmetic (``evaluation.kernel``, which needs
nothing but the standard library either), and compares them with the recorded result.
Given a signed head (the ``head.json`` an announcement publishes),
the chain must reach it with its hash; with the community's public key as well, the
head's signature is checked: Ed25519 when the ``cryptography`` package is installed, SM2
(the heads of ``sm3-sm2`` ledgers) when ``gmalg`` is; where the package is missing, the
signature is said to be unchecked, and by which package (the chain needs nothing but the
standard library).
With ``--final``, the signed head closes the export: only its own checkpoint record may
follow it, so records appended after the head was published are reported. A signed head
names the ledger it closes (the chain hash of its first record) and its community or scope:
a head of another ledger is reported, and ``--ledger-id`` and ``--scope`` say which ledger
and scope the auditor expects, as the announcement publishes them.
Exit code 0 when everything matches, 1 when something does not, and 2 on input that is
not an export (one line on standard error, never a traceback).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from community_governance.evaluation import kernel
from community_governance.ledger.chain import (
    HEAD_FIELDS,
    HEAD_LEDGER_FIELDS,
    HEAD_SCHEMA,
    RECORD_KEYS,
    SM2_ALGORITHM,
    SM3UnavailableError,
    check_records,
    export_rows,
    head_message,
    ledger_id,
    past_final_head,
    record_problem,
    sm3,
)

__all__ = ["main", "recompute_quarters", "verify_export"]


def _records(path: Path) -> list[Any]:
    """The export's records, each checked as the library's import checks it.

    Raises:
        ValueError: naming the line that is not UTF-8, not JSON, or not a ledger record.
    """
    records = []
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, start=1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                msg = f"line {number} is not UTF-8 text"
                raise ValueError(msg) from None
            if not text.strip():
                continue
            try:
                record = json.loads(text)
            except RecursionError:
                msg = f"line {number} is nested too deeply to be a ledger record"
                raise ValueError(msg) from None
            except json.JSONDecodeError as error:
                msg = f"line {number} is not JSON: {error.msg}"
                raise ValueError(msg) from None
            if not isinstance(record, dict) or set(record) - {"form"} != RECORD_KEYS:
                msg = f"line {number} is not a ledger record"
                raise ValueError(msg)
            found = record_problem(record)
            if found is not None:
                msg = f"line {number}: {found[0]}"
                raise ValueError(msg)
            records.append(record)
    return records


def verify_export(
    records: Sequence[Mapping[str, Any]], published: tuple[int, str] | None = None
) -> list[str]:
    """Problems with the chain of an export (empty when it checks out)."""
    check = check_records(
        export_rows(records),
        published,
    )
    return [] if check.ok else [f"chain breaks at sequence {check.first_bad}: {check.reason}"]


def _fraction(text: str | None) -> Fraction | None:
    return None if text is None else Fraction(text)


def _rating(scores: Mapping[str, str | None], dims: Mapping[str, Fraction]) -> kernel.Ratio | None:
    """A recorded rating's score (E-2), by the library's own arithmetic."""
    order = tuple(dims)
    units, unit = kernel.in_units(
        [None if (s := scores.get(d)) is None else Fraction(s) for d in order]
    )
    return kernel.rating_ratio(units, kernel.int_weights(dims, order), unit)


def _peer(ratios: list[kernel.Ratio], peer: Mapping[str, Any]) -> kernel.Ratio | None:
    """The peer part (E-3, E-5) from the recorded parameters, or ``None`` below the minimum."""
    if len(ratios) < peer["min_raters"] or not ratios:
        return None
    trim = peer["aggregation"] == "trimmed" and kernel.trims(len(ratios), peer["trim_min_raters"])
    return kernel.peer_mean(ratios, trim=trim)


def _public(scores: list[Fraction]) -> kernel.Ratio | None:
    """The survey part (E-4): the mean of the answers that count for the unit."""
    if not scores:
        return None
    total = sum(scores)
    return kernel.public_mean(total.numerator, len(scores), total.denominator)


def _current_ratings(ratings: Mapping[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    current: dict[tuple[str, str], dict[str, Any]] = {}
    for event in ratings["history"]:
        rating = event["rating"]
        current[(rating["rater"], rating["ratee"])] = rating
    return current


def recompute_quarters(records: Iterable[Mapping[str, Any]]) -> list[str]:
    """Recompute every evaluated quarter's scores from the export; list the mismatches."""
    by_stream: dict[str, dict[str, Mapping[str, Any]]] = {}
    for record in records:
        by_stream.setdefault(record["stream"], {})[record["type"]] = record["data"]
    problems: list[str] = []
    for stream, latest in sorted(by_stream.items()):
        evaluated = latest.get("quarter.evaluated")
        if evaluated is None:
            continue
        ratings, survey = latest.get("ratings.recorded"), latest.get("survey.recorded")
        if ratings is None or survey is None:
            problems.append(f"{stream}: the ratings or the survey are missing from the export")
            continue
        problems.extend(_recompute(stream, evaluated, ratings, survey))
    return problems


def _recompute(
    stream: str, evaluated: Mapping[str, Any], ratings: Mapping[str, Any], survey: Mapping[str, Any]
) -> list[str]:
    params = evaluated["parameters"]
    dims = {d: Fraction(w) for d, w in params["dimension_weights"].items()}
    weights = {c: Fraction(w) for c, w in params["weights"].items()}
    scale = {code: Fraction(score) for code, score in params["scale"].items()}
    current = _current_ratings(ratings)
    responsible = {p["project_id"]: set(p["responsible_units"]) for p in survey["projects"]}
    problems = []
    for card in evaluated["result"]["scorecards"]:
        unit = card["unit_id"]
        own = current.get((unit, unit))
        peers = [r for (a, b), r in current.items() if b == unit and a != unit]
        peer_ratios = [_rating(r["scores"], dims) for r in peers]
        parts = {
            "self": _rating(own["scores"], dims) if own else None,
            "peer": None if None in peer_ratios else _peer(peer_ratios, params["peer"]),  # type: ignore[arg-type]
            "public": _public(
                [
                    scale[r["answer"]]
                    for r in survey["responses"]
                    if params["attribution"] == "all" or unit in responsible[r["project"]]
                ]
            ),
        }
        components = {k: None if v is None else Fraction(*v) for k, v in parts.items()}
        recorded = {k: _fraction(v) for k, v in card["final"]["components"].items()}
        if components != recorded:
            problems.append(
                f"{stream}: {unit}: components {components} differ from the recorded {recorded}"
            )
            continue
        combined = kernel.combine(parts, weights, reweight=True)
        used = {k: Fraction(w) for k, w in card["final"]["weights"].items()}
        if (
            combined is None
            or bool(combined.missing) != card["final"]["reweighted"]
            or dict(combined.weights) != used
        ):
            problems.append(f"{stream}: {unit}: weights differ from the policy's")
            continue
        rounding = params["rounding"]
        reported = str(
            kernel.round_ratio(
                combined.numerator,
                combined.denominator,
                rounding["places"],
                half_even=rounding["mode"] == "half_even",
            )
        )
        exact = Fraction(combined.numerator, combined.denominator)
        recorded_final = card["final"]["reported"]
        if exact != Fraction(card["final"]["exact"]) or reported != recorded_final:
            problems.append(f"{stream}: {unit}: final {reported} differs from {recorded_final}")
    return problems


def main(argv: Sequence[str] | None = None) -> int:  # noqa: PLR0911 - one exit per bad input
    """Command-line entry point."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        sys.stdout.write(__doc__ or "")
        return 0 if args else 2
    try:
        published, notes, head, signed = _heads(args)
        naming = _naming(args, signed)
    except ValueError as error:
        sys.stderr.write(f"verify: {error}\n")
        return 2
    if not args or any(a.startswith("--") for a in args):
        sys.stderr.write("verify: name the export to check (and only known options)\n")
        return 2
    try:
        records = _records(Path(args[0]))
    except OSError as error:
        sys.stderr.write(f"verify: cannot read {args[0]}: {error.strerror}\n")
        return 2
    except (ValueError, RecursionError) as error:
        sys.stderr.write(f"verify: {args[0]}: {error}\n")
        return 2
    try:
        # A head the chain reaches shares its first record: what it names is checked then.
        problems = _chain_problems(records, published, head) or _naming_problems(records, naming)
        if not problems:
            problems = recompute_quarters(records)
    except SM3UnavailableError as error:
        sys.stderr.write(f"verify: {args[0]}: the chain is not checked: {error}\n")
        return 2
    except (KeyError, TypeError, ValueError, ArithmeticError) as error:
        sys.stderr.write(f"verify: {args[0]} is not a well-formed export ({error!r})\n")
        return 2
    problems += [note for note in notes if note.startswith("signature invalid")]
    for problem in problems:
        sys.stdout.write(problem + "\n")
    if not problems:
        sys.stdout.write(f"ok: {len(records)} events, chain and scores recomputed\n")
        for note in notes:
            sys.stdout.write(note + "\n")
    return 1 if problems else 0


def _chain_problems(
    records: Sequence[Mapping[str, Any]],
    published: tuple[int, str] | None,
    final_head: Mapping[str, Any] | None,
) -> list[str]:
    """The chain's first problem, including what follows a final signed head, if any."""
    check = check_records(export_rows(records), published)
    findings = [] if check.ok else [(check.first_bad or 0, check.reason)]
    if final_head is not None:
        after = (
            (r["seq"], r["stream"], r["type"], r["data"])
            for r in records
            if r["seq"] > final_head["seq"]
        )
        past = past_final_head(after, final_head)
        if past is not None:
            findings.append(past)
    return [f"chain breaks at sequence {seq}: {reason}" for seq, reason in sorted(findings)[:1]]


#: The signed head given (``head``), and the ledger id and scope it must name, if given.
Naming = dict[str, Any]


def _naming(args: list[str], signed: dict[str, Any] | None) -> Naming:
    """Take ``--ledger-id`` and ``--scope`` out of ``args``; they go with ``--signed-head``."""
    expected = _option(args, "--ledger-id", "the id of the ledger the head must close")
    scope = _option(args, "--scope", "the community or scope the head must name")
    if signed is None and (expected is not None or scope is not None):
        msg = "--ledger-id and --scope go with --signed-head"
        raise ValueError(msg)
    return {"head": signed, "ledger": expected, "scope": scope}


def _naming_problems(records: Sequence[Mapping[str, Any]], naming: Naming) -> list[str]:
    """Whether the signed head names this export's ledger, and the ledger and scope expected.

    The export's ledger is the chain hash of its first record (``chain.ledger_id``).
    """
    head = naming["head"]
    if head is None:
        return []
    own = ledger_id(next((str(r["hash"]) for r in records if r["seq"] == 1), None))
    named = head["ledger"]
    if named and named != own:
        return [f"the signed head names ledger {named[:16]}, not this export's {own[:16]}"]
    if naming["ledger"] is not None and named != naming["ledger"]:
        shown = named[:16] or "no ledger"
        return [f"the signed head names {shown}, not the expected ledger {naming['ledger'][:16]}"]
    if naming["scope"] is not None and head["scope"] != naming["scope"]:
        return [f"the signed head names the scope {head['scope']!r}, not {naming['scope']!r}"]
    return []


def _heads(
    args: list[str],
) -> tuple[tuple[int, str] | None, list[str], dict[str, Any] | None, dict[str, Any] | None]:
    """Take the head options out of ``args``: the head to reach, notes, a final head, the head.

    The third is the signed head when ``--final`` makes it the export's last; the fourth is
    the signed head given, if any.

    Raises:
        ValueError: a malformed option; its message is the line to print.
    """
    published = None
    final = "--final" in args
    if final:
        args.remove("--final")
    value = _option(args, "--head", "COUNT:HASH, such as 42:ab12...")
    if value is not None:
        count, _, digest = value.partition(":")
        if not (count.isascii() and count.isdigit() and digest):
            msg = "--head takes COUNT:HASH, such as 42:ab12..."
            raise ValueError(msg)
        published = (int(count), digest)
    signed = _option(args, "--signed-head", "the head.json an announcement publishes")
    trusted = _option(args, "--trusted-key", "the community's public key in hex")
    if signed is None:
        if trusted is not None:
            msg = "--trusted-key goes with --signed-head"
            raise ValueError(msg)
        if final:
            msg = "--final goes with --signed-head"
            raise ValueError(msg)
        return published, [], None, None
    try:
        head = _signed_head(Path(signed))
    except (OSError, ValueError, TypeError) as error:
        msg = f"cannot read the signed head {signed}: {error}"
        raise ValueError(msg) from None
    notes = [_signature_note(head, trusted)]
    return (head["seq"], head["hash"]), notes, head if final else None, head


def _option(args: list[str], name: str, what: str) -> str | None:
    """Remove ``name VALUE`` from ``args``; return the value (``None`` if absent)."""
    if name not in args:
        return None
    i = args.index(name)
    value = args[i + 1] if i + 1 < len(args) else ""
    del args[i : i + 2]
    if not value or value.startswith("--"):
        msg = f"{name} takes {what}"
        raise ValueError(msg)
    return value


_HEAD_TYPES = {"seq": int}


def _signed_head(path: Path) -> dict[str, Any]:
    """A published head document's fields, type-checked (stdlib only)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict) or document.get("schema") != HEAD_SCHEMA:
        msg = f"not a {HEAD_SCHEMA} document"
        raise TypeError(msg)
    version = document.get("version")
    if version not in {1, 2, 3} or isinstance(version, bool):
        msg = f"version {version!r}; this verifier reads 1, 2 and 3"
        raise TypeError(msg)
    named = version != 1  # heads of versions 2 and 3 name their ledger
    if version == 3 and document.get("algorithm") != SM2_ALGORITHM:  # noqa: PLR2004
        msg = f"a head of version 3 is signed with {SM2_ALGORITHM}"
        raise TypeError(msg)
    for name in HEAD_FIELDS + (HEAD_LEDGER_FIELDS if named else ()):
        kind = _HEAD_TYPES.get(name, str)
        value = document.get(name)
        if isinstance(value, bool) or not isinstance(value, kind):
            msg = f"{name} must be {kind.__name__}"
            raise TypeError(msg)
    # A head of version 1 names no ledger and no scope, one before version 3 no algorithm:
    # said once, here, as empty text.
    absent = {} if named else dict.fromkeys(HEAD_LEDGER_FIELDS, "")
    return {"algorithm": "", **document, **absent}


def _signature_note(head: Mapping[str, Any], trusted: str | None) -> str:  # noqa: PLR0911 - one return per outcome
    """What can be said of the head's signature with what is at hand."""
    if trusted is None:
        return "signature not checked: give the community's public key with --trusted-key"
    try:
        raw = bytes.fromhex(trusted)
    except ValueError:
        return "signature invalid: --trusted-key is not hex"
    sm2 = head.get("algorithm") == SM2_ALGORITHM
    digest = _sm3_key_id(raw) if sm2 else hashlib.sha256(raw).hexdigest()
    if digest[:16] != head["key_id"]:
        return f"signature invalid: the head names key {head['key_id']}, not the trusted key"
    if sm2:
        return _sm2_note(head, raw)
    try:
        from cryptography.exceptions import InvalidSignature  # noqa: PLC0415 - optional
        from cryptography.hazmat.primitives.asymmetric.ed25519 import (  # noqa: PLC0415
            Ed25519PublicKey,
        )
    except ImportError:
        return "signature not checked: the cryptography package is not installed"
    message = _message(head)
    try:
        Ed25519PublicKey.from_public_bytes(raw).verify(bytes.fromhex(head["signature"]), message)
    except (InvalidSignature, ValueError):
        return f"signature invalid: the head at sequence {head['seq']} is not signed by that key"
    return f"signature ok: head {head['seq']} signed by key {head['key_id']}"


def _message(head: Mapping[str, Any]) -> bytes:
    parts = (head["seq"], head["hash"], head["at"], head["key_id"], head["ledger"], head["scope"])
    return head_message(*parts, head["algorithm"])


def _sm3_key_id(raw: bytes) -> str:
    try:
        digest: str = sm3(raw).hexdigest()
    except SM3UnavailableError:
        return ""  # no SM3, no key id: the head is said to be signed by another key
    return digest


def _sm2_note(head: Mapping[str, Any], raw: bytes) -> str:
    """What can be said of an SM2 head's signature: checked where ``gmalg`` is installed."""
    try:
        import gmalg  # noqa: F401, PLC0415 - optional: SM2's curve arithmetic
    except ImportError:
        return "signature not checked: SM2 needs the gmalg package, which is not installed"
    from community_governance.ledger.sm2 import SM2PublicKey  # noqa: PLC0415 - needs gmalg
    from community_governance.ledger.storage import LedgerError  # noqa: PLC0415

    try:
        public = SM2PublicKey(raw)
        signature = bytes.fromhex(head["signature"])
    except (LedgerError, ValueError):
        return f"signature invalid: the head at sequence {head['seq']} is not signed by that key"
    if not public.verify(signature, _message(head)):
        return f"signature invalid: the head at sequence {head['seq']} is not signed by that key"
    return f"signature ok: head {head['seq']} signed by SM2 key {head['key_id']}"


if __name__ == "__main__":
    sys.exit(main())
