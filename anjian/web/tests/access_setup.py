"""What the access tables request pages and API reads with: for each named actor, a
``Setup`` of objects inside the actor's scope (``build_setup``) and the helpers that reach
the rest (a self-check plan, a monitoring device, a shipped standard, …)."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.files.base import ContentFile

from anjian.accounts.models import ApiToken, User
from anjian.accounts.roles import Role
from anjian.cap.tests.factories import cap_setup
from anjian.core.access import PUBLIC
from anjian.core.models import BackgroundJob, JobStatus, Notification
from anjian.enterprises.models import Enterprise, EnterpriseUser
from anjian.enterprises.services import enterprise_link_user
from anjian.regions.models import Department
from anjian.regions.selectors import departments_for
from testsupport import world

ACCOUNT_PASSWORD = "Another-pass-2026x"


@dataclass
class Setup:
    """Per-actor objects the pages are requested with (each inside the actor's scope)."""

    user: object
    enterprise: Enterprise
    region_code: str
    department: Department
    token: ApiToken
    job: BackgroundJob
    link: EnterpriseUser
    notification: Notification
    hazard: object = None
    hazard_photo: object = None
    extension: object = None
    listing: object = None
    revisit: object = None
    duplicate: object = None
    measure: object = None
    risk_point: object = None
    risk_measure: object = None
    cap_alert: object = None
    cap_draft: object = None


def account_data(setup: Setup) -> dict:
    return {
        "username": f"new_{setup.user.username}",
        "name": "新账号",
        "phone": "",
        "position": "safety_manager",
        "password1": ACCOUNT_PASSWORD,
        "password2": ACCOUNT_PASSWORD,
    }


def selfcheck_plan(setup: Setup, name: str = "自查计划"):
    """A self-check plan of the actor's enterprise (one item), made directly."""
    from anjian.hazards.models import CheckPlan

    plan, created = CheckPlan.objects.get_or_create(
        enterprise=setup.enterprise,
        name=name,
        defaults={"frequency": "daily", "created_by": world.actor("admin")},
    )
    if created:
        plan.items.create(text="安全出口畅通", sort_order=10)
    return plan


def selfcheck_record(setup: Setup):
    plan = selfcheck_plan(setup)
    return plan.records.first() or plan.records.create(
        enterprise=plan.enterprise, performed_by=world.actor("admin")
    )


def monitoring_device(setup: Setup):
    """A device of the actor's enterprise, and an open alarm of it (made directly)."""
    from anjian.monitoring.tests.factories import plain_device

    return plain_device(setup.enterprise, f"URL-{setup.enterprise.pk}")


def monitoring_gateway(setup: Setup):
    from anjian.monitoring.tests.factories import plain_gateway

    return plain_gateway(setup.enterprise, f"URL-GW-{setup.enterprise.pk}")


def monitoring_alarm(setup: Setup):
    from anjian.monitoring.tests.factories import plain_alarm

    return plain_alarm(monitoring_device(setup))


def public_place(setup: Setup):
    """A public place (房屋建筑) where the actor's enterprise is, made directly."""
    from anjian.enterprises.models import PlaceKind, PublicPlace
    from anjian.regions.models import Industry

    enterprise = setup.enterprise
    place, _created = PublicPlace.objects.get_or_create(
        street_id=enterprise.street_id,
        name=f"{enterprise.street.name}沿街外立面",
        defaults={
            "kind": PlaceKind.FACADE,
            "address": enterprise.address,
            "grid_id": enterprise.grid_id,
            "industry": Industry.objects.get(code="buildings"),
        },
    )
    return place


def standard(setup: Setup):
    """A shipped standard of the library (reference data: the same for every actor)."""
    from anjian.hazards.models import StandardDocument

    return StandardDocument.objects.get(code="应急管理部令第10号")


def standard_clause(setup: Setup):
    return standard(setup).clauses.get(code="DUST-03")


def build_setup(name: str) -> Setup:
    user = world.actor(name)
    admin = world.actor("admin")
    visible = sorted(world.VISIBLE[name])
    enterprise = world.enterprise(visible[0] if visible else "yinhang_chemical")
    scope = user.scope
    region_code = "31" if scope.everything else scope.region_prefix or world.YANGPU
    department = departments_for(user).order_by("pk").first() or Department.objects.first()
    token, _raw = ApiToken.issue(user=user, name="表格")
    job = BackgroundJob.objects.create(
        kind="enterprise_export", created_by=user, status=JobStatus.SUCCEEDED
    )
    job.output_file.save("ledger.xlsx", ContentFile(b"x"))
    # A second login of the enterprise, to toggle (no password: hashing is slow and irrelevant).
    member = User.objects.create(username=f"member_{name}", name="成员", role=Role.ENTERPRISE)
    link = enterprise_link_user(by=admin, enterprise=enterprise, user=member, position="principal")
    notification = Notification.objects.create(
        recipient=user, kind="test", title="测试通知", url="/"
    )
    hazards = hazard_setup(enterprise)
    return Setup(
        **hazards,
        **risk_setup(enterprise),
        **cap_setup(enterprise),
        user=user,
        enterprise=enterprise,
        region_code=region_code,
        department=department,
        token=token,
        job=job,
        link=link,
        notification=notification,
    )


def risk_setup(enterprise) -> dict:
    """An assessed risk point of ``enterprise`` with one measure (the risk pages' objects)."""
    from anjian.risks.services import measure_add
    from anjian.risks.tests.factories import make_point

    admin = world.actor("admin")
    point = make_point(enterprise, assess=("lec", {"L": 3, "E": 6, "C": 15}))
    measure = measure_add(
        by=admin,
        risk_point_id=point.pk,
        data={"kind": "ppe", "text": "佩戴防护用品", "level": "post", "owner_name": "李四"},
    )
    return {"risk_point": point, "risk_measure": measure}


def hazard_setup(enterprise) -> dict:
    """A hazard of ``enterprise`` with a photo, a pending extension, an active listing, a
    revisit and a duplicate flag — the objects the hazard pages are requested with."""
    from anjian.hazards import services as hazard_services
    from anjian.hazards.choices import Grade
    from anjian.hazards.models import DuplicateCandidate, Revisit
    from anjian.hazards.tests.factories import hazard_in, report
    from anjian.hazards.tests.support import rectifier_of

    admin = world.actor("admin")
    hazard = hazard_in("rectifying", grade=Grade.MAJOR, by=admin, enterprise=enterprise)
    extension = hazard_services.extension_request(
        by=rectifier_of(enterprise),  # the rectifying side asks, the supervising side decides
        hazard_id=hazard.pk,
        requested_deadline=hazard.deadline + timedelta(days=30),
        reason="设备到货延迟",
    )
    listing = hazard_services.listing_create(
        by=admin,
        hazard_id=hazard.pk,
        level="district",
        authority="区安委办",
        document_number="安委办督〔2026〕1号",
        deadline=hazard.deadline,
    )
    twin = report(by=admin, enterprise=enterprise)
    duplicate, _created = DuplicateCandidate.objects.get_or_create(
        hazard=hazard, other=twin, defaults={"similarity": 0.9}
    )
    closed = hazard_in("closed", by=admin, enterprise=enterprise)
    revisit = Revisit.objects.create(hazard=closed, due_on=hazard.deadline)
    from anjian.hazards.models import SystemMeasure

    measure = SystemMeasure.objects.create(
        region=enterprise.street,
        industry=enterprise.industry,
        problem="电动自行车违规充电屡查屡犯",
        measure="建立集中充电点并纳入日常巡查",
        lead_unit="街道安全办",
        deadline=hazard.deadline,
        created_by=admin,
    )
    return {
        "measure": measure,
        "hazard": hazard,
        "hazard_photo": hazard.photos.first(),
        "extension": extension,
        "listing": listing,
        "revisit": revisit,
        "duplicate": duplicate,
    }


def granted(user, access: str) -> bool:
    return access == PUBLIC or any(user.can(action) for action in access.split("|"))
