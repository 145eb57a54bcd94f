"""The public announcement (公示) of a quarter's results, as a page residents read (R-1).

* [`build_notice`][community_governance.notice.content.build_notice] gathers what is
  announced: results by unit name, honour certificates, rectification orders with their
  deadlines and supervisors, the objection window, the household sample's certificate, and
  the ledger's head.
* [`render_page`][community_governance.notice.page.render_page] draws it as one
  self-contained HTML page, in Chinese or English.
* [`write_site`][community_governance.notice.site.write_site] writes both languages, the
  certificate and the result document into a folder.

The charts need the ``[notebook]`` extra (matplotlib and a Chinese font); without it,
``write_site(..., charts=False)`` writes the tables alone.
"""

from typing import TYPE_CHECKING

from community_governance._lazy import lazy_exports

if TYPE_CHECKING:
    from community_governance.notice.content import (
        LedgerHead as LedgerHead,
        Notice as Notice,
        OrderNotice as OrderNotice,
        build_notice as build_notice,
    )
    from community_governance.notice.page import (
        render_page as render_page,
    )
    from community_governance.notice.site import (
        notice_charts as notice_charts,
        site_files as site_files,
        write_site as write_site,
    )

__getattr__, __dir__ = lazy_exports(__name__, __file__)
