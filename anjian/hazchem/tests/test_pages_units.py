"""The 危险化学品单元 pages: the list shows exactly the units its filters name (cards on a
phone) and exports the same rows; a unit's page shows how it was identified and graded —
every term, the sentences, the history — and a line added through it changes S and the
grade on the page that follows; a bad quantity is refused in Chinese on its field (422) and
writes nothing; a stale page gets the conflict (409); outside the scope a unit does not
exist (404); a leader reads without forms; an enterprise user sees and registers only its
own units; the line form's picker finds chemicals by name, alias and CAS number prefix.

Figures by hand (RULES.md §1): 氯 Q 5 t β 4; 氨 Q 10 t β 2; 甲醇 Q 500 t; 120 people within
500 m: α = 2."""

import re
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from anjian.hazchem import services
from anjian.hazchem.choices import UnitKind
from anjian.hazchem.models import ChemicalUnit, InventoryLine, UnitEvaluation
from anjian.hazchem.tests import factories as make
from testsupport import world

pytestmark = pytest.mark.django_db

LIST = reverse("hazchem:unit_list")
QUANTITY = "设计最大量须为大于0、不超过100万的数字（吨）"
CONFLICT = "该记录已被他人修改，请刷新后重试"
UNIT_LINK = re.compile(r'href="/hazchem/units/(\d+)/"')


def detail(unit) -> str:
    return reverse("hazchem:unit_detail", args=[unit.pk])


def page(client, url, **query) -> str:
    response = client.get(url, query)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def listed(client, **query) -> set[int]:
    """The units the list links to (its table and its phone cards)."""
    return {int(pk) for pk in UNIT_LINK.findall(page(client, LIST, **query))}


@pytest.fixture
def units() -> dict[str, ChemicalUnit]:
    """殷行化工: 液氯储罐区 (10 t 氯: S 2, R 16 → 三级), 甲醇装置 (100 t 甲醇: S 0.2) and a
    retired 旧仓库; 平凉机械: 氨库 (20 t 氨: S 2, R 8 → 四级); 虹口超市 (the neighbouring
    district): 虹口液氯库."""
    admin = world.actor("admin")
    chlorine = make.unit(admin, name="液氯储罐区")
    make.add(chlorine, "氯", "10", by=admin)
    methanol = make.unit(admin, name="甲醇装置", kind=UnitKind.PRODUCTION)
    make.add(methanol, "甲醇", "100", by=admin)
    old = make.unit(admin, name="旧仓库")
    services.unit_retire(
        admin, unit_id=old.pk, expected_version=make.fresh(old).version, reason="仓库已拆除"
    )
    ammonia = make.unit(admin, enterprise="pingliang_factory", name="氨库")
    make.add(ammonia, "氨", "20", by=admin)
    hongkou = make.unit(admin, enterprise="hongkou_shop", name="虹口液氯库")
    make.add(hongkou, "氯", "10", by=admin)
    made = {"chlorine": chlorine, "methanol": methanol, "old": old}
    made.update(ammonia=ammonia, hongkou=hongkou)
    return {key: make.fresh(unit) for key, unit in made.items()}


def pks(units, *keys) -> set[int]:
    return {units[key].pk for key in keys}


# --- the list and its Excel -------------------------------------------------------------------


def test_the_list_filters_show_exactly_the_matching_units(client_for, units):
    official = client_for(world.actor("district_official"))
    assert listed(official) == pks(units, "chlorine", "methanol", "old", "ammonia")
    assert listed(official, q="液氯") == pks(units, "chlorine")
    assert listed(official, q="平凉机械") == pks(units, "ammonia")
    assert listed(official, street=world.PINGLIANG) == pks(units, "ammonia")
    assert listed(official, street=world.YINHANG) == pks(units, "chlorine", "methanol", "old")
    assert listed(official, kind=UnitKind.PRODUCTION) == pks(units, "methanol")
    assert listed(official, major="1") == pks(units, "chlorine", "ammonia")
    assert listed(official, major="0") == pks(units, "methanol", "old")
    assert listed(official, grade="3") == pks(units, "chlorine")
    assert listed(official, grade="4") == pks(units, "ammonia")
    assert listed(official, active="0") == pks(units, "old")
    assert listed(official, active="1", major="0") == pks(units, "methanol")


