"""The service catalogue and its extensions (S-1..S-7)."""

from __future__ import annotations

import importlib
import textwrap
from pathlib import Path

import pytest

from community_governance.errors import UnknownLabelError
from community_governance.services import (
    ENTRY_POINT_GROUP,
    CatalogueError,
    builtin_catalogue,
    load_catalogue,
)
from community_governance.vocabulary import Pillar, ServiceCategory

ROOT = Path(__file__).resolve().parents[2]


def test_the_seven_services_are_all_there_bilingual_with_their_rules() -> None:
    """S-1..S-7: one top-level entry per service, each in Chinese and English, with its rule."""
    catalogue = builtin_catalogue()
    top = catalogue.select(top_level=True)
    assert [e.category for e in top] == list(ServiceCategory)
    assert [e.rule for e in top] == [f"S-{i}" for i in range(1, 8)]
    for entry in catalogue.entries.values():
        assert entry.name.zh
        assert entry.name.en
        assert entry.description.zh
        assert entry.description.en
        assert entry.pillar is Pillar.SERVICE
    assert {e.name.zh for e in catalogue.children("professional")} == {
        "困难救助",
        "矛盾调处",
        "心理疏导",
        "行为矫治",
        "社会矛盾预防和化解",
        "社会关系调适",
    }  # S-2
    assert catalogue.find("四点钟学校").entry_id == "integration.four_oclock_school"  # S-3
    assert catalogue.find("micro-wishes").category is ServiceCategory.MICRO_GOVERNANCE  # S-4
    assert catalogue.find("Ball games").rule == "S-5"
    assert catalogue.find("街心公园").rule == "S-6"
    assert catalogue.find("志愿巡逻队").rule == "S-7"
    with pytest.raises(UnknownLabelError):
        catalogue.find("nothing of the kind")


def test_filtering_by_provider_and_group_and_export() -> None:
    """S-2, S-3: filters by provider and target group; JSON export lists every entry."""
    catalogue = builtin_catalogue()
    agency = catalogue.select(provider="social_work_agency")
    assert all("social_work_agency" in e.providers for e in agency)
    assert {e.category for e in agency} == {ServiceCategory.PROFESSIONAL}
    assert "integration.kindergarten" in {e.entry_id for e in catalogue.select(group="migrants")}
    assert len(catalogue.to_list()) == len(catalogue)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_catalogue_pages_are_generated_from_the_catalogue(lang: str) -> None:
    """S-1..S-7: docs/<lang>/catalogue.md is exactly what the catalogue renders."""
    page = (ROOT / "docs" / lang / "catalogue.md").read_text(encoding="utf-8")
    assert page == builtin_catalogue().to_markdown(lang)  # type: ignore[arg-type]


LOCAL = textwrap.dedent(
    """
    [groups]
    dockworkers = { zh = "码头工人家庭", en = "dockworkers' families" }

    [[service]]
    id = "integration.harbour_canteen"
    parent = "integration"
    category = "integration"
    zh = "港区爱心食堂"
    en = "Harbour community canteen"
    description.zh = "为码头工人家庭提供平价餐食。"
    description.en = "Low-cost meals for dockworkers' families."
    providers = ["residents_committee"]
    groups = ["dockworkers"]

    [[label]]
    id = "integration.four_oclock_school"
    zh = "放学驿站"
    en = "After-school stop"
    """
)


@pytest.fixture
def installed_extension(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A tiny installed package adding a local service and a local label."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "harbour_services.toml").write_text(LOCAL, encoding="utf-8")
    (site / "harbour_services.py").write_text(
        "from pathlib import Path\nFILE = Path(__file__).with_name('harbour_services.toml')\n",
        encoding="utf-8",
    )
    dist = site / "harbour_services-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: harbour-services\nVersion: 1.0\n", encoding="utf-8"
    )
    (dist / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\nharbour = harbour_services:FILE\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    return site


def test_an_installed_extension_adds_a_local_service_and_label(installed_extension: Path) -> None:
    """S-3: the extension's service and label appear; the built-in catalogue is untouched."""
    catalogue = load_catalogue()
    canteen = catalogue.get("integration.harbour_canteen")
    assert (canteen.source, canteen.rule, canteen.name.zh) == ("harbour", "S-3", "港区爱心食堂")
    assert catalogue.get("integration.four_oclock_school").name.en == "After-school stop"
    assert catalogue.sources == ("builtin", "harbour")
    assert "integration.harbour_canteen" not in builtin_catalogue().entries
    assert "integration.harbour_canteen" not in load_catalogue(installed=False).entries
    del installed_extension


def test_a_clash_without_the_flag_raises_and_with_it_replaces(tmp_path: Path) -> None:
    """S-1: reusing a built-in id raises unless the entry says replace = true."""
    clash = LOCAL.replace("integration.harbour_canteen", "integration.kindergarten")
    path = tmp_path / "clash.toml"
    path.write_text(clash, encoding="utf-8")
    with pytest.raises(CatalogueError, match="replace = true"):
        load_catalogue(installed=False, files=[path])
    path.write_text(
        clash.replace(
            'id = "integration.kindergarten"', 'id = "integration.kindergarten"\nreplace = true'
        ),
        encoding="utf-8",
    )
    assert (
        load_catalogue(installed=False, files=[path]).get("integration.kindergarten").name.zh
        == "港区爱心食堂"
    )


ENTRY = (
    "[[service]]\nid = 'x'\ncategory = 'public'\nzh = 'x'\nen = 'x'\n"
    "description = {zh='a', en='b'}\n"
)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("[[service]]\nid = 'x'\ncategory = 'nine'\n", "category"),
        (
            ENTRY + "providers = ['wizard']\n",
            "providers",
        ),
        (
            ENTRY + "parent = 'volunteer'\n",
            "category",
        ),
        ("[[label]]\nid = 'nowhere'\nzh = 'a'\nen = 'b'\n", "label"),
        ("colour = 'red'\n", "bad.toml"),
    ],
)
def test_invalid_extensions_name_the_field(text: str, field: str) -> None:
    """S-1..S-7: unknown category, provider, parent of another category, label, or key."""
    with pytest.raises(CatalogueError) as caught:
        builtin_catalogue().extend(text, source="bad.toml")
    assert field in str(caught.value)
