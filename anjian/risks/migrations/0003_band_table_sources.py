"""The default band tables cite standards, not web pages (issue 11, item 19).

Version 1 of each method was seeded with a ``source`` naming the web pages its values were
researched from, with confidence marks, and the LS ``edition`` named one of them. Users saw
that as the basis of the grading. This replaces the wording of those rows — and of any
later version that copied it unchanged — by the wording of ``anjian.risks.defaults``
today: the documents the values follow, or "平台默认值，请按本地规定调整". Only the
``source`` and ``edition`` texts change, and only where they are exactly the seeded ones;
bands and factors (what grades an assessment) are untouched, so a published version still
grades as it did. The research provenance moved to docs/development/risk-grading.md.
Frozen copies of both wordings below; reversing puts the old wording back.
"""

from django.db import migrations

# method → (source, edition), as seeded by migration 0002 at first.
OLD = {
    "lec": (
        (
            "LEC 取值与 D 值五级划分："
            "作业条件危险性评价法常用取值表（xiaomilidoc.com p-9291236；"
            "aqrzj.com doc/348231），置信度高。"
            "四色映射 D>320 重大、160<D≤320 较大、70<D≤160 一般、D≤70 低："
            "按同一分界点对应四级（置信度中），无国家文本规定；"
            "各来源对分界值归属（“>320”或“≥320”）说法不一，"
            "本平台默认分界值归入较低等级，可在此修改。"
            "C 值说明各来源不同（有的把 C=100 对应“≥3人死亡或直接经济损失≥2000万元”），"
            "请按本地区或本单位采用的标准调整说明。"
        ),
        "LEC 经典五级分界对应四色（平台默认第1版）",
    ),
    "ls": (
        (
            "LS 风险矩阵 R=L×S（L、S 各取 1–5）。分级："
            "zgmkw.com doc-30900 为 20–25 重大、9–16 较大、4–8 一般、1–3 低；"
            "mtoou.info tubiao/54344（煤矿论文）为 10–16 较大、4–9 一般，"
            "二者在 20–25、4–8、≤3 上一致；"
            "另有山东 DB37/T 2882-2016 附录的分法（15–16 较大、9–12 一般、1–8 低，"
            "未核实）。本平台默认采用 zgmkw 分法（置信度中低），"
            "可按本地区采用的标准修改。"
            "L、S 说明参照常见企业风险矩阵说明（m.taowenge.com p-95858702）。"
        ),
        "LS 矩阵 zgmkw 分法（平台默认第1版）",
    ),
}
# method → (source, edition), as anjian.risks.defaults words them with this migration.
NEW = {
    "lec": (
        (
            "D = L×E×C。"
            "L、E、C 的取值及 D 值的五档划分（D>320 极其危险、160–320 高度危险、"
            "70–160 显著危险、20–70 一般危险、D<20 稍有危险）"
            "采用作业条件危险性评价法（LEC 法）的通用取值表。"
            "D 值与四级风险的对应（D>320 重大、160<D≤320 较大、70<D≤160 一般、"
            "D≤70 低）及分界值归属："
            "平台默认值，请按本地规定调整（未见国家文件规定这一对应关系）。"
            "C 值各档的后果说明：平台默认值，请按本地规定调整。"
        ),
        "LEC 通用取值，D 值分界对应四级（平台默认第1版）",
    ),
    "ls": (
        (
            "R = L×S，L、S 各取 1–5（风险矩阵法）。"
            "四级分界（R≥20 重大、9≤R<20 较大、4≤R<9 一般、R<4 低）："
            "平台默认值，请按本地规定调整（各地、各行业采用的分界不一致，"
            "未见国家文件统一规定）。L、S 各档的说明：平台默认值，请按本地规定调整。"
        ),
        "LS 风险矩阵四级分界（平台默认第1版）",
    ),
}


def _swap(apps, before: dict, after: dict) -> None:
    band_table = apps.get_model("risks", "RiskBandTable")
    for method, (source, edition) in before.items():
        new_source, new_edition = after[method]
        # A published row is never saved again (RiskBandTable.save refuses): update().
        band_table.objects.filter(method=method, source=source).update(source=new_source)
        band_table.objects.filter(method=method, edition=edition).update(edition=new_edition)


def forwards(apps, schema_editor):
    _swap(apps, OLD, NEW)


def backwards(apps, schema_editor):
    _swap(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [("risks", "0002_seed_band_tables_and_library")]

    operations = [migrations.RunPython(forwards, backwards)]
