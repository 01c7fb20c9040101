"""How a plan's target compares a figure (the wording of the plans: "控制在0.01以内",
"＜0.01", "下降7.5%")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Comparison(models.TextChoices):
    AT_MOST = "at_most", _("不高于（≤）")
    BELOW = "below", _("低于（＜）")
    REDUCE_BY_PERCENT = "reduce_by_percent", _("比基期下降（%）")