def test_the_list_is_cards_on_a_phone_with_grade_badges(client_for, units):
    html = page(client_for(world.actor("district_official")), LIST, major="1")
    assert html.count('result-card" data-card>') == 2
    assert 'data-grade="3"' in html and 'data-grade="4"' in html
    assert "三级" in html and "四级" in html


def test_the_export_has_the_rows_of_the_filtered_list(client_for, units):
    leader = client_for(world.actor("leader"))
    response = leader.get(reverse("hazchem:unit_export"), {"major": "1"})
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    header, *rows = list(book.worksheets[0].values)
    assert {row[0] for row in rows} == pks(units, "chlorine", "ammonia")
    chlorine = next(row for row in rows if row[0] == units["chlorine"].pk)
    cell = dict(zip(header, chlorine, strict=True))
    assert cell["单元名称"] == "液氯储罐区" and cell["级别"] == "三级"
    assert cell["危险化学品及设计最大量"] == "氯 10 t" and cell["S值"] == 2
    about = dict(book.worksheets[1].values)
    assert about["筛选：重大危险源"] == "构成"


# --- a unit's page ----------------------------------------------------------------------------


def test_the_page_shows_each_term_the_explain_sentences_and_the_history(client_for, units):
    unit = units["chlorine"]
    make.add(unit, "氨", "5")
    html = page(client_for(world.actor("street_officer")), detail(unit))
    # S = 10/5 + 5/10 = 2.5; R = 2 × (4 × 2 + 2 × 0.5) = 18 → 三级.
    assert "data-s>2.5<" in html and "data-r>18<" in html
    assert "三级" in html and "data-edition>GB 18218-2018<" in html
    assert 'data-term="1"' in html and 'data-term="2"' in html
    assert "7782-50-5" in html and "7664-41-7" in html
    assert "GB 18218-2018 表1" in html  # each Q and β names its row
    assert "S = Σq/Q = 2.5 ≥ 1，构成重大危险源" in html
    assert "R = α·Σβ·q/Q = 18" in html
    assert html.count("data-evaluation-row") == 3
    for reason in ("登记单元", "增加 氯", "增加 氨"):
        assert reason in html
    source = make.source_of(unit)
    assert reverse("hazchem:source_detail", args=[source.pk]) in html


def test_adding_a_line_through_the_page_changes_s_and_the_grade_on_the_page(client_for):
    unit = make.unit(name="二号储罐区")
    make.add(unit, "氯", "2")
    client = client_for(world.actor("district_official"))
    before = page(client, detail(unit))
    assert "data-s>0.4<" in before and "data-is-major>否<" in before
    ammonia = make.shipped("氨")
    response = client.post(
        reverse("hazchem:line_add", args=[unit.pk]),
        {"chemical": ammonia.pk, "max_quantity": "10", "mixture": "no", "own_classes": ""},
    )
    assert response.status_code == 302
    assert response["Location"] == detail(unit) + "#evaluation"
    after = client.get(response["Location"]).content.decode()
    # S = 2/5 + 10/10 = 1.4 ≥ 1; R = 2 × (4 × 0.4 + 2 × 1) = 7.2 → 四级.
    assert "data-s>1.4<" in after and "data-is-major>是<" in after
    assert "data-r>7.2<" in after and "data-grade>四级<" in after
    assert "已增加氨，单元已重新辨识：S = 1.4，四级重大危险源" in after
    assert "增加 氨" in after


