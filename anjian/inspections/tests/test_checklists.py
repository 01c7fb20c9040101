"""The inspection checklists (检查表): the seed, which lists a unit is inspected with, and
the city bureau's edits (standards.services and the /inspections/standards/ pages)."""

import pytest
from django.urls import reverse

from anjian.core.exceptions import Conflict, NotPermitted, ValidationError
from anjian.enterprises.models import Enterprise
from anjian.inspections import checklist_data
from anjian.inspections.record_models import (
    ChecklistEntry,
    ChecklistTemplate,
    Inspection,
    InspectionMark,
)
from anjian.inspections.standards import selectors, services
from anjian.regions.models import Department, Industry
from testsupport import world

REQUIRED = ("hazchem", "trade", "construction", "crowded_fire", "general")
JUDGING_STANDARDS = ("判定标准", "GB 35181")


def template(key: str) -> ChecklistTemplate:
    return ChecklistTemplate.objects.get(key=key)


def keys(templates) -> list[str]:
    return [t.key for t in templates]


def industry_codes(t: ChecklistTemplate) -> set[str]:
    return set(t.industries.values_list("code", flat=True))


@pytest.fixture
def city_editor(db):
    """An administrator of the whole city: the one kind of user who edits the checklists."""
    return world.administrator_of("31")


def unit_in(code: str, **flags) -> Enterprise:
    """A unit of industry ``code`` (not stored: the selectors read its industry and flags)."""
    return Enterprise(name="测试单位", industry=Industry.objects.get(code=code), **flags)


def mark(entry: ChecklistEntry) -> InspectionMark:
    """An inspection that has marked ``entry`` (made directly: only its existence matters)."""
    admin = world.actor("admin")
    inspection = Inspection.objects.create(
        department=Department.objects.get(name="杨浦区应急管理局"),
        enterprise=world.enterprise("yinhang_chemical"),
        kind="special",
        checklist=entry.template,
        created_by=admin,
    )
    return InspectionMark.objects.create(
        inspection=inspection, entry=entry, result="fail", marked_by=admin
    )


def entry_data(**overrides) -> dict:
    data = {
        "text": "作业场所设置应急照明",
        "basis": "《中华人民共和国安全生产法》第四十二条",
        "finding": "作业场所未设置应急照明",
        "major": False,
    }
    data.update(overrides)
    return data


# --- the seed ----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", REQUIRED)
def test_each_required_checklist_is_seeded_with_10_to_16_entries_each_with_its_basis(key, db):
    entries = list(selectors.active_entries(template(key)))
    assert 10 <= len(entries) <= 16
    for entry in entries:
        assert entry.text and entry.finding
        assert "第" in entry.basis or "章" in entry.basis, entry.basis


def test_every_major_entry_names_the_determination_standard_it_comes_from(db):
    majors = ChecklistEntry.objects.filter(major=True)
    assert majors.count() > 30
    for entry in majors:
        assert any(name in entry.basis for name in JUDGING_STANDARDS), entry.basis
    assert not ChecklistEntry.objects.filter(template__key="general", major=True).exists()


def test_the_seeded_checklists_serve_the_industries_the_brief_names(db):
    assert industry_codes(template("hazchem")) == {"hazchem", "fireworks"}
    assert industry_codes(template("trade")) == set(checklist_data.TRADE_INDUSTRIES)
    assert industry_codes(template("construction")) == {"construction"}
    assert industry_codes(template("crowded_fire")) == set(checklist_data.CROWDED_INDUSTRIES)
    assert template("crowded_fire").for_crowded_places
    assert industry_codes(template("general")) == set()
    assert selectors.is_general(template("general"))


def test_the_seed_is_checklist_data_as_shipped(db):
    for shipped in checklist_data.TEMPLATES:
        stored = [
            (e.text, e.basis, e.finding, e.major)
            for e in selectors.active_entries(template(shipped.key))
        ]
        assert template(shipped.key).name == shipped.name
        assert stored == [(e.text, e.basis, e.finding, e.major) for e in shipped.entries]


