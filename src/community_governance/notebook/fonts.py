"""A font with Chinese glyphs that every chart finds, on any machine (E-2, E-4, E-6, P-2).

Chart labels are bilingual, so the charts need Chinese glyphs wherever they are drawn: a
notebook on a laptop, a CI machine with no fonts, a street office's Windows PC. The
``[notebook]`` extra installs Noto Sans SC (SIL Open Font License 1.1, its licence shipped
with it) in the ``pylopdf-fonts-zh-cn`` package; it is registered with matplotlib when a
chart is first drawn. Failing that, a Chinese font installed on the machine is used.
Latin text keeps matplotlib's own DejaVu Sans; Chinese falls back to the CJK font glyph by
glyph.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any

from community_governance.errors import GovernanceError
from community_governance.extras import optional, require

__all__ = ["ChartFontError", "chart_fonts", "chart_style"]

#: Fonts with Chinese glyphs looked for on the machine when the packaged one is absent.
INSTALLED_CJK = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
)


class ChartFontError(GovernanceError, LookupError):
    """No font with Chinese glyphs can be found for a chart."""


@functools.cache
def chart_fonts() -> tuple[str, ...]:
    """The font families charts are drawn in: DejaVu Sans, then a font with Chinese glyphs.

    Raises:
        ChartFontError: neither the packaged Noto Sans SC nor an installed Chinese font.
    """
    font_manager: Any = require(
        "matplotlib.font_manager", needed_for=("charts", "图表"), field="font", rule="E-6"
    )
    package: Any = optional("pylopdf_fonts_zh_cn")
    if package is not None:
        path = str(package.sans_path())
        font_manager.fontManager.addfont(path)
        return ("DejaVu Sans", font_manager.FontProperties(fname=path).get_name())
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    for family in INSTALLED_CJK:
        if family in installed:
            return ("DejaVu Sans", family)
    raise ChartFontError(
        "no font with Chinese glyphs: pip install 'community-governance[notebook]'",
        field="font",
        rule="E-6",
        zh="没有含中文字形的字体：pip install 'community-governance[notebook]'",
    )


@contextlib.contextmanager
def chart_style() -> Iterator[None]:
    """Settings a chart is built under: its fonts.

    The font families are stored in each text as it is made, so the figure draws with them
    later, wherever it is shown, without changing the caller's own matplotlib settings.
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415 - the [notebook] extra

    with plt.rc_context({"font.family": list(chart_fonts())}):
        yield
