"""Notebook helpers (adapter; needs the ``[notebook]`` extra): DataFrames and charts.

* :func:`to_pandas` / :func:`to_polars`: a quarter's scorecards as a table, one
  row per unit. Scores are floats there, for analysis and plotting; the exact
  values stay in the result.
* :func:`radar`, :func:`ranking`, :func:`balance`, :func:`margins`:
  matplotlib figures — a unit's six dimensions by source (E-2), the ranking
  against the grade bands (E-6), the 1:2:7 balance (P-2), and the survey
  means with their 95% margins of error (E-4).

Results and explanations render as HTML in Jupyter by themselves
(``_repr_html_``). Chart labels are English by default; ``lang="zh"`` needs a
font with Chinese glyphs installed.
"""

from community_governance.notebook.charts import balance, margins, radar, ranking
from community_governance.notebook.frames import to_pandas, to_polars

__all__ = ["balance", "margins", "radar", "ranking", "to_pandas", "to_polars"]
