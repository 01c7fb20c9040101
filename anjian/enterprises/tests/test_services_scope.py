"""Scope is checked inside the write: nobody registers an enterprise outside their street,
grid or industries, or moves one out; the enterprise manager keeps to its own fields."""

import pytest

from anjian.core.exceptions import ValidationError
from anjian.enterprises import services
from anjian.enterprises.models import Enterprise
from anjian.enterprises.tests.support import field_messages, industry, region, unchanged
from testsupport import world


def test_a_street_officer_moving_an_enterprise_to_another_street_gets_a_field_error(
    street_officer, enterprises
):
    site = enterprises["yinhang_site"]
    before = unchanged(site)
    with pytest.raises(ValidationError) as caught:
        services.enterprise_update(
            by=street_officer,
            enterprise_id=site.pk,
            data={"street": region(world.PINGLIANG), "address": "上海市杨浦区平凉路1号"},
            expected_version=site.version,
        )
    assert "只能登记您管辖范围" in field_messages(caught.value, "street")[0]
    assert unchanged(site) == before


def test_a_street_officer_cannot_register_an_enterprise_in_another_street(street_officer):
    before = Enterprise.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.enterprise_create(
            by=street_officer,
            data=world.enterprise_data(
                credit_code=world.credit_code(130), street=region(world.PINGLIANG)
            ),
        )
    assert "street" in caught.value.message_dict
    assert Enterprise.objects.count() == before


def test_a_grid_member_cannot_register_an_enterprise_outside_their_grid(grid_member):
    before = Enterprise.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.enterprise_create(
            by=grid_member, data=world.enterprise_data(credit_code=world.credit_code(131))
        )
    assert "street" in caught.value.message_dict
    assert Enterprise.objects.count() == before


def test_the_housing_official_cannot_switch_an_enterprise_to_hazchem(housing_official, enterprises):
    site = enterprises["yinhang_site"]
    before = unchanged(site)
    with pytest.raises(ValidationError) as caught:
        services.enterprise_update(
            by=housing_official,
            enterprise_id=site.pk,
            data={"industry": industry("hazchem"), "economic_code": "C2614"},
            expected_version=site.version,
        )
    assert field_messages(caught.value, "industry") == ["只能登记本部门监管行业的单位"]
    assert unchanged(site) == before


def test_the_housing_official_may_change_an_enterprise_in_their_industries(
    housing_official, enterprises
):
    site = enterprises["yinhang_site"]
    services.enterprise_update(
        by=housing_official,
        enterprise_id=site.pk,
        data={"industry": industry("gas"), "economic_code": "D4500"},
        expected_version=site.version,
    )
    site.refresh_from_db()
    assert site.industry.code == "gas"


def test_the_enterprise_manager_may_update_the_self_maintained_fields(
    enterprise_manager, enterprises
):
    chemical = enterprises["yinhang_chemical"]
    services.enterprise_update(
        by=enterprise_manager,
        enterprise_id=chemical.pk,
        data={
            "principal_name": "陈七",
            "principal_phone": "13911112222",
            "safety_manager_name": "周八",
            "employees": 135,
        },
        expected_version=chemical.version,
    )
    chemical.refresh_from_db()
    assert (chemical.principal_name, chemical.employees) == ("陈七", 135)


@pytest.mark.parametrize(
    "field_and_value",
    [
        {"name": "改名公司"},
        {"supervision_grade": "D"},
        {"employees": 10, "insured_until": None},
    ],
)
def test_the_enterprise_manager_cannot_change_the_regulators_fields(
    enterprise_manager, enterprises, field_and_value
):
    chemical = enterprises["yinhang_chemical"]
    before = unchanged(chemical)
    with pytest.raises(ValidationError) as caught:
        services.enterprise_update(
            by=enterprise_manager,
            enterprise_id=chemical.pk,
            data=field_and_value,
            expected_version=chemical.version,
        )
    assert caught.value.messages == ["企业用户只能修改本单位的联系人和从业人员信息"]
    assert unchanged(chemical) == before


def test_the_enterprise_manager_cannot_reach_another_enterprise(enterprise_manager, enterprises):
    with pytest.raises(Enterprise.DoesNotExist):
        services.enterprise_update(
            by=enterprise_manager,
            enterprise_id=enterprises["yinhang_site"].pk,
            data={"employees": 1},
            expected_version=1,
        )
