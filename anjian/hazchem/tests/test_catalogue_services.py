"""Keeping the chemical catalogue (``services_catalogue``): an administrator adds and changes
entries — the CAS check digit verified, classes the 目录 and GB 18218 do not use refused,
names unique — while a shipped table 1 row keeps the standard's name, CAS number and Q
and takes only its table 2 classes, flags and 目录 data; an entry is retired, never
deleted, and not while a unit holds it; nobody else writes the catalogue; every change is
in the entry's history with who made it."""

import pytest
from auditlog.context import set_actor

from anjian.core.exceptions import Conflict, NotPermitted
from anjian.hazchem import services_catalogue as services
from anjian.hazchem.choices import CatalogueSource
from anjian.hazchem.models import Chemical
from anjian.hazchem.tests import factories as make
from testsupport import world

pytestmark = pytest.mark.django_db


def admin():
    return world.actor("admin")


def create(**data) -> Chemical:
    return services.chemical_create(admin(), data={"name": "某溶剂", **data}).chemical


def update(chemical: Chemical, **data) -> services.ChemicalChange:
    chemical.refresh_from_db()
    return services.chemical_update(
        admin(), chemical_id=chemical.pk, expected_version=chemical.version, data=data
    )


# --- adding an entry --------------------------------------------------------------------------


def test_an_administrator_adds_an_entry_with_its_catalogue_data():
    chemical = create(
        name="乙酸正丁酯",
        aliases="醋酸正丁酯, 醋酸丁酯",
        cas="１２３-８６-４",  # full-width, as typed on a Chinese keyboard
        un_number="UN1123",
        catalogue_number="2",
        ghs_classes="易燃液体，类别3；特异性靶器官毒性-一次接触，类别3（麻醉效应）",
        gb18218_classes=["w5.4"],
        key_supervised=True,
    )
    assert chemical.source == CatalogueSource.ENTERED and chemical.active
    assert (chemical.aliases, chemical.cas, chemical.un_number) == (
        "醋酸正丁酯、醋酸丁酯",
        "123-86-4",
        "1123",
    )
    assert (chemical.catalogue_number, chemical.gb18218_classes) == (2, ["W5.4"])
    assert chemical.key_supervised and not chemical.highly_toxic


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"cas": "67-56-2"}, "cas", "CAS号“67-56-2”校验位不正确"),
        ({"cas": "67562"}, "cas", "CAS号“67562”格式不正确（应为如7664-41-7的形式）"),
        ({"un_number": "12a"}, "un_number", "UN号应为4位数字，如1230"),
        (
            {"catalogue_number": "-3"},
            "catalogue_number",
            "目录序号须为正整数（《危险化学品目录》中的序号）",
        ),
        ({"gb18218_classes": ["W5.3", "W12"]}, "gb18218_classes", "GB 18218 表2中没有类别：W12"),
        ({"table1_row": "86"}, "table1_row", "GB 18218 表1行号须为1至85的整数"),
        ({"name": "  "}, "name", "请填写品名"),
        ({"highly_toxic": "是"}, "highly_toxic", "请选择是或否"),
    ],
)
def test_a_bad_value_is_refused_on_its_field(data, field, message):
    errors = make.refused(services.chemical_create, admin(), data={"name": "某溶剂", **data})
    assert errors[field] == [message]
    assert not Chemical.objects.filter(name="某溶剂").exists()


def test_a_hazard_class_the_catalogue_does_not_use_is_refused():
    errors = make.refused(
        services.chemical_create,
        admin(),
        data={"name": "某溶剂", "ghs_classes": "易燃液体，类别2；很危险，类别1"},
    )
    assert errors["ghs_classes"][0].startswith(
        "“很危险，类别1”不是《危险化学品目录》使用的危险性类别"
    )


def test_a_name_is_the_entry_of_one_chemical_only():
    create(name="某溶剂")
    errors = make.refused(services.chemical_create, admin(), data={"name": "某溶剂"})
    assert errors["name"] == ["目录中已有品名为“某溶剂”的条目"]


def test_an_entry_naming_a_table_1_row_must_agree_with_it():
    grade = create(name="液氯（工业用）", cas="7782-50-5", table1_row="12")
    assert grade.table1_row == 12
    errors = make.refused(
        services.chemical_create,
        admin(),
        data={"name": "液氨（工业用）", "cas": "7664-41-7", "table1_row": "12"},
    )
    assert errors["table1_row"] == ["行号（表1第12行）与CAS号7664-41-7（表1第1行）不一致"]


# --- the shipped table 1 rows ------------------------------------------------------------------