# --- which lists a unit is inspected with ------------------------------------------------------


def test_a_hazchem_unit_gets_the_hazchem_list_then_the_general_one(db):
    unit = world.enterprise("yinhang_chemical")
    assert keys(selectors.checklists_for(unit)) == ["hazchem", "general"]


def test_a_construction_unit_gets_the_construction_list_then_the_general_one(db):
    unit = world.enterprise("yinhang_site")
    assert keys(selectors.checklists_for(unit)) == ["construction", "general"]


def test_a_shop_gets_the_crowded_place_list_by_its_industry(db):
    unit = world.enterprise("hongkou_shop")
    assert keys(selectors.checklists_for(unit)) == ["crowded_fire", "general"]


def test_a_factory_flagged_as_crowded_place_gets_its_trade_list_and_the_fire_list(db):
    plain = world.enterprise("pingliang_factory")
    assert keys(selectors.checklists_for(plain)) == ["trade", "general"]
    for flag in ("crowded_place", "fire_key_unit"):
        flagged = unit_in("machinery", **{flag: True})
        assert keys(selectors.checklists_for(flagged)) == ["trade", "crowded_fire", "general"]


def test_a_unit_of_an_unlisted_industry_falls_back_to_the_general_list(db):
    assert keys(selectors.checklists_for(unit_in("road_transport"))) == ["general"]


def test_a_deactivated_list_is_no_longer_offered(city_editor):
    services.template_deactivate(city_editor, template_id=template("hazchem").pk)
    unit = world.enterprise("yinhang_chemical")
    assert keys(selectors.checklists_for(unit)) == ["general"]
    assert not selectors.checklist_suits(template("hazchem"), unit)


def test_checklist_suits_the_unit_s_industry_flags_and_everyone_for_the_general_list(db):
    chemical, site = world.enterprise("yinhang_chemical"), world.enterprise("yinhang_site")
    assert selectors.checklist_suits(template("hazchem"), chemical)
    assert not selectors.checklist_suits(template("hazchem"), site)
    assert not selectors.checklist_suits(template("crowded_fire"), chemical)
    assert selectors.checklist_suits(
        template("crowded_fire"), unit_in("hazchem", crowded_place=True)
    )
    for unit in (chemical, site, unit_in("agriculture")):
        assert selectors.checklist_suits(template("general"), unit)


# --- who edits ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["district_official", "housing_official", "inspector", "leader", "street_officer"]
)
def test_no_one_below_the_city_edits_a_checklist(name, db):
    by = world.actor(name)
    entry = template("general").entries.first()
    with pytest.raises(NotPermitted):
        services.entry_save(by, template_id=entry.template_id, data=entry_data())
    with pytest.raises(NotPermitted):
        services.entry_retire(by, entry_id=entry.pk)
    with pytest.raises(NotPermitted):
        services.template_save(by, data={"key": "x", "name": "x"})
    assert not ChecklistTemplate.objects.filter(key="x").exists()
    assert ChecklistEntry.objects.get(pk=entry.pk).is_active


def test_a_district_supervisor_is_told_the_checklists_are_city_wide(db):
    with pytest.raises(NotPermitted, match="全市统一配置"):
        services.entry_save(
            world.actor("district_official"),
            template_id=template("general").pk,
            data=entry_data(),
        )


def test_the_city_administrator_adds_an_entry_after_the_last(city_editor):
    general = template("general")
    entry = services.entry_save(city_editor, template_id=general.pk, data=entry_data())
    assert entry.position == 17
    assert list(selectors.active_entries(general))[-1] == entry


# --- bad input, used entries, retiring -----------------------------------------------------------


def test_an_entry_without_basis_is_refused_with_the_field_named(city_editor):
    with pytest.raises(ValidationError) as refused:
        services.entry_save(
            city_editor, template_id=template("general").pk, data=entry_data(basis="  ")
        )
    assert refused.value.message_dict == {"basis": ["请填写检查依据（法律法规及条款）"]}


