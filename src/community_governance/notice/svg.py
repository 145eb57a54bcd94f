"""The announcement's charts as inline SVG: text drawn as outlines, ids kept apart (R-1).

The charts are those of [`notebook.charts`][community_governance.notebook.charts], drawn
with their Chinese font and written as SVG with every glyph as an outline, so the page
needs no font from anywhere. Several charts share one page, so each chart's ids get its
own prefix.
"""

from __future__ import annotations

import io
import re
from html import escape
from typing import Any

__all__ = ["inline_svg"]

_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->\s*|<metadata>.*?</metadata>\s*", re.DOTALL)
_ID = re.compile(r'\bid="([^"]+)"')
_REFERENCE = re.compile(r'(href="#|url\(#)([^")]+)')
_SIZE = re.compile(r'<svg([^>]*?) width="[^"]*" height="[^"]*"')


def inline_svg(figure: Any, *, prefix: str, label: str) -> str:
    """``figure`` as an ``<svg>`` element to put in a page, labelled for screen readers.

    The output is the same for the same figure: matplotlib's SVG ids are hashed with a
    fixed salt, and the date is left out.
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415 - the [notebook] extra

    buffer = io.StringIO()
    # The salt is read when the file is written; without one, ids are random.
    with plt.rc_context({"svg.hashsalt": "community-governance"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    plt.close(figure)
    text = _COMMENT.sub("", _PROLOGUE.sub("", buffer.getvalue(), count=1))
    text = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', text)
    text = _REFERENCE.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", text)
    text = _SIZE.sub(
        lambda m: f'<svg{m.group(1)} role="img" aria-label="{escape(label)}" class="chart"',
        text,
        count=1,
    )
    return text.strip()
