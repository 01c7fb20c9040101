"""The one security rule: a user sees and changes only records inside their scope.

A scope is a GB/T 2260 region-code prefix, optionally narrowed to a set of
industries (行业主管部门 users), or a single enterprise (企业 users). Each scoped
model states once, in ``scope_paths``, how its rows reach a region code, an
industry and an enterprise; ``scope_q`` turns (scope, paths) into a filter, and
``ScopedQuerySet.for_user`` is where every page, API endpoint, export and search
starts. Objects outside scope then answer 404 because they are simply not found.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from anjian.core.exceptions import NotPermitted, OutOfScope

NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class ScopePaths:
    """ORM lookup paths from a scoped model to its region code, industry and enterprise."""

    region: str | None = None
    industry: str | None = None
    enterprise: str | None = None


@dataclass(frozen=True)
class Scope:
    """What one user may see. Built by ``accounts.User.scope``; immutable."""

    everything: bool = False
    region_prefix: str | None = None
    industry_ids: frozenset[int] | None = None
    enterprise_id: int | None = None
    label: str = field(default="", compare=False)

    @property
    def is_empty(self) -> bool:
        return not self.everything and self.region_prefix is None and self.enterprise_id is None

    def covers_region(self, code: str) -> bool:
        if self.everything:
            return True
        return self.region_prefix is not None and code.startswith(self.region_prefix)

    def covers_industry(self, industry_id: int | None) -> bool:
        return self.industry_ids is None or industry_id in self.industry_ids


EVERYTHING = Scope(everything=True, label="全部")
EMPTY = Scope(label="无")


def scope_q(scope: Scope, paths: ScopePaths) -> Q:
    """The filter that keeps exactly the rows ``scope`` may see."""
    if scope.everything:
        return Q()
    if scope.enterprise_id is not None:
        if paths.enterprise is None:
            return NOTHING
        return Q(**{paths.enterprise: scope.enterprise_id})
    if scope.region_prefix is None or paths.region is None:
        return NOTHING
    condition = Q(**{f"{paths.region}__startswith": scope.region_prefix})
    if scope.industry_ids is not None and paths.industry is not None:
        condition &= Q(**{f"{paths.industry}__in": sorted(scope.industry_ids)})
    return condition


def scope_of(user) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return EMPTY
    return user.scope


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user) -> "ScopedQuerySet":
        return self.filter(scope_q(scope_of(user), self.model.scope_paths))

    def for_scope(self, scope: Scope) -> "ScopedQuerySet":
        return self.filter(scope_q(scope, self.model.scope_paths))


def ensure_in_scope(user, obj, *, field: str | None = None) -> None:
    """Re-read ``obj`` through the user's scope; raise OutOfScope if it is not there.

    Called inside the write's transaction after saving, so a write that would put a
    record outside the writer's scope is rolled back (STYLE habit 2).
    """
    model = type(obj)
    if not model.objects.for_user(user).filter(pk=obj.pk).exists():
        raise OutOfScope(field=field)


# --- city-wide configuration ----------------------------------------------------------------
# Some records configure the whole deployment (the LEC/LS band tables, the standards
# library, the industry catalogue, the city default of the overdue ladder): they carry no
# region, so no scope filter protects them. Writing them needs a scope that covers the
# whole deployment — checked here, once, by every service that writes them; the role map
# marks the actions that open them (each app's ``permissions.CITY_WIDE``).


def covers_deployment(scope: Scope) -> bool:
    """Whether ``scope`` is the whole deployment: everything (a superuser without a
    region), or every industry of the region root ``settings.REGION_ROOT`` or above it."""
    if scope.everything:
        return True
    if scope.enterprise_id is not None or scope.industry_ids is not None:
        return False
    prefix = scope.region_prefix
    return prefix is not None and settings.REGION_ROOT.startswith(prefix)


def is_city_wide(user) -> bool:
    return covers_deployment(scope_of(user))


def city_wide_refusal(user, what: str = "") -> str:
    """The Chinese sentence a refused user reads: the writer of ``what`` (a service), or,
    without ``what``, the user of a page or endpoint of city-wide configuration."""
    scope = scope_of(user).label or _("无")
    if what:
        return _(
            "%(what)s是全市统一配置，只有管辖范围覆盖全市的用户可以修改（您的管辖范围：%(scope)s）。"
        ) % {"what": what, "scope": scope}
    return _(
        "此功能涉及全市统一配置，只有管辖范围覆盖全市的用户可以使用（您的管辖范围：%(scope)s）。"
    ) % {"scope": scope}


def require_city_wide(user, *, what: str = "") -> None:
    """Raise NotPermitted unless ``user``'s scope covers the whole deployment."""
    if not is_city_wide(user):
        raise NotPermitted(city_wide_refusal(user, what))
