"""Tables in and out: CSV and Excel files as offices keep them (E-1..E-4, C-3).

- [`read_table`][community_governance.tables.read_table] reads CSV (UTF-8, UTF-8 with a
  BOM, GB18030/GBK) or an Excel workbook into rows of text cells, headers matched by
  code or Chinese label;
- [`units_from_table`][community_governance.tables.units_from_table],
  [`ratings_from_table`][community_governance.tables.ratings_from_table],
  [`frame_from_table`][community_governance.tables.frame_from_table] and
  [`survey_from_tables`][community_governance.tables.survey_from_tables] build the
  domain's objects, every refusal at its row;
- [`write_table`][community_governance.tables.write_table] writes rows as CSV or as a
  workbook with drop-down lists, for templates and exports.

Excel needs the ``[excel]`` extra (openpyxl).
"""

from community_governance.tables.inputs import (
    frame_from_table,
    projects_from_table,
    ratings_from_table,
    survey_from_tables,
    units_from_table,
)
from community_governance.tables.kinds import TABLES, TableKind, split_list
from community_governance.tables.read import (
    ENCODINGS,
    MAX_CELL,
    MAX_ROWS,
    Column,
    Row,
    Table,
    TableError,
    decode,
    excel_number,
    read_table,
)
from community_governance.tables.write import write_table

__all__ = [
    "ENCODINGS",
    "MAX_CELL",
    "MAX_ROWS",
    "TABLES",
    "Column",
    "Row",
    "Table",
    "TableError",
    "TableKind",
    "decode",
    "excel_number",
    "frame_from_table",
    "projects_from_table",
    "ratings_from_table",
    "read_table",
    "split_list",
    "survey_from_tables",
    "units_from_table",
    "write_table",
]
