"""The records the page-access table opens for each actor's setup: the inspection draw,
plan, checklist, documents, on-site inspection, visit and penalty case (made once per
setup through the services, by the administrator unless said otherwise)."""

from dataclasses import dataclass

from anjian.accounts.roles import Role
from anjian.regions.levels import district_of
from anjian.regions.models import Department, Industry
from anjian.web.tests.access_setup import (
    Setup,
)
from testsupport import world


@dataclass(frozen=True)
class Inspection:
    """What the 双随机 pages are requested with, inside the actor's scope."""

    draw: object
    task: object
    inspector: object
    conflict: object
    matter: object


def inspection(setup: Setup) -> Inspection:
    """A published draw of the actor's enterprise (one task) by the actor's department (a
    行业部门 user) or its district's 应急局, from a pool of two — the actor among them when
    they are an 执法人员 of it — and a conflict declared after it. Made once per setup."""
    if hasattr(setup, "_inspection"):
        return setup._inspection
    from datetime import date

    from anjian.accounts.models import User
    from anjian.inspections import services

    admin, user, unit = world.actor("admin"), setup.user, setup.enterprise
    if user.role == Role.DEPARTMENT:
        department = user.department
    else:
        district = district_of(unit.scope_region_code)
        department = Department.objects.get(region_id=district, is_comprehensive=True)
    people = [user] if user.role == Role.INSPECTOR and user.department == department else []
    for n in range(2 - len(people)):
        people.append(
            User.objects.create(
                username=f"pool_{user.username}_{n}",
                name=f"执法{n}",
                role=Role.INSPECTOR,
                region_id=department.region_id,
                department=department,
            )
        )
    pool = [
        services.inspector_save(
            admin,
            data={
                "user": person,
                "department": department,
                "certificate_number": f"PA{user.pk:05d}{n}",
                "certificate_valid_until": date(2099, 12, 31),
            },
        )
        for n, person in enumerate(people)
    ]
    matter = services.matter_save(
        admin,
        data={
            "department": department,
            "name": "访问测试抽查",
            "basis": "《中华人民共和国安全生产法》",
            "industries": [unit.industry],
        },
    )
    # Announced (not 四不两直): the public page shows the unit and offers the record.
    draw = services.draw_run(
        admin,
        department=department,
        matter=matter,
        title="访问测试",
        count=1,
        street=unit.street,
        unannounced=False,
    )
    services.draw_publish(admin, draw_id=draw.pk)
    conflict = services.conflict_declare(admin, inspector=pool[0], enterprise=unit, reason="回避")
    setup._inspection = Inspection(draw, draw.tasks.get(), pool[0], conflict, matter)
    return setup._inspection


def inspection_plan(setup: Setup):
    """A 2027 plan of the department ``inspection`` draws for, with an entry for the
    actor's enterprise (made if the department's industries did not include it)."""
    if hasattr(setup, "_plan"):
        return setup._plan
    from anjian.inspections.plan_models import PlanEntry
    from anjian.inspections.plans import services as plan_services

    department = inspection(setup).draw.department
    plan = plan_services.plan_propose(world.actor("admin"), department=department, year=2027)
    entry = plan.entries.filter(enterprise=setup.enterprise).first()
    if entry is None:
        entry = PlanEntry.objects.create(
            plan=plan, enterprise=setup.enterprise, grade="C", proposed_visits=1, visits=1
        )
    setup._plan = (plan, entry)
    return setup._plan


def checklist():
    """A checklist of its own (农业农村: no unit of the world, so retiring and deactivating
    it changes no other page's checklist) with two entries, and its first entry."""
    from anjian.inspections.record_models import ChecklistTemplate
    from anjian.inspections.standards import services as checklist_services

    found = ChecklistTemplate.objects.filter(key="access_check").first()
    if found is None:
        admin = world.actor("admin")
        found = checklist_services.template_save(
            admin,
            data={
                "key": "access_check",
                "name": "访问测试检查表",
                "industries": [Industry.objects.get(code="agriculture")],
            },
        )
        for n in (1, 2):
            checklist_services.entry_save(
                admin,
                template_id=found.pk,
                data={"text": f"检查内容{n}", "basis": "《安全生产法》第四条", "finding": "问题"},
            )
    return found, found.entries.order_by("position").first()


