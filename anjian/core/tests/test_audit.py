"""The audit trail as users read it on a record's page (anjian/core/audit.py)."""

from auditlog.context import set_actor
from auditlog.models import LogEntry

from anjian.core.audit import history
from anjian.regions import services
from anjian.regions.models import Department, Region
from testsupport import world


def grid() -> Region:
    return Region.objects.get(code=world.YINHANG + "W001")


def test_history_shows_who_created_a_record_and_its_values(admin):
    rows = history(grid())
    assert len(rows) == 1
    created = rows[0]
    assert created.action == LogEntry.Action.CREATE
    assert created.action_label == "创建"
    assert created.actor == "管理员（admin）"
    changed = {label: new for label, _old, new in created.changes}
    assert changed["名称"] == "第1网格"
    assert all(new for _label, _old, new in created.changes)  # empty values are left out


def test_history_lists_changes_newest_first_with_old_and_new_values(street_officer):
    with set_actor(street_officer):
        services.region_update(
            region=grid(),
            by=street_officer,
            name="国和网格",
            latitude=None,
            longitude=None,
            is_active=False,
        )
    rows = history(grid())
    assert [row.action_label for row in rows] == ["修改", "创建"]
    update = rows[0]
    assert update.actor == "street_officer（street_officer）"
    assert ("名称", "第1网格", "国和网格") in update.changes
    assert ("启用", "是", "否") in update.changes


def test_changes_without_an_actor_are_the_systems(db):
    department = Department.objects.get(name="杨浦区应急管理局")
    department.short_name = "区应急局"
    department.save()
    assert history(department)[0].actor == "系统"


def test_bulk_writes_are_labelled_as_imports(admin):
    department = Department.objects.get(name="杨浦区应急管理局")
    with set_actor(admin):
        department.short_name = "区应急局"
        department.save()
    entry = LogEntry.objects.get_for_object(department).latest("timestamp")
    entry.additional_data = {"via": "bulk"}
    entry.save()
    assert history(department)[0].via == "批量导入"


def test_history_is_limited(street_officer):
    for number in range(5):
        with set_actor(street_officer):
            services.region_update(
                region=grid(),
                by=street_officer,
                name=f"网格{number}",
                latitude=None,
                longitude=None,
                is_active=True,
            )
    assert len(history(grid())) == 6
    assert len(history(grid(), limit=3)) == 3
    assert history(grid(), limit=3)[0].changes[0][2] == "网格4"
