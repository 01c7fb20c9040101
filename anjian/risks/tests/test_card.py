"""The printable risk notice card (风险告知卡)."""

from django.urls import reverse

from anjian.risks import services
from anjian.risks.tests.factories import make_point


def test_the_card_shows_the_band_factors_accidents_measures_owner_and_phones(
    client_for, enterprise_manager, enterprises
):
    point = make_point(
        enterprises["yinhang_chemical"],
        name="甲醇储罐区",
        accident_types="08,17,19",
        emergency_phone="021-65550119",
        assess=("lec", {"L": 3, "E": 6, "C": 40}),
    )
    for kind, text in (
        ("engineering", "设液位高高联锁"),
        ("emergency", "泄漏时关闭紧急切断阀并撤离"),
    ):
        services.measure_add(
            by=enterprise_manager,
            risk_point_id=point.pk,
            data={
                "kind": kind,
                "text": text,
                "level": "company",
                "owner_name": "李四",
                "owner_phone": "",
                "sort_order": 10,
            },
        )
    response = client_for(enterprise_manager).get(reverse("risks:risk_point_card", args=[point.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "安全风险告知卡" in html
    assert 'data-band="red"' in html and "重大风险" in html and "（红色）" in html
    assert "火灾、容器爆炸、中毒和窒息" in html
    assert "设液位高高联锁" in html and "泄漏时关闭紧急切断阀并撤离" in html
    assert "021-65550119" in html and "119" in html and "120" in html
    assert "李四 13800138001" in html
    assert "risks/css/card" in html  # the print stylesheet (A4, phone layout)


def test_an_unassessed_card_says_so_and_falls_back_to_the_enterprise_phone(
    client_for, district_official, enterprises
):
    point = make_point(enterprises["yinhang_chemical"])
    html = (
        client_for(district_official)
        .get(reverse("risks:risk_point_card", args=[point.pk]))
        .content.decode()
    )
    assert "尚未评估" in html and 'data-band="none"' in html
    assert enterprises["yinhang_chemical"].safety_manager_phone in html


def test_a_card_outside_scope_is_404(client_for, neighbour_official, enterprises):
    point = make_point(enterprises["yinhang_chemical"])
    url = reverse("risks:risk_point_card", args=[point.pk])
    assert client_for(neighbour_official).get(url).status_code == 404
