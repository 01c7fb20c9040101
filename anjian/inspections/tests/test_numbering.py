"""文书编号: per department, kind and year; no duplicates and no gaps, also when documents
are issued at once (PostgreSQL: real concurrent transactions on their own connections)."""

import threading
import time

import psycopg
import pytest
from django.db import connection, transaction

from anjian.inspections import numbering
from anjian.inspections.models import DocumentSerial
from anjian.inspections.tests.factories import department

pytestmark = pytest.mark.django_db


def test_numbers_run_per_department_kind_and_year():
    emergency, housing = department(), department("杨浦区建设和管理委员会")
    taken = [numbering.take(emergency, "inspection_record", year=2026) for _ in range(3)]
    assert [n.text for n in taken] == [
        "（杨浦）应急检〔2026〕1号",
        "（杨浦）应急检〔2026〕2号",
        "（杨浦）应急检〔2026〕3号",
    ]
    assert numbering.take(emergency, "rectification_order", year=2026).serial == 1
    assert numbering.take(emergency, "inspection_record", year=2027).serial == 1
    assert (
        numbering.take(housing, "inspection_record", year=2026).text
        == "（杨浦）建管委检〔2026〕1号"
    )


def test_a_document_not_stored_gives_its_number_back():
    emergency = department()
    numbering.take(emergency, "penalty_decision", year=2026)
    with pytest.raises(RuntimeError), transaction.atomic():
        numbering.take(emergency, "penalty_decision", year=2026)
        raise RuntimeError("the document could not be stored")
    assert numbering.take(emergency, "penalty_decision", year=2026).serial == 2


def test_a_number_is_taken_only_inside_a_transaction(monkeypatch):
    monkeypatch.setattr(transaction.get_connection(), "in_atomic_block", False)
    with pytest.raises(RuntimeError, match="inside the transaction"):
        numbering.take(department(), "inspection_record")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers: PostgreSQL")
def test_documents_issued_at_once_get_consecutive_numbers():
    """Four writers on their own connections each issue five numbers, each holding its
    transaction open a moment before it commits; one more rolls back. Together: 1…20."""
    settings = connection.settings_dict
    conninfo = psycopg.conninfo.make_conninfo(
        dbname=settings["NAME"],
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
    )
    dept = department().pk
    code, year = "并", 2099
    taken: list[int] = []
    lock = threading.Lock()

    def writer(commit: bool) -> None:
        with psycopg.connect(conninfo) as conn:
            for _ in range(5):
                with conn.transaction(force_rollback=not commit), conn.cursor() as cursor:
                    serial = numbering.take_serial(cursor, dept, year, code)
                    time.sleep(0.01)
                    if commit:
                        with lock:
                            taken.append(serial)

    threads = [threading.Thread(target=writer, args=(n != 4,)) for n in range(5)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(taken) == list(range(1, 21))
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(
                f"DELETE FROM {DocumentSerial._meta.db_table} WHERE year = %s AND code = %s",
                [year, code],
            )
