"""What the reach tests share (no tests here): a real HTTP gateway in a thread, the
people of 杨浦区 with phones and e-mail, and warnings published for chosen streets.

The people (``build_people``), who is where:

==================  ====================================================================
殷行街道             street_officer 13900000001; grid_member (its grid) 13900000002 and
                     grid@yinhang.example.cn; yinhang_silent (no phone, no e-mail);
                     the duty person of yinhang_chemical (enterprise_manager, 13600000001);
                     yinhang_chemical 13700000001, yinhang_site 13700000002; contacts:
                     楼组长 13900000001 (the street officer's number again), 卫生站 021-65000000
                     (a landline); subscribers 13400000001, reader@example.cn,
                     pending 13400000005 (not confirmed)
平凉路街道           pingliang_officer 13900000003; pingliang_factory 13700000003; contact
                     13500000002; subscriber 13400000003
杨浦区 (district)    subscriber 13400000002
虹口区               hongkou_shop 13700000004; subscriber 13400000004
==================  ====================================================================
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.cap import recipients, services
from anjian.cap.models import CapSubscription, SubscriptionState
from anjian.cap.tests.factories import alert_data
from anjian.enterprises.models import Enterprise
from anjian.monitoring.models import DutyPerson
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Region
from testsupport import world

SMS = "anjian.cap.channels.SmsGateway"
EMAIL = "anjian.cap.channels.Email"
WEBHOOK = "anjian.cap.channels.Webhook"
CONSOLE = "anjian.cap.channels.Console"
GATEWAY_TOKEN = "gateway-token-0123"
RECEIPT_TOKEN = "receipt-token-0123456789"
SCREENS_SECRET = "screens-secret-0123456789"
HONGKOU_STREET = "310109"  # a prefix: the first street of 虹口区 is looked up


# --- the gateway -----------------------------------------------------------------------------


class Gateway(ThreadingHTTPServer):
    """Records every POST; answers each with the next scripted status (200 when none), and
    ``{"id": "gw-<n>"}`` as the SMS gateway's message id."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list[dict] = []
        self.answers: list[int] = []
        self.lock = threading.Lock()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def reset(self) -> None:
        self.received.clear()
        self.answers.clear()

    def bodies(self, path: str = "/sms") -> list[dict]:
        return [json.loads(r["body"]) for r in self.received if r["path"] == path]


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        content = self.rfile.read(int(self.headers["Content-Length"]))
        with self.server.lock:
            self.server.received.append(
                {"path": self.path, "headers": dict(self.headers), "body": content}
            )
            status = self.server.answers.pop(0) if self.server.answers else 200
            number = len(self.server.received)
        answer = json.dumps({"id": f"gw-{number}"}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


def start_gateway() -> tuple[Gateway, threading.Thread]:
    gateway = Gateway()
    thread = threading.Thread(target=gateway.serve_forever, daemon=True)
    thread.start()
    return gateway, thread


def configure(settings, gateway: Gateway | None, *paths: str) -> None:
    """Point the channels at the test gateway (``settings``: pytest-django's fixture)."""
    settings.CAP_CHANNELS = list(paths)
    base = gateway.base if gateway is not None else "http://127.0.0.1:9"
    settings.CAP_SMS_URL = f"{base}/sms"
    settings.CAP_SMS_TOKEN = GATEWAY_TOKEN
    settings.CAP_SMS_RECEIPT_TOKEN = RECEIPT_TOKEN
    settings.CAP_WEBHOOKS = [
        {"name": "screens", "url": f"{base}/screens", "secret": SCREENS_SECRET}
    ]
    settings.CAP_DELIVERY_TIMEOUT_SECONDS = 5
    settings.CAP_DELIVERY_MAX_ATTEMPTS = 3


# --- the people ------------------------------------------------------------------------------


def _street_user(username: str, region: str, phone: str = "", email: str = "") -> User:
    return User.objects.create(
        username=username,
        name=username,
        role=Role.STREET,
        region_id=region,
        phone=phone,
        email=email,
    )


def _subscriber(phone: str = "", email: str = "", *, regions, confirmed: bool = True):
    subscription = CapSubscription.objects.create(
        phone=phone,
        email=email,
        token=f"token-{phone or email}",
        state=SubscriptionState.CONFIRMED if confirmed else SubscriptionState.PENDING,
    )
    subscription.regions.set(Region.objects.filter(code__in=regions))
    return subscription


def hongkou_street() -> str:
    return (
        Region.objects.filter(code__startswith=HONGKOU_STREET, level=RegionLevel.STREET)
        .order_by("code")[0]
        .code
    )


def build_people() -> dict:
    """The people of the table above (call inside a transaction that is rolled back)."""
    User.objects.filter(username="street_officer").update(phone="13900000001")
    User.objects.filter(username="grid_member").update(
        phone="13900000002", email="grid@yinhang.example.cn"
    )
    manager = User.objects.get(username="enterprise_manager")
    manager.phone = "13600000001"
    manager.save(update_fields=["phone"])
    phones = {
        "yinhang_chemical": "13700000001",
        "yinhang_site": "13700000002",
        "pingliang_factory": "13700000003",
        "hongkou_shop": "13700000004",
    }
    for name, phone in phones.items():
        Enterprise.objects.filter(name=world.ENTERPRISE_NAMES[name]).update(
            safety_manager_phone=phone
        )
    chemical = world.enterprise("yinhang_chemical")
    DutyPerson.objects.create(enterprise=chemical, user=manager, phone="")
    admin = world.actor("admin")
    grid = Region.objects.get(parent_id=world.YINHANG, level=RegionLevel.GRID)
    contact = recipients.contact_add
    built = {
        "silent": _street_user("yinhang_silent", world.YINHANG),
        "pingliang_officer": _street_user("pingliang_officer", world.PINGLIANG, "13900000003"),
        "block_leader": contact(
            by=admin,
            data={"region": grid, "name": "楼组长", "phone": "13900000001"},
        ),
        "clinic": contact(
            by=admin,
            data={
                "region": Region.objects.get(code=world.YINHANG),
                "name": "卫生站",
                "phone": "021-65000000",
            },
        ),
        "pingliang_contact": contact(
            by=admin,
            data={
                "region": Region.objects.get(code=world.PINGLIANG),
                "name": "物业",
                "phone": "13500000002",
            },
        ),
        "yinhang_subscriber": _subscriber("13400000001", regions=[world.YINHANG]),
        "email_subscriber": _subscriber(email="reader@example.cn", regions=[world.YINHANG]),
        "pending_subscriber": _subscriber("13400000005", regions=[world.YINHANG], confirmed=False),
        "district_subscriber": _subscriber("13400000002", regions=[world.YANGPU]),
        "pingliang_subscriber": _subscriber("13400000003", regions=[world.PINGLIANG]),
        "hongkou_subscriber": _subscriber("13400000004", regions=[world.HONGKOU]),
    }
    return built


# The addresses a warning for 殷行街道 reaches (and nobody else's), by list.
YINHANG_PHONES = {
    "13600000001",  # duty person
    "13900000001",  # street officer (and the 楼组长's number)
    "13900000002",  # grid member
    "02165000000",  # the clinic's landline
    "13700000001",  # yinhang_chemical
    "13700000002",  # yinhang_site
    "13400000001",  # subscriber to 殷行
    "13400000002",  # subscriber to 杨浦区
}
YINHANG_EMAILS = {"grid@yinhang.example.cn", "reader@example.cn"}
OUTSIDE_YINHANG = {
    "13900000003",
    "13500000002",
    "13700000003",
    "13700000004",
    "13400000003",
    "13400000004",
    "13400000005",
}


# --- warnings --------------------------------------------------------------------------------


def publish(*codes: str, **overrides):
    """A warning of 杨浦区 for the regions ``codes`` (no typed shape), drafted by the
    district official and approved by the leader — published, deliveries written."""
    composer, approver = world.actor("district_official"), world.actor("leader")
    data = alert_data(polygon="", areas=list(Region.objects.filter(code__in=codes)), **overrides)
    alert = services.alert_create(by=composer, data=data)
    alert = services.alert_submit(by=composer, alert_id=alert.pk, expected_version=alert.version)
    return services.alert_approve(by=approver, alert_id=alert.pk, expected_version=alert.version)
