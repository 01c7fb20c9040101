"""The telemetry simulator (a demo aid, ``anjian simulate``): realistic readings for
registered devices, over MQTT or HTTP. Nothing in the platform's own paths imports it.

``generator`` is pure signal generation (``Generator``: what device *i* reports at time *t*,
with the deliberate misbehaviours by position — the table is in its docstring);
``transports`` carries reports (``MqttTransport``, ``HttpTransport``, message and topic
formats); ``runner`` drives a transport at a rate (``Runner``); ``devices`` is the database
side (``load_devices``, fresh tokens and logins); ``duty`` is the demo's duty persons
acknowledging and disposing part of the alarms through the services (``DutyDesk``).
The names below are the public ones; import them from ``anjian.monitoring.simulator``.
"""

from anjian.monitoring.simulator.devices import (
    device_logins,
    gateway_logins,
    issue_tokens,
    load_devices,
)
from anjian.monitoring.simulator.duty import DutyDesk, Handled, duty_round
from anjian.monitoring.simulator.generator import (
    CST,
    FLAT,
    FLAT_CYCLE,
    FLAT_FOR,
    IMPOSSIBLE,
    IMPOSSIBLE_CYCLE,
    IMPOSSIBLE_FOR,
    MISBEHAVE,
    PROFILES,
    RAMP,
    SILENT,
    SILENT_CYCLE,
    SILENT_FOR,
    SPIKE_CYCLE,
    SPIKES,
    TRIP_PERIOD,
    DeviceSpec,
    Generator,
    Limit,
    MetricSpec,
    Profile,
    iso,
    roles_for,
)
from anjian.monitoring.simulator.runner import Runner, Stats
from anjian.monitoring.simulator.transports import (
    TOPIC_PREFIX,
    Delivery,
    HttpTransport,
    Logins,
    MqttTransport,
    Report,
    Unreachable,
    device_topic,
    encode,
    gateway_topic,
    mqtt_messages,
)

__all__ = [
    "CST",
    "FLAT",
    "FLAT_CYCLE",
    "FLAT_FOR",
    "IMPOSSIBLE",
    "IMPOSSIBLE_CYCLE",
    "IMPOSSIBLE_FOR",
    "MISBEHAVE",
    "PROFILES",
    "RAMP",
    "SILENT",
    "SILENT_CYCLE",
    "SILENT_FOR",
    "SPIKES",
    "SPIKE_CYCLE",
    "TOPIC_PREFIX",
    "TRIP_PERIOD",
    "Delivery",
    "DeviceSpec",
    "DutyDesk",
    "Generator",
    "Handled",
    "HttpTransport",
    "Limit",
    "Logins",
    "MetricSpec",
    "MqttTransport",
    "Profile",
    "Report",
    "Runner",
    "Stats",
    "Unreachable",
    "device_logins",
    "device_topic",
    "duty_round",
    "encode",
    "gateway_logins",
    "gateway_topic",
    "iso",
    "issue_tokens",
    "load_devices",
    "mqtt_messages",
    "roles_for",
]
