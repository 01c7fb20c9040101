"""The public side of the warnings: the Atom feed, public URLs, and the draft preview.

Public links are built on ``SITE_URL`` (ANJIAN_SITE_URL), not on the host a request
came in by: Atom entry ids must stay the same however the feed is fetched. An entry's
id is its CAP XML's URL (unchanged since the feed began); it links to the message's
public page (``rel="alternate"``, text/html) and to the CAP XML (``rel="alternate"``,
``application/cap+xml``, the convention of CAP feeds).
"""

import copy

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from anjian.cap import selectors, services, xml
from anjian.cap.choices import MsgType, Status
from anjian.cap.models import CapAlert

PREVIEW_IDENTIFIER = "anjian-{region}-preview-{pk}"


def public_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


CAP_MEDIA_TYPE = "application/cap+xml"


def xml_url(alert: CapAlert) -> str:
    return public_url(reverse("cap:alert_xml", args=[alert.identifier]))


def page_url(alert: CapAlert) -> str:
    return public_url(reverse("cap:alert_public", args=[alert.identifier]))


class CapAtomFeed(Atom1Feed):
    """Atom 1.0 whose entries also link to their CAP document (``cap_xml``)."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("cap_xml"):
            handler.addQuickElement(
                "link", "", {"rel": "alternate", "type": CAP_MEDIA_TYPE, "href": item["cap_xml"]}
            )


def preview_document(alert: CapAlert, *, regions=None) -> bytes:
    """The XML a message not yet issued would have if it were sent now (on a copy)."""
    draft = copy.copy(alert)
    draft.sent = timezone.now()
    draft.sender = services.sender_for(alert.region_id)
    draft.identifier = PREVIEW_IDENTIFIER.format(region=alert.region_id, pk=alert.pk)
    if alert.replaces_id and alert.replaces.is_issued:
        draft.references = alert.replaces.cap_reference
    return xml.build(draft, regions=regions)


def _title(alert: CapAlert) -> str:
    prefix = "" if alert.status == Status.ACTUAL else f"【{alert.get_status_display()}】"
    kind = f"【{alert.get_msg_type_display()}】" if alert.msg_type != MsgType.ALERT else ""
    return f"{prefix}{kind}{alert.headline}"


def _summary(alert: CapAlert) -> str:
    if alert.msg_type == MsgType.CANCEL:
        return _("已取消：%(note)s") % {"note": alert.note}
    return alert.description


def active_feed() -> Atom1Feed:
    """Atom 1.0: one entry per active message, linking to its public page and its CAP XML."""
    feed_url = public_url(reverse("cap:alert_feed"))
    feed = CapAtomFeed(
        title=_("安监 · 预警信息发布（CAP 1.2）"),
        link=feed_url,
        feed_url=feed_url,
        feed_guid=feed_url,
        description=_("生效中的安全生产预警信息，每条链接到其公开页面和 OASIS CAP 1.2 报文"),
        language="zh-CN",
        author_name=_("安监预警信息发布"),
    )
    for alert in selectors.active_alerts():
        url = xml_url(alert)
        feed.add_item(
            title=_title(alert),
            link=page_url(alert),
            unique_id=url,
            cap_xml=url,
            description=_summary(alert),
            pubdate=alert.sent,
            updateddate=alert.sent,
            author_name=alert.sender_name,
            categories=[alert.get_category_display(), alert.get_severity_display()],
        )
    return feed
