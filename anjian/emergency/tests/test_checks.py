"""The shared input checks (``emergency.checks``): one implementation behind the plans',
drills', incidents', resources', stock and dispatch services, each problem said in Chinese."""

import pytest
from django.utils.translation import gettext_lazy

from anjian.core.exceptions import ValidationError
from anjian.emergency import checks
from anjian.emergency.choices import OwnerKind
from anjian.emergency.models import RescueTeam
from anjian.emergency.tests import factories_resources as make


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("", "请填写数量"),
        ("三", "数量须为整数，不能是“三”"),
        (True, "数量须为整数"),
        ("NaN", "数量须为整数"),
        (-1, "数量不能为负数"),
        ("2.5", "数量须为整数，不能是2.5"),
        (0, "数量须大于0"),
        (1001, "数量超出合理范围，请核对"),
    ],
)
def test_a_whole_number_says_what_is_wrong_with_it(value, says):
    with pytest.raises(ValueError, match=says):
        checks.whole_number(value, label="数量", maximum=1000)


def test_a_whole_number_reads_what_people_type_and_spreadsheets_give():
    assert checks.whole_number(" 1,000 ", label="数量") == 1000
    assert checks.whole_number(10.0, label="数量") == 10
    assert checks.whole_number(0, label="数量", minimum=0) == 0


def test_a_minimum_above_one_is_named():
    with pytest.raises(ValueError, match="人数不能小于2"):
        checks.whole_number(1, label="人数", minimum=2)


def test_a_quantity_is_refused_on_the_field_it_came_in():
    with pytest.raises(ValidationError) as raised:
        checks.quantity_of(-1, name="returned", minimum=0)
    assert raised.value.message_dict == {"returned": ["数量不能为负数"]}


@pytest.mark.parametrize("value", [0, 11, "五", 2.5, "", None, True])
def test_a_number_in_a_range_has_the_callers_one_message(value):
    errors: dict = {}
    assert (
        checks.number_in_range(value, "score", errors, low=1, high=10, message="须为1至10") is None
    )
    assert errors == {"score": "须为1至10"}


def test_text_is_stripped_required_limited_and_only_text():
    errors: dict = {}
    assert checks.text("  殷行  ", "title", errors, limit=10) == "殷行"
    checks.text(" ", "place", errors, limit=10, missing=gettext_lazy("请填写发生地点"))
    checks.text("长" * 11, "note", errors, limit=10)
    checks.text(123, "reason", errors, limit=10)
    assert errors == {"place": "请填写发生地点", "note": "不能超过10字", "reason": "须为文字"}


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("latitude", "北纬31度", "纬度须为数字"),
        ("latitude", True, "纬度须为数字"),
        ("latitude", 91, "纬度须为−90到90之间的数字"),
        ("longitude", "Infinity", "经度须为−180到180之间的数字"),
        ("longitude", "", "请标出经度"),
    ],
)
def test_a_coordinate_is_a_number_on_the_globe(name, value, says):
    errors: dict = {}
    assert checks.coordinate(value, name, errors, missing="请标出%(label)s") is None
    assert errors == {name: says}


def test_a_blank_coordinate_is_none_unless_required():
    errors: dict = {}
    assert checks.coordinate(None, "latitude", errors) is None
    assert checks.coordinate(" 31.28 ", "latitude", errors) == pytest.approx(31.28)
    assert errors == {}


def test_a_department_key_that_is_not_a_number_is_a_message_not_a_crash(db):
    with pytest.raises(ValidationError) as raised:
        make.team(owner_kind=OwnerKind.DEPARTMENT, department="应急局", region=None)
    assert "请选择所属部门" in raised.value.message_dict["department"][0]
    assert not RescueTeam.objects.exists()
