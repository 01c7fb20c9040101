"""The classifications of 应急准备与处置: plan types (88号令 and 国办发〔2024〕5号, RULES.md
§10), drill kinds, resource kinds and levels (seed 004: five storage levels), and the
incident's type and level (突发事件应对法: four types, levels Ⅰ–Ⅳ)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OwnerKind(models.TextChoices):
    GOVERNMENT = "government", _("人民政府")
    DEPARTMENT = "department", _("政府部门")
    ENTERPRISE = "enterprise", _("生产经营单位")


class PlanType(models.TextChoices):
    """Government and department plans (国办发〔2024〕5号) and units' plans (88号令)."""

    OVERALL = "overall", _("总体应急预案")
    GOVERNMENT_SPECIAL = "gov_special", _("专项应急预案（政府）")
    DEPARTMENTAL = "departmental", _("部门应急预案")
    COMPREHENSIVE = "comprehensive", _("综合应急预案")
    SPECIAL = "special", _("专项应急预案")
    ONSITE = "onsite", _("现场处置方案")


GOVERNMENT_PLAN_TYPES = frozenset(
    {PlanType.OVERALL, PlanType.GOVERNMENT_SPECIAL, PlanType.DEPARTMENTAL}
)
UNIT_PLAN_TYPES = frozenset({PlanType.COMPREHENSIVE, PlanType.SPECIAL, PlanType.ONSITE})


class ResponseLevel(models.TextChoices):
    """Response levels, Ⅰ the highest (特别重大)."""

    I = "1", _("Ⅰ级响应")  # noqa: E741
    II = "2", _("Ⅱ级响应")
    III = "3", _("Ⅲ级响应")
    IV = "4", _("Ⅳ级响应")


class RevisionTrigger(models.TextChoices):
    """88号令 Art. 36 / 国办发〔2024〕5号: what makes a plan due for revision."""

    LAW = "law", _("法律法规、标准或上位预案变化")
    COMMAND = "command", _("应急指挥机构及其职责调整")
    HAZARD = "hazard", _("面临的风险发生重大变化")
    RESOURCES = "resources", _("重要应急资源发生重大变化")
    LESSONS = "lessons", _("实际应对或演练中发现问题")
    OTHER = "other", _("其他重要情况")


class DrillKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("综合演练")
    SPECIAL = "special", _("专项演练")
    ONSITE = "onsite", _("现场处置方案演练")


class DrillForm(models.TextChoices):
    TABLETOP = "tabletop", _("桌面推演")
    ACTUAL = "actual", _("实战演练")


class TeamKind(models.TextChoices):
    PROFESSIONAL = "professional", _("专业救援队伍")
    COMPREHENSIVE = "comprehensive", _("综合性消防救援队伍")
    ENTERPRISE = "enterprise", _("企业救援队伍")
    SOCIAL = "social", _("社会救援力量")


class Speciality(models.TextChoices):
    FIRE = "fire", _("灭火救援")
    HAZCHEM = "hazchem", _("危险化学品救援")
    COLLAPSE = "collapse", _("建筑坍塌救援")
    WATER = "water", _("水域救援")
    FLOOD = "flood", _("防汛抢险")
    MEDICAL = "medical", _("医疗救护")
    POWER = "power", _("电力抢修")
    GAS = "gas", _("燃气抢修")
    LIFT = "lift", _("电梯救援")
    HEIGHT = "height", _("高空救援")
    COMMUNICATION = "communication", _("应急通信")
    EVACUATION = "evacuation", _("人员疏散安置")


class Readiness(models.TextChoices):
    READY = "ready", _("待命")
    DEPLOYED = "deployed", _("出动中")
    RESTING = "resting", _("休整")
    UNAVAILABLE = "unavailable", _("不可用")


class StorageLevel(models.TextChoices):
    """Seed 004 六、(六): the five levels of the supplies reserve."""

    CITY = "city", _("市级")
    DISTRICT = "district", _("区级")
    STREET = "street", _("街镇级")
    COMMUNITY = "community", _("居村级")
    HOUSEHOLD = "household", _("家庭")


