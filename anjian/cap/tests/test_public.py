"""The public side: the Atom feed of active warnings and each issued message's XML."""

from datetime import timedelta

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from anjian.cap import xml
from anjian.cap.models import CapAlert
from anjian.cap.tests.factories import alert_in, published_update

ATOM = "http://www.w3.org/2005/Atom"
NS = {"a": ATOM}


def feed_entries(response) -> dict[str, etree._Element]:
    """The feed's entries by the identifier of the message they link to (valid Atom)."""
    root = etree.fromstring(response.content)
    assert root.tag == f"{{{ATOM}}}feed"
    for required in ("a:id", "a:title", "a:updated", "a:author/a:name"):
        assert root.find(required, NS) is not None, required
    entries = {}
    for entry in root.findall("a:entry", NS):
        for required in ("a:id", "a:title", "a:updated"):
            assert (entry.findtext(required, namespaces=NS) or "").strip(), required
        links = {link.get("type"): link for link in entry.findall("a:link", NS)}
        assert {link.get("rel") for link in links.values()} == {"alternate"}
        page = links[None].get("href")  # the first link: the public page, for people
        document = links["application/cap+xml"].get("href")  # the CAP XML, for receivers
        assert entry.find("a:link", NS) is links[None]
        assert page.startswith(f"{settings.SITE_URL}/warnings/") and page.endswith(".html")
        assert document == page.removesuffix(".html") + ".xml"
        assert entry.findtext("a:id", namespaces=NS) == document  # ids as they always were
        entries[document.rsplit("/", 1)[1].removesuffix(".xml")] = entry
    return entries


def test_the_feed_lists_only_active_warnings(db):
    active = alert_in("published", headline="生效中的预警")
    superseded = alert_in("published", headline="被更新的预警")
    update = published_update(superseded, headline="更新后的预警")
    superseded.refresh_from_db()
    cancelled = alert_in("cancelled", headline="被取消的预警")
    cancel = CapAlert.objects.get(replaces=cancelled, msg_type="Cancel")
    expired = alert_in("published", headline="已过期的预警")
    CapAlert.objects.filter(pk=expired.pk).update(expires=timezone.now() - timedelta(minutes=1))
    alert_in("draft", headline="草稿")
    alert_in("pending", headline="待审核")

    response = Client().get(reverse("cap:alert_feed"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    entries = feed_entries(response)
    assert set(entries) == {active.identifier, update.identifier, cancel.identifier}
    assert entries[active.identifier].findtext("a:title", namespaces=NS) == "生效中的预警"
    assert entries[cancel.identifier].findtext("a:title", namespaces=NS).startswith("【取消】")
    assert "风险已解除" in entries[cancel.identifier].findtext("a:summary", namespaces=NS)


def test_an_empty_feed_is_still_valid_atom(db):
    response = Client().get(reverse("cap:alert_feed"))
    assert response.status_code == 200
    assert feed_entries(response) == {}


def test_exercise_messages_are_marked_in_the_feed(db):
    drill = alert_in("published", status="Exercise", headline="演练预警")
    entry = feed_entries(Client().get(reverse("cap:alert_feed")))[drill.identifier]
    assert entry.findtext("a:title", namespaces=NS).startswith("【演练（Exercise）】")


def test_an_issued_message_is_public_as_xml(db):
    alert = alert_in("published")
    response = Client().get(reverse("cap:alert_xml", args=[alert.identifier]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response.content == alert.xml.encode("utf-8")
    assert xml.problems(response.content) == []


def test_superseded_and_cancelled_messages_stay_readable(db):
    for state in ("superseded", "cancelled"):
        alert = alert_in(state)
        response = Client().get(reverse("cap:alert_xml", args=[alert.identifier]))
        assert response.status_code == 200, state


def test_a_draft_has_no_public_xml(db):
    alert = alert_in("pending")
    for guess in (f"anjian-310110-preview-{alert.pk}", str(alert.pk), "nonsense"):
        assert Client().get(reverse("cap:alert_xml", args=[guess])).status_code == 404


def test_public_urls_need_no_login_and_write_nothing(db):
    alert = alert_in("published")
    for url in (reverse("cap:alert_feed"), reverse("cap:alert_xml", args=[alert.identifier])):
        assert Client().get(url).status_code == 200
        assert Client().post(url).status_code == 405


def test_links_are_built_on_the_site_url_not_the_requests_host(db, settings):
    settings.SITE_URL = "https://yj.example.gov.cn/"
    alert = alert_in("published")
    root = etree.fromstring(Client().get(reverse("cap:alert_feed")).content)
    assert root.findtext("a:id", namespaces=NS) == "https://yj.example.gov.cn/warnings/feed.atom"
    entry = root.find("a:entry", NS)
    assert entry.findtext("a:id", namespaces=NS) == (
        f"https://yj.example.gov.cn/warnings/{alert.identifier}.xml"
    )
