"""The registry of 生产经营单位: one row per enterprise, the fact every other module reuses."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anjian.accounts.models import phone_validator
from anjian.core import pinyin, search
from anjian.core.models import VersionedModel
from anjian.core.scoping import ScopedQuerySet, ScopePaths
from anjian.enterprises.choices import (
    KEY_FLAGS,
    Scale,
    StandardisationGrade,
    Status,
    SupervisionGrade,
)
from anjian.enterprises.validators import validate_credit_code, validate_economic_code
from anjian.regions.choices import RegionLevel


class EnterpriseQuerySet(ScopedQuerySet):
    _ids_first = False

    def search(self, query: str) -> "EnterpriseQuerySet":
        return search.search(self, query)

    def ids_first(self) -> "EnterpriseQuerySet":
        """This queryset, whose slices (the list's pages) are read in two steps.

        ``qs[offset:offset + 50]`` first selects the page's ids — same filters, order,
        LIMIT and OFFSET, but from the enterprise table alone — then loads those rows
        with their joins, in the same order. PostgreSQL otherwise fetches and joins
        every skipped row of a deep page (OFFSET 100000 → 100,050 rows joined to
        streets, industries and departments), and where its row estimate is far off —
        a search's LIKE and bigram conditions are one condition it counts twice — it
        picks joins that compare every row with every region. Same rows, same order.
        """
        clone = self._chain()
        clone._ids_first = True
        return clone

    def _clone(self):
        clone = super()._clone()
        clone._ids_first = self._ids_first
        return clone

    def __getitem__(self, k):
        if (
            self._ids_first
            and isinstance(k, slice)
            and k.stop is not None
            and k.step is None
            and self._result_cache is None
            and not self.query.is_sliced
            and self._iterable_class is models.query.ModelIterable
            and not self.query.distinct
            and not self.query.combinator
            and self.query.group_by is None
            and not self.query.select_for_update
        ):
            ids = list(self.values_list("pk", flat=True)[k])
            return self.filter(pk__in=ids)
        return super().__getitem__(k)


# The columns derived from the searched fields, and those fields (name first: it is also
# found by its pinyin and sorts the lists).
SEARCH_COLUMNS = ("search_document", "search_tokens", "name_sort_key")
SEARCHED_FIELDS = (
    "name",
    "credit_code",
    "address",
    "legal_representative",
    "principal_name",
    "safety_manager_name",
)


def search_columns(enterprise) -> dict[str, str]:
    """SEARCH_COLUMNS' values for an enterprise (or any object with SEARCHED_FIELDS: the
    data migrations that recompute them pass historical models)."""
    document, tokens = search.document(
        *(getattr(enterprise, field) for field in SEARCHED_FIELDS), spoken=[enterprise.name]
    )
    return {
        "search_document": document,
        "search_tokens": tokens,
        "name_sort_key": pinyin.sort_key(enterprise.name),
    }


def recompute_search_columns(model, *, batch_size: int = 2000) -> int:
    """Recompute SEARCH_COLUMNS of every row of ``model`` (Enterprise, or its historical
    model in a migration), in batches of ``batch_size`` read by id (only the searched
    fields), each written with one UPDATE. Returns how many rows."""
    rows = model._base_manager.only("pk", *SEARCHED_FIELDS).order_by("pk")
    last, done = 0, 0
    while batch := list(rows.filter(pk__gt=last)[:batch_size]):
        for row in batch:
            for field, value in search_columns(row).items():
                setattr(row, field, value)
        _write_search_columns(model, batch)
        last, done = batch[-1].pk, done + len(batch)
    return done


def _write_search_columns(model, batch: list) -> None:
    """One UPDATE for the batch. On PostgreSQL it joins the new values as arrays (linear in
    the batch; 200,000 rows in about two minutes, most of it computing pinyin), where
    ``bulk_update``'s CASE WHEN id = … per column compares every row with every id
    (the same 200,000 rows took nine minutes)."""
    if connection.vendor != "postgresql":
        model._base_manager.bulk_update(batch, SEARCH_COLUMNS)
        return
    columns = ", ".join(f"{name} = v.{name}" for name in SEARCH_COLUMNS)
    arrays = ", ".join(["%s::bigint[]"] + ["%s::text[]"] * len(SEARCH_COLUMNS))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {model._meta.db_table} AS e SET {columns} "
            f"FROM unnest({arrays}) AS v(id, {', '.join(SEARCH_COLUMNS)}) WHERE e.id = v.id",
            [[row.pk for row in batch]]
            + [[getattr(row, name) for row in batch] for name in SEARCH_COLUMNS],
        )


class Enterprise(VersionedModel):
    """A 生产经营单位 under supervision.

    Invariants kept by ``clean``/``save`` for any writer: the credit code passes the
    GB 32100 check; the grid lies under the street; ``scope_region_code`` is the most
    specific region (grid, else street) and is what scope filters on; the search
    columns are derived from the named fields.
    """

    scope_paths = ScopePaths(region="scope_region_code", industry="industry_id", enterprise="pk")

    name = models.CharField(_("单位名称"), max_length=200)
    credit_code = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
        error_messages={"unique": _("统一社会信用代码已存在")},
    )
    legal_representative = models.CharField(_("法定代表人"), max_length=40)
    principal_name = models.CharField(_("主要负责人"), max_length=40)
    principal_phone = models.CharField(
        _("主要负责人电话"), max_length=20, validators=[phone_validator]
    )
    safety_manager_name = models.CharField(_("安全管理人员"), max_length=40, blank=True)
    safety_manager_phone = models.CharField(
        _("安全管理人员电话"), max_length=20, blank=True, validators=[phone_validator]
    )
    address = models.CharField(_("生产经营地址"), max_length=200)
    latitude = models.DecimalField(
        _("纬度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("WGS-84"),
    )
    longitude = models.DecimalField(
        _("经度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text=_("WGS-84"),
    )
    street = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": RegionLevel.STREET},
        verbose_name=_("所属街镇"),
    )
    grid = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level__in": (RegionLevel.COMMUNITY, RegionLevel.GRID)},
        verbose_name=_("所属网格/社区"),
    )
    scope_region_code = models.CharField(max_length=24, editable=False, db_index=True)
    industry = models.ForeignKey(
        "regions.Industry", on_delete=models.PROTECT, related_name="+", verbose_name=_("监管行业")
    )
    economic_code = models.CharField(
        _("国民经济行业代码"),
        max_length=5,
        validators=[validate_economic_code],
        help_text=_("GB/T 4754-2017，如 C2614"),
    )
    employees = models.PositiveIntegerField(
        _("从业人员数"), validators=[MaxValueValidator(1_000_000)]
    )
    scale = models.CharField(_("规模"), max_length=8, choices=Scale.choices)
    supervising_department = models.ForeignKey(
        "regions.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("监管部门"),
    )
    department_overridden = models.BooleanField(
        _("手工指定监管部门"),
        default=False,
        help_text=_("否则按监管行业自动确定（管行业必须管安全）"),
    )
    supervision_grade = models.CharField(
        _("分级分类监管等级"), max_length=1, choices=SupervisionGrade.choices
    )
    standardisation_grade = models.CharField(
        _("安全生产标准化等级"),
        max_length=1,
        choices=StandardisationGrade.choices,
        blank=True,
        default=StandardisationGrade.NONE,
    )
    standardisation_expires = models.DateField(_("标准化有效期至"), null=True, blank=True)
    insured_until = models.DateField(
        _("安责险有效期至"), null=True, blank=True, help_text=_("安全生产责任保险")
    )
    status = models.CharField(
        _("经营状态"), max_length=16, choices=Status.choices, default=Status.OPERATING
    )
    involves_hazchem = models.BooleanField(KEY_FLAGS["involves_hazchem"], default=False)
    dust_explosion = models.BooleanField(KEY_FLAGS["dust_explosion"], default=False)
    ammonia_refrigeration = models.BooleanField(KEY_FLAGS["ammonia_refrigeration"], default=False)
    confined_space = models.BooleanField(KEY_FLAGS["confined_space"], default=False)
    fire_key_unit = models.BooleanField(KEY_FLAGS["fire_key_unit"], default=False)
    crowded_place = models.BooleanField(KEY_FLAGS["crowded_place"], default=False)

    search_document = models.TextField(editable=False, default="")
    search_tokens = models.TextField(editable=False, default="")
    # The name's tone-less pinyin ("shanghaishihua"): lists sort by it, not by code point.
    name_sort_key = models.CharField(max_length=pinyin.SORT_KEY_LENGTH, editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("创建人"),
    )

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("生产经营单位")
        verbose_name_plural = _("生产经营单位")
        # Pinyin order (上海石化 under S), the order of a Chinese dictionary.
        ordering = ["name_sort_key", "id"]
        indexes = [
            # The list's default order, and its paging, read this index in order.
            models.Index(fields=["name_sort_key", "id"], name="enterprise_name_sort_key"),
            # Home-page counts group scope rows by these; the region prefix leads.
            models.Index(
                fields=["scope_region_code", "industry"],
                name="enterprise_region_industry",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            ),
            models.Index(
                fields=["scope_region_code", "supervision_grade"],
                name="enterprise_region_grade",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
            # Counting scope rows with any other filter: registry_counts' totals and street
            # GROUP BY, and the paginator's COUNT of a filtered list (industry + grade,
            # flags, insurance …). The region prefix leads; then every column those queries
            # filter or group on, so they are index-only scans of this index instead of
            # reads of the wide table. Key columns, not INCLUDE, so SQLite can use it too.
            models.Index(
                fields=[
                    "scope_region_code",
                    "industry",
                    "supervision_grade",
                    "street",
                    "status",
                    "scale",
                    "standardisation_grade",
                    "supervising_department",
                    "insured_until",
                    "standardisation_expires",
                    *KEY_FLAGS,
                ],
                name="enterprise_scope_counts",
                opclasses=[
                    "varchar_pattern_ops",
                    "int8_ops",
                    *["varchar_ops"] * 5,
                    "int8_ops",
                    *["date_ops"] * 2,
                    *["bool_ops"] * len(KEY_FLAGS),
                ],
            ),
            models.Index(
                fields=["industry", "scope_region_code"], name="enterprise_industry_region"
            ),
            models.Index(fields=["status"], name="enterprise_status"),
            # The list sorted by a column (?sort=…, the table's headers): without an index
            # PostgreSQL sorts the whole scope to return 50 rows. name (name_sort_key),
            # credit_code, street, industry and status already lead an index; these are
            # the others.
            models.Index(fields=["updated_at"], name="enterprise_updated_at"),
            models.Index(fields=["employees"], name="enterprise_employees"),
            models.Index(fields=["supervision_grade"], name="enterprise_grade"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(scope_region_code=""), name="enterprise_scope_region_set"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        if self.street_id and self.street.level != RegionLevel.STREET:
            errors["street"] = _("请选择街道或镇")
        if self.grid_id and self.street_id and not self.grid_id.startswith(self.street_id):
            errors["grid"] = _("网格/社区不属于所选街镇")
        if self.industry_id and self.industry.for_places:
            errors["industry"] = _("“%(i)s”是公共区域的监管领域，不能作为单位的监管行业") % {
                "i": self.industry.name
            }
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude" if self.longitude is None else "latitude"] = _(
                "经度和纬度需同时填写"
            )
        if self.standardisation_grade and not self.standardisation_expires:
            errors["standardisation_expires"] = _("已达标的单位请填写标准化有效期")
        if not self.standardisation_grade and self.standardisation_expires:
            errors["standardisation_expires"] = _("未达标的单位不应填写有效期")
        if errors:
            raise ValidationError(errors)

    def refresh_derived_fields(self) -> None:
        self.scope_region_code = self.grid_id or self.street_id or ""
        for field, value in search_columns(self).items():
            setattr(self, field, value)

    def save(self, *args, **kwargs):
        self.refresh_derived_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "scope_region_code", *SEARCH_COLUMNS}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("enterprises:enterprise_detail", args=[self.pk])

    @property
    def key_flags(self) -> list[str]:
        return [str(label) for field, label in KEY_FLAGS.items() if getattr(self, field)]

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class EnterpriseUser(models.Model):
    """Links an enterprise-role account to its one enterprise (the enterprise user's scope)."""

    class Position(models.TextChoices):
        PRINCIPAL = "principal", _("主要负责人")
        SAFETY_MANAGER = "safety_manager", _("安全管理人员")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enterprise_link",
        verbose_name=_("用户"),
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="members", verbose_name=_("单位")
    )
    position = models.CharField(
        _("职务"), max_length=20, choices=Position.choices, default=Position.SAFETY_MANAGER
    )

    class Meta:
        verbose_name = _("企业用户")
        verbose_name_plural = _("企业用户")

    def __str__(self) -> str:
        return f"{self.user} @ {self.enterprise}"


# The public places (公共区域台账) are part of this registry (ADR 14).
from anjian.enterprises.places.models import PlaceKind, PublicPlace  # noqa: E402, F401
