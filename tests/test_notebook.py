"""The example notebook runs, and its charts render (E-2, E-4, E-6, P-2)."""

from __future__ import annotations

import struct
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from community_governance.demo import demo_quarter, run_demo
from community_governance.notebook import to_pandas

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "docs" / "notebooks" / "quarter.ipynb"
CHARTS = ("ranking", "radar-market", "balance", "margins")


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_the_example_notebook_runs_and_its_charts_render(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every cell runs; the four charts are written as real PNG images; results render as HTML."""
    monkeypatch.setenv("CG_IMAGES", str(tmp_path))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    notebook = nbformat.read(NOTEBOOK, as_version=4)  # type: ignore[no-untyped-call]
    NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    ).execute()
    for name in CHARTS:
        data = (tmp_path / f"{name}.png").read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", data[16:24])
        assert width > 200
        assert height > 150
    html = notebook.cells[1].outputs[0]["data"]["text/html"]
    assert "惠民超市" not in html  # units show by id in the table
    assert "market" in html
    assert "不合格 / failed" in html
    explanation = notebook.cells[4].outputs[0]["data"]["text/html"]
    assert "E-5" in explanation


def test_to_pandas_keeps_rank_order_and_exact_text() -> None:
    """E-6: the DataFrame lists units in rank order and keeps the exact reported score as text."""
    result = run_demo(demo_quarter(127)).result
    frame = to_pandas(result)
    assert list(frame.index) == [c.unit_id for c in result.scorecards]
    assert list(frame["final_text"]) == [str(c.final.reported) for c in result.scorecards]
