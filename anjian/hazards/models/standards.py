"""The major-hazard determination standards library (重大事故隐患判定标准): data, versioned."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from anjian.hazards.choices import StandardDomain


class StandardDocument(models.Model):
    """One edition of a determination standard, e.g. 安监总管三〔2017〕121号."""

    code = models.CharField(_("标准代号"), max_length=60, unique=True)
    title = models.CharField(_("标准名称"), max_length=200)
    edition = models.CharField(_("版本"), max_length=40)
    domain = models.CharField(_("适用领域"), max_length=20, choices=StandardDomain.choices)
    issued_on = models.DateField(_("发布日期"), null=True, blank=True)
    effective_from = models.DateField(_("实施日期"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("被替代为"),
    )
    industry_codes = models.JSONField(
        _("适用行业"), default=list, blank=True, help_text=_("监管行业代码；空为不限")
    )
    note = models.TextField(_("说明"), max_length=2000, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("重大事故隐患判定标准")
        verbose_name_plural = _("重大事故隐患判定标准")
        ordering = ["domain", "code"]

    def __str__(self) -> str:
        return f"{self.title}（{self.edition}）"


class StandardClause(models.Model):
    """One item of a standard; matching any item makes a hazard 重大."""

    document = models.ForeignKey(StandardDocument, on_delete=models.PROTECT, related_name="clauses")
    code = models.CharField(_("条款编号"), max_length=40, help_text=_("如 HG-05、第十一条第3项"))
    article = models.CharField(_("条款位置"), max_length=60, blank=True)
    group = models.CharField(_("分组"), max_length=60, blank=True)
    text = models.TextField(_("判定情形"), max_length=2000)
    industry_codes = models.JSONField(
        _("适用行业"), default=list, blank=True, help_text=_("空为随标准")
    )
    keywords = models.CharField(_("关键词"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("判定条款")
        verbose_name_plural = _("判定条款")
        ordering = ["document", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["document", "code"], name="clause_code_per_document")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:40]}"

    @property
    def citation(self) -> str:
        return f"{self.document.code} {self.article or self.code}"
