"""Check items get their problem wording (``finding``) and usual place (``area``); failed
results record the place the problem was found (``place``).

Items of plans made from the typical checklists before this change get the finding (and
area) of the shipped item with the same text — from the frozen copy below, so that later
edits of ``selfcheck/checklists.py`` cannot change what this migration does. Custom items
keep an empty finding (their hazards are titled "未做到：…"). Failed results that raised a
hazard get that hazard's 隐患部位 as their place, so record and ledger agree. Hazards
already raised keep their titles: they are ledger records with a history. Reversing drops
the columns.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

# Shipped item text → (finding, area), as selfcheck/checklists.py had them with this migration.
SHIPPED = {
    "可燃、有毒气体检测报警装置按标准设置，完好并正常投用": (
        "可燃、有毒气体检测报警装置未按标准设置，或故障、未投用",
        "",
    ),
    "爆炸危险区域内的电气设备均为防爆型，防爆设施完好": (
        "爆炸危险区域内使用非防爆电气设备，或防爆设施损坏",
        "",
    ),
    "重大危险源罐区紧急切断装置、安全仪表系统处于投用状态": (
        "重大危险源罐区紧急切断装置、安全仪表系统未投用",
        "重大危险源罐区",
    ),
    "自动化控制系统和紧急停车系统正常投用，未擅自摘除联锁": (
        "自动化控制系统、紧急停车系统未正常投用，或擅自摘除联锁",
        "",
    ),
    "安全阀、爆破片等安全附件在检验有效期内并能正常工作": (
        "安全阀、爆破片等安全附件超过检验有效期或失效",
        "",
    ),
    "岗位人员按操作规程操作，工艺参数在控制指标范围内": (
        "岗位人员未按操作规程操作，或工艺参数超出控制指标范围",
        "",
    ),
    "危化品分区分类储存，未超量、超品种储存，禁配物质未混存": (
        "危化品未分区分类储存，或超量、超品种储存、禁配物质混存",
        "",
    ),
    "动火、进入受限空间等特殊作业按规定审批，现场有人监护": (
        "动火、进入受限空间等特殊作业未按规定审批，或现场无人监护",
        "",
    ),
    "特种作业人员持证上岗": (
        "特种作业人员未持证上岗",
        "",
    ),
    "装置区、罐区、管线无跑冒滴漏": (
        "装置区、罐区、管线存在跑冒滴漏",
        "",
    ),
    "消防器材、应急救援物资齐全完好，消防车道畅通": (
        "消防器材、应急救援物资缺失或损坏，或消防车道被占用",
        "",
    ),
    "安全警示标志、风险告知牌齐全清晰": (
        "安全警示标志、风险告知牌缺失或模糊不清",
        "",
    ),
    "粉尘爆炸危险场所内未设员工宿舍、休息室、办公室等人员聚集场所": (
        "粉尘爆炸危险场所内设有员工宿舍、休息室、办公室等人员聚集场所",
        "",
    ),
    "除尘系统未与其他类别粉尘或可燃气体共用，未跨建筑物、防火分区连通": (
        "除尘系统与其他类别粉尘或可燃气体共用，或跨建筑物、防火分区连通",
        "",
    ),
    "干式除尘系统的泄爆、惰化或抑爆等控爆措施完好有效": (
        "干式除尘系统未采取泄爆、惰化、抑爆等控爆措施，或控爆措施失效",
        "",
    ),
    "铝镁、木质粉尘干式除尘系统的锁气卸灰装置完好": (
        "铝镁、木质粉尘干式除尘系统未设锁气卸灰装置，或装置损坏",
        "",
    ),
    "粉尘爆炸危险场所20区内的电气设备均为防爆型": (
        "粉尘爆炸危险场所20区内使用非防爆电气设备",
        "",
    ),
    "粉碎、研磨、造粒等设备前的铁、石等杂物去除装置完好": (
        "粉碎、研磨、造粒等设备前未设铁、石等杂物去除装置，或装置失效",
        "",
    ),
    "按制度清理积尘，作业现场、设备和建筑物表面无明显积尘": (
        "未按制度清理积尘，作业现场、设备或建筑物表面积尘明显",
        "",
    ),
    "对承包、承租单位统一协调管理并定期开展安全检查": (
        "未对承包、承租单位统一协调管理，或未定期开展安全检查",
        "",
    ),
    "机械设备的防护罩、急停装置完好": (
        "机械设备防护罩、急停装置缺失或损坏",
        "",
    ),
    "消防器材齐全有效，安全出口和疏散通道畅通": (
        "消防器材缺失或失效，或安全出口、疏散通道堵塞",
        "",
    ),
    "已辨识有限空间并建立管理台账，现场设置明显的安全警示标志": (
        "未辨识有限空间、未建立管理台账，或现场未设置明显的安全警示标志",
        "",
    ),
    "作业前已履行审批手续": (
        "有限空间作业前未履行审批手续",
        "",
    ),
    "严格执行“先通风、再检测、后作业”，检测数据记录完整": (
        "未执行“先通风、再检测、后作业”，或检测数据记录不全",
        "",
    ),
    "作业现场有专人监护，监护人员未离岗": (
        "有限空间作业现场无专人监护，或监护人员离岗",
        "",
    ),
    "作业人员和监护人员经过有限空间专项安全培训": (
        "作业人员、监护人员未经有限空间专项安全培训",
        "",
    ),
    "气体检测仪、通风设备、呼吸防护用品、安全带等装备齐全完好": (
        "气体检测仪、通风设备、呼吸防护用品、安全带等装备不全或损坏",
        "",
    ),
    "有应急救援预案并配备救援器材，现场人员知道不得盲目施救": (
        "无应急救援预案或未配备救援器材，现场人员不清楚不得盲目施救",
        "",
    ),
    "作业现场照明和用电符合安全要求": (
        "有限空间作业现场照明不足或用电不安全",
        "",
    ),
    "安全出口、疏散通道畅通，未锁闭、堵塞或占用": (
        "安全出口、疏散通道被锁闭、堵塞或占用",
        "",
    ),
    "自动喷水灭火系统、火灾自动报警系统处于正常运行状态": (
        "自动喷水灭火系统、火灾自动报警系统故障或被关停",
        "",
    ),
    "场所内未违规使用、储存或销售易燃易爆危险品": (
        "场所内违规使用、储存或销售易燃易爆危险品",
        "",
    ),
    "疏散指示标志、应急照明完好": (
        "疏散指示标志、应急照明损坏或不亮",
        "",
    ),
    "灭火器、消火栓完好有效，未被遮挡或挪用": (
        "灭火器、消火栓失效，或被遮挡、挪用",
        "",
    ),
    "常闭式防火门处于关闭状态，防火卷帘下方无堆物": (
        "常闭式防火门处于开启状态，或防火卷帘下方堆放物品",
        "",
    ),
    "消防控制室有持证人员值班": (
        "消防控制室无持证人员值班",
        "消防控制室",
    ),
    "电气线路无私拉乱接，无超负荷用电；燃气设施无泄漏": (
        "电气线路私拉乱接、超负荷用电，或燃气设施泄漏",
        "",
    ),
    "营业结束后已检查火源、电源并确认关闭": (
        "营业结束后未检查、关闭火源和电源",
        "",
    ),
    "建筑起重机械经验收合格并办理使用登记": (
        "建筑起重机械未经验收合格，或未办理使用登记",
        "",
    ),
    "建筑起重机械安全装置齐全有效，未被违规拆除或破坏": (
        "建筑起重机械安全装置不全、失效，或被违规拆除、破坏",
        "",
    ),
    "施工升降机防坠安全器在有效标定期内，导轨架连接螺栓齐全": (
        "施工升降机防坠安全器超过有效标定期，或导轨架连接螺栓缺失",
        "施工升降机",
    ),
    "建筑施工特种作业人员持证上岗": (
        "建筑施工特种作业人员未持证上岗",
        "",
    ),
    "悬挑式操作平台的搁置点、拉结点设在稳定的主体结构上并可靠连接": (
        "悬挑式操作平台的搁置点、拉结点未设在稳定的主体结构上，或连接不可靠",
        "",
    ),
    "隧道、潮湿等特殊环境施工照明采用安全特低电压": (
        "隧道、潮湿等特殊环境施工照明未采用安全特低电压",
        "",
    ),
    "有限空间作业经审批，执行“先通风、再检测、后作业”": (
        "有限空间作业未经审批，或未执行“先通风、再检测、后作业”",
        "",
    ),
    "有限空间作业现场有专人监护": (
        "有限空间作业现场无专人监护",
        "",
    ),
    "临边、洞口防护到位，作业人员正确佩戴安全帽、系挂安全带": (
        "临边、洞口防护缺失，或作业人员未正确佩戴安全帽、系挂安全带",
        "",
    ),
    "临时用电符合“三级配电、两级保护”，配电箱门锁完好": (
        "临时用电未执行“三级配电、两级保护”，或配电箱门锁损坏",
        "",
    ),
    "脚手架搭设稳固，连墙件齐全，脚手板满铺": (
        "脚手架搭设不稳固，连墙件缺失或脚手板未满铺",
        "",
    ),
    "动火作业经审批，配备灭火器材并有专人监护": (
        "动火作业未经审批，或未配备灭火器材、无专人监护",
        "",
    ),
}


def fill(apps, schema_editor):
    check_item = apps.get_model("hazards", "CheckItem")
    check_result = apps.get_model("hazards", "CheckResult")
    hazard = apps.get_model("hazards", "Hazard")
    for text, (finding, area) in SHIPPED.items():
        check_item.objects.filter(text=text, finding="").update(finding=finding)
        if area:
            check_item.objects.filter(text=text, area="").update(area=area)
    location = hazard.objects.filter(pk=OuterRef("hazard_id")).values("location")[:1]
    check_result.objects.filter(passed=False, place="", hazard__isnull=False).update(
        place=Subquery(location)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0007_check_item_retire"),
    ]

    operations = [
        migrations.AddField(
            model_name="checkitem",
            name="area",
            field=models.CharField(blank=True, max_length=120, verbose_name="检查部位"),
        ),
        migrations.AddField(
            model_name="checkitem",
            name="finding",
            field=models.CharField(
                blank=True,
                help_text="不合格时登记的隐患名称，如“装置区、罐区、管线存在跑冒滴漏”",
                max_length=120,
                verbose_name="问题表述",
            ),
        ),
        migrations.AddField(
            model_name="checkresult",
            name="place",
            field=models.CharField(blank=True, max_length=120, verbose_name="检查部位"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
