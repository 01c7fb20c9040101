"""(Re)build the default enforcement document templates (执法文书模板, .docx) with python-docx.

    .venv/bin/python scripts/make_document_templates.py [target directory]

writes one ``<kind>.docx`` per document kind into anjian/inspections/document_templates/
(the files are committed; this script is how they were made, and a test checks that it
still makes exactly them). A department that wants its own wording or layout copies a file,
edits it in Word or WPS and puts it into ``ANJIAN_DOCUMENT_TEMPLATES_DIR`` under the same
name; the placeholders are docxtpl's Jinja tags (``{{ enterprise.name }}``, ``{%tr for … %}``
rows, ``{%p if … %}`` paragraphs) — ``anjian/inspections/documents.py`` lists the values.

The layout is the one officials know: the issuing department's name, the document's name
large and centred, the number (（杨浦）应急检〔2026〕15号) under it, the body, the signature
lines, the department and the date at the bottom. A4; 仿宋 for the text, 宋体 for the
titles (Word substitutes a font that is not installed). The zip entries carry a fixed
time, so building twice gives the same bytes.
"""

import io
import sys
import zipfile
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "anjian" / "inspections" / "document_templates"

BODY_FONT, TITLE_FONT = "仿宋", "宋体"
BODY_SIZE, TABLE_SIZE = Pt(14), Pt(10.5)
INDENT = Pt(28)  # two characters of the body text
FIXED_TIME = (2026, 1, 1, 0, 0, 0)

REVIEW = (
    "如不服本{what}，可以在收到本{what}之日起60日内依法向{{{{ review_body }}}}申请行政复议，"
    "或者在6个月内依法向人民法院提起行政诉讼，但本{what}不停止执行，法律另有规定的除外。"
)


# --- building blocks ------------------------------------------------------------------------


def _fonts(element, name: str) -> None:
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:ascii"), name)
    fonts.set(qn("w:hAnsi"), name)


