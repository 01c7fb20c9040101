"""The shipped catalogue rows (GB 18218-2018 table 1), kept in step by ``sync_shipped`` after
every migrate: idempotent, keeping what an administrator set, adopting a same-named entry."""

import pytest

from anjian.hazchem import catalogue, gb18218
from anjian.hazchem.choices import CatalogueSource
from anjian.hazchem.models import Chemical

pytestmark = pytest.mark.django_db


def shipped_rows() -> dict[int, Chemical]:
    return {
        c.table1_row: c
        for c in Chemical.objects.filter(source=CatalogueSource.SHIPPED, table1_row__isnull=False)
    }


def test_migrate_shipped_the_85_rows_of_table_1():
    rows = shipped_rows()
    assert sorted(rows) == list(range(1, 86))
    chlorine = rows[12]
    assert (chlorine.name, chlorine.aliases, chlorine.cas) == ("氯", "液氯、氯气", "7782-50-5")
    assert rows[52].cas == "68476-85-7"  # the first of the row's CAS numbers
    assert all(c.active for c in rows.values())


def test_a_second_run_changes_nothing():
    versions = {c.pk: c.version for c in Chemical.objects.all()}
    assert catalogue.sync_shipped() == 0
    assert catalogue.sync_shipped() == 0
    assert {c.pk: c.version for c in Chemical.objects.all()} == versions


def test_the_flags_and_data_an_administrator_set_are_kept():
    Chemical.objects.filter(name="氯").update(
        highly_toxic=True,
        key_supervised=True,
        un_number="1017",
        ghs_classes="加压气体；急性毒性-吸入，类别2*",
        gb18218_classes=["J3"],
    )
    assert catalogue.sync_shipped() == 0
    chlorine = Chemical.objects.get(name="氯")
    assert chlorine.highly_toxic and chlorine.key_supervised
    assert chlorine.un_number == "1017" and chlorine.gb18218_classes == ["J3"]


def test_a_shipped_row_that_drifted_from_the_table_is_put_back():
    chlorine = Chemical.objects.get(name="氯")
    Chemical.objects.filter(pk=chlorine.pk).update(
        name="氯（改）", cas="", active=False, highly_toxic=True
    )
    assert catalogue.sync_shipped() == 1
    restored = Chemical.objects.get(pk=chlorine.pk)
    assert (restored.name, restored.cas, restored.active) == ("氯", "7782-50-5", True)
    assert restored.highly_toxic is True
    assert restored.version == chlorine.version + 1


def test_a_missing_shipped_row_is_created_again():
    Chemical.objects.filter(name="氨").delete()
    assert catalogue.sync_shipped() == 1
    ammonia = Chemical.objects.get(name="氨")
    assert ammonia.table1_row == 1 and ammonia.source == CatalogueSource.SHIPPED
    assert Chemical.objects.count() == 85


def test_a_same_named_imported_chemical_becomes_the_shipped_row():
    Chemical.objects.filter(name="氯").delete()
    imported = Chemical.objects.create(
        name="氯",
        un_number="1017",
        catalogue_number=1381,
        highly_toxic=True,
        source=CatalogueSource.IMPORTED,
    )
    assert catalogue.sync_shipped() == 1
    chlorine = Chemical.objects.get(name="氯")
    assert chlorine.pk == imported.pk
    assert chlorine.table1_row == 12 and chlorine.source == CatalogueSource.SHIPPED
    assert (chlorine.cas, chlorine.aliases) == ("7782-50-5", "液氯、氯气")
    assert chlorine.un_number == "1017" and chlorine.catalogue_number == 1381
    assert chlorine.highly_toxic is True
    assert Chemical.objects.count() == 85
    assert catalogue.sync_shipped() == 0


def test_an_entry_tied_to_a_table_1_row_is_not_taken_for_the_shipped_row():
    # A catalogue entry of its own (an industrial grade) may name the table 1 row it is;
    # the shipped row of that number is still the one the table keeps in step.
    grade = Chemical.objects.create(
        name="液氯（工业用）", table1_row=12, source=CatalogueSource.IMPORTED
    )
    assert catalogue.sync_shipped() == 0
    grade.refresh_from_db()
    assert (grade.name, grade.source) == ("液氯（工业用）", CatalogueSource.IMPORTED)
    assert Chemical.objects.get(name="氯").source == CatalogueSource.SHIPPED


def test_the_table_has_one_row_per_number():
    assert [row.number for row in gb18218.TABLE_1] == list(range(1, 86))
