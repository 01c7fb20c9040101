"""The area picked as regions: streets and districts of the composer's scope, sent as
geocodes (GB/T 2260), with the districts' outlines as the polygons — valid CAP 1.2."""

import pytest
from django.urls import reverse
from lxml import etree

from anjian.cap import area, services, xml
from anjian.cap.models import CapAlert
from anjian.cap.tests.factories import alert_data, alert_in, draft, form_data, published_update
from anjian.core.exceptions import ValidationError
from anjian.regions.models import Region
from testsupport import world

NS = {"cap": xml.NAMESPACE}


def area_of(document: str):
    return etree.fromstring(document.encode("utf-8")).find("cap:info/cap:area", NS)


def geocodes(document: str) -> list[tuple[str, str]]:
    return [
        (g.findtext("cap:valueName", namespaces=NS), g.findtext("cap:value", namespaces=NS))
        for g in area_of(document).iterfind("cap:geocode", NS)
    ]


# --- the outline as CAP polygons (pure) -----------------------------------------------------


def test_an_outline_becomes_closed_lat_lon_polygons_one_per_part():
    square = [[121.5, 31.3], [121.56, 31.3], [121.56, 31.25], [121.5, 31.25]]  # not closed
    multi = {"type": "MultiPolygon", "coordinates": [[square], [square[::-1]]]}
    polygons = area.boundary_polygons(multi)
    assert len(polygons) == 2
    assert polygons[0] == (
        "31.3000,121.5000 31.3000,121.5600 31.2500,121.5600 31.2500,121.5000 31.3000,121.5000"
    )
    for text in polygons:
        assert area.parse_polygon(text)  # closed, ≥ 4 points, in range


def test_holes_and_degenerate_rings_are_left_out():
    outer = [[121.5, 31.3], [121.56, 31.3], [121.56, 31.25], [121.5, 31.3]]
    hole = [[121.52, 31.28], [121.53, 31.28], [121.53, 31.27], [121.52, 31.28]]
    sliver = [[121.5, 31.3], [121.50001, 31.30001], [121.5, 31.3]]
    polygon = {"type": "Polygon", "coordinates": [outer, hole]}
    assert len(area.boundary_polygons(polygon)) == 1
    assert area.boundary_polygons({"type": "Polygon", "coordinates": [sliver]}) == []
    assert area.boundary_polygons(None) == []


# --- the compose form ------------------------------------------------------------------------


def test_the_form_offers_the_streets_and_district_of_the_composers_scope(
    client_for, district_official
):
    response = client_for(district_official).get(reverse("cap:alert_create"))
    codes = {code for code, _label in response.context["form"].fields["areas"].choices}
    assert world.YANGPU in codes and world.YINHANG in codes and world.PINGLIANG in codes
    assert not [code for code in codes if not code.startswith(world.YANGPU)]
    page = response.content.decode()
    assert "殷行街道" in page and "杨浦区全境" in page
    assert 'name="areas"' in page and 'type="checkbox"' in page
    assert 'id="advanced-area"' in page  # typed shapes: folded away


def test_a_warning_composed_by_streets_needs_no_coordinates(client_for, district_official):
    client = client_for(district_official)
    data = form_data(polygon="", area_desc="", areas=[world.YINHANG, world.PINGLIANG])
    response = client.post(reverse("cap:alert_create"), data)
    assert response.status_code == 302
    alert = CapAlert.objects.get(headline=data["headline"])
    assert sorted(alert.areas.values_list("code", flat=True)) == [world.PINGLIANG, world.YINHANG]
    assert alert.polygon == "" and alert.area_desc == "杨浦区平凉路街道、殷行街道"
    page = client.get(alert.get_absolute_url()).content.decode()
    assert "杨浦区殷行街道" in page and "符合 OASIS CAP 1.2 架构" in page


def test_a_street_outside_the_scope_is_refused_by_the_form(client_for, district_official):
    hongkou_street = Region.objects.filter(parent_id=world.HONGKOU, level=4).first()
    response = client_for(district_official).post(
        reverse("cap:alert_create"), form_data(polygon="", areas=[hongkou_street.code])
    )
    assert response.status_code == 422
    assert "影响区划须在您的管辖范围内" in response.content.decode()


def test_the_edit_form_shows_the_picked_streets_checked(client_for, district_official):
    alert = draft(by=district_official, areas=[Region.objects.get(code=world.YINHANG)])
    page = client_for(district_official).get(reverse("cap:alert_edit", args=[alert.pk]))
    text = page.content.decode()
    assert f'value="{world.YINHANG}" id="id_areas_{world.YINHANG}" checked' in text
    assert f'value="{world.PINGLIANG}" id="id_areas_{world.PINGLIANG}">' in text


# --- services ------------------------------------------------------------------------------


def test_regions_outside_the_issuing_region_are_refused(admin):
    with pytest.raises(ValidationError) as caught:
        services.alert_create(
            by=admin, data=alert_data(areas=[Region.objects.get(code=world.HONGKOU)])
        )
    assert "影响区划须在发布单位区划（杨浦区）内：虹口区" in caught.value.message_dict["areas"][0]


