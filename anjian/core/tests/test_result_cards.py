"""Every list's results card (core/registry/_results.html) shows its rows as cards on a
phone: one card per row of the page, the table's ``card_fields`` or else the columns it
keeps on phones (core/templatetags/results.py). The browser test measures how they look
(web/tests/test_phone_layout.py)."""

import re

import django_tables2 as tables
import pytest
from django.test import RequestFactory
from django.urls import reverse

from anjian.core.templatetags.results import card_columns, result_cards
from anjian.enterprises.models import Enterprise
from anjian.enterprises.tables import EnterpriseTable
from anjian.hazards.choices import State
from anjian.hazards.tests.factories import hazard_in
from anjian.risks.tests.factories import world_point


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def cards_and_rows(response) -> tuple[int, int]:
    page = response.content.decode()
    table = page[page.index('class="results-table"') :]
    return page.count("data-card>"), len(re.findall(r"<tr\b", table.split("<tbody")[1]))


@pytest.mark.parametrize(
    "url", ["enterprises:enterprise_list", "risks:risk_point_list", "hazards:hazard_list"]
)
def test_each_row_of_a_list_is_also_a_card(client_for, district_official, enterprises, url):
    hazard_in(State.REPORTED)
    world_point("yinhang_chemical")
    response = client_for(district_official).get(reverse(url))
    cards, rows = cards_and_rows(response)
    assert cards == rows > 0


def test_the_htmx_results_carry_the_cards_too(client_for, district_official, enterprises):
    response = client_for(district_official).get(
        reverse("enterprises:enterprise_list"),
        headers={"HX-Request": "true", "HX-Target": "results"},
    )
    assert "<html" not in response.content.decode()
    cards, rows = cards_and_rows(response)
    assert cards == rows > 0


def test_a_hazard_card_names_its_enterprise_state_deadline_and_grade(client_for, district_official):
    hazard = hazard_in(State.RECTIFYING)
    page = client_for(district_official).get(reverse("hazards:hazard_list")).content.decode()
    card = page[page.index(f'<a href="{hazard.get_absolute_url()}"') :]
    card = card[: card.index("data-card>") if "data-card>" in card else len(card)]
    assert hazard.enterprise.name in card
    for label in ("状态", "整改期限", "等级"):
        assert f"<dt>{label}</dt>" in card
    assert hazard.get_state_display() in card and hazard.deadline.isoformat() in card


def test_without_card_fields_a_card_shows_the_columns_kept_on_phones(db):
    table = EnterpriseTable(Enterprise.objects.none())
    names = [column.name for column in card_columns(table)]
    assert names == ["name", "street", "supervision_grade", "status"]


class Plain(tables.Table):
    first = tables.Column()
    second = tables.Column(attrs={"td": {"class": "d-none d-md-table-cell"}})
    third = tables.Column()


def test_a_card_is_the_title_a_subtitle_then_labelled_fields():
    table = Plain([{"first": "一", "second": "二", "third": "三"}])
    table.paginate(page=1, per_page=10)
    table.request = RequestFactory().get("/")
    (card,) = result_cards(table).rows
    assert (card.title, card.subtitle, card.fields) == ("一", "三", [])
    table.card_fields = ("third", "first", "second")
    (card,) = result_cards(table).rows
    assert (card.title, card.subtitle, card.fields) == ("三", "一", [("Second", "二")])
