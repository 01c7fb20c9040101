"""The four-colour risk map and the concentration figures (by street and industry)."""

from django.urls import reverse

from anjian.risks.tests.factories import make_point

DATA = reverse("risks:risk_map_data")


def test_each_enterprise_is_coloured_by_its_highest_current_risk(
    client_for, district_official, enterprises
):
    chemical, site = enterprises["yinhang_chemical"], enterprises["yinhang_site"]
    make_point(chemical, assess=("lec", {"L": 3, "E": 6, "C": 40}))  # red
    make_point(chemical, assess=("ls", {"L": 1, "S": 1}))  # blue
    make_point(site, assess=("ls", {"L": 3, "S": 4}))  # orange
    make_point(enterprises["pingliang_factory"])  # not assessed: not on the map
    client = client_for(district_official)
    points = {p[0]: p for p in client.get(DATA).json()["points"]}
    assert set(points) == {chemical.pk, site.pk}
    assert (points[chemical.pk][4], points[chemical.pk][6]) == ("red", 2)
    assert points[site.pk][4] == "orange"
    # The colour filter is the enterprise's highest level: the chemical plant is not orange.
    orange = client.get(DATA, {"level": "orange"}).json()
    assert [p[0] for p in orange["points"]] == [site.pk]
    assert client.get(DATA, {"level": "blue"}).json()["points"] == []
    assert [p[0] for p in client.get(DATA, {"industry": "construction"}).json()["points"]] == [
        site.pk
    ]


def test_the_map_stays_in_scope(client_for, neighbour_official, enterprises):
    make_point(enterprises["yinhang_chemical"], assess=("lec", {"L": 3, "E": 6, "C": 40}))
    shop = make_point(enterprises["hongkou_shop"], assess=("ls", {"L": 2, "S": 2}))
    points = client_for(neighbour_official).get(DATA).json()["points"]
    assert [p[0] for p in points] == [shop.enterprise_id]


def test_the_map_page_uses_the_vendored_leaflet_and_no_cdn(client_for, leader):
    html = client_for(leader).get(reverse("risks:risk_map")).content.decode()
    assert (
        "vendor/leaflet/leaflet" in html and "web/js/mapbase" in html and "risks/js/riskmap" in html
    )
    assert "http://" not in html.split("<body")[0] and "https://" not in html.split("<body")[0]


def test_concentration_counts_by_street_and_industry_with_links_to_the_list(
    client_for, district_official, enterprises
):
    make_point(enterprises["yinhang_chemical"], assess=("lec", {"L": 3, "E": 6, "C": 40}))
    make_point(enterprises["yinhang_chemical"], assess=("lec", {"L": 3, "E": 6, "C": 15}))
    make_point(enterprises["pingliang_factory"], assess=("ls", {"L": 2, "S": 2}))
    make_point(enterprises["pingliang_factory"])
    response = client_for(district_official).get(reverse("risks:risk_concentration"))
    figures = response.context["figures"]
    assert figures.totals == {"red": 1, "orange": 1, "yellow": 1, "blue": 0}
    assert (figures.unassessed, figures.enterprises) == (1, 2)
    streets = {row.key: row.counts for row in figures.by_street}
    assert streets["310110016"] == {"red": 1, "orange": 1, "yellow": 0, "blue": 0}
    assert figures.by_street[0].key == "310110016"  # most 重大 first
    industries = {row.key: row.total for row in figures.by_industry}
    assert industries == {"hazchem": 2, "machinery": 1}
    html = response.content.decode()
    assert "/risks/?street=310110016&amp;level=red" in html
    assert "vendor/echarts/echarts.min" in html
    charts = response.context["charts"]
    assert charts["street"][0][0] == "310110016" and charts["levels"][0][0] == "red"
