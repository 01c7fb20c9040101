"""What the records of 应急准备与处置 share: an owner (a government, a department or an
enterprise) that decides who sees them, and a place on the map.

A government's or department's record is scoped by its region; an enterprise's plan,
team or warehouse copies the enterprise's scope columns (``EnterpriseOwned``) and follows
the enterprise when it moves. ``enterprise`` and ``industry`` are therefore optional here.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from anjian.core.models import VersionedModel
from anjian.emergency import geo
from anjian.emergency.choices import OwnerKind
from anjian.enterprises.owned import EnterpriseOwned


class MaybeEnterpriseOwned(EnterpriseOwned):
    """``EnterpriseOwned`` whose enterprise may be absent (a government's record)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("所属单位"),
    )
    industry = models.ForeignKey(
        "regions.Industry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("监管行业"),
    )

    class Meta:
        abstract = True


class Owned(MaybeEnterpriseOwned, VersionedModel):
    owner_kind = models.CharField(_("所属主体"), max_length=12, choices=OwnerKind.choices)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区划")
    )
    department = models.ForeignKey(
        "regions.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("所属部门"),
    )

    class Meta:
        abstract = True

    def copy_owner_scope(self) -> None:
        """Scope columns from the owner: the enterprise's, or the owning region's code."""
        if self.enterprise_id:
            self.copy_enterprise_scope()
        else:
            self.scope_region_code = self.region.code
            self.industry_id = None

    @property
    def owner_name(self) -> str:
        if self.enterprise_id:
            return self.enterprise.name
        if self.department_id:
            return self.department.name
        return self.region.name


class Located(models.Model):
    """A point on the map (WGS 84) and its search cell (``geo``)."""

    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.FloatField(
        _("纬度"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("经度"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    cell = models.IntegerField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def place_at(self, latitude: float | None, longitude: float | None) -> None:
        self.latitude = latitude
        self.longitude = longitude
        self.cell = geo.cell_of(latitude, longitude)

    @property
    def has_place(self) -> bool:
        return self.latitude is not None and self.longitude is not None
