"""Self-check plans, records and the people who keep them, built through the services."""

from datetime import datetime
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.enterprises.services import enterprise_link_user
from anjian.hazards.choices import CheckFrequency, StandardDomain
from anjian.hazards.models import CheckPlan, CheckRecord, StandardClause, StandardDocument
from anjian.hazards.selfcheck import services
from anjian.hazards.tests.factories import photo
from testsupport import world

ITEMS = ("安全出口畅通", "灭火器在有效期内", "可燃气体报警器完好")
PLACE = "一号罐区东侧"  # where a failed item's problem was found, unless a test says


def clause(code: str = "HG-12", document_code: str = "测试判定标准〔2026〕1号") -> StandardClause:
    """The library's active clause with this code (shipped data), else a test one."""
    shipped = StandardClause.objects.filter(
        code=code, is_active=True, document__is_active=True
    ).first()
    if shipped is not None:
        return shipped
    document, _created = StandardDocument.objects.get_or_create(
        code=document_code,
        defaults={
            "title": "测试用重大事故隐患判定标准",
            "edition": "2026",
            "domain": StandardDomain.CHEMICAL,
            "industry_codes": ["hazchem"],
        },
    )
    found, _created = StandardClause.objects.get_or_create(
        document=document, code=code, defaults={"text": "可燃有毒气体场所未设检测报警装置"}
    )
    return found


def plan(
    by=None,
    enterprise=None,
    *,
    items=ITEMS,
    name: str = "罐区每日检查",
    frequency: str = CheckFrequency.DAILY,
    scope_note: str = "一号罐区",
) -> CheckPlan:
    """A plan of the world's chemical company, made by its safety manager."""
    return services.plan_create(
        by=by or world.actor("enterprise_manager"),
        enterprise=enterprise or world.enterprise("yinhang_chemical"),
        name=name,
        frequency=frequency,
        scope_note=scope_note,
        items=[item if isinstance(item, services.ItemSpec) else {"text": item} for item in items],
    )


def answers(check_plan: CheckPlan, failed: dict | None = None, **overrides) -> list[dict]:
    """All items passed, except ``failed``: {item position: note or a result dict}; a failed
    item is found at ``PLACE`` unless its result dict says otherwise."""
    results = []
    for position, item in enumerate(check_plan.items.active().order_by("sort_order", "id")):
        result = {"item_id": item.pk, "passed": True, "note": "", "photos": []}
        if failed and position in failed:
            change = failed[position]
            result.update(
                {"passed": False, "place": PLACE, **(change if isinstance(change, dict) else {})}
            )
            if isinstance(change, str):
                result["note"] = change
        results.append(result)
    return results


def submit(check_plan: CheckPlan, failed: dict | None = None, by=None, **kwargs) -> CheckRecord:
    return services.check_record_submit(
        by=by or world.actor("enterprise_manager"),
        plan_id=check_plan.pk,
        results=answers(check_plan, failed),
        **kwargs,
    )


def record_at(check_plan: CheckPlan, when: datetime) -> CheckRecord:
    """A bare record at a given moment (for the due-today logic; no results needed)."""
    return CheckRecord.objects.create(
        plan=check_plan,
        enterprise=check_plan.enterprise,
        performed_by=world.actor("enterprise_manager"),
        performed_at=when,
    )


def local(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


def enterprise_user(enterprise_name: str = "yinhang_site", username: str = "site_manager") -> User:
    """The safety manager of another of the world's enterprises."""
    user, created = User.objects.get_or_create(
        username=username, defaults={"name": "工地安全员", "role": Role.ENTERPRISE}
    )
    if created:
        enterprise_link_user(
            by=world.actor("admin"),
            enterprise=world.enterprise(enterprise_name),
            user=user,
            position="safety_manager",
        )
    return User.objects.get(pk=user.pk)


def not_an_image(name: str = "检查表.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 this is not a photo", content_type="image/jpeg")


def huge(name: str = "大照片.jpg", megabytes: int = 20) -> SimpleUploadedFile:
    buffer = BytesIO(photo().read())
    buffer.seek(0, 2)
    buffer.write(b"\0" * (megabytes * 1024 * 1024))
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


__all__ = ["photo"]
