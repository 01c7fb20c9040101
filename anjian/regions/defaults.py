"""Default industries and the departments that supervise them (管行业必须管安全).

These seed a new district; administrators edit them afterwards. The split follows
the usual district arrangement: 应急管理局 supervises 危化, 工贸 and 烟花爆竹 and
carries overall (综合) supervision; each industry department supervises its own
industry (住建: 建筑施工 and 燃气; 市场监管: 特种设备; 消防救援: 消防重点单位 …).

The 公共区域 industries (``for_places``) are not enterprises' trades: they are the
domains of hazards in public places — roads, bridges and municipal facilities, buildings
and their facades, public spaces (ADR 14) — and name the department responsible for them
the same way (道路交通 → 交通委, 房屋建筑 and 市政设施 → 建管委, 公共空间 → 城管执法局).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class IndustryDefault:
    code: str
    name: str
    group: str
    for_places: bool = False


INDUSTRIES: list[IndustryDefault] = [
    IndustryDefault("hazchem", "危险化学品", "危化"),
    IndustryDefault("fireworks", "烟花爆竹", "危化"),
    IndustryDefault("metallurgy", "冶金", "工贸"),
    IndustryDefault("nonferrous", "有色", "工贸"),
    IndustryDefault("building_materials", "建材", "工贸"),
    IndustryDefault("machinery", "机械", "工贸"),
    IndustryDefault("light_industry", "轻工", "工贸"),
    IndustryDefault("textile", "纺织", "工贸"),
    IndustryDefault("tobacco", "烟草", "工贸"),
    IndustryDefault("trade_warehousing", "商贸仓储", "工贸"),
    IndustryDefault("construction", "建筑施工", "住建"),
    IndustryDefault("gas", "燃气", "住建"),
    IndustryDefault("road_transport", "道路运输", "交通"),
    IndustryDefault("special_equipment", "特种设备使用", "市场监管"),
    IndustryDefault("fire_key_unit", "消防重点单位", "消防"),
    IndustryDefault("hazardous_waste", "危险废物", "生态环境"),
    IndustryDefault("education", "教育", "教育"),
    IndustryDefault("culture_tourism", "文化旅游", "文旅"),
    IndustryDefault("health", "医疗卫生", "卫健"),
    IndustryDefault("commerce", "商场超市及餐饮", "商务"),
    IndustryDefault("agriculture", "农业农村", "农业农村"),
    IndustryDefault("road_traffic", "道路交通", "公共区域", for_places=True),
    IndustryDefault("municipal_facilities", "市政设施", "公共区域", for_places=True),
    IndustryDefault("buildings", "房屋建筑", "公共区域", for_places=True),
    IndustryDefault("public_spaces", "公共空间", "公共区域", for_places=True),
]

PLACE_INDUSTRIES = tuple(default.code for default in INDUSTRIES if default.for_places)


@dataclass(frozen=True)
class DepartmentDefault:
    suffix: str  # appended to the region's name: 杨浦区 + 应急管理局
    short_name: str
    industries: tuple[str, ...]
    is_comprehensive: bool = False


DEPARTMENTS: list[DepartmentDefault] = [
    DepartmentDefault(
        "应急管理局",
        "应急局",
        (
            "hazchem",
            "fireworks",
            "metallurgy",
            "nonferrous",
            "building_materials",
            "machinery",
            "light_industry",
            "textile",
            "tobacco",
            "trade_warehousing",
        ),
        is_comprehensive=True,
    ),
    DepartmentDefault(
        "建设和管理委员会", "建管委", ("construction", "gas", "municipal_facilities", "buildings")
    ),
    DepartmentDefault("交通委员会", "交通委", ("road_transport", "road_traffic")),
    DepartmentDefault("市场监督管理局", "市场监管局", ("special_equipment",)),
    DepartmentDefault("消防救援支队", "消防救援", ("fire_key_unit",)),
    DepartmentDefault("生态环境局", "生态环境局", ("hazardous_waste",)),
    DepartmentDefault("教育局", "教育局", ("education",)),
    DepartmentDefault("文化和旅游局", "文旅局", ("culture_tourism",)),
    DepartmentDefault("卫生健康委员会", "卫健委", ("health",)),
    DepartmentDefault("商务委员会", "商务委", ("commerce",)),
    DepartmentDefault("农业农村委员会", "农业农村委", ("agriculture",)),
    DepartmentDefault("城市管理行政执法局", "城管执法局", ("public_spaces",)),
]
