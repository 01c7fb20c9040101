"""The choices of 特殊作业 (GB 30871-2022): the values are ``gb30871``'s codes (a test keeps
them equal), the labels Chinese through gettext."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    HOT = "hot", _("动火作业")
    CONFINED = "confined", _("受限空间作业")
    BLINDING = "blinding", _("盲板抽堵作业")
    HEIGHT = "height", _("高处作业")
    LIFTING = "lifting", _("吊装作业")
    POWER = "power", _("临时用电作业")
    DIGGING = "digging", _("动土作业")
    ROAD = "road", _("断路作业")


class Grade(models.TextChoices):
    """Every grade of every kind (动火 特级/一级/二级, 吊装 一级/二级/三级, 高处 Ⅰ–Ⅳ)."""

    SPECIAL = "special", _("特级")
    FIRST = "1", _("一级")
    SECOND = "2", _("二级")
    THIRD = "3", _("三级")
    H1 = "I", _("Ⅰ级")
    H2 = "II", _("Ⅱ级")
    H3 = "III", _("Ⅲ级")
    H4 = "IV", _("Ⅳ级")


class State(models.TextChoices):
    DRAFT = "draft", _("申请（草稿）")
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    WORKING = "working", _("作业中")
    PAUSED = "paused", _("暂停")
    CLOSED = "closed", _("已完成关闭")
    CANCELLED = "cancelled", _("已作废")
    EXPIRED = "expired", _("已过期")


# A permit that allows work now or may soon: on the officials' map of open permits.
OPEN_STATES = (State.APPROVED, State.WORKING, State.PAUSED)
# Not yet ended: the expiry sweep looks at these.
LIVE_STATES = (State.PENDING, State.APPROVED, State.WORKING, State.PAUSED)
ENDED_STATES = (State.CLOSED, State.CANCELLED, State.EXPIRED)


class HotPlace(models.TextChoices):
    RUNNING_PLANT = (
        "running_plant",
        _("生产运行中的易燃易爆装置、管道、储罐、容器上（含带压不置换）"),
    )
    TANK_BUND = "tank_bund", _("存有易燃易爆介质的重大危险源罐区防火堤内")
    HAZARD_AREA = "hazard_area", _("火灾爆炸危险场所内（上述以外）")
    PIPE_RACK = "pipe_rack", _("管廊上")
    OTHER = "other", _("火灾爆炸危险场所以外")


class HeightHazard(models.TextChoices):
    WIND = "wind", _("阵风五级（8.0 m/s）及以上")
    COLD = "cold", _("平均气温≤5 ℃")
    COLD_WATER = "cold_water", _("接触≤12 ℃的冷水")
    SLIPPERY = "slippery", _("冰、雪、霜、油、水等易滑物")
    DARK = "dark", _("光线不足或能见度差")
    LIVE = "live", _("与带电体距离小于安全距离")
    FOOTING = "footing", _("立足处不是平面或小于500 mm")
    OXYGEN = "oxygen", _("氧含量低于19.5 %或有毒气体")
    RESCUE = "rescue", _("抢险救灾")


class ApproverRole(models.TextChoices):
    """The roles of table B.1, which an enterprise maps to its own people."""

    LEADER = "leader", _("主管领导")
    SAFETY = "safety", _("安全管理部门")
    BASE_UNIT = "base_unit", _("所在基层单位")
    SPECIALTY = "specialty", _("所在单位专业部门")
    PLANT_HEAD = "plant_head", _("主管厂长或总工程师")
    POWER_UNIT = "power_unit", _("配送电单位")
    INVOLVED = "involved", _("相关单位（水、电、汽、工艺、设备、消防、安全等）")
    FIRE_SAFETY = "fire_safety", _("消防、安全管理部门")


class Stage(models.TextChoices):
    COUNTERSIGN = "countersign", _("审核会签")
    APPROVE = "approve", _("审批")


class ToxicUnit(models.TextChoices):
    MG_M3 = "mg/m³", _("mg/m³")
    PPM = "ppm", _("ppm")
