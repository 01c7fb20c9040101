"""The device types and metrics shipped with the platform (loaded by migration 0002).

Valid ranges are what the instrument can physically report; a value outside is refused
at ingest as out of range. Typical alarm limits are set per device (``Threshold``).
"""

# code, name, category, [(metric code, name, unit, min, max, positive_only, sampling s)]
DEVICE_TYPES = [
    (
        "tank",
        "储罐监测（液位/温度/压力）",
        "hazard_source",
        [
            ("level", "液位", "m", 0, 30, True, 10),
            ("temp", "温度", "℃", -50, 200, False, 10),
            ("pressure", "压力", "MPa", 0, 10, True, 10),
        ],
    ),
    (
        "reactor",
        "反应釜监测（温度/压力）",
        "hazard_source",
        [
            ("temp", "温度", "℃", -50, 400, False, 10),
            ("pressure", "压力", "MPa", 0, 20, True, 10),
        ],
    ),
    ("gas_lel", "可燃气体探测器", "gas", [("lel", "可燃气体浓度", "%LEL", 0, 100, False, 10)]),
    (
        "gas_toxic",
        "有毒气体探测器",
        "gas",
        [
            ("co", "一氧化碳", "ppm", 0, 1000, False, 10),
            ("h2s", "硫化氢", "ppm", 0, 200, False, 10),
        ],
    ),
    (
        "elevator",
        "电梯物联网监测",
        "elevator",
        [
            ("speed", "运行速度", "m/s", 0, 10, False, 10),
            ("load", "载重率", "%", 0, 150, False, 10),
            ("door_open", "运行中开门", "", 0, 1, False, 10),
        ],
    ),
    (
        "fire_water",
        "消防给水压力",
        "fire",
        [("pressure", "管网压力", "MPa", 0, 2.5, True, 30)],
    ),
    (
        "fire_panel",
        "火灾报警控制器",
        "fire",
        [("alarm", "火警", "", 0, 1, False, 30), ("fault", "故障", "", 0, 1, False, 30)],
    ),
    (
        "structure",
        "结构安全监测",
        "structure",
        [
            ("displacement", "位移", "mm", -500, 500, False, 60),
            ("tilt", "倾斜", "°", -30, 30, False, 60),
        ],
    ),
]


# How many decimals each metric's values show (the instrument's resolution): levels to the
# centimetre, process pressures to the kPa, gas concentrations to a tenth, counts whole.
DECIMALS = {
    ("tank", "level"): 2,
    ("tank", "temp"): 1,
    ("tank", "pressure"): 3,
    ("reactor", "temp"): 1,
    ("reactor", "pressure"): 3,
    ("gas_lel", "lel"): 1,
    ("gas_toxic", "co"): 0,
    ("gas_toxic", "h2s"): 1,
    ("elevator", "speed"): 2,
    ("elevator", "load"): 0,
    ("elevator", "door_open"): 0,
    ("fire_water", "pressure"): 2,
    ("fire_panel", "alarm"): 0,
    ("fire_panel", "fault"): 0,
    ("structure", "displacement"): 1,
    ("structure", "tilt"): 2,
}

# On/off signals and what 1 means: their alarms read as this word (火警 is the top grade
# wherever a fire panel is installed; the demo's thresholds set it so, see fixtures).
SIGNALS = {
    ("fire_panel", "alarm"): "火警",
    ("fire_panel", "fault"): "故障",
    ("elevator", "door_open"): "运行中开门",
}


def load(DeviceType, Metric) -> int:
    """Create or update the shipped types and metrics; returns how many metrics."""
    count = 0
    # Older migrations run this with the Metric of their day (0002: before
    # flat_line_samples; 0003: before decimals and signal_label).
    fields = {f.name for f in Metric._meta.get_fields()}
    has_flat_line = "flat_line_samples" in fields
    for code, name, category, metrics in DEVICE_TYPES:
        device_type, _created = DeviceType.objects.update_or_create(
            code=code, defaults={"name": name, "category": category}
        )
        for m_code, m_name, unit, low, high, positive, seconds in metrics:
            defaults = {
                "name": m_name,
                "unit": unit,
                "min_valid": low,
                "max_valid": high,
                "positive_only": positive,
                "sampling_seconds": seconds,
            }
            if has_flat_line:
                # On/off signals (0–1) stand still for days; only measurements flat-line.
                defaults["flat_line_samples"] = 0 if (low, high) == (0, 1) else 60
            if "decimals" in fields:
                defaults["decimals"] = DECIMALS[(code, m_code)]
                defaults["signal_label"] = SIGNALS.get((code, m_code), "")
            Metric.objects.update_or_create(device_type=device_type, code=m_code, defaults=defaults)
            count += 1
    return count
