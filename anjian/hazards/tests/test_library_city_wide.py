"""The major-hazard standards library is one for the whole city: a district administrator
cannot edit, retire or import it (issue 9, item 12) — service, importer, pages and API —
while the city's administrator can."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from anjian.core.exceptions import NotPermitted
from anjian.hazards.library import loader, services
from anjian.hazards.models import StandardClause, StandardDocument
from anjian.hazards.tests.library_support import TEST_CODE, as_bytes, edition
from testsupport import world

pytestmark = pytest.mark.django_db
BASE = "/api/v1/hazard-standards"
REFUSED = "全市统一配置"


@pytest.fixture
def district_admin():
    return world.administrator_of(world.YANGPU)


@pytest.fixture
def city_admin():
    return world.administrator_of("31")


@pytest.fixture
def trade():
    return StandardDocument.objects.get(code="应急管理部令第10号")


@pytest.fixture
def dust(trade):
    return trade.clauses.get(code="DUST-03")


def library() -> list:
    """Everything the library holds, to compare before and after a refusal."""
    return [
        *StandardDocument.objects.order_by("pk").values(),
        *StandardClause.objects.order_by("pk").values(),
    ]


# --- the services and the importer --------------------------------------------------------------


WRITES = {
    "document_create": lambda by, trade, dust: services.document_create(
        by=by,
        data={"code": "区标〔2026〕1号", "title": "区自定标准", "edition": "1", "domain": "other"},
    ),
    "document_update": lambda by, trade, dust: services.document_update(
        by=by, document=trade, data={"note": "区里改的说明"}
    ),
    "document_deactivate": lambda by, trade, dust: services.document_deactivate(
        by=by, document=trade
    ),
    "clause_create": lambda by, trade, dust: services.clause_create(
        by=by, document=trade, data={"code": "Y-01", "text": "区里加的条款"}
    ),
    "clause_update": lambda by, trade, dust: services.clause_update(
        by=by, clause=dust, data={"keywords": "区里改的关键词"}
    ),
    "clause_deactivate": lambda by, trade, dust: services.clause_deactivate(by=by, clause=dust),
    "import": lambda by, trade, dust: loader.import_payload(loader.parse_data(edition()), by=by),
}


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("who", ["district_admin", "district_official"])
def test_a_district_user_cannot_write_the_library(write, who, request, trade, dust):
    before = library()

    with pytest.raises(NotPermitted) as refused:
        WRITES[write](request.getfixturevalue(who), trade, dust)

    assert REFUSED in str(refused.value)
    assert library() == before


def test_a_district_administrator_cannot_switch_a_retired_clause_back_on(district_admin, dust):
    StandardClause.objects.filter(pk=dust.pk).update(is_active=False)
    dust.refresh_from_db()

    with pytest.raises(NotPermitted):
        services.clause_activate(by=district_admin, clause=dust)

    assert not StandardClause.objects.get(pk=dust.pk).is_active


@pytest.mark.parametrize("write", WRITES)
def test_the_city_s_administrator_writes_the_library(write, city_admin, trade, dust):
    WRITES[write](city_admin, trade, dust)


def test_the_command_line_imports_as_the_system(db):
    # ``anjian standards import`` runs on the server with no user (by=None).
    plan = loader.import_payload(loader.parse_data(edition()))
    assert plan.document.code == TEST_CODE


# --- the pages ---------------------------------------------------------------------------------


def test_a_district_administrator_is_refused_every_editing_page_in_chinese(
    client_for, district_admin, trade, dust
):
    client = client_for(district_admin)
    before = library()
    pages = [
        client.get(reverse("standards:document_edit", args=[trade.pk])),
        client.post(reverse("standards:document_edit", args=[trade.pk]), {"note": "改"}),
        client.get(reverse("standards:clause_create", args=[trade.pk])),
        client.post(
            reverse("standards:clause_create", args=[trade.pk]), {"code": "Y-01", "text": "x"}
        ),
        client.get(reverse("standards:clause_edit", args=[dust.pk])),
        client.post(reverse("standards:clause_edit", args=[dust.pk]), {"text": "改"}),
        client.post(reverse("standards:clause_deactivate", args=[dust.pk])),
        client.post(reverse("standards:clause_activate", args=[dust.pk])),
        client.get(reverse("standards:document_import")),
        client.post(
            reverse("standards:document_import"),
            {"file": SimpleUploadedFile("标准.json", as_bytes(edition()))},
        ),
        client.post(
            reverse("standards:document_import"),
            {"payload": json.dumps(edition(), ensure_ascii=False)},
        ),
        client.get(reverse("standards:import_template")),
    ]

    assert [response.status_code for response in pages] == [403] * len(pages)
    assert all(REFUSED in response.content.decode() for response in pages)
    assert library() == before


def test_the_library_pages_offer_editing_only_city_wide(
    client_for, district_admin, city_admin, trade
):
    for user, offered in ((district_admin, False), (city_admin, True)):
        client = client_for(user)
        listing = client.get(reverse("standards:document_list")).content.decode()
        detail = client.get(reverse("standards:document_detail", args=[trade.pk])).content.decode()
        assert (reverse("standards:document_import") in listing) is offered
        assert (reverse("standards:document_edit", args=[trade.pk]) in detail) is offered
        assert (reverse("standards:clause_create", args=[trade.pk]) in detail) is offered


def test_the_city_s_administrator_retires_a_clause_from_the_page(client_for, city_admin, dust):
    response = client_for(city_admin).post(reverse("standards:clause_deactivate", args=[dust.pk]))

    assert response.status_code == 302
    assert not StandardClause.objects.get(pk=dust.pk).is_active


# --- the API ------------------------------------------------------------------------------------


def test_a_district_administrator_is_refused_every_write_of_the_api_in_chinese(
    api_client_for, district_admin, trade, dust
):
    client = api_client_for(district_admin)
    before = library()
    answers = [
        client.post(
            f"{BASE}/{trade.pk}/clauses",
            {"code": "Y-01", "text": "区里加的条款"},
            content_type="application/json",
        ),
        client.patch(
            f"{BASE}/clauses/{dust.pk}", {"is_active": False}, content_type="application/json"
        ),
        client.post(f"{BASE}/import", as_bytes(edition()), content_type="application/json"),
        client.post(
            f"{BASE}/import?dry_run=true", as_bytes(edition()), content_type="application/json"
        ),
    ]

    assert [answer.status_code for answer in answers] == [403] * len(answers)
    assert all(REFUSED in answer.json()["detail"] for answer in answers)
    assert library() == before


def test_the_city_s_administrator_writes_through_the_api(api_client_for, city_admin, trade, dust):
    client = api_client_for(city_admin)

    created = client.post(
        f"{BASE}/{trade.pk}/clauses",
        {"code": "Y-01", "text": "全市新增条款"},
        content_type="application/json",
    )
    retired = client.patch(
        f"{BASE}/clauses/{dust.pk}", {"is_active": False}, content_type="application/json"
    )
    imported = client.post(f"{BASE}/import", as_bytes(edition()), content_type="application/json")

    assert (created.status_code, retired.status_code, imported.status_code) == (201, 200, 200)
    assert StandardDocument.objects.filter(code=TEST_CODE).exists()


def test_a_district_administrator_still_reads_the_library(api_client_for, district_admin):
    assert api_client_for(district_admin).get(f"{BASE}/").status_code == 200
