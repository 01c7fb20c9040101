"""Brokers of the monitoring tests' own (the shipped configurations on free ports, see
``testsupport.brokers``) and the ingest account the workers log in with."""

import pytest

from anjian.monitoring import ingest
from testsupport.brokers import (
    INGEST_PASSWORD,
    INGEST_USER,
    MosquittoServer,
    NatsServer,
)


@pytest.fixture(scope="module")
def nats_server(tmp_path_factory):
    server = NatsServer(tmp_path_factory.mktemp("nats")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def mosquitto(tmp_path_factory):
    server = MosquittoServer(tmp_path_factory.mktemp("mosquitto")).start()
    yield server
    server.stop()


@pytest.fixture
def ingest_account(settings):
    """The ingest workers' login (what ANJIAN_BROKER_USER/PASSWORD say), and a device
    registry read afresh."""
    settings.BROKER_USER = INGEST_USER
    settings.BROKER_PASSWORD = INGEST_PASSWORD
    ingest.registry.clear()
