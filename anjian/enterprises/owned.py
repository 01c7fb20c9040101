"""Records that belong to one enterprise and copy its scope columns.

A hazard, a risk point, a device or an alarm is scoped by its enterprise's region and
industry. Scoping and the figures must not join the registry for every row, so each such
model copies the enterprise's ``scope_region_code`` and ``industry`` into its own row:
``EnterpriseOwned`` declares those columns (and the enterprise itself) once. When an
enterprise moves street or grid or changes industry, ``enterprise_update`` sends
``signals.enterprise_moved`` in its transaction and ``follow`` brings every owned row
along: by default one UPDATE per model, bumping ``version`` where the model has one (an
edit begun on the old values is then a conflict). A model whose rows feed something else
that must move with them (the hazards' clearing tally) registers its own follower with
``extend_follow``, which does more around ``follow_enterprise``.
"""

from collections.abc import Callable

from django.apps import apps
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from anjian.core.scoping import ScopePaths

OWNED_SCOPE_PATHS = ScopePaths(
    region="scope_region_code", industry="industry_id", enterprise="enterprise_id"
)


class EnterpriseOwned(models.Model):
    """A row of one enterprise with the enterprise's scope columns copied in.

    Writers call ``copy_enterprise_scope`` before saving a new row; an enterprise that
    moves takes its rows along (``follow``). A model that wants a reverse accessor from the
    enterprise redeclares ``enterprise`` with its ``related_name``.
    """

    scope_paths = OWNED_SCOPE_PATHS

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("单位"),
    )
    scope_region_code = models.CharField(max_length=24, editable=False)
    industry = models.ForeignKey(
        "regions.Industry",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("监管行业"),
    )

    class Meta:
        abstract = True

    def copy_enterprise_scope(self) -> None:
        self.scope_region_code = self.enterprise.scope_region_code
        self.industry_id = self.enterprise.industry_id

    @classmethod
    def behind(cls, enterprise) -> models.QuerySet:
        """This model's rows of ``enterprise`` whose copied columns differ from its own."""
        return cls._default_manager.filter(enterprise_id=enterprise.pk).exclude(
            scope_region_code=enterprise.scope_region_code, industry_id=enterprise.industry_id
        )

    @classmethod
    def follow_enterprise(cls, enterprise, *, rows: models.QuerySet | None = None) -> int:
        """Copy ``enterprise``'s scope columns into ``rows`` (default: every row behind it)
        in one UPDATE, bumping ``version`` where the model has one. Returns the row count."""
        values = {
            "scope_region_code": enterprise.scope_region_code,
            "industry_id": enterprise.industry_id,
        }
        if any(field.name == "version" for field in cls._meta.concrete_fields):
            values["version"] = F("version") + 1
        return (cls.behind(enterprise) if rows is None else rows).update(**values)


Follower = Callable[..., int]  # (enterprise) -> rows moved
_followers: dict[type[EnterpriseOwned], Follower] = {}


def extend_follow(model: type[EnterpriseOwned], follower: Follower) -> None:
    """Let ``follower(enterprise)`` move ``model``'s rows instead of the default; it must
    call ``model.follow_enterprise`` itself (called from the owning app's ``ready``)."""
    _followers[model] = follower


def owned_models() -> list[type[EnterpriseOwned]]:
    """Every installed concrete model that copies an enterprise's scope columns."""
    return [model for model in apps.get_models() if issubclass(model, EnterpriseOwned)]


def follow(sender=None, *, enterprise, **kwargs) -> dict[str, int]:
    """Bring every owned row of ``enterprise`` to its new place and industry, in the
    caller's transaction; returns the rows moved per model label (``enterprise_moved``'s
    receiver)."""
    return {
        model._meta.label: _followers.get(model, model.follow_enterprise)(enterprise)
        for model in owned_models()
    }
