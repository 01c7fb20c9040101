from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, _("省/直辖市")
    CITY = 2, _("市")
    DISTRICT = 3, _("区/县")
    STREET = 4, _("街道/镇")
    COMMUNITY = 5, _("社区/村")
    GRID = 6, _("网格")


class RegionSource(models.TextChoices):
    GBT2260 = "gbt2260", _("GB/T 2260 数据包")
    LOCAL = "local", _("本地新增")
