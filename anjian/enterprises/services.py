"""Writes to the enterprise registry. Pages, API, Excel import, CLI and demo all call these.

Side effects: every create and update lands in the audit trail (django-auditlog:
through its signals for single saves, explicitly for bulk inserts); each write
re-checks the writer's scope inside its transaction and rolls back if the record
would leave it; an update that moves an enterprise (street/grid) or changes its industry
sends ``signals.enterprise_moved`` in the same transaction, and every record it owns
follows (``owned.follow``).
"""

from collections.abc import Iterable

from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accounts.roles import Role
from anjian.accounts.services import user_create_basic
from anjian.core.exceptions import Conflict, OutOfScope, ValidationError
from anjian.core.scoping import ensure_in_scope
from anjian.core.services import writable
from anjian.enterprises import permissions as perms
from anjian.enterprises.models import Enterprise, EnterpriseUser
from anjian.enterprises.signals import enterprise_moved
from anjian.regions.models import Department, ancestor_codes

# Fields the services write (every other key in ``data`` is refused, named).
ENTERPRISE_FIELDS = (
    "name",
    "credit_code",
    "legal_representative",
    "principal_name",
    "principal_phone",
    "safety_manager_name",
    "safety_manager_phone",
    "address",
    "latitude",
    "longitude",
    "street",
    "grid",
    "industry",
    "economic_code",
    "employees",
    "scale",
    "supervision_grade",
    "standardisation_grade",
    "standardisation_expires",
    "insured_until",
    "status",
    "department_overridden",
    "supervising_department",
    "involves_hazchem",
    "dust_explosion",
    "ammonia_refrigeration",
    "confined_space",
    "fire_key_unit",
    "crowded_place",
)

# Fields an enterprise's own safety manager may keep up to date; the rest is the regulator's.
SELF_MAINTAINED_FIELDS = (
    "legal_representative",
    "principal_name",
    "principal_phone",
    "safety_manager_name",
    "safety_manager_phone",
    "employees",
)

# Fields the model validates by querying related tables; bulk paths resolve them from memory.
RELATION_FIELDS = ["street", "grid", "industry", "supervising_department"]


def duplicate_credit_code_message(existing: Enterprise) -> str:
    return _("统一社会信用代码已被“%(name)s”（%(street)s）使用，不能重复登记") % {
        "name": existing.name,
        "street": existing.street.full_name,
    }


def _refuse_duplicate_credit_code(enterprise: Enterprise) -> None:
    existing = (
        Enterprise.objects.select_related("street")
        .filter(credit_code=enterprise.credit_code)
        .exclude(pk=enterprise.pk)
        .first()
    )
    if existing is not None:
        raise ValidationError({"credit_code": duplicate_credit_code_message(existing)})


def _check_department(enterprise: Enterprise) -> None:
    """Derive the supervising department unless set by hand; a hand-set one must cover the place."""
    if not enterprise.department_overridden:
        enterprise.supervising_department = (
            Department.objects.supervising(enterprise.industry_id, enterprise.street)
            if enterprise.industry_id and enterprise.street_id
            else None
        )
        return
    department = enterprise.supervising_department
    if department is None:
        raise ValidationError({"supervising_department": _("手工指定时请选择监管部门")})
    if enterprise.street_id and department.region_id not in ancestor_codes(enterprise.street_id):
        raise ValidationError({"supervising_department": _("该部门不管辖此单位所在街镇")})


def _check_writer_scope(by, enterprise: Enterprise) -> None:
    """Say which field took the record out of the writer's scope, then prove it by re-reading."""
    scope = by.scope
    if not scope.everything and scope.enterprise_id is None:
        if not scope.covers_region(enterprise.scope_region_code):
            raise ValidationError(
                {"street": _("只能登记您管辖范围（%(scope)s）内的单位") % {"scope": scope.label}}
            )
        if not scope.covers_industry(enterprise.industry_id):
            raise ValidationError({"industry": _("只能登记本部门监管行业的单位")})
    try:
        ensure_in_scope(by, enterprise)
    except OutOfScope:
        raise ValidationError(_("超出您的管辖范围")) from None


def _save(enterprise: Enterprise) -> None:
    try:
        with transaction.atomic():
            enterprise.save()
    except IntegrityError:
        # Two people registering the same code at once: the loser gets the winner named.
        _refuse_duplicate_credit_code(enterprise)
        raise


@transaction.atomic
def enterprise_create(*, by, data: dict) -> Enterprise:
    """Register an enterprise. ``data`` holds values of ENTERPRISE_FIELDS (FKs as objects);
    any other key is refused, named."""
    enterprise = Enterprise(**writable(data, ENTERPRISE_FIELDS), created_by=by)
    _check_department(enterprise)
    enterprise.refresh_derived_fields()
    enterprise.full_clean(validate_unique=False)
    _refuse_duplicate_credit_code(enterprise)
    _save(enterprise)
    _check_writer_scope(by, enterprise)
    return enterprise


