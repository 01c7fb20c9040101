"""The supervising department: derived from the industry and the street, kept when picked
by hand and covering the street, re-derived when an industry moves between departments."""

import pytest

from anjian.core.exceptions import ValidationError
from anjian.enterprises import services
from anjian.enterprises.models import Enterprise
from anjian.enterprises.tests.support import department, field_messages, industry
from anjian.regions.forms import DepartmentForm
from anjian.regions.models import Department
from anjian.regions.services import department_update
from testsupport import world


@pytest.mark.parametrize(
    ("industry_code", "economic_code", "expected"),
    [
        ("construction", "E4710", "杨浦区建设和管理委员会"),
        ("gas", "D4500", "杨浦区建设和管理委员会"),
        ("hazchem", "C2614", "杨浦区应急管理局"),
        ("machinery", "C3411", "杨浦区应急管理局"),
        ("road_transport", "G5430", "杨浦区交通委员会"),
        ("special_equipment", "C3411", "杨浦区市场监督管理局"),
    ],
)
def test_the_supervising_department_follows_the_industry(
    district_official, industry_code, economic_code, expected
):
    enterprise = services.enterprise_create(
        by=district_official,
        data=world.enterprise_data(
            credit_code=world.credit_code(110),
            industry=industry(industry_code),
            economic_code=economic_code,
        ),
    )
    assert enterprise.supervising_department.name == expected


def test_the_same_industry_in_the_neighbouring_district_gets_that_districts_department(
    enterprises,
):
    assert enterprises["hongkou_shop"].supervising_department.name == "虹口区商务委员会"


def test_a_hand_picked_department_covering_the_street_is_kept(district_official):
    market = department("杨浦区市场监督管理局")
    enterprise = services.enterprise_create(
        by=district_official,
        data=world.enterprise_data(
            credit_code=world.credit_code(111),
            department_overridden=True,
            supervising_department=market,
        ),
    )
    assert enterprise.supervising_department == market
    assert enterprise.department_overridden


def test_a_hand_picked_department_must_cover_the_street(district_official):
    before = Enterprise.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.enterprise_create(
            by=district_official,
            data=world.enterprise_data(
                credit_code=world.credit_code(112),
                department_overridden=True,
                supervising_department=department("虹口区应急管理局"),
            ),
        )
    assert field_messages(caught.value, "supervising_department") == ["该部门不管辖此单位所在街镇"]
    assert Enterprise.objects.count() == before


def test_overriding_the_department_without_choosing_one_is_refused(district_official):
    with pytest.raises(ValidationError) as caught:
        services.enterprise_create(
            by=district_official,
            data=world.enterprise_data(
                credit_code=world.credit_code(113),
                department_overridden=True,
                supervising_department=None,
            ),
        )
    assert field_messages(caught.value, "supervising_department") == ["手工指定时请选择监管部门"]


def test_changing_the_industry_re_derives_the_department(district_official, enterprises):
    site = enterprises["yinhang_site"]
    assert site.supervising_department.name == "杨浦区建设和管理委员会"
    updated = services.enterprise_update(
        by=district_official,
        enterprise_id=site.pk,
        data={"industry": industry("machinery"), "economic_code": "C3411"},
        expected_version=site.version,
    )
    assert updated.supervising_department.name == "杨浦区应急管理局"


def _set_department_industries(admin, dept: Department, codes: list[str]) -> Department:
    data = {
        "name": dept.name,
        "short_name": dept.short_name,
        "industries": [industry(code).pk for code in codes],
        "sort_order": dept.sort_order,
    }
    if dept.is_comprehensive:
        data["is_comprehensive"] = "on"
    if dept.is_active:
        data["is_active"] = "on"
    form = DepartmentForm(data, instance=dept)
    assert form.is_valid(), form.errors
    return department_update(by=admin, form=form)


def test_moving_an_industry_between_departments_re_derives_enterprises_not_set_by_hand(
    admin, district_official, enterprises
):
    market = department("杨浦区市场监督管理局")
    by_hand = services.enterprise_create(
        by=district_official,
        data=world.enterprise_data(
            credit_code=world.credit_code(120),
            industry=industry("construction"),
            economic_code="E4710",
            department_overridden=True,
            supervising_department=market,
        ),
    )
    site = enterprises["yinhang_site"]
    hongkou_shop = enterprises["hongkou_shop"]

    _set_department_industries(admin, department("杨浦区建设和管理委员会"), ["gas"])
    site.refresh_from_db()
    assert site.supervising_department is None  # nobody in 杨浦 supervises 建筑施工 now

    _set_department_industries(
        admin, department("杨浦区交通委员会"), ["road_transport", "construction"]
    )
    site.refresh_from_db()
    by_hand.refresh_from_db()
    hongkou_shop.refresh_from_db()
    assert site.supervising_department.name == "杨浦区交通委员会"
    assert by_hand.supervising_department == market
    assert hongkou_shop.supervising_department.name == "虹口区商务委员会"


def test_re_deriving_departments_counts_only_the_rows_it_changed(enterprises):
    construction = industry("construction")
    assert (
        services.enterprises_rederive_departments(
            region_code=world.YANGPU, industry_ids={construction.pk}
        )
        == 0
    )
    department("杨浦区建设和管理委员会").industries.remove(construction)
    assert (
        services.enterprises_rederive_departments(
            region_code=world.YANGPU, industry_ids={construction.pk}
        )
        == 1
    )
