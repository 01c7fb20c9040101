"""Starting from the industry library: which entries apply, and what picking them creates."""

import pytest
from django.urls import reverse

from anjian.core.exceptions import ValidationError
from anjian.risks import services
from anjian.risks.library import shipped_entries
from anjian.risks.models import ControlMeasure, RiskLibraryEntry, RiskPoint

REQUIRED_TOPICS = {
    "危化",
    "工贸·金属冶炼",
    "粉尘涉爆",
    "涉氨制冷",
    "有限空间",
    "建筑施工",
    "人员密集场所",
}


def test_the_shipped_library_covers_the_required_topics_with_three_measures_each(db):
    topics = set(RiskLibraryEntry.objects.values_list("topic", flat=True))
    assert topics >= REQUIRED_TOPICS
    names = set(RiskLibraryEntry.objects.values_list("name", flat=True))
    for name in (
        "危险化学品储罐区",
        "危险化学品装卸作业",
        "动火作业",
        "深基坑工程",
        "塔式起重机",
        "脚手架工程",
        "高处作业及临边洞口",
        "人员疏散通道及安全出口",
    ):
        assert name in names
    assert RiskLibraryEntry.objects.count() == len(shipped_entries())
    for entry in RiskLibraryEntry.objects.all():
        entry.full_clean()
        assert len(entry.measures) >= 3, entry.code
        assert entry.typical_score() > 0


def test_a_chemical_enterprise_gets_the_chemical_entries_and_a_site_the_construction_ones(
    enterprises,
):
    chemical = {e.code for e in services.library_for(enterprises["yinhang_chemical"])}
    site = {e.code for e in services.library_for(enterprises["yinhang_site"])}
    assert {"hazchem-tank-farm", "hazchem-loading", "hazchem-hot-work"} <= chemical
    assert "construction-tower-crane" not in chemical
    assert {"construction-foundation-pit", "construction-tower-crane"} <= site


def test_an_industry_the_library_does_not_cover_falls_back_to_generic_entries(enterprises):
    shop = enterprises["hongkou_shop"]  # 商场超市: the crowded-place entries apply
    assert "crowded-evacuation" in {e.code for e in services.library_for(shop)}
    shop.industry.code = "agriculture"
    codes = {e.code for e in services.library_for(shop)}
    assert codes == {e.code for e in RiskLibraryEntry.objects.filter(is_generic=True)}


def test_picking_entries_creates_points_with_their_measures(enterprise_manager, enterprises):
    chemical = enterprises["yinhang_chemical"]
    entries = list(
        RiskLibraryEntry.objects.filter(code__in=["hazchem-tank-farm", "hazchem-hot-work"])
    )
    created = services.risk_points_from_library(
        by=enterprise_manager,
        enterprise=chemical,
        entries=entries,
        owner_name="李四",
        owner_phone="13800138001",
    )
    assert sorted(p.name for p in created) == ["动火作业", "危险化学品储罐区"]
    tank = next(p for p in created if p.name == "危险化学品储罐区")
    assert tank.library_entry.code == "hazchem-tank-farm"
    assert tank.current_level == ""  # waits to be assessed
    assert ControlMeasure.objects.filter(risk_point=tank).count() == 5
    assert set(
        ControlMeasure.objects.filter(risk_point=tank).values_list("owner_name", flat=True)
    ) == {"李四"}


def test_picking_with_typical_values_assesses_each_point(enterprise_manager, enterprises):
    entry = RiskLibraryEntry.objects.get(code="hazchem-tank-farm")
    (point,) = services.risk_points_from_library(
        by=enterprise_manager,
        enterprise=enterprises["yinhang_chemical"],
        entries=[entry],
        owner_name="李四",
        owner_phone="13800138001",
        assess_typical=True,
    )
    point = RiskPoint.objects.get(pk=point.pk)
    assert (point.inherent_score, point.current_level) == (720, "red")


def test_an_entry_that_does_not_apply_is_refused(enterprise_manager, enterprises):
    crane = RiskLibraryEntry.objects.get(code="construction-tower-crane")
    with pytest.raises(ValidationError, match="不适用于本单位"):
        services.risk_points_from_library(
            by=enterprise_manager,
            enterprise=enterprises["yinhang_chemical"],
            entries=[crane],
            owner_name="李四",
            owner_phone="13800138001",
        )
    assert not RiskPoint.objects.filter(name="塔式起重机").exists()


def test_the_library_page_picks_entries_and_refuses_an_empty_pick(client_for, enterprise_manager):
    client = client_for(enterprise_manager)
    url = reverse("risks:risk_point_from_library")
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "危险化学品储罐区" in html and "塔式起重机" not in html
    empty = client.post(url, {"owner_name": "李四", "owner_phone": "13800138001"})
    assert empty.status_code == 422
    assert "请至少选择一个典型风险点" in empty.content.decode()
    crane = RiskLibraryEntry.objects.get(code="construction-tower-crane")
    foreign = client.post(
        url, {"entries": [crane.pk], "owner_name": "李四", "owner_phone": "13800138001"}
    )
    assert foreign.status_code == 422
    assert "所选条目不存在或不适用于本单位" in foreign.content.decode()
    tank = RiskLibraryEntry.objects.get(code="hazchem-tank-farm")
    done = client.post(
        url, {"entries": [tank.pk], "owner_name": "李四", "owner_phone": "13800138001"}
    )
    assert done.status_code == 302
    assert "level=none" in done["Location"]
    assert RiskPoint.objects.filter(name="危险化学品储罐区", library_entry=tank).count() == 1


def test_the_library_reference_page_lists_every_topic(client_for, leader):
    html = client_for(leader).get(reverse("risks:library_list")).content.decode()
    for topic in REQUIRED_TOPICS:
        assert topic in html