@transaction.atomic
def enterprise_update(*, by, enterprise_id: int, data: dict, expected_version: int) -> Enterprise:
    """Change an enterprise the writer can see, if nobody changed it since ``expected_version``.

    Raises Enterprise.DoesNotExist when out of scope (callers answer 404), Conflict when
    the version moved on, ValidationError with field messages otherwise (and naming any
    key of ``data`` that is not one of ENTERPRISE_FIELDS). A change of place or industry
    sends ``enterprise_moved`` before the transaction ends.
    """
    data = writable(data, ENTERPRISE_FIELDS)
    enterprise = (
        Enterprise.objects.for_user(by)
        .select_for_update(of=("self",))
        .select_related("street")
        .get(pk=enterprise_id)
    )
    if enterprise.version != expected_version:
        raise Conflict()
    if not by.can(perms.ENTERPRISE_CHANGE):
        forbidden = set(data) - set(SELF_MAINTAINED_FIELDS)
        if forbidden:
            raise ValidationError(_("企业用户只能修改本单位的联系人和从业人员信息"))
    old_region_code, old_industry_id = enterprise.scope_region_code, enterprise.industry_id
    for field, value in data.items():
        setattr(enterprise, field, value)
    _check_department(enterprise)
    enterprise.refresh_derived_fields()
    enterprise.full_clean(validate_unique=False)
    _refuse_duplicate_credit_code(enterprise)
    enterprise.version += 1
    _save(enterprise)
    _check_writer_scope(by, enterprise)
    if (enterprise.scope_region_code, enterprise.industry_id) != (old_region_code, old_industry_id):
        enterprise_moved.send(
            sender=Enterprise,
            enterprise=enterprise,
            old_region_code=old_region_code,
            old_industry_id=old_industry_id,
        )
    return enterprise


def prepare_for_bulk(enterprise: Enterprise, *, by, departments: "DepartmentResolver") -> None:
    """Fill what ``enterprise_create`` would derive, without a query per row."""
    enterprise.created_by = by
    if not enterprise.department_overridden:
        enterprise.supervising_department_id = departments.resolve(
            enterprise.industry_id, enterprise.street_id
        )
    enterprise.refresh_derived_fields()


class DepartmentResolver:
    """Memoised (industry, street) → supervising department id for bulk paths."""

    def __init__(self):
        self._cache: dict[tuple[int, str], int | None] = {}
        self._departments = list(
            Department.objects.filter(is_active=True).prefetch_related("industries")
        )

    def resolve(self, industry_id: int, street_code: str) -> int | None:
        key = (industry_id, street_code)
        if key not in self._cache:
            codes = ancestor_codes(street_code)
            candidates = [
                d
                for d in self._departments
                if d.region_id in codes and any(i.id == industry_id for i in d.industries.all())
            ]
            candidates.sort(key=lambda d: (codes.index(d.region_id), d.sort_order, d.pk))
            self._cache[key] = candidates[0].pk if candidates else None
        return self._cache[key]


def enterprise_bulk_create(
    *, by, enterprises: Iterable[Enterprise], batch_size: int = 1000
) -> list[Enterprise]:
    """Insert already-validated enterprises (import, demo) and their audit entries.

    Callers validate every row first and call ``prepare_for_bulk``; this checks scope
    for the whole batch and writes it in the caller's transaction.
    """
    rows = list(enterprises)
    scope = by.scope
    for enterprise in rows:
        if not (
            scope.everything
            or (
                scope.enterprise_id is None
                and scope.covers_region(enterprise.scope_region_code)
                and scope.covers_industry(enterprise.industry_id)
            )
        ):
            raise OutOfScope()
    created = Enterprise.objects.bulk_create(rows, batch_size=batch_size)
    content_type = ContentType.objects.get_for_model(Enterprise)
    now = timezone.now()
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=content_type,
                object_pk=str(enterprise.pk),
                object_id=enterprise.pk,
                object_repr=enterprise.name[:200],
                action=LogEntry.Action.CREATE,
                changes=model_instance_diff(None, enterprise),
                actor=by,
                timestamp=now,
                additional_data={"via": "bulk"},
            )
            for enterprise in created
        ],
        batch_size=batch_size,
    )
    return created


@transaction.atomic
def enterprise_link_user(*, by, enterprise: Enterprise, user, position: str) -> EnterpriseUser:
    """Make ``user`` (an enterprise-role account) the given enterprise's user."""
    ensure_in_scope(by, enterprise)
    link, _created = EnterpriseUser.objects.update_or_create(
        user=user, defaults={"enterprise": enterprise, "position": position}
    )
    return link


def enterprises_rederive_departments(*, region_code: str, industry_ids: set[int]) -> int:
    """Re-derive the supervising department of enterprises under ``region_code`` whose
    department is not set by hand, after the departments' industries changed."""
    resolver = DepartmentResolver()
    affected = Enterprise.objects.filter(
        scope_region_code__startswith=region_code,
        industry_id__in=industry_ids,
        department_overridden=False,
    )
    pairs = affected.values_list("industry_id", "street_id").distinct()
    changed = 0
    for industry_id, street_code in pairs:
        department_id = resolver.resolve(industry_id, street_code)
        changed += (
            affected.filter(industry_id=industry_id, street_id=street_code)
            .exclude(supervising_department_id=department_id)
            .update(supervising_department_id=department_id)
        )
    return changed


@transaction.atomic
def enterprise_account_create(
    *,
    by,
    enterprise: Enterprise,
    username: str,
    name: str,
    phone: str,
    position: str,
    password: str,
):
    """Create a login for an enterprise's own staff, bound to that enterprise only."""
    ensure_in_scope(by, enterprise)
    user = user_create_basic(
        username=username, name=name, phone=phone, role=Role.ENTERPRISE, password=password
    )
    EnterpriseUser.objects.create(user=user, enterprise=enterprise, position=position)
    return user


@transaction.atomic
def enterprise_account_set_active(*, by, link: EnterpriseUser, active: bool) -> None:
    """Disable (or re-enable) an enterprise login; accounts are never deleted."""
    ensure_in_scope(by, link.enterprise)
    link.user.is_active = active
    link.user.save(update_fields=["is_active", "updated_at"])