def test_bad_entries_and_templates_name_each_wrong_field(city_editor):
    with pytest.raises(ValidationError) as refused:
        services.entry_save(
            city_editor,
            template_id=template("general").pk,
            data=entry_data(text="", finding="", position=0),
        )
    assert set(refused.value.message_dict) == {"text", "finding", "position"}
    road = Industry.objects.get(code="road_traffic")
    with pytest.raises(ValidationError) as refused:
        services.template_save(
            city_editor, data={"key": "hazchem", "name": " ", "industries": [road]}
        )
    assert set(refused.value.message_dict) == {"key", "name", "industries"}
    assert "已被其他检查表使用" in refused.value.message_dict["key"][0]


def test_a_template_s_code_stays_and_a_stale_edit_is_a_conflict(city_editor):
    hazchem = template("hazchem")
    with pytest.raises(ValidationError, match="创建后不能修改"):
        services.template_save(
            city_editor, template_id=hazchem.pk, data={"key": "chem", "name": hazchem.name}
        )
    saved = services.template_save(
        city_editor,
        template_id=hazchem.pk,
        data={"name": "危化品检查表"},
        version=hazchem.version,
    )
    assert saved.version == hazchem.version + 1
    assert industry_codes(saved) == {"hazchem", "fireworks"}
    with pytest.raises(Conflict):
        services.template_save(
            city_editor, template_id=hazchem.pk, data={"name": "旧"}, version=hazchem.version
        )


def test_a_used_entry_keeps_its_text_and_basis_but_its_finding_may_change(city_editor):
    entry = template("hazchem").entries.first()
    mark(entry)
    for field in ("text", "basis"):
        with pytest.raises(ValidationError) as refused:
            services.entry_save(
                city_editor,
                template_id=entry.template_id,
                entry_id=entry.pk,
                data={field: "改过的文字"},
            )
        assert "停用本项并新增" in refused.value.message_dict[field][0]
    saved = services.entry_save(
        city_editor, template_id=entry.template_id, entry_id=entry.pk, data={"finding": "新表述"}
    )
    stored = ChecklistEntry.objects.get(pk=entry.pk)
    assert (stored.text, stored.basis, stored.finding) == (entry.text, entry.basis, "新表述")
    assert saved.position == entry.position


def test_an_unused_entry_may_be_reworded(city_editor):
    entry = template("hazchem").entries.first()
    services.entry_save(
        city_editor, template_id=entry.template_id, entry_id=entry.pk, data=entry_data()
    )
    assert ChecklistEntry.objects.get(pk=entry.pk).basis == entry_data()["basis"]


def test_a_retired_entry_is_kept_with_its_marks_and_can_be_restored(city_editor):
    entry = template("hazchem").entries.first()
    used = mark(entry)
    services.entry_retire(city_editor, entry_id=entry.pk)
    assert not ChecklistEntry.objects.get(pk=entry.pk).is_active
    assert entry not in selectors.active_entries(entry.template)
    assert InspectionMark.objects.get(pk=used.pk).entry_id == entry.pk
    services.entry_retire(city_editor, entry_id=entry.pk)  # twice: still retired, no error
    services.entry_restore(city_editor, entry_id=entry.pk)
    assert ChecklistEntry.objects.get(pk=entry.pk).is_active


def test_an_entry_of_another_checklist_is_not_found(city_editor):
    other = template("trade").entries.first()
    with pytest.raises(ChecklistEntry.DoesNotExist):
        services.entry_save(
            city_editor, template_id=template("hazchem").pk, entry_id=other.pk, data=entry_data()
        )


def test_the_last_active_entry_and_the_only_general_list_are_kept(city_editor):
    new = services.template_save(city_editor, data={"key": "tiny", "name": "小表"})
    only = services.entry_save(city_editor, template_id=new.pk, data=entry_data())
    with pytest.raises(ValidationError, match="至少要保留一个"):
        services.entry_retire(city_editor, entry_id=only.pk)
    # "tiny" has no industries: a second general list, so the first may now go …
    services.template_deactivate(city_editor, template_id=template("general").pk)
    with pytest.raises(ValidationError, match="唯一启用的通用检查表"):
        services.template_deactivate(city_editor, template_id=new.pk)
    assert keys(selectors.checklists_for(unit_in("agriculture"))) == ["tiny"]


