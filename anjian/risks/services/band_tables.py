"""Publishing a new version of a method's band table (city-wide configuration)."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from anjian.core.exceptions import Conflict, NotPermitted, ValidationError
from anjian.core.scoping import require_city_wide
from anjian.risks import grading
from anjian.risks import permissions as perms
from anjian.risks.choices import METHOD_FACTORS, BoundaryRule, Method
from anjian.risks.models import RiskBandTable


@transaction.atomic
def band_table_publish(
    *,
    by,
    method: str,
    boundary_rule: str,
    bands: list[dict],
    factors: dict[str, list[list[str]]],
    source: str,
    edition: str,
    note: str = "",
    based_on_version: int | None = None,
) -> RiskBandTable:
    """Publish a new version of ``method``'s band table; later assessments use it.

    Published versions are never edited, so every older assessment keeps the table it was
    graded with. If someone published since ``based_on_version``, raises Conflict. The
    tables grade every risk point in the deployment: only a user whose scope covers it
    publishes (NotPermitted otherwise).
    """
    require_city_wide(by, what=_("风险分级标准（LEC/LS 分级表）"))
    if not by.can(perms.RISK_CONFIGURE):
        raise NotPermitted()
    if method not in Method.values:
        raise ValidationError({"method": _("评估方法应为 LEC 或 LS")})
    if boundary_rule not in BoundaryRule.values:
        raise ValidationError({"boundary_rule": _("请选择边界值归属")})
    spec = grading.spec_from(bands, method=method, boundary_rule=boundary_rule)
    problems = grading.check_spec(spec)
    if problems:
        raise ValidationError({"bands": problems})
    missing = [name for name in METHOD_FACTORS[Method(method)] if not factors.get(name)]
    if missing:
        raise ValidationError({"factors": _("缺少取值：%(f)s") % {"f": "、".join(missing)}})
    latest = RiskBandTable.objects.filter(method=method).order_by("-version").first()
    latest_version = latest.version if latest else 0
    if based_on_version is not None and based_on_version != latest_version:
        raise Conflict(_("分级标准已被他人发布了新版本，请刷新页面后在最新版本上修改。"))
    table = RiskBandTable(
        method=method,
        version=latest_version + 1,
        boundary_rule=boundary_rule,
        bands=bands,
        factors={name: factors[name] for name in METHOD_FACTORS[Method(method)]},
        source=source.strip(),
        edition=edition.strip(),
        note=(note or "").strip(),
        published_by=by,
    )
    table.full_clean()
    try:
        with transaction.atomic():
            table.save()
    except IntegrityError:
        raise Conflict(_("分级标准已被他人发布了新版本，请刷新页面后在最新版本上修改。")) from None
    return table
