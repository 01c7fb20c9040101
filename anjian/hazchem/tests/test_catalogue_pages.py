"""The catalogue pages: the list links each entry to its page and offers an administrator
the form and the import (nobody else); an entry's page says what GB 18218 makes of it and
shows its history; the form adds an entry and changes a shipped row's classes — and says
how many units were identified again and how many changed grade; a bad CAS number is refused
on its field (422), a stale form is a conflict (409), a retire refused while a unit holds
the entry (422)."""

import pytest
from auditlog.context import set_actor
from django.urls import reverse

from anjian.hazchem import services_catalogue as services
from anjian.hazchem.models import Chemical
from anjian.hazchem.tests import factories as make
from testsupport import world

pytestmark = pytest.mark.django_db

LIST = reverse("hazchem:chemical_list")
CREATE = reverse("hazchem:chemical_create")


def detail(chemical) -> str:
    return reverse("hazchem:chemical_detail", args=[chemical.pk])


def edit(chemical) -> str:
    return reverse("hazchem:chemical_edit", args=[chemical.pk])


def text(response, status: int = 200) -> str:
    assert response.status_code == status, response.status_code
    return response.content.decode()


def form(chemical, **changes) -> dict:
    """The edit form as the page fills it, with ``changes``."""
    data = {
        "version": chemical.version,
        "un_number": chemical.un_number,
        "catalogue_number": chemical.catalogue_number or "",
        "ghs_classes": chemical.ghs_classes,
        "gb18218_classes": chemical.gb18218_classes,
    }
    if not services.is_shipped(chemical):
        data.update(name=chemical.name, aliases=chemical.aliases, cas=chemical.cas)
    data.update(changes)
    return data


def test_the_list_links_each_entry_and_offers_the_form_and_import_to_an_administrator_only(
    client_for,
):
    chlorine = make.shipped("氯")
    page = text(client_for(world.actor("admin")).get(LIST, {"q": "氯"}))
    assert f'href="{detail(chlorine)}"' in page
    assert CREATE in page and reverse("hazchem:catalogue_import") in page
    page = text(client_for(world.actor("district_official")).get(LIST, {"q": "氯"}))
    assert f'href="{detail(chlorine)}"' in page
    assert CREATE not in page and reverse("hazchem:catalogue_import") not in page


def test_an_administrator_finds_the_retired_entries(client_for):
    solvent = make.classed("某溶剂", "W5.3", active=False)
    client = client_for(world.actor("admin"))
    assert f'href="{detail(solvent)}"' not in text(client.get(LIST))
    assert f'href="{detail(solvent)}"' in text(client.get(LIST, {"retired": "on"}))


def test_an_entrys_page_says_what_gb18218_makes_of_it_and_shows_its_history(client_for):
    methanol = make.shipped("甲醇")
    page = text(client_for(world.actor("leader")).get(detail(methanol)))
    assert 'data-table1="65"' in page and "data-beta-missing" in page
    assert edit(methanol) not in page
    with set_actor(world.actor("admin")):
        services.chemical_update(
            world.actor("admin"),
            chemical_id=methanol.pk,
            expected_version=methanol.version,
            data={"gb18218_classes": ["W5.3"]},
        )
    page = text(client_for(world.actor("admin")).get(detail(methanol)))
    assert 'data-table2="W5.3"' in page and 'data-beta="4"' in page
    assert "data-audit-entry" in page and "GB 18218 表2类别" in page
    assert edit(methanol) in page and 'id="action-retire"' in page


def test_the_form_adds_an_entry(client_for):
    client = client_for(world.actor("admin"))
    assert "gb18218_classes" in text(client.get(CREATE))
    response = client.post(
        CREATE,
        {
            "name": "乙酸正丁酯",
            "cas": "123-86-4",
            "gb18218_classes": ["W5.4"],
            "key_supervised": "on",
        },
    )
    chemical = Chemical.objects.get(name="乙酸正丁酯")
    assert response.status_code == 302 and response["Location"] == detail(chemical)
    assert chemical.key_supervised and chemical.gb18218_classes == ["W5.4"]


def test_a_bad_cas_number_is_refused_on_its_field(client_for):
    page = text(
        client_for(world.actor("admin")).post(CREATE, {"name": "某溶剂", "cas": "67-56-2"}), 422
    )
    assert "CAS号“67-56-2”校验位不正确" in page
    assert not Chemical.objects.filter(name="某溶剂").exists()


def test_a_shipped_rows_classes_set_on_its_form_regrade_the_units_and_say_so(client_for):
    methanol = make.shipped("甲醇")
    plant = make.unit()
    make.add(plant, methanol, "400")
    client = client_for(world.actor("admin"))
    page = text(client.get(edit(methanol)))
    assert "data-shipped" in page and 'name="name"' not in page and 'name="cas"' not in page
    response = client.post(edit(methanol), form(methanol, gb18218_classes=["W5.3"]), follow=True)
    page = text(response)
    assert "已保存“甲醇”；已重新辨识 1 个单元，其中 0 个级别变化" in page
    assert make.fresh(plant).r_value is not None


def test_a_stale_form_is_a_conflict(client_for):
    solvent = make.classed("某溶剂", "W5.3")
    client = client_for(world.actor("admin"))
    stale = form(solvent, un_number="1993")
    Chemical.objects.filter(pk=solvent.pk).update(version=solvent.version + 1)
    page = text(client.post(edit(solvent), stale), 409)
    assert "该记录已被他人修改" in page


def test_retiring_an_entry_a_unit_holds_is_refused_and_one_no_unit_holds_is_retired(client_for):
    held = make.classed("某溶剂", "W5.3")
    make.add(make.unit(), held, "10")
    idle = make.classed("另一溶剂", "W5.3")
    client = client_for(world.actor("admin"))
    url = reverse("hazchem:chemical_retire", args=[held.pk])
    page = text(client.post(url, {"version": held.version}), 422)
    assert "已有 1 个在用单元登记了该化学品，不能停用" in page
    response = client.post(
        reverse("hazchem:chemical_retire", args=[idle.pk]), {"version": idle.version}
    )
    assert response.status_code == 302 and response["Location"].startswith(detail(idle))
    idle.refresh_from_db()
    assert not idle.active
    page = text(client.get(detail(idle)))
    assert "data-retired" in page and 'id="action-restore"' in page
