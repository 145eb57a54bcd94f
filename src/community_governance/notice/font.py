"""The page's own Chinese font: Noto Sans SC, cut down to the characters the page uses (R-1).

A notice-board PC or a phone without Chinese fonts would show the page's Chinese as empty
boxes, and the page may load nothing from the network. So the page carries its font
inline: the ``[notebook]`` extra's Noto Sans SC (SIL Open Font License 1.1, whose notices
the cut-down font keeps in its name table), reduced with fontTools to the characters of
the page, as a ``data:`` URL. A page of a dozen units carries about a hundred kilobytes.
"""

from __future__ import annotations

import base64
import io
from typing import Any

from community_governance.extras import optional

__all__ = ["FAMILY", "font_face"]

#: The CSS family name the embedded font is declared under.
FAMILY = "CG Noto Sans SC"


def font_face(text: str) -> str | None:
    """A CSS ``@font-face`` rule carrying the glyphs of ``text``, or ``None`` without the font.

    The same text gives the same bytes.
    """
    package: Any = optional("pylopdf_fonts_zh_cn")
    subset: Any = optional("fontTools.subset")
    ttlib: Any = optional("fontTools.ttLib")
    if package is None or subset is None or ttlib is None:
        return None
    options = subset.Options()
    options.name_IDs = ["*"]  # copyright, licence and its URL stay with the font (OFL-1.1)
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.layout_features = ["*"]
    font = ttlib.TTFont(str(package.sans_path()), recalcTimestamp=False)
    cutter = subset.Subsetter(options=options)
    cutter.populate(unicodes={ord(c) for c in text if not c.isspace()} | {0x20})
    cutter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        f'@font-face {{ font-family: "{FAMILY}"; font-style: normal; font-weight: 100 900; '
        f'src: url("data:font/otf;base64,{data}") format("opentype"); }}'
    )
