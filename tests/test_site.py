"""The documentation site builds strictly and shows no literal Sphinx role (all pages)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROLE = re.compile(r":(func|class|meth|mod|data|attr|exc|obj):`")


def test_the_site_builds_and_renders_every_cross_reference(tmp_path: Path) -> None:
    """Docs: mkdocs build --strict passes and no page shows :func:, :class:, :meth: or :mod:."""
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    built = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    pages = list(site.rglob("*.html"))
    assert len(pages) > 30
    literal = {
        str(page.relative_to(site)): sorted(set(ROLE.findall(page.read_text(encoding="utf-8"))))
        for page in pages
    }
    assert {page: roles for page, roles in literal.items() if roles} == {}
    reference = (site / "reference" / "evaluation" / "index.html").read_text(encoding="utf-8")
    assert 'href="#community_governance.evaluation.quarter.evaluate_quarter"' in reference
    _both_languages(site)


def _both_languages(site: Path) -> None:
    """The English site at the root, the Chinese under zh/, each with its own chrome."""
    chinese = sorted((site / "zh").rglob("*.html"))
    english = [p for p in site.rglob("*.html") if "zh" not in p.relative_to(site).parts]
    assert len(chinese) > 20
    for page in chinese:
        html = page.read_text(encoding="utf-8")
        assert '<html lang="zh"' in html, page
        assert 'placeholder="搜索"' in html, page  # Material's Chinese site chrome
        assert 'hreflang="en"' in html, page  # the language switcher
    for page in english:
        if page.name == "404.html":
            continue
        html = page.read_text(encoding="utf-8")
        assert '<html lang="en"' in html, page
        assert 'placeholder="Search"' in html, page
        assert 'hreflang="zh"' in html, page
    overview = (site / "zh" / "api" / "index.html").read_text(encoding="utf-8")
    assert "中文 API 概览" in overview