def test_only_districts_and_streets_may_be_picked(admin):
    for code in ("3101", f"{world.YINHANG}W001", "999999"):
        with pytest.raises(ValidationError) as caught:
            services.alert_create(by=admin, data=alert_data(region=world.YANGPU, areas=[code]))
        assert "areas" in caught.value.message_dict, code


def test_a_district_sends_its_outline_and_its_code(db):
    yangpu = Region.objects.get(code=world.YANGPU)
    alert = alert_in("published", areas=[yangpu], polygon="")
    assert xml.problems(alert.xml) == []
    where = area_of(alert.xml)
    names = [etree.QName(child).localname for child in where]
    assert names[0] == "areaDesc" and names[-1] == "geocode"
    assert names.index("polygon") < names.index("geocode")  # the schema's order
    outline = area.boundary_polygons(yangpu.boundary)
    assert [p.text for p in where.iterfind("cap:polygon", NS)] == outline
    assert geocodes(alert.xml) == [("GB/T 2260", world.YANGPU)]


def test_streets_are_sent_as_geocodes_and_the_xml_validates(db):
    streets = list(Region.objects.filter(code__in=(world.YINHANG, world.PINGLIANG)))
    alert = alert_in("published", areas=streets, polygon="", circle="", area_desc="")
    assert xml.problems(alert.xml) == []
    assert xml.schema().validate(etree.fromstring(alert.xml.encode("utf-8")))
    assert geocodes(alert.xml) == [("GB/T 2260", world.PINGLIANG), ("GB/T 2260", world.YINHANG)]
    assert area_of(alert.xml).find("cap:polygon", NS) is None  # streets have no outline


def test_a_typed_polygon_still_works_as_before(db):
    """Warnings written before regions could be picked: a polygon, no regions."""
    alert = alert_in("published")
    assert alert.areas.count() == 0 and xml.problems(alert.xml) == []
    assert geocodes(alert.xml) == []
    assert area_of(alert.xml).findtext("cap:polygon", namespaces=NS) == alert.polygon


def test_an_area_without_anything_is_not_valid_cap(db):
    alert = alert_in("published")
    document = alert.xml.replace(f"<polygon>{alert.polygon}</polygon>", "")
    assert "影响区域须有区划、多边形或圆形区域（至少一项）" in xml.problems(document)


def test_an_update_carries_the_regions_and_the_timeline_names_them(db):
    streets = list(Region.objects.filter(code__in=(world.YINHANG,)))
    original = alert_in("published", areas=streets, polygon="")
    update = published_update(original)
    assert list(update.areas.values_list("code", flat=True)) == [world.YINHANG]
    assert update.transitions.get(action="create").data == {"areas": ["杨浦区殷行街道"]}
    assert geocodes(update.xml) == [("GB/T 2260", world.YINHANG)]


def test_changing_the_regions_is_on_the_timeline(client_for, district_official):
    alert = draft(by=district_official, areas=[Region.objects.get(code=world.YINHANG)])
    services.alert_edit(
        by=district_official,
        alert_id=alert.pk,
        data={**alert_data(), "areas": [world.YANGPU]},
        expected_version=alert.version,
    )
    assert alert.transitions.get(action="edit").data == {"areas": ["杨浦区"]}
    page = client_for(district_official).get(alert.get_absolute_url()).content.decode()
    timeline = page[page.index('id="timeline"') :]
    assert "影响区划：杨浦区" in timeline


# --- API ---------------------------------------------------------------------------------


def test_the_api_takes_and_gives_region_codes(api_client_for, district_official):
    payload = {
        key: value
        for key, value in form_data(polygon="", area_desc="", areas=[world.YINHANG]).items()
        if value != "" or key in ("polygon", "area_desc")
    }
    payload["expires"] = payload["expires"] + ":00+08:00"
    response = api_client_for(district_official).post(
        "/api/v1/warnings/", payload, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["areas"] == [world.YINHANG]
    assert response.json()["area_desc"] == "杨浦区殷行街道"


def test_a_made_description_follows_the_picks_and_a_typed_one_stays(district_official):
    yinhang = Region.objects.get(code=world.YINHANG)
    alert = draft(by=district_official, areas=[yinhang], area_desc="")
    assert alert.area_desc == "杨浦区殷行街道"
    picks = [yinhang, Region.objects.get(code=world.PINGLIANG)]
    alert = services.alert_edit(
        by=district_official,
        alert_id=alert.pk,
        data={**alert_data(area_desc=alert.area_desc), "areas": picks},
        expected_version=alert.version,
    )
    assert alert.area_desc == "杨浦区平凉路街道、殷行街道"
    alert = services.alert_edit(
        by=district_official,
        alert_id=alert.pk,
        data={**alert_data(area_desc="沿江危化企业"), "areas": [yinhang]},
        expected_version=alert.version,
    )
    assert alert.area_desc == "沿江危化企业"