def enforcement_document(setup: Setup):
    """A 现场检查记录 of the actor's enterprise by the department ``inspection`` draws for,
    issued by the administrator. Made once per setup."""
    if not hasattr(setup, "_document"):
        from anjian.inspections import documents
        from anjian.inspections.tests.test_documents import make_inspection

        admin = world.actor("admin")
        visit = make_inspection(
            admin, enterprise=setup.enterprise, dept=inspection(setup).draw.department
        )
        setup._document = documents.issue(by=admin, kind="inspection_record", inspection=visit)
    return setup._document


def onsite_visit(setup: Setup):
    """A 到达登记 at the actor's enterprise by the department ``inspection`` draws for."""
    if not hasattr(setup, "_visit"):
        from anjian.inspections.models import Visit

        setup._visit = Visit.objects.create(
            enterprise=setup.enterprise,
            department=inspection(setup).draw.department,
            by=world.actor("admin"),
            method="manual",
        )
    return setup._visit


def onsite_inspection(setup: Setup):
    """An open on-site inspection of ``inspection``'s drawn task (its inspectors: the actor
    among them when an 执法人员 of it) with one failed entry, a photo of it and both
    signatures, all by the administrator; and the photo. Made once per setup."""
    if not hasattr(setup, "_onsite"):
        from io import BytesIO

        from django.core.files.uploadedfile import SimpleUploadedFile
        from PIL import Image

        from anjian.inspections.onsite import services as onsite

        def image(kind: str) -> bytes:
            buffer = BytesIO()
            Image.new("RGB", (40, 30), (200, 60, 40)).save(buffer, kind)
            return buffer.getvalue()

        admin = world.actor("admin")
        started = onsite.inspection_from_task(admin, task_id=inspection(setup).task.pk)
        entry = started.checklist.entries.order_by("position").first()
        marked = onsite.inspection_mark(
            admin,
            inspection_id=started.pk,
            expected_version=started.version,
            marks=[{"entry_id": entry.pk, "result": "fail", "note": "访问测试", "place": "大门"}],
        )
        upload = SimpleUploadedFile("a.jpg", image("JPEG"), content_type="image/jpeg")
        [photo] = onsite.evidence_add(
            admin, inspection_id=started.pk, files=[upload], entry_id=entry.pk
        )
        signed = onsite.inspection_sign(
            admin,
            inspection_id=started.pk,
            expected_version=marked.version,
            enterprise_signer="王安全",
            enterprise_signature=image("PNG"),
            inspector_signature=image("PNG"),
        )
        setup._onsite = (signed, photo)
    return setup._onsite


def onsite_selectors():
    from anjian.inspections.onsite import selectors

    return selectors


def penalty_case(setup: Setup):
    """A penalty case of the actor's enterprise, filed by the administrator for the
    department ``inspection`` draws for, handled by its two pooled officials (the actor
    among them when they are an 执法人员 of it). Made once per setup."""
    if not hasattr(setup, "_case"):
        from anjian.inspections.cases import services as case_services

        department = inspection(setup).draw.department
        setup._case = case_services.case_file(
            world.actor("admin"),
            enterprise_id=setup.enterprise.pk,
            department_id=department.pk,
            title="访问测试案件",
            facts="违法事实",
            handler_ids=[i.pk for i in department.inspectors.order_by("pk")[:2]],
        )
    return setup._case


def discretion_rule():
    """A seeded rule of the discretion table (inspections 0006)."""
    from anjian.inspections.case_models import DiscretionRule

    return DiscretionRule.objects.get(code="AQF-97-4", circumstance="ordinary", is_active=True)
