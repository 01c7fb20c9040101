"""The area strings as CAP writes them: polygons and circles, with Chinese messages."""

import pytest
from django.core.exceptions import ValidationError

from anjian.cap import area
from anjian.cap.tests.factories import CIRCLE, POLYGON


def message(parse, text: str) -> str:
    with pytest.raises(ValidationError) as caught:
        parse(text)
    return " ".join(caught.value.messages)


def test_a_closed_polygon_of_five_points_parses():
    points = area.parse_polygon(POLYGON)
    assert len(points) == 5
    assert points[0] == points[-1] == (31.30, 121.50)


def test_pairs_may_be_separated_by_newlines_and_are_normalised():
    text = "31.30,121.50\n31.30,121.56\r\n 31.25,121.56\t31.30,121.50 "
    assert area.parse_polygon(text)[2] == (31.25, 121.56)
    assert area.normalise(text) == "31.30,121.50 31.30,121.56 31.25,121.56 31.30,121.50"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31.30,121.50 31.30,121.56 31.30,121.50", "至少需要 4 个坐标点"),
        ("31.30,121.50 31.30,121.56 31.25,121.56 31.25,121.50", "须闭合"),
        ("95,121.50 31.30,121.56 31.25,121.56 95,121.50", "第 1 个坐标的纬度 95 超出范围"),
        ("31.30,121.50 31.30,190 31.25,121.56 31.30,121.50", "第 2 个坐标的经度 190 超出范围"),
        (
            "31.30,121.50 31.30;121.56 31.25,121.56 31.30,121.50",
            "第 2 个坐标“31.30;121.56”格式不正确",
        ),
        ("31.30,121.50 31.30,abc 31.25,121.56 31.30,121.50", "格式不正确"),
        ("31.30,121.50 nan,121.56 31.25,121.56 31.30,121.50", "格式不正确"),
    ],
)
def test_bad_polygons_are_refused_with_the_point_named(text, expected):
    assert expected in message(area.parse_polygon, text)


def test_a_circle_has_a_centre_and_a_radius_in_km():
    circle = area.parse_circle(CIRCLE)
    assert (circle.lat, circle.lon, circle.radius_km) == (31.2704, 121.5228, 2.5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31.27,121.52 0", "半径须大于 0"),
        ("31.27,121.52 -1", "半径须大于 0"),
        ("31.27,121.52", "格式应为“纬度,经度 半径（公里）”"),
        ("31.27,121.52 2 km", "格式应为"),
        ("31.27,121.52 two", "不是数字"),
        ("-91,121.52 2", "纬度 -91 超出范围"),
    ],
)
def test_bad_circles_are_refused_in_chinese(text, expected):
    assert expected in message(area.parse_circle, text)