# --- the pages ---------------------------------------------------------------------------------


def test_the_list_shows_each_checklist_with_its_industries_and_counts(client_for, inspector):
    response = client_for(inspector).get(reverse("inspections:checklist_list"))
    assert response.status_code == 200
    page = response.content.decode()
    for key in REQUIRED:
        assert f'data-checklist="{key}"' in page
    assert "烟花爆竹" in page and "16 / 16" in page
    assert "新增检查表" not in page


def test_a_reader_sees_each_entry_s_basis_and_only_the_city_editor_the_edit_buttons(
    client_for, district_official, city_editor
):
    hazchem = template("hazchem")
    entry = hazchem.entries.first()
    url = reverse("inspections:checklist_detail", args=[hazchem.pk])
    edits = [
        reverse(f"inspections:{name}", args=args)
        for name, args in (
            ("checklist_entry_create", [hazchem.pk]),
            ("checklist_entry_edit", [hazchem.pk, entry.pk]),
            ("checklist_entry_retire", [hazchem.pk, entry.pk]),
            ("checklist_deactivate", [hazchem.pk]),
        )
    ]
    page = client_for(district_official).get(url).content.decode()
    assert entry.basis in page
    assert not any(edit in page for edit in edits)
    page = client_for(city_editor).get(url).content.decode()
    assert all(edit in page for edit in edits)


def test_the_page_refuses_an_entry_without_basis_and_keeps_what_was_typed(client_for, city_editor):
    hazchem = template("hazchem")
    url = reverse("inspections:checklist_entry_create", args=[hazchem.pk])
    response = client_for(city_editor).post(url, {"text": "新检查内容", "finding": "问题"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "请填写检查依据（法律法规及条款）" in page and "新检查内容" in page
    assert not hazchem.entries.filter(text="新检查内容").exists()


def test_the_city_editor_adds_and_retires_entries_on_the_page(client_for, city_editor):
    hazchem = template("hazchem")
    client = client_for(city_editor)
    url = reverse("inspections:checklist_entry_create", args=[hazchem.pk])
    response = client.post(url, entry_data())
    added = hazchem.entries.get(text=entry_data()["text"])
    assert response.status_code == 302 and response["Location"].endswith(f"#entry-{added.pk}")
    retire = reverse("inspections:checklist_entry_retire", args=[hazchem.pk, added.pk])
    assert client.post(retire).status_code == 302
    assert not ChecklistEntry.objects.get(pk=added.pk).is_active


def test_a_used_entry_s_form_does_not_offer_its_text_and_basis(client_for, city_editor):
    entry = template("hazchem").entries.first()
    mark(entry)
    url = reverse("inspections:checklist_entry_edit", args=[entry.template_id, entry.pk])
    client = client_for(city_editor)
    page = client.get(url).content.decode()
    assert "已在 1 条检查记录中使用" in page
    posted = {**entry_data(), "finding": "改后的表述", "position": entry.position}
    assert client.post(url, posted).status_code == 302
    stored = ChecklistEntry.objects.get(pk=entry.pk)
    assert (stored.text, stored.finding) == (entry.text, "改后的表述")


def test_retiring_the_last_entry_on_the_page_shows_why(client_for, city_editor):
    new = services.template_save(city_editor, data={"key": "tiny", "name": "小表"})
    only = services.entry_save(city_editor, template_id=new.pk, data=entry_data())
    url = reverse("inspections:checklist_entry_retire", args=[new.pk, only.pk])
    response = client_for(city_editor).post(url)
    assert response.status_code == 422
    assert "至少要保留一个启用的检查项" in response.content.decode()


def test_a_district_supervisor_cannot_open_the_edit_pages(client_for, district_official):
    url = reverse("inspections:checklist_entry_create", args=[template("hazchem").pk])
    response = client_for(district_official).get(url)
    assert response.status_code == 403
    assert "全市统一配置" in response.content.decode()
