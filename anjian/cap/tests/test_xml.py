"""The CAP 1.2 document: what a published warning looks like, and that the validator bites."""

import re

import pytest
from lxml import etree

from anjian.cap import xml
from anjian.cap.tests.factories import alert_in, published_update

NS = {"cap": xml.NAMESPACE}


def tree(document: str):
    return etree.fromstring(document.encode("utf-8"))


def text(document: str, path: str) -> str:
    return tree(document).findtext(path, namespaces=NS)


@pytest.fixture
def published(db):
    return alert_in("published")


def test_a_published_warning_validates_against_the_oasis_schema(published):
    assert xml.problems(published.xml) == []
    assert xml.schema().validate(tree(published.xml))


def test_the_schema_is_the_oasis_file_with_its_copyright():
    head = xml.SCHEMA_PATH.read_text(encoding="utf-8")[:300]
    assert "Copyright OASIS Open 2010" in head
    assert 'targetNamespace="urn:oasis:names:tc:emergency:cap:1.2"' in head


def test_the_message_header_is_what_cap_asks_for(published):
    root = tree(published.xml)
    assert root.tag == "{urn:oasis:names:tc:emergency:cap:1.2}alert"
    sent = text(published.xml, "cap:sent")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", sent), sent
    assert "Z" not in sent
    identifier = text(published.xml, "cap:identifier")
    sender = text(published.xml, "cap:sender")
    assert identifier == published.identifier
    assert identifier.startswith(f"anjian-310110-{published.sent:%Y%m%d%H%M%S}-")
    assert sender == "yjj.310110@anjian"
    for value in (identifier, sender):
        assert not re.search(r"[\s,<&]", value)
    assert text(published.xml, "cap:scope") == "Public"
    assert text(published.xml, "cap:msgType") == "Alert"
    assert text(published.xml, "cap:info/cap:language") == "zh-CN"
    assert text(published.xml, "cap:info/cap:headline") == "危险化学品企业高温安全生产预警"
    assert text(published.xml, "cap:info/cap:area/cap:polygon").count(" ") == 4


def test_utc_is_written_minus_zero_never_z():
    from datetime import UTC, datetime

    from django.test import override_settings
    from django.utils import timezone

    with override_settings(TIME_ZONE="UTC"), timezone.override("UTC"):
        assert xml.cap_datetime(datetime(2026, 12, 2, 1, 0, 5, 123, tzinfo=UTC)) == (
            "2026-12-02T01:00:05-00:00"
        )


def test_update_and_cancel_messages_reference_the_message_they_replace(db):
    original = alert_in("published")
    update = published_update(original, headline="高温预警（更新：延长至周末）")
    later = alert_in("published", headline="另一条预警")
    from anjian.cap import services
    from anjian.cap.tests.factories import signer

    cancel = services.alert_cancel(
        by=signer(), alert_id=later.pk, expected_version=later.version, reason="气温回落"
    )
    for message, replaced, kind in ((update, original, "Update"), (cancel, later, "Cancel")):
        assert xml.problems(message.xml) == []
        assert text(message.xml, "cap:msgType") == kind
        references = text(message.xml, "cap:references")
        assert (
            references
            == f"{replaced.sender},{replaced.identifier},{xml.cap_datetime(replaced.sent)}"
        )
        assert references.split(",")[2] == text(replaced.xml, "cap:sent")
    assert text(cancel.xml, "cap:note") == "气温回落"


def replace(document: str, old: str, new: str) -> str:
    assert old in document
    return document.replace(old, new, 1)


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (lambda d: replace(d, "<scope>Public</scope>\n", ""), "不符合 CAP 1.2 架构"),
        (
            lambda d: replace(d, "<severity>Moderate</severity>", "<severity>Very Bad</severity>"),
            "架构",
        ),
        (
            lambda d: replace(
                d, "<certainty>Likely</certainty>", "<certainty>Very Likely</certainty>"
            ),
            "架构",
        ),
        (lambda d: re.sub(r"<sent>([^<]+)\+08:00</sent>", r"<sent>\1Z</sent>", d), "架构"),
        (
            lambda d: replace(d, "<msgType>Alert</msgType>", "<msgType>Update</msgType>"),
            "references",
        ),
        (
            lambda d: re.sub(r"<identifier>[^<]+</identifier>", "<identifier>a b</identifier>", d),
            "不能含空格",
        ),
        (lambda d: re.sub(r"<sender>[^<]+</sender>", "<sender>yjj,310110</sender>", d), "逗号"),
        (lambda d: re.sub(r" 31\.30,121\.50</polygon>", " 31.31,121.50</polygon>", d), "须闭合"),
        (lambda d: replace(d, "</alert>", ""), "不是格式正确的 XML"),
        (
            lambda d: replace(
                d,
                'xmlns="urn:oasis:names:tc:emergency:cap:1.2"',
                'xmlns="urn:oasis:names:tc:emergency:cap:1.1"',
            ),
            "架构",
        ),
    ],
)
def test_the_validator_refuses_a_broken_message(published, breakage, expected):
    broken = breakage(published.xml)
    found = xml.problems(broken)
    assert found, broken
    assert any(expected in problem for problem in found), found


def test_bad_references_are_refused(published):
    broken = replace(
        published.xml,
        "<scope>Public</scope>",
        "<scope>Public</scope>\n  <references>yjj,abc</references>",
    )
    assert any("引用“yjj,abc”" in p for p in xml.problems(broken))


def test_check_raises_in_chinese(published):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        xml.check(replace(published.xml, "<scope>Public</scope>", "<scope>Open</scope>"))
    assert caught.value.messages[0].startswith("CAP 报文未通过校验")


def test_control_characters_do_not_break_the_document(db):
    alert = alert_in("published", description="第一行\x0b第二行\x01")
    assert xml.problems(alert.xml) == []
    assert text(alert.xml, "cap:info/cap:description") == "第一行第二行"


def test_entities_are_not_expanded_by_the_validator(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    document = (
        f'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&x;</identifier></alert>'
    )
    found = xml.problems(document)
    assert found and not any("top secret" in p for p in found)
