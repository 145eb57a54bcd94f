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

from typing import TYPE_CHECKING

from community_governance._lazy import lazy_exports

if TYPE_CHECKING:
    from community_governance.tables.inputs import (
        frame_from_table as frame_from_table,
        projects_from_table as projects_from_table,
        ratings_from_table as ratings_from_table,
        survey_from_tables as survey_from_tables,
        units_from_table as units_from_table,
    )
    from community_governance.tables.kinds import (
        TABLES as TABLES,
        TableKind as TableKind,
        split_list as split_list,
    )
    from community_governance.tables.read import (
        MAX_CELL as MAX_CELL,
        MAX_ROWS as MAX_ROWS,
        Column as Column,
        Row as Row,
        Table as Table,
        TableError as TableError,
        excel_number as excel_number,
        read_table as read_table,
    )
    from community_governance.tables.text import ENCODINGS as ENCODINGS, decode as decode
    from community_governance.tables.write import (
        write_table as write_table,
    )

__getattr__, __dir__ = lazy_exports(__name__, __file__)
