"""Check a household's receipt: was it in the frame the office committed to? (E-4).

A standalone script, standard library only, that a resident can copy and run::

    python verify_inclusion.py RECEIPT.json --root ROOT

``ROOT`` is the frame's root as the public notice prints it. The receipt holds the
household's own id, its salt, its position in the frame and the hashes on its path to the
root (RFC 6962's Merkle audit path); no other household's id is in it, and the salts keep
the hashes from being guessed back into ids. The script recomputes the root from the
receipt and says, in Chinese and English, whether it is the notice's.

Exit status: 0 the household is in the committed frame, 1 it is not (the root differs),
2 the receipt cannot be read.

The tree is RFC 6962's (section 2.1, Merkle Tree Hash, SHA-256): a leaf hashes as
``SHA-256(0x00 || leaf)``, a node as ``SHA-256(0x01 || left || right)``, and a tree of
``n`` leaves splits at the largest power of two below ``n``. A leaf is the household's
salt followed by its id as a netstring, ``<length in bytes>:<UTF-8 bytes>,`` (the
encoding of the frame digest). The path is folded as RFC 9162, section 2.1.3.2, does.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["leaf_data", "leaf_hash", "main", "node_hash", "root_from_path"]

#: The most hashes a path may hold: a frame of 2**64 households needs 64.
MAX_PATH = 64
#: The largest receipt read, in bytes: a path of 64 hashes and a long id fit many times.
MAX_RECEIPT_BYTES = 64 * 1024


def leaf_data(salt: bytes, household: str) -> bytes:
    """A frame's leaf: the household's salt, then its id as a netstring."""
    data = household.encode("utf-8")
    return salt + b"%d:%s," % (len(data), data)


def leaf_hash(data: bytes) -> bytes:
    """RFC 6962's leaf hash, ``SHA-256(0x00 || data)``."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 6962's interior node hash, ``SHA-256(0x01 || left || right)``."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_from_path(leaf: bytes, index: int, size: int, path: Sequence[bytes]) -> bytes | None:
    """The root an audit path leads to from a leaf hash, or ``None`` if the path cannot fit.

    RFC 9162, section 2.1.3.2: ``index`` is the leaf's position (from 0) in a tree of
    ``size`` leaves; a path too long or too short for that position is no path.
    """
    if not 0 <= index < size or len(path) > MAX_PATH:
        return None
    position, last, hashed = index, size - 1, leaf
    for sibling in path:
        if last == 0:
            return None
        if position % 2 == 1 or position == last:
            hashed = node_hash(sibling, hashed)
            if position % 2 == 0:
                # A rightmost node with no right sibling rises until it is a right child.
                while position % 2 == 0 and position != 0:
                    position, last = position >> 1, last >> 1
        else:
            hashed = node_hash(hashed, sibling)
        position, last = position >> 1, last >> 1
    return hashed if last == 0 else None


_SAID = {
    "in": (
        "住户 {household} 在 {community} {quarter} 承诺的抽样框中（共 {size} 户，根 {root}）",
        (
            "household {household} is in the frame {community} committed to for {quarter} "
            "({size} households, root {root})"
        ),
    ),
    "own": (
        "收据自洽；请核对公示中的根是否为 {root}",
        "the receipt holds together; check that the notice's root is {root}",
    ),
    "out": (
        "收据算出的根 {found} 与公示的根 {root} 不同：此收据不能证明住户在抽样框中",
        (
            "the receipt leads to root {found}, not the notice's {root}: it does not show "
            "the household in the frame"
        ),
    ),
    "bad": ("无法读取收据：{why}", "cannot read the receipt: {why}"),
}


def _say(what: str, lang: str, **values: Any) -> str:
    zh, en = _SAID[what]
    return (zh if lang == "zh" else en).format(**values)


def _read(path: str) -> tuple[bytes, int, int, list[bytes], str, dict[str, Any]]:
    """The leaf hash, index, size, path and root of a receipt, and the receipt itself.

    Raises:
        ValueError, TypeError: the receipt is not one (the message says why, in English).
    """
    raw = Path(path).read_bytes()[: MAX_RECEIPT_BYTES + 1]
    if len(raw) > MAX_RECEIPT_BYTES:
        raise ValueError(f"larger than {MAX_RECEIPT_BYTES} bytes")
    receipt = json.loads(raw.decode("utf-8"))
    if not isinstance(receipt, dict):
        raise TypeError("not a JSON object")
    household, index, size = receipt.get("household"), receipt.get("index"), receipt.get("size")
    path_hex, salt, root = receipt.get("path"), receipt.get("salt"), receipt.get("root")
    if not isinstance(household, str) or not isinstance(salt, str) or not isinstance(root, str):
        raise TypeError("household, salt and root must be text")
    if type(index) is not int or type(size) is not int:
        raise TypeError("index and size must be whole numbers")
    if not isinstance(path_hex, list) or not all(isinstance(h, str) for h in path_hex):
        raise TypeError("path must be a list of hashes")
    if len(path_hex) > MAX_PATH:
        raise ValueError(f"path holds more than {MAX_PATH} hashes")
    hashes = [bytes.fromhex(h) for h in path_hex]
    leaf = leaf_hash(leaf_data(bytes.fromhex(salt), household))
    return leaf, index, size, hashes, root.lower(), receipt


def main(argv: Sequence[str] | None = None) -> int:
    """Check a receipt; print one line; return the exit status (0 in, 1 not in, 2 unread)."""
    parser = argparse.ArgumentParser(
        prog="verify_inclusion.py",
        description="Check a household's receipt against the frame root the notice prints. "
        "核对住户收据与公示中的抽样框根。",
    )
    parser.add_argument("receipt", help="the receipt (JSON) 收据")
    parser.add_argument("--root", help="the root the notice prints 公示中的根")
    parser.add_argument("--lang", choices=["zh", "en"], default="zh")
    args = parser.parse_args(argv)
    try:
        leaf, index, size, path, own_root, receipt = _read(args.receipt)
    except (OSError, ValueError, TypeError) as error:
        why = error.strerror if isinstance(error, OSError) else str(error)
        sys.stderr.write(f"{args.receipt}: {_say('bad', args.lang, why=why)}\n")
        return 2
    found = root_from_path(leaf, index, size, path)
    wanted = (args.root or own_root).lower()
    if found is None or found.hex() != wanted or found.hex() != own_root:
        shown = "-" if found is None else found.hex()
        sys.stdout.write(_say("out", args.lang, found=shown, root=wanted) + "\n")
        return 1
    values = {
        "household": receipt["household"],
        "community": receipt.get("community", "-"),
        "quarter": receipt.get("quarter", "-"),
        "size": size,
        "root": wanted,
    }
    sys.stdout.write(_say("in", args.lang, **values) + "\n")
    if args.root is None:
        sys.stdout.write(_say("own", args.lang, root=own_root) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
