"""Typical self-check checklists per industry, to start a plan from (data, not records).

Each item may name the code of a clause of a major-hazard determination standard
(重大事故隐患判定标准, ``anjian/hazards/library/data``): when the library holds that
clause, the plan's item is linked to it and a failed check of it raises a 重大 hazard.
Codes the library does not hold (not imported yet) leave the item without a clause.

Item texts are phrased as what *should* be true, so 合格 means "yes, it is". Each item
also carries its ``finding`` (问题表述): the problem as an inspector records it when the
item fails ("装置区、罐区、管线存在跑冒滴漏"); a failed item's hazard is titled with it.
An ``area`` (检查部位) is given only where the item is tied to one place; the person
checking records the exact place of each failed item.

Migration ``hazards 0008`` keeps a frozen copy of texts, findings and areas to fill plans
made before findings existed: a change here reaches new plans only.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from anjian.hazards.choices import CheckFrequency


@dataclass(frozen=True)
class TemplateItem:
    text: str
    finding: str
    clause_code: str = ""
    area: str = ""


@dataclass(frozen=True)
class Checklist:
    key: str
    name: str
    frequency: str
    scope_note: str
    items: tuple[TemplateItem, ...]
    industries: tuple[str, ...] = ()  # regions.Industry codes it suits
    flags: tuple[str, ...] = ()  # Enterprise key-object flags it suits

    @property
    def frequency_label(self) -> str:
        return CheckFrequency(self.frequency).label

    def suits(self, enterprise) -> bool:
        """Recommended for ``enterprise``: its industry or one of its key-object flags."""
        industry = getattr(getattr(enterprise, "industry", None), "code", "")
        return industry in self.industries or any(getattr(enterprise, f, False) for f in self.flags)


T = TemplateItem
TRADE_INDUSTRIES = (
    "metallurgy",
    "nonferrous",
    "building_materials",
    "machinery",
    "light_industry",
    "textile",
    "tobacco",
    "trade_warehousing",
)

CHECKLISTS: tuple[Checklist, ...] = (
    Checklist(
        key="hazchem_daily",
        name=_("危险化学品企业日常安全检查"),
        frequency=CheckFrequency.DAILY,
        scope_note=_("生产装置区、罐区、仓库、装卸区、控制室"),
        industries=("hazchem", "fireworks"),
        flags=("involves_hazchem",),
        items=(
            T(
                _("可燃、有毒气体检测报警装置按标准设置，完好并正常投用"),
                _("可燃、有毒气体检测报警装置未按标准设置，或故障、未投用"),
                "HG-12",
            ),
            T(
                _("爆炸危险区域内的电气设备均为防爆型，防爆设施完好"),
                _("爆炸危险区域内使用非防爆电气设备，或防爆设施损坏"),
                "HG-12",
            ),
            T(
                _("重大危险源罐区紧急切断装置、安全仪表系统处于投用状态"),
                _("重大危险源罐区紧急切断装置、安全仪表系统未投用"),
                "HG-05",
                area=_("重大危险源罐区"),
            ),
            T(
                _("自动化控制系统和紧急停车系统正常投用，未擅自摘除联锁"),
                _("自动化控制系统、紧急停车系统未正常投用，或擅自摘除联锁"),
                "HG-04",
            ),
            T(
                _("安全阀、爆破片等安全附件在检验有效期内并能正常工作"),
                _("安全阀、爆破片等安全附件超过检验有效期或失效"),
                "HG-15",
            ),
            T(
                _("岗位人员按操作规程操作，工艺参数在控制指标范围内"),
                _("岗位人员未按操作规程操作，或工艺参数超出控制指标范围"),
                "HG-17",
            ),
            T(
                _("危化品分区分类储存，未超量、超品种储存，禁配物质未混存"),
                _("危化品未分区分类储存，或超量、超品种储存、禁配物质混存"),
                "HG-20",
            ),
            T(
                _("动火、进入受限空间等特殊作业按规定审批，现场有人监护"),
                _("动火、进入受限空间等特殊作业未按规定审批，或现场无人监护"),
                "HG-18",
            ),
            T(_("特种作业人员持证上岗"), _("特种作业人员未持证上岗"), "HG-02"),
            T(_("装置区、罐区、管线无跑冒滴漏"), _("装置区、罐区、管线存在跑冒滴漏")),
            T(
                _("消防器材、应急救援物资齐全完好，消防车道畅通"),
                _("消防器材、应急救援物资缺失或损坏，或消防车道被占用"),
            ),
            T(_("安全警示标志、风险告知牌齐全清晰"), _("安全警示标志、风险告知牌缺失或模糊不清")),
        ),
    ),
    Checklist(
        key="dust_weekly",
        name=_("工贸企业粉尘防爆每周检查"),
        frequency=CheckFrequency.WEEKLY,
        scope_note=_("粉尘爆炸危险场所、除尘系统、生产车间"),
        industries=TRADE_INDUSTRIES,
        flags=("dust_explosion",),
        items=(
            T(
                _("粉尘爆炸危险场所内未设员工宿舍、休息室、办公室等人员聚集场所"),
                _("粉尘爆炸危险场所内设有员工宿舍、休息室、办公室等人员聚集场所"),
                "DUST-01",
            ),
            T(
                _("除尘系统未与其他类别粉尘或可燃气体共用，未跨建筑物、防火分区连通"),
                _("除尘系统与其他类别粉尘或可燃气体共用，或跨建筑物、防火分区连通"),
                "DUST-02",
            ),
            T(
                _("干式除尘系统的泄爆、惰化或抑爆等控爆措施完好有效"),
                _("干式除尘系统未采取泄爆、惰化、抑爆等控爆措施，或控爆措施失效"),
                "DUST-03",
            ),
            T(
                _("铝镁、木质粉尘干式除尘系统的锁气卸灰装置完好"),
                _("铝镁、木质粉尘干式除尘系统未设锁气卸灰装置，或装置损坏"),
                "DUST-06",
            ),
            T(
                _("粉尘爆炸危险场所20区内的电气设备均为防爆型"),
                _("粉尘爆炸危险场所20区内使用非防爆电气设备"),
                "DUST-07",
            ),
            T(
                _("粉碎、研磨、造粒等设备前的铁、石等杂物去除装置完好"),
                _("粉碎、研磨、造粒等设备前未设铁、石等杂物去除装置，或装置失效"),
                "DUST-08",
            ),
            T(
                _("按制度清理积尘，作业现场、设备和建筑物表面无明显积尘"),
                _("未按制度清理积尘，作业现场、设备或建筑物表面积尘明显"),
                "DUST-10",
            ),
            T(_("特种作业人员持证上岗"), _("特种作业人员未持证上岗"), "GM-02"),
            T(
                _("对承包、承租单位统一协调管理并定期开展安全检查"),
                _("未对承包、承租单位统一协调管理，或未定期开展安全检查"),
                "GM-01",
            ),
            T(_("机械设备的防护罩、急停装置完好"), _("机械设备防护罩、急停装置缺失或损坏")),
            T(
                _("消防器材齐全有效，安全出口和疏散通道畅通"),
                _("消防器材缺失或失效，或安全出口、疏散通道堵塞"),
            ),
        ),
    ),
    Checklist(
        key="confined_space",
        name=_("有限空间作业专项检查"),
        frequency=CheckFrequency.SPECIAL,
        scope_note=_("污水井、储罐、地下室、管道等有限空间"),
        flags=("confined_space",),
        items=(
            T(
                _("已辨识有限空间并建立管理台账，现场设置明显的安全警示标志"),
                _("未辨识有限空间、未建立管理台账，或现场未设置明显的安全警示标志"),
                "CS-01",
            ),
            T(_("作业前已履行审批手续"), _("有限空间作业前未履行审批手续"), "CS-02"),
            T(
                _("严格执行“先通风、再检测、后作业”，检测数据记录完整"),
                _("未执行“先通风、再检测、后作业”，或检测数据记录不全"),
                "CS-02",
            ),
            T(
                _("作业现场有专人监护，监护人员未离岗"),
                _("有限空间作业现场无专人监护，或监护人员离岗"),
                "CS-02",
            ),
            T(
                _("作业人员和监护人员经过有限空间专项安全培训"),
                _("作业人员、监护人员未经有限空间专项安全培训"),
            ),
            T(
                _("气体检测仪、通风设备、呼吸防护用品、安全带等装备齐全完好"),
                _("气体检测仪、通风设备、呼吸防护用品、安全带等装备不全或损坏"),
            ),
            T(
                _("有应急救援预案并配备救援器材，现场人员知道不得盲目施救"),
                _("无应急救援预案或未配备救援器材，现场人员不清楚不得盲目施救"),
            ),
            T(_("作业现场照明和用电符合安全要求"), _("有限空间作业现场照明不足或用电不安全")),
        ),
    ),
    Checklist(
        key="crowded_place_daily",
        name=_("人员密集场所每日防火巡查"),
        frequency=CheckFrequency.DAILY,
        scope_note=_("营业区、仓库、厨房、消防控制室、疏散通道"),
        industries=("commerce", "culture_tourism", "education", "health"),
        flags=("crowded_place", "fire_key_unit"),
        items=(
            T(
                _("安全出口、疏散通道畅通，未锁闭、堵塞或占用"),
                _("安全出口、疏散通道被锁闭、堵塞或占用"),
                "FC-6.5",
            ),
            T(
                _("自动喷水灭火系统、火灾自动报警系统处于正常运行状态"),
                _("自动喷水灭火系统、火灾自动报警系统故障或被关停"),
                "FC-6.6",
            ),
            T(
                _("场所内未违规使用、储存或销售易燃易爆危险品"),
                _("场所内违规使用、储存或销售易燃易爆危险品"),
                "FC-6.8",
            ),
            T(_("疏散指示标志、应急照明完好"), _("疏散指示标志、应急照明损坏或不亮")),
            T(_("灭火器、消火栓完好有效，未被遮挡或挪用"), _("灭火器、消火栓失效，或被遮挡、挪用")),
            T(
                _("常闭式防火门处于关闭状态，防火卷帘下方无堆物"),
                _("常闭式防火门处于开启状态，或防火卷帘下方堆放物品"),
            ),
            T(_("消防控制室有持证人员值班"), _("消防控制室无持证人员值班"), area=_("消防控制室")),
            T(
                _("电气线路无私拉乱接，无超负荷用电；燃气设施无泄漏"),
                _("电气线路私拉乱接、超负荷用电，或燃气设施泄漏"),
            ),
            T(_("营业结束后已检查火源、电源并确认关闭"), _("营业结束后未检查、关闭火源和电源")),
        ),
    ),
    Checklist(
        key="construction_daily",
        name=_("建筑施工现场每日安全检查"),
        frequency=CheckFrequency.DAILY,
        scope_note=_("施工现场、起重机械、脚手架、临时用电"),
        industries=("construction",),
        items=(
            T(
                _("建筑起重机械经验收合格并办理使用登记"),
                _("建筑起重机械未经验收合格，或未办理使用登记"),
                "JZ-8-1",
            ),
            T(
                _("建筑起重机械安全装置齐全有效，未被违规拆除或破坏"),
                _("建筑起重机械安全装置不全、失效，或被违规拆除、破坏"),
                "JZ-8-5",
            ),
            T(
                _("施工升降机防坠安全器在有效标定期内，导轨架连接螺栓齐全"),
                _("施工升降机防坠安全器超过有效标定期，或导轨架连接螺栓缺失"),
                "JZ-8-6",
                area=_("施工升降机"),
            ),
            T(_("建筑施工特种作业人员持证上岗"), _("建筑施工特种作业人员未持证上岗"), "JZ-4-3"),
            T(
                _("悬挑式操作平台的搁置点、拉结点设在稳定的主体结构上并可靠连接"),
                _("悬挑式操作平台的搁置点、拉结点未设在稳定的主体结构上，或连接不可靠"),
                "JZ-9-3",
            ),
            T(
                _("隧道、潮湿等特殊环境施工照明采用安全特低电压"),
                _("隧道、潮湿等特殊环境施工照明未采用安全特低电压"),
                "JZ-10-1",
            ),
            T(
                _("有限空间作业经审批，执行“先通风、再检测、后作业”"),
                _("有限空间作业未经审批，或未执行“先通风、再检测、后作业”"),
                "JZ-11-1",
            ),
            T(_("有限空间作业现场有专人监护"), _("有限空间作业现场无专人监护"), "JZ-11-2"),
            T(
                _("临边、洞口防护到位，作业人员正确佩戴安全帽、系挂安全带"),
                _("临边、洞口防护缺失，或作业人员未正确佩戴安全帽、系挂安全带"),
            ),
            T(
                _("临时用电符合“三级配电、两级保护”，配电箱门锁完好"),
                _("临时用电未执行“三级配电、两级保护”，或配电箱门锁损坏"),
            ),
            T(
                _("脚手架搭设稳固，连墙件齐全，脚手板满铺"),
                _("脚手架搭设不稳固，连墙件缺失或脚手板未满铺"),
            ),
            T(
                _("动火作业经审批，配备灭火器材并有专人监护"),
                _("动火作业未经审批，或未配备灭火器材、无专人监护"),
            ),
        ),
    ),
)

BY_KEY = {checklist.key: checklist for checklist in CHECKLISTS}


def checklist_get(key: str) -> Checklist | None:
    return BY_KEY.get(key)


def checklists_for(enterprise) -> list[tuple[Checklist, bool]]:
    """Every checklist, the ones that suit ``enterprise`` first, each with that flag."""
    rows = [(checklist, checklist.suits(enterprise)) for checklist in CHECKLISTS]
    return sorted(rows, key=lambda row: not row[1])