def new_document(title: str):
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(30), Mm(25)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.size = BODY_SIZE
    _fonts(normal.element, BODY_FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.3
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, "anjian", "anjian"
    props.created = props.modified = datetime(*FIXED_TIME)
    props.revision = 1
    return doc


def run(paragraph, text: str, *, bold=False, size=None, font=None):
    """One run: a Jinja tag is never split over two runs."""
    piece = paragraph.add_run(text)
    piece.bold = bold or None
    if size is not None:
        piece.font.size = size
    if font is not None:
        _fonts(piece._element, font)
    return piece


def line(doc, *parts, indent=False, align=None, size=None, space_before=0):
    """A paragraph of runs: a str, or (text, True) for a bold label."""
    paragraph = doc.add_paragraph()
    if indent:
        paragraph.paragraph_format.first_line_indent = INDENT
    if align is not None:
        paragraph.alignment = align
    if space_before:
        paragraph.paragraph_format.space_before = Pt(space_before)
    for part in parts:
        text, bold = (part, False) if isinstance(part, str) else part
        run(paragraph, text, bold=bold, size=size)
    return paragraph


def tag(doc, text: str) -> None:
    """A paragraph that holds only a ``{%p … %}`` tag (docxtpl drops the paragraph)."""
    doc.add_paragraph().add_run(text)


def header(doc, name: str) -> None:
    """The department's name, the document's name large and centred, the number under it."""
    issuer = doc.add_paragraph()
    issuer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(issuer, "{{ department }}", bold=True, size=Pt(16), font=TITLE_FONT)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(6)
    run(title, name, bold=True, size=Pt(22), font=TITLE_FONT)
    number = line(doc, "{{ number }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    number.paragraph_format.space_after = Pt(12)


def _cell(cell, text: str, *, bold=False, center=False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.line_spacing = 1.0
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(paragraph, text, bold=bold, size=TABLE_SIZE)


def loop_table(doc, columns, loop: str) -> None:
    """A table with a header row and one row repeated ``{%tr for <loop> %}``.

    ``columns`` are (heading, cell text, width in mm, centred)."""
    table = doc.add_table(rows=4, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for index, (heading, text, width, center) in enumerate(columns):
        for row in table.rows:
            row.cells[index].width = Mm(width)
        _cell(table.rows[0].cells[index], heading, bold=True, center=True)
        _cell(table.rows[2].cells[index], text, center=center)
    _cell(table.rows[1].cells[0], "{%tr for " + loop + " %}")
    _cell(table.rows[3].cells[0], "{%tr endfor %}")
    doc.add_paragraph()


def form_table(doc, rows) -> None:
    """A two-column form: (label, value) rows; a value may hold a line break."""
    table = doc.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row, (label, value) in zip(table.rows, rows, strict=True):
        row.cells[0].width, row.cells[1].width = Mm(36), Mm(120)
        _cell(row.cells[0], label, bold=True, center=True)
        for n, text in enumerate(value.split("\n")):
            paragraph = row.cells[1].paragraphs[0] if n == 0 else row.cells[1].add_paragraph()
            paragraph.paragraph_format.line_spacing = 1.2
            run(paragraph, text, size=Pt(12))
        row.height = Mm(10)
    doc.add_paragraph()


# A signature image when there is one (docxtpl InlineImage), nothing otherwise.
SIGNATURE = "{{% if {name} %}}{{{{ {name} }}}}{{% endif %}}"


def unit_lines(doc, label: str = "被检查单位") -> None:
    line(doc, (f"{label}：", True), "{{ enterprise.name }}")
    line(doc, ("统一社会信用代码：", True), "{{ enterprise.credit_code }}")
    line(doc, ("地址：", True), "{{ enterprise.address }}")
    line(
        doc,
        ("法定代表人（负责人）：", True),
        "{{ enterprise.principal }}　",
        ("联系电话：", True),
        "{{ enterprise.phone }}",
    )


def inspector_lines(doc, label: str = "检查人员") -> None:
    line(doc, (f"{label}（签名）：", True), SIGNATURE.format(name="inspector_signature"))
    tag(doc, "{%p for person in inspectors %}")
    line(doc, "{{ person.name }}　", ("执法证号：", True), "{{ person.certificate }}")
    tag(doc, "{%p endfor %}")


def unit_signature(doc, label: str) -> None:
    line(
        doc,
        (f"{label}（签名）：", True),
        SIGNATURE.format(name="enterprise_signature"),
        "{{ signer }}",
        space_before=6,
    )


def closing(doc, date: str = "{{ date }}") -> None:
    """The department (its seal goes here) and the date, right-aligned at the bottom."""
    line(doc, "{{ department }}（印章）", align=WD_ALIGN_PARAGRAPH.RIGHT, space_before=18)
    line(doc, date, align=WD_ALIGN_PARAGRAPH.RIGHT)


# --- the documents --------------------------------------------------------------------------


def inspection_record():
    doc = new_document("现场检查记录")
    header(doc, "现场检查记录")
    unit_lines(doc)
    line(doc, ("检查场所：", True), "{{ inspection.place }}")
    line(doc, ("检查时间：", True), "{{ inspection.period }}")
    line(
        doc,
        ("检查类型：", True),
        "{{ inspection.kind }}{% if inspection.unannounced %}（“四不两直”）{% endif %}",
    )
    line(doc, ("检查人员：", True), "{{ inspectors_text }}")
    line(
        doc,
        "检查人员已出示行政执法证件，并告知被检查单位依法享有陈述、申辩和申请回避的权利。",
        indent=True,
    )
    line(doc, ("检查情况：", True), "{{ inspection.summary }}")
    line(doc, ("检查项目及结果：", True))
    loop_table(
        doc,
        [
            ("序号", "{{ m.position }}", 12, True),
            ("检查内容", "{{ m.text }}", 45, False),
            ("检查依据", "{{ m.basis }}", 45, False),
            ("检查结果", "{{ m.result }}", 18, True),
            ("情况说明", "{{ m.note }}", 36, False),
        ],
        "m in marks",
    )
    line(
        doc,
        "{% if findings %}本次检查发现问题{{ findings|length }}项，依法责令限期整改"
        "（见《责令限期整改指令书》）。{% else %}本次检查未发现问题。{% endif %}",
        indent=True,
    )
    inspector_lines(doc)
    unit_signature(doc, "被检查单位现场负责人")
    closing(doc)
    return doc


def rectification_order():
    doc = new_document("责令限期整改指令书")
    header(doc, "责令限期整改指令书")
    line(doc, "{{ enterprise.name }}：")
    line(doc, "经查，你单位存在下列问题：", indent=True)
    loop_table(
        doc,
        [
            ("序号", "{{ f.position }}", 12, True),
            (
                "问题",
                "{{ f.finding }}{% if f.note %}：{{ f.note }}{% endif %}"
                "{% if f.hazard %}（隐患编号：{{ f.hazard }}）{% endif %}",
                50,
                False,
            ),
            ("部位", "{{ f.place }}", 28, False),
            ("依据", "{{ f.basis }}", 44, False),
            ("整改期限", "{{ f.deadline }}前", 24, True),
        ],
        "f in findings",
    )
    line(
        doc,
        "依据《中华人民共和国安全生产法》第六十五条第一款第（三）项的规定，现责令你单位对上述"
        "问题于表列期限内整改完毕，达到有关法律法规规章和标准规定的要求。",
        indent=True,
    )
    line(
        doc,
        "由于客观原因不能在期限内整改完毕的，你单位应当在整改期限届满前10日{{ extension_note }}"
        "以书面形式向本部门提出延期申请，本部门自收到申请之日起5日内书面答复。",
        indent=True,
    )
    line(
        doc,
        "本部门将自整改期限届满或者收到你单位整改完毕申请之日起10日内进行复查。",
        indent=True,
    )
    line(doc, REVIEW.format(what="指令"), indent=True)
    inspector_lines(doc)
    unit_signature(doc, "被检查单位负责人")
    closing(doc)
    return doc


def reinspection_opinion():
    doc = new_document("整改复查意见书")
    header(doc, "整改复查意见书")
    line(doc, "{{ enterprise.name }}：")
    line(
        doc,
        "本部门于{{ order.date }}作出{{ order.number }}《责令限期整改指令书》，责令你单位对"
        "所列问题限期整改。本部门于{{ reinspected_on }}对整改情况进行了复查，情况如下：",
        indent=True,
    )
    loop_table(
        doc,
        [
            ("序号", "{{ r.position }}", 12, True),
            ("问题", "{{ r.finding }}", 56, False),
            ("部位", "{{ r.place }}", 30, False),
            ("复查结果", "{{ r.result }}", 20, True),
            ("情况说明", "{{ r.note }}", 40, False),
        ],
        "r in results",
    )
    line(doc, ("复查意见：", True), "{{ opinion }}")
    line(doc, REVIEW.format(what="意见"), indent=True)
    inspector_lines(doc, "复查人员")
    unit_signature(doc, "被复查单位负责人")
    closing(doc)
    return doc


def case_filing():
    doc = new_document("立案审批表")
    header(doc, "立案审批表")
    form_table(
        doc,
        [
            ("案由", "{{ case.title }}"),
            ("案件来源", "{{ case.source }}"),
            ("当事人", "{{ enterprise.name }}"),
            ("统一社会信用代码", "{{ enterprise.credit_code }}"),
            ("地址", "{{ enterprise.address }}"),
            ("法定代表人", "{{ enterprise.legal_representative }}　电话：{{ enterprise.phone }}"),
            ("简要案情", "{{ case.facts }}"),
            ("涉嫌违反的规定", "{{ case.violated_basis }}"),
            ("立案日期", "{{ case.filed_on }}"),
            ("办案期限", "应于{{ case.decide_by }}前作出处理决定"),
            ("承办人", "{{ handlers_text }}"),
            ("承办人意见", "建议立案调查。\n签名：　　　　　　　　年　　月　　日"),
            ("审核意见", "\n签名：　　　　　　　　年　　月　　日"),
            ("审批意见", "\n签名：　　　　　　　　年　　月　　日"),
        ],
    )
    closing(doc)
    return doc


def penalty_notice():
    doc = new_document("行政处罚告知书")
    header(doc, "行政处罚告知书")
    line(doc, "{{ enterprise.name }}：")
    line(doc, "经查，你单位存在下列违法行为：{{ case.facts }}", indent=True)
    line(
        doc,
        "以上事实违反了{{ case.violated_basis }}的规定，依据{{ case.penalty_basis }}的规定，"
        "本部门拟对你单位作出{{ case.penalty }}的行政处罚。",
        indent=True,
    )
    line(
        doc,
        "依据《中华人民共和国行政处罚法》第四十四条、第四十五条的规定，你单位有权进行陈述和申辩。"
        "你单位可在收到本告知书之日起3日内向本部门提出陈述、申辩意见；逾期未提出的，视为放弃"
        "陈述和申辩的权利。",
        indent=True,
    )
    tag(doc, "{%p if hearing %}")
    line(
        doc,
        "依据《中华人民共和国行政处罚法》第六十三条、第六十四条的规定，你单位有权要求举行听证。"
        "你单位可在收到本告知书之日起5个工作日内向本部门提出听证要求；逾期未提出的，视为放弃"
        "听证的权利。",
        indent=True,
    )
    tag(doc, "{%p endif %}")
    line(doc, ("承办人：", True), "{{ handlers_text }}", space_before=6)
    line(doc, ("当事人（签收）：", True), "　　　　　　　　　　", ("日期：", True))
    closing(doc)
    return doc


def penalty_decision():
    doc = new_document("行政处罚决定书")
    header(doc, "行政处罚决定书")
    unit_lines(doc, "当事人")
    line(doc, ("违法事实及证据：", True), "{{ case.facts }}", space_before=6)
    line(
        doc,
        "以上事实违反了{{ case.violated_basis }}的规定，依据{{ case.penalty_basis }}的规定，"
        "{% if case.circumstance %}鉴于你单位违法行为情节{{ case.circumstance }}，{% endif %}"
        "{% if case.fine_reason %}{{ case.fine_reason }}，{% endif %}"
        "决定给予{{ case.penalty }}的行政处罚。",
        indent=True,
    )
    tag(doc, "{%p if case.fine %}")
    line(
        doc,
        "罚款限你单位自收到本决定书之日起15日内缴至指定银行。逾期不缴纳的，本部门将依据"
        "《中华人民共和国行政处罚法》第七十二条第一款第（一）项的规定，每日按罚款数额的3%加处"
        "罚款，加处罚款的数额不超出罚款的数额。",
        indent=True,
    )
    tag(doc, "{%p endif %}")
    line(
        doc,
        REVIEW.format(what="决定")
        + "逾期不申请行政复议、不提起行政诉讼又不履行的，本部门将依法申请人民法院强制执行。",
        indent=True,
    )
    closing(doc)
    return doc


def case_transfer():
    doc = new_document("涉嫌犯罪案件移送书")
    header(doc, "涉嫌犯罪案件移送书")
    line(doc, "{{ case.transferred_to }}：")
    line(
        doc,
        "{{ enterprise.name }}{{ case.title }}一案，经本部门调查，涉嫌构成犯罪。依据《行政执法"
        "机关移送涉嫌犯罪案件的规定》和《安全生产行政执法与刑事司法衔接工作办法》的规定，"
        "现将该案移送你单位依法处理。请你单位自接受移送之日起3日内作出立案或者不予立案的决定，"
        "并书面告知本部门。",
        indent=True,
    )
    line(doc, ("案件基本情况：", True), "{{ case.facts }}", space_before=6)
    tag(doc, "{%p if reason %}")
    line(doc, ("涉嫌犯罪的理由：", True), "{{ reason }}")
    tag(doc, "{%p endif %}")
    line(
        doc,
        ("附件：", True),
        "1.涉嫌犯罪案件情况的调查报告；2.涉案物品清单；3.有关检验报告或者鉴定意见；"
        "4.其他有关涉嫌犯罪的材料。",
    )
    line(doc, ("承办人：", True), "{{ handlers_text }}")
    closing(doc)
    return doc


BUILDERS = {
    "inspection_record": inspection_record,
    "rectification_order": rectification_order,
    "reinspection_opinion": reinspection_opinion,
    "case_filing": case_filing,
    "penalty_notice": penalty_notice,
    "penalty_decision": penalty_decision,
    "case_transfer": case_transfer,
}


def build(kind: str) -> bytes:
    """The template of ``kind`` as .docx bytes (zip entries with a fixed time)."""
    raw = io.BytesIO()
    BUILDERS[kind]().save(raw)
    fixed = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source,
        zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(item.filename))
    return fixed.getvalue()


def main(target: Path = TARGET) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for kind in BUILDERS:
        (target / f"{kind}.docx").write_bytes(build(kind))
        print(f"{target / kind}.docx")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else TARGET)