def test_changing_and_removing_a_line_through_the_page_evaluates_again(client_for):
    unit = make.unit(name="三号储罐区")
    line = make.add(unit, "氯", "10")
    client = client_for(world.actor("district_official"))
    changed = client.post(
        reverse("hazchem:line_edit", args=[unit.pk, line.pk]),
        {"version": line.version, "max_quantity": "2", "mixture": "no"},
    )
    assert changed.status_code == 302
    line.refresh_from_db()
    assert line.max_quantity == 2 and make.fresh(unit).is_major is False
    removed = client.post(
        reverse("hazchem:line_remove", args=[unit.pk, line.pk]), {"version": line.version}
    )
    assert removed.status_code == 302
    assert not InventoryLine.objects.filter(pk=line.pk).exists()
    html = client.get(removed["Location"]).content.decode()
    assert "已移除氯" in html and "data-no-lines" in html and "移除 氯" in html


@pytest.mark.parametrize("quantity", ["十吨", "-1"])
def test_a_bad_quantity_is_refused_on_its_field_and_writes_nothing(client_for, quantity):
    unit = make.unit(name="四号储罐区")
    client = client_for(world.actor("district_official"))
    chlorine = make.shipped("氯")
    histories = UnitEvaluation.objects.count()
    response = client.post(
        reverse("hazchem:line_add", args=[unit.pk]),
        {"chemical": chlorine.pk, "max_quantity": quantity, "mixture": "no"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    field = re.search(r'<input[^>]*id="line-max_quantity".*?</div>\s*</div>', html, re.S).group(0)
    assert "is-invalid" in field and QUANTITY in field
    assert f'value="{quantity}"' in field  # kept, to correct
    assert f'<option value="{chlorine.pk}" selected>' in html  # the chemical stays chosen
    assert not InventoryLine.objects.filter(unit=unit).exists()
    assert UnitEvaluation.objects.count() == histories


def test_a_stale_page_gets_the_conflict_and_changes_nothing(client_for):
    unit = make.unit(name="五号储罐区")
    line = make.add(unit, "氯", "10")
    stale = line.version
    make.change(line, "8")  # someone else, first
    client = client_for(world.actor("district_official"))
    response = client.post(
        reverse("hazchem:line_edit", args=[unit.pk, line.pk]),
        {"version": stale, "max_quantity": "3", "mixture": "no"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert CONFLICT in html and "data-conflict" in html
    line.refresh_from_db()
    assert line.max_quantity == 8
    # The form comes back read at the current version: sending it again is a decision.
    assert f'name="version" value="{line.version}"' in html

    current = make.fresh(unit)
    edit = client.post(
        reverse("hazchem:unit_edit", args=[unit.pk]),
        {"version": current.version - 1, "kind": "storage", "name": "改名", "population_500m": "5"},
    )
    assert edit.status_code == 409 and CONFLICT in edit.content.decode()
    assert make.fresh(unit).name == "五号储罐区"


def test_a_unit_outside_the_scope_is_not_found(client_for, units):
    neighbour = client_for(world.actor("neighbour_official"))
    unit = units["chlorine"]
    assert neighbour.get(detail(unit)).status_code == 404
    assert neighbour.get(reverse("hazchem:unit_edit", args=[unit.pk])).status_code == 404
    added = neighbour.post(
        reverse("hazchem:line_add", args=[unit.pk]),
        {"chemical": make.shipped("氨").pk, "max_quantity": "1", "mixture": "no"},
    )
    assert added.status_code == 404 and unit.lines.count() == 1
    assert units["hongkou"].pk in listed(neighbour)
    assert unit.pk not in listed(neighbour)


def test_a_leader_sees_the_page_but_no_forms(client_for, units):
    leader = client_for(world.actor("leader"))
    unit = units["chlorine"]
    html = page(leader, detail(unit))
    assert "液氯储罐区" in html and "data-terms" in html
    assert 'action="/hazchem/' not in html and 'id="edit-link"' not in html
    assert 'id="create-link"' not in page(leader, LIST)
    assert leader.get(reverse("hazchem:unit_create")).status_code == 403
    refused = leader.post(
        reverse("hazchem:line_add", args=[unit.pk]),
        {"chemical": make.shipped("氨").pk, "max_quantity": "1", "mixture": "no"},
    )
    assert refused.status_code == 403 and unit.lines.count() == 1


def test_an_enterprise_user_sees_and_registers_only_its_own_units(client_for, units):
    manager = client_for(world.actor("enterprise_manager"))
    assert listed(manager) == pks(units, "chlorine", "methanol", "old")
    assert manager.get(detail(units["ammonia"])).status_code == 404
    form = page(manager, reverse("hazchem:unit_create"))
    assert "data-own-unit" in form and "unit-picker" not in form
    response = manager.post(
        reverse("hazchem:unit_create"),
        {"kind": "storage", "name": "乙类仓库", "population_500m": "40"},
    )
    assert response.status_code == 302
    made = ChemicalUnit.objects.get(name="乙类仓库")
    assert made.enterprise == world.enterprise("yinhang_chemical")
    assert made.population_500m == 40 and made.created_by == world.actor("enterprise_manager")


def test_a_government_user_picks_the_unit_s_enterprise(client_for):
    client = client_for(world.actor("district_official"))
    create = reverse("hazchem:unit_create")
    matches = client.get(
        create, {"q": "平凉"}, headers={"HX-Request": "true", "HX-Target": "enterprise-matches"}
    )
    factory = world.enterprise("pingliang_factory")
    assert f'data-match="{factory.pk}"' in matches.content.decode()
    assert "<html" not in matches.content.decode()
    data = {"kind": "storage", "name": "液氨储罐", "population_500m": "60"}
    missing = client.post(create, {**data, "population_500m": ""})
    assert missing.status_code == 422
    assert "请查找并选择单元所属的单位" in missing.content.decode()
    assert "请填写500米范围内常住人口" in missing.content.decode()
    outside = world.enterprise("hongkou_shop")
    refused = client.post(create, {**data, "enterprise": outside.pk})
    assert refused.status_code == 422 and not ChemicalUnit.objects.filter(name="液氨储罐").exists()
    done = client.post(create, {**data, "enterprise": factory.pk})
    made = ChemicalUnit.objects.get(name="液氨储罐")
    assert done.status_code == 302 and made.enterprise == factory
    assert done["Location"] == detail(made) + "#lines"


def test_a_retired_unit_shows_no_forms(client_for, units):
    html = page(client_for(world.actor("district_official")), detail(units["old"]))
    assert "data-retired-note" in html and "仓库已拆除" in html
    assert 'action="/hazchem/' not in html


# --- the chemical picker ----------------------------------------------------------------------


def found(client, query: str) -> list[dict]:
    response = client.get(reverse("hazchem:chemical_search"), {"q": query})
    assert response.status_code == 200
    return response.json()


def test_the_chemical_search_finds_by_name_alias_and_cas_prefix(client_for):
    client = client_for(world.actor("enterprise_manager"))
    chlorine, ammonia = make.shipped("氯"), make.shipped("氨")
    by_name = found(client, "氯")
    assert by_name[0] == {"id": chlorine.pk, "text": "氯（7782-50-5） · 别名：液氯、氯气"}
    assert len(by_name) <= 20
    assert [m["id"] for m in found(client, "液氨")] == [ammonia.pk]
    assert ammonia.pk in [m["id"] for m in found(client, "7664-41")]
    assert [m["id"] for m in found(client, "７６６４－４１－７")] == [ammonia.pk]  # full-width
    assert found(client, "") == [] and found(client, "不存在的化学品") == []


def test_the_page_offers_search_matches_without_the_script(client_for):
    unit = make.unit(name="六号储罐区")
    html = page(client_for(world.actor("district_official")), detail(unit), chemical_q="液氨")
    assert f'<option value="{make.shipped("氨").pk}" selected>' in html  # the one match
    assert "找到 1 项" in html
