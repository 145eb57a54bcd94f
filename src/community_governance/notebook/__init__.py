"""Notebook helpers (adapter; needs the ``[notebook]`` extra): DataFrames and charts.

* [`to_pandas`][community_governance.notebook.frames.to_pandas] /
[`to_polars`][community_governance.notebook.frames.to_polars]: a quarter's scorecards as a table,
one
  row per unit. Scores are floats there, for analysis and plotting; the exact
  values stay in the result.
* [`radar`][community_governance.notebook.charts.radar],
[`ranking`][community_governance.notebook.charts.ranking],
[`balance`][community_governance.notebook.charts.balance],
[`margins`][community_governance.notebook.charts.margins]:
  matplotlib figures — a unit's six dimensions by source (E-2), the ranking
  against the grade bands (E-6), the 1:2:7 balance (P-2), and the survey
  means with their 95% margins of error (E-4).

Results and explanations render as HTML in Jupyter by themselves
(``_repr_html_``). Chart labels are English by default and Chinese with
``lang="zh"``; the extra's Noto Sans SC is registered when a chart is drawn
([`chart_fonts`][community_governance.notebook.fonts.chart_fonts]).
"""

from typing import TYPE_CHECKING

from community_governance._lazy import lazy_exports

if TYPE_CHECKING:
    from community_governance.notebook.charts import (
        balance as balance,
        margins as margins,
        radar as radar,
        ranking as ranking,
    )
    from community_governance.notebook.frames import (
        to_pandas as to_pandas,
        to_polars as to_polars,
    )

__getattr__, __dir__ = lazy_exports(__name__, __file__)
