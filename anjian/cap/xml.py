"""CAP 1.2 XML: build one message from a ``CapAlert`` and validate a document.

``build`` writes the elements in the order the OASIS schema's sequences require.
``problems`` checks a document against the schema shipped in ``schema/CAP-v1.2.xsd``
(lxml.etree.XMLSchema) and then against the rules of the specification that the schema
cannot express: identifier and sender without spaces, commas, ``<`` or ``&``; references
as "sender,identifier,sent" triples; polygons closed with at least four points; circles
with a positive radius; Update and Cancel messages naming what they replace; an area that
says where (a polygon, circle or geocode).
Times are written with an explicit offset (2026-12-02T09:00:00+08:00), UTC as -00:00,
never Z.
"""

import re
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree
from lxml.builder import ElementMaker

from anjian.cap import area

NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2"
SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "CAP-v1.2.xsd"
CONTENT_TYPE = "application/xml; charset=utf-8"

_E = ElementMaker(namespace=NAMESPACE, nsmap={None: NAMESPACE})
# No entities, no DTDs, no network: documents handed to ``problems`` may come from anyone.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
_NS = {"cap": NAMESPACE}
# Characters XML 1.0 does not allow (control characters pasted from other programs).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_RESTRICTED = re.compile(r"[\s,<&]")
_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d$")


def cap_datetime(value) -> str:
    """A CAP dateTime: local time to the second with its offset; UTC as -00:00."""
    text = timezone.localtime(value).replace(microsecond=0).isoformat()
    if text.endswith("+00:00"):
        text = text[:-6] + "-00:00"
    return text


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


def _info(alert, regions) -> etree._Element:
    E = _E
    children = [E.language(alert.language), E.category(alert.category), E.event(_text(alert.event))]
    if alert.response_type:
        children.append(E.responseType(alert.response_type))
    children += [E.urgency(alert.urgency), E.severity(alert.severity), E.certainty(alert.certainty)]
    for name in ("effective", "onset", "expires"):
        value = getattr(alert, name)
        if value is not None:
            children.append(getattr(E, name)(cap_datetime(value)))
    children += [
        E.senderName(_text(alert.sender_name)),
        E.headline(_text(alert.headline)),
        E.description(_text(alert.description)),
        E.instruction(_text(alert.instruction)),
    ]
    if alert.contact:
        children.append(E.contact(_text(alert.contact)))
    children.append(_area(alert, regions))
    return E.info(*children)


def polygons(alert, regions) -> list[str]:
    """The message's polygons: the outline of each picked region the platform has one for,
    then the typed polygon (the advanced option), without repeats."""
    found = [text for region in regions for text in area.boundary_polygons(region.boundary)]
    if alert.polygon:
        found.append(area.normalise(alert.polygon))
    return list(dict.fromkeys(found))


def _area(alert, regions) -> etree._Element:
    """<area> in the schema's order: areaDesc, polygon*, circle*, geocode*."""
    E = _E
    shape = [E.areaDesc(_text(alert.area_desc))]
    shape += [E.polygon(text) for text in polygons(alert, regions)]
    if alert.circle:
        shape.append(E.circle(area.normalise(alert.circle)))
    shape += [E.geocode(E.valueName(area.GEOCODE_NAME), E.value(r.code)) for r in regions]
    return E.area(*shape)


def regions_of(alert) -> list:
    """The regions picked as the message's area, by code (none for an unsaved message)."""
    return list(alert.areas.order_by("code")) if alert.pk else []


def build(alert, *, regions=None) -> bytes:
    """The CAP 1.2 document of ``alert`` (identifier, sender and sent must be set);
    ``regions``: its picked regions when the caller has them (default: read them)."""
    E = _E
    regions = regions_of(alert) if regions is None else regions
    children = [
        E.identifier(alert.identifier),
        E.sender(alert.sender),
        E.sent(cap_datetime(alert.sent)),
        E.status(alert.status),
        E.msgType(alert.msg_type),
        E.scope(alert.scope),
    ]
    if alert.note:
        children.append(E.note(_text(alert.note)))
    if alert.references:
        children.append(E.references(alert.references))
    children.append(_info(alert, regions))
    return etree.tostring(
        E.alert(*children), xml_declaration=True, encoding="UTF-8", pretty_print=True
    )


@lru_cache(maxsize=1)
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH), _PARSER))


def _values(tree, path: str) -> list[str]:
    return [node.text or "" for node in tree.iterfind(path, _NS)]


def _rule_problems(tree) -> list[str]:
    found = []
    for name, label in (("identifier", _("报文标识")), ("sender", _("发送方标识"))):
        for value in _values(tree, f"cap:{name}"):
            if not value or _RESTRICTED.search(value):
                found.append(
                    _("%(label)s“%(value)s”不能为空，也不能含空格、逗号、< 或 &")
                    % {"label": label, "value": value}
                )
    for references in _values(tree, "cap:references"):
        for triple in references.split():
            parts = triple.split(",")
            if len(parts) != 3 or not all(parts) or not _DATETIME.match(parts[2]):
                found.append(_("引用“%(t)s”应为“发送方,报文标识,发送时间”") % {"t": triple})
    msg_type = tree.findtext("cap:msgType", namespaces=_NS)
    if msg_type in ("Update", "Cancel") and not tree.findtext("cap:references", namespaces=_NS):
        found.append(_("更新和取消报文须有 references（所引用的原报文）"))
    scope = tree.findtext("cap:scope", namespaces=_NS)
    if scope == "Restricted" and not tree.findtext("cap:restriction", namespaces=_NS):
        found.append(_("scope 为 Restricted 时须有 restriction"))
    if scope == "Private" and not tree.findtext("cap:addresses", namespaces=_NS):
        found.append(_("scope 为 Private 时须有 addresses"))
    for polygon in _values(tree, "cap:info/cap:area/cap:polygon"):
        found += _area_problems(area.parse_polygon, polygon)
    for circle in _values(tree, "cap:info/cap:area/cap:circle"):
        found += _area_problems(area.parse_circle, circle)
    for where in tree.iterfind("cap:info/cap:area", _NS):
        kinds = ("polygon", "circle", "geocode")
        if all(where.find(f"cap:{kind}", _NS) is None for kind in kinds):
            found.append(_("影响区域须有区划、多边形或圆形区域（至少一项）"))
    return found


def _area_problems(parse, text: str) -> list[str]:
    try:
        parse(text)
    except ValidationError as error:
        return list(error.messages)
    return []


def problems(document: bytes | str) -> list[str]:
    """Why ``document`` is not a valid CAP 1.2 message; empty when it is."""
    if isinstance(document, str):
        document = document.encode("utf-8")
    try:
        tree = etree.fromstring(document, _PARSER)
    except etree.XMLSyntaxError as error:
        return [_("不是格式正确的 XML：%(e)s") % {"e": error}]
    if tree.getroottree().docinfo.doctype:
        return [_("CAP 报文不能含 DOCTYPE（实体声明）")]
    validator = schema()
    try:
        valid = validator.validate(tree)
    except etree.XMLSchemaValidateError as error:
        return [_("无法按 CAP 1.2 架构校验：%(e)s") % {"e": error}]
    if not valid:
        return [
            _("第 %(line)d 行不符合 CAP 1.2 架构：%(message)s")
            % {"line": entry.line, "message": entry.message}
            for entry in validator.error_log
        ]
    return _rule_problems(tree)


def check(document: bytes | str) -> None:
    """Raise ``ValidationError`` listing every problem of ``document``."""
    found = problems(document)
    if found:
        raise ValidationError([_("CAP 报文未通过校验：%(p)s") % {"p": p} for p in found])