def test_a_shipped_row_keeps_the_standards_name_cas_and_row():
    methanol = make.shipped("甲醇")
    for data, field in (
        ({"name": "木醇"}, "name"),
        ({"cas": "64-17-5"}, "cas"),
        ({"table1_row": "67"}, "table1_row"),
        ({"aliases": "木精"}, "aliases"),
    ):
        errors = make.refused(update, methanol, **data)
        assert errors[field] == [
            "随平台提供的GB 18218表1条目，品名、别名、CAS号和表1行号由标准确定"
        ]
    methanol.refresh_from_db()
    assert (methanol.name, methanol.cas, methanol.table1_row) == ("甲醇", "67-56-1", 65)


def test_an_administrator_sets_a_shipped_rows_classes_flags_and_catalogue_data():
    methanol = make.shipped("甲醇")
    change = update(
        methanol,
        gb18218_classes=["W5.3"],
        key_supervised=True,
        un_number="1230",
        catalogue_number="1022",
        ghs_classes="易燃液体，类别2；急性毒性-经口，类别3",
    )
    methanol = change.chemical
    assert methanol.gb18218_classes == ["W5.3"] and methanol.key_supervised
    assert (methanol.un_number, methanol.catalogue_number) == ("1230", 1022)
    assert (methanol.name, methanol.table1_row, methanol.source) == (
        "甲醇",
        65,
        CatalogueSource.SHIPPED,
    )


def test_sending_a_shipped_rows_fixed_values_unchanged_is_no_change():
    chlorine = make.shipped("氯")
    change = update(chlorine, name="氯", cas="7782-50-5", aliases="液氯、氯气")
    assert change.chemical.version == chlorine.version


# --- retiring --------------------------------------------------------------------------------


def test_an_entry_no_unit_holds_is_retired_and_restored_never_deleted():
    solvent = create(gb18218_classes=["W5.3"])
    retired = services.chemical_retire(
        admin(), chemical_id=solvent.pk, expected_version=solvent.version
    )
    assert not retired.active and Chemical.objects.filter(pk=solvent.pk).exists()
    # A second click of the same form changes nothing.
    again = services.chemical_retire(
        admin(), chemical_id=solvent.pk, expected_version=solvent.version
    )
    assert again.version == retired.version
    restored = services.chemical_restore(
        admin(), chemical_id=solvent.pk, expected_version=retired.version
    )
    assert restored.active


def test_an_entry_an_active_unit_holds_cannot_be_retired():
    solvent = create(gb18218_classes=["W5.3"])
    make.add(make.unit(), solvent, "10")
    errors = make.refused(
        services.chemical_retire, admin(), chemical_id=solvent.pk, expected_version=solvent.version
    )
    assert errors["__all__"] == ["已有 1 个在用单元登记了该化学品，不能停用；请先在这些单元中移除"]
    solvent.refresh_from_db()
    assert solvent.active


def test_a_shipped_row_cannot_be_retired():
    chlorine = make.shipped("氯")
    errors = make.refused(
        services.chemical_retire,
        admin(),
        chemical_id=chlorine.pk,
        expected_version=chlorine.version,
    )
    assert errors["__all__"] == ["GB 18218表1随平台提供的条目由标准确定，不能停用"]


def test_a_retired_entry_is_no_longer_offered_to_units():
    solvent = create(gb18218_classes=["W5.3"])
    services.chemical_retire(admin(), chemical_id=solvent.pk, expected_version=solvent.version)
    errors = make.refused(make.add, make.unit(), solvent, "10")
    assert errors["chemical"] == ["请从危险化学品目录中选择"]


# --- who, and versions -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["district_official", "enterprise_manager", "leader"])
def test_nobody_but_an_administrator_writes_the_catalogue(name):
    user = world.actor(name)
    chlorine = make.shipped("氯")
    with pytest.raises(NotPermitted):
        services.chemical_create(user, data={"name": "某溶剂"})
    with pytest.raises(NotPermitted):
        services.chemical_update(
            user, chemical_id=chlorine.pk, expected_version=chlorine.version, data={}
        )
    with pytest.raises(NotPermitted):
        services.chemical_retire(user, chemical_id=chlorine.pk, expected_version=chlorine.version)
    assert not Chemical.objects.filter(name="某溶剂").exists()


def test_a_change_read_at_an_older_version_is_a_conflict():
    solvent = create()
    update(solvent, un_number="1993")
    with pytest.raises(Conflict):
        services.chemical_update(
            admin(), chemical_id=solvent.pk, expected_version=solvent.version, data={"cas": ""}
        )


def test_every_change_is_in_the_entrys_history_with_who_made_it():
    methanol = make.shipped("甲醇")
    with set_actor(admin()):
        update(methanol, gb18218_classes=["W5.3"], key_supervised=True)
    rows = services.chemical_history(methanol)
    assert rows[0].actor == str(admin()) and rows[0].action_label == "修改"
    changed = {label: (old, new) for label, old, new in rows[0].changes}
    assert changed["重点监管"] == ("否", "是")
    assert "W5.3" in changed["GB 18218 表2类别"][1]
