"""What an operator runs scaled out, as the docs tell it: the OPA mode the compose file,
deploy/README.md and .env.example describe starts, and a service creates no Kafka topic
deploy/kafka/topics.yaml does not declare."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import pytest
import yaml
from aiokafka.admin import AIOKafkaAdminClient

from avhopp_shared.service_app import service_runtime
from avhopp_threat.app import definition
from avhopp_threat.settings import ThreatSettings
from tests.fixtures.broker import TansuBroker
from tests.test_compose_stack import (
    COMPOSE_FILE,
    SERVICES,
    TEST_ENV,
    TOPICS_FILE,
    environment_of,
    interpolate,
)

SETTINGS = {
    "intake": ("avhopp_intake.settings", "IntakeSettings"),
    "threat": ("avhopp_threat.settings", "ThreatSettings"),
    "social": ("avhopp_social.settings", "SocialSettings"),
    "followup": ("avhopp_followup.settings", "FollowupSettings"),
}


def _settings_class(name: str) -> type:
    module, cls = SETTINGS[name]
    return getattr(importlib.import_module(module), cls)  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", [*SERVICES, *(f"{s}-migrate" for s in SERVICES)])
def test_compose_passes_the_opa_url_that_the_docs_tell_the_operator_to_set(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docker-compose.yml (x-platform-env comment), deploy/README.md ("OPA") and
    deploy/.env.example all say: set AVHOPP_POLICY_ENGINE=opa and
    AVHOPP_OPA_URL=http://opa:8181 to ask the stack's OPA server. In .env both are
    only interpolation input; compose passes AVHOPP_POLICY_ENGINE into the containers
    but never AVHOPP_OPA_URL, so every service and migrate job refuses to start
    ("AVHOPP_OPA_URL must be set when policy_engine is opa")."""
    services = yaml.safe_load(COMPOSE_FILE.read_text())["services"]
    dotenv = TEST_ENV | {"AVHOPP_POLICY_ENGINE": "opa", "AVHOPP_OPA_URL": "http://opa:8181"}
    for key in list(os.environ):
        if key.startswith("AVHOPP_"):
            monkeypatch.delenv(key)
    for key, value in environment_of(services[name]).items():
        monkeypatch.setenv(key, interpolate(value, dotenv))
    settings = _settings_class(name.removesuffix("-migrate"))()
    assert settings.policy_engine == "opa"
    assert settings.opa_url == "http://opa:8181"


async def test_a_service_on_kafka_creates_no_topic_that_topics_yaml_does_not_declare(
    kafka_broker: TansuBroker, tmp_path: Path
) -> None:
    """deploy/README.md: "police get no responsibility.* event, and there is no
    avhopp.for-police.responsibility topic"; docker-compose.yml: "Topics come from
    deploy/kafka/topics.yaml (kafka-init), never from a typo." Every service's bus is
    built with every family x every audience (service_app._all_topics), so the first
    service to start creates avhopp.for-police.responsibility itself."""
    declared = {
        t["name"]: t["partitions"] for t in yaml.safe_load(TOPICS_FILE.read_text())["topics"]
    }
    # What kafka-init leaves behind: exactly the declared topics.
    kafka_broker.topics = dict(declared)
    kafka_broker.restart()
    settings = ThreatSettings(
        environment="test",
        bus="kafka",
        kafka_bootstrap_servers=kafka_broker.bootstrap_servers,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'threat.db'}",
        auto_migrate=True,
        var_dir=tmp_path,
        auth_local_issuer_for_tests=True,
        gc_freeze_after_start=False,
    )
    async with service_runtime(definition(settings)):
        pass
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_broker.bootstrap_servers)
    await admin.start()
    try:
        present = {t for t in await admin.list_topics() if t.startswith("avhopp.")}
    finally:
        await admin.close()
    assert present - declared.keys() == set()