class SupplyCategory(models.TextChoices):
    LIVING = "living", _("生活保障类")
    RESCUE = "rescue", _("抢险救援类")
    PROTECTION = "protection", _("个体防护类")
    MEDICAL = "medical", _("医疗救护类")
    LIGHTING = "lighting", _("照明通信类")
    DRAINAGE = "drainage", _("排水防汛类")
    HAZCHEM = "hazchem", _("危化品处置类")
    OTHER = "other", _("其他")


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("入库")
    ISSUE = "issue", _("出库")
    DISPATCH = "dispatch", _("应急调拨")
    RETURN = "return", _("归还入库")
    TRANSFER_OUT = "transfer_out", _("调出")
    TRANSFER_IN = "transfer_in", _("调入")
    ROTATION = "rotation", _("轮换出库")
    SCRAP = "scrap", _("报废")
    COUNT = "count", _("盘点调整")


class EquipmentStatus(models.TextChoices):
    USABLE = "usable", _("完好")
    MAINTENANCE = "maintenance", _("维修中")
    SCRAPPED = "scrapped", _("已报废")


class ShelterKind(models.TextChoices):
    """GB 21734 / GB/T 35624: long-, medium- and short-term shelters."""

    LONG = "long", _("Ⅰ类（长期）")
    MEDIUM = "medium", _("Ⅱ类（中期）")
    SHORT = "short", _("Ⅲ类（短期）")


class ShelterStatus(models.TextChoices):
    READY = "ready", _("可启用")
    OPEN = "open", _("已启用")
    MAINTENANCE = "maintenance", _("维护中")
    CLOSED = "closed", _("停用")


class ExpertField(models.TextChoices):
    HAZCHEM = "hazchem", _("危险化学品")
    MINING = "mining", _("矿山")
    CONSTRUCTION = "construction", _("建筑施工")
    FIRE = "fire", _("消防")
    MACHINERY = "machinery", _("机械")
    ELECTRICAL = "electrical", _("电气")
    GAS = "gas", _("燃气")
    SPECIAL_EQUIPMENT = "special_equipment", _("特种设备")
    FLOOD = "flood", _("防汛防台")
    GEOLOGY = "geology", _("地质灾害")
    MEDICAL = "medical", _("医疗卫生")
    MANAGEMENT = "management", _("应急管理")


class ResourceKind(models.TextChoices):
    """What dispatch finds and assigns to an incident."""

    TEAM = "team", _("救援队伍")
    SUPPLY = "supply", _("应急物资")
    EQUIPMENT = "equipment", _("救援装备")
    SHELTER = "shelter", _("避难场所")
    EXPERT = "expert", _("专家")


class IncidentType(models.TextChoices):
    """突发事件应对法 Art. 2: the four types."""

    NATURAL = "natural", _("自然灾害")
    ACCIDENT = "accident", _("事故灾难")
    HEALTH = "health", _("公共卫生事件")
    SECURITY = "security", _("社会安全事件")


class IncidentLevel(models.TextChoices):
    I = "1", _("Ⅰ级（特别重大）")  # noqa: E741
    II = "2", _("Ⅱ级（重大）")
    III = "3", _("Ⅲ级（较大）")
    IV = "4", _("Ⅳ级（一般）")


class IncidentSource(models.TextChoices):
    MANUAL = "manual", _("人工登记")
    ACCIDENT = "accident", _("事故快报")
    ALARM = "alarm", _("监测报警")
    WARNING = "warning", _("预警信息")


class LogKind(models.TextChoices):
    SITUATION = "situation", _("现场情况")
    DECISION = "decision", _("指挥决策")
    INSTRUCTION = "instruction", _("领导指示")
    REPORT = "report", _("信息报送")
    DISPATCH = "dispatch", _("力量调度")
    ACTIVATION = "activation", _("预案启动")
    TASK = "task", _("任务")
    OTHER = "other", _("其他")


class TaskSource(models.TextChoices):
    PLAN = "plan", _("预案响应任务")
    MANUAL = "manual", _("指挥部指派")
    REVIEW = "review", _("复盘整改")
    DRILL = "drill", _("演练整改")


class TaskState(models.TextChoices):
    OPEN = "open", _("待完成")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")
