"""Region codes read by level: what the slices by hand used to do, named."""

import pytest
from django.db.models import Value

from anjian.regions.choices import RegionLevel
from anjian.regions.levels import (
    CODE_LENGTHS,
    ancestor_codes,
    city_of,
    code_at_sql,
    code_length,
    district_of,
    is_at_or_below,
    level_of,
    street_of,
)
from anjian.regions.models import Region, region_code_validator

CODES = {
    "31": RegionLevel.PROVINCE,
    "3101": RegionLevel.CITY,
    "310110": RegionLevel.DISTRICT,
    "310110016": RegionLevel.STREET,
    "310110016001": RegionLevel.COMMUNITY,
    "310110016W001": RegionLevel.GRID,
    "310110016001W002": RegionLevel.GRID,
}


@pytest.mark.parametrize(("code", "level"), CODES.items())
def test_the_level_is_read_off_the_code(code, level):
    region_code_validator(code)
    assert level_of(code) == level


@pytest.mark.parametrize("code", ["", "3", "310", "31011", "3101100", "3101100160"])
def test_a_length_no_level_has_is_no_level(code):
    assert level_of(code) is None


def test_each_level_but_the_grid_has_one_code_length():
    assert {level: code_length(level) for level in CODE_LENGTHS} == {
        RegionLevel.PROVINCE: 2,
        RegionLevel.CITY: 4,
        RegionLevel.DISTRICT: 6,
        RegionLevel.STREET: 9,
        RegionLevel.COMMUNITY: 12,
    }
    assert all(len(code) == code_length(level) for code, level in CODES.items() if "W" not in code)
    with pytest.raises(KeyError):
        code_length(RegionLevel.GRID)


@pytest.mark.parametrize(
    ("code", "city", "district", "street"),
    [
        ("31", "31", "31", "31"),
        ("3101", "3101", "3101", "3101"),
        ("310110", "3101", "310110", "310110"),
        ("310110016", "3101", "310110", "310110016"),
        ("310110016001", "3101", "310110", "310110016"),
        ("310110016W001", "3101", "310110", "310110016"),
        ("310110016001W002", "3101", "310110", "310110016"),
    ],
)
def test_the_city_district_and_street_of_a_code(code, city, district, street):
    assert (city_of(code), district_of(code), street_of(code)) == (city, district, street)
    assert district_of(code) == code[:6] and street_of(code) == code[:9]


@pytest.mark.parametrize(
    ("code", "district", "street"),
    [
        ("3101", False, False),
        ("310110", True, False),
        ("310110016", True, True),
        ("310110016W001", True, True),
        ("310110016001", True, True),
    ],
)
def test_a_code_at_or_below_a_level(code, district, street):
    assert is_at_or_below(code, RegionLevel.DISTRICT) is district
    assert is_at_or_below(code, RegionLevel.STREET) is street


def test_a_code_is_cut_to_its_district_and_street_in_sql_as_in_python(db):
    codes = [code for code in CODES if level_of(code) >= RegionLevel.STREET]
    for code in codes:
        row = Region.objects.annotate(
            district=code_at_sql(Value(code), RegionLevel.DISTRICT),
            street=code_at_sql(Value(code), RegionLevel.STREET),
        ).values("district", "street")[:1]
        assert list(row) == [{"district": district_of(code), "street": street_of(code)}]


def test_ancestor_codes_use_the_same_lengths():
    assert ancestor_codes("310110016001W002") == [
        "310110016001W002",
        "310110016001",
        "310110016",
        "310110",
        "3101",
        "31",
    ]
