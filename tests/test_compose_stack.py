"""The distributed stack, checked without a Docker engine.

No machine of this project has a Docker engine, so ``docker-compose.yml`` and
``deploy/`` are never started here. These tests check what can be checked
without one: the structure of the compose file and the Kubernetes manifests,
that the topics declared are exactly those the code publishes to, that the Dockerfile
installs from the lockfile, and (with stand-ins for ``psql`` and the Kafka CLI)
what the PostgreSQL and Kafka init scripts would do.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic_settings import SettingsConfigDict
from sqlalchemy.engine import make_url

from avhopp_shared.events.export import publishers_of, reaches
from avhopp_shared.events.registry import EVENT_TYPES
from avhopp_shared.events.topics import AUDIENCES, audience_prefix, topic_for
from avhopp_shared.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DEPLOY = ROOT / "deploy"
DOCKERFILE = DEPLOY / "Dockerfile"
DOCKERIGNORE = DEPLOY / "Dockerfile.dockerignore"
IMAGE_WORKDIR = "/app"
TOPICS_FILE = DEPLOY / "kafka" / "topics.yaml"
CREATE_TOPICS = DEPLOY / "kafka" / "create-topics.sh"
POSTGRES_INIT = DEPLOY / "postgres" / "init"
K8S = DEPLOY / "k8s"

SERVICES: dict[str, int] = {"intake": 8001, "threat": 8002, "social": 8003, "followup": 8004}
KAFKA_BOOTSTRAP = "kafka:9092"
BROKERS_IN_STACK = 1

# What an operator would put into .env: test values for every required variable.
TEST_ENV = {
    "POSTGRES_PASSWORD": "superuser-test-pw",
    **{f"AVHOPP_{name.upper()}_DB_PASSWORD": f"{name}-test-pw" for name in SERVICES},
    "AVHOPP_AUTH_ISSUER": "https://idp.test/realms/avhopp",
    "AVHOPP_AUTH_JWKS_URL": "https://idp.test/realms/avhopp/certs",
    "AVHOPP_SOCIAL_KNOWN_PROVIDERS": "skyddat-boende-ab,kontaktpersoner-ab",
}

REQUIRED_REFERENCE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*):\?[^}]+\}")
SECRET_KEY = re.compile(r"PASSWORD|SECRET|TOKEN|CREDENTIAL|PRIVATE_KEY|API_KEY", re.IGNORECASE)
URL_CREDENTIALS = re.compile(
    r"[a-z][a-z0-9+.-]*://(?P<user>[^:/@\s]+):(?P<password>\$\{[^}]*\}|[^@\s]+)@"
)

needs_bash = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


# --------------------------------------------------------------------- helpers


class MissingVariableError(Exception):
    """What docker compose reports for an unset ``${VAR:?message}``."""


_INTERPOLATION = re.compile(
    r"\$(?:(?P<escaped>\$)"
    r"|\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}"
    r"|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))"
)


def interpolate(value: Any, env: Mapping[str, str]) -> str:
    """Substitute variables the way docker compose does (``$$``, ``-``, ``:-``, ``?``, ``:?``)."""

    def substitute(match: re.Match[str]) -> str:
        if match.group("escaped"):
            return "$"
        name = match.group("name") or match.group("bare")
        op, arg = match.group("op"), match.group("arg")
        current = env.get(name)
        if op in ("?", ":?"):
            if current is None or (op == ":?" and current == ""):
                raise MissingVariableError(f"{name}: {arg}")
            return current
        if op == ":-":
            return current or arg
        if op == "-":
            return arg if current is None else current
        return current or ""

    return _INTERPOLATION.sub(substitute, str(value))


def environment_of(service: Mapping[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def depends_on(service: Mapping[str, Any]) -> dict[str, str]:
    deps = service.get("depends_on") or {}
    assert isinstance(deps, dict), "depends_on must name a condition for every dependency"
    return {name: spec.get("condition", "service_started") for name, spec in deps.items()}


def healthcheck_text(service: Mapping[str, Any]) -> str:
    test = (service.get("healthcheck") or {}).get("test")
    assert test, "no healthcheck"
    return " ".join(test) if isinstance(test, list) else str(test)


def bind_mounts(service: Mapping[str, Any]) -> dict[str, str]:
    """Host path (relative to the repository) → container path, for bind mounts only."""
    mounts = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, dict):
            source, target = volume.get("source", ""), volume.get("target", "")
        else:
            source, target = volume.split(":")[:2]
        if source.startswith(("./", "../", "/")):
            mounts[source] = target
    return mounts


def strings_in(node: Any) -> Iterator[str]:
    """Every string value in a parsed YAML document (comments are not values)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings_in(value)


def required_variables(compose: Mapping[str, Any]) -> set[str]:
    return {
        match["name"] for text in strings_in(compose) for match in REQUIRED_REFERENCE.finditer(text)
    }


def make_executable(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(0o755)


def dockerfile_instructions() -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    instructions = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def stages() -> dict[str, list[tuple[str, str]]]:
    """The Dockerfile's instructions by stage name (``FROM … AS name``)."""
    found: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] = []
    for keyword, rest in dockerfile_instructions():
        if keyword == "FROM":
            current = found.setdefault(rest.split()[-1], [])
        else:
            current.append((keyword, rest))
    return found


def dockerignore_patterns() -> list[re.Pattern[str]]:
    """The ignore file's patterns (no ``!`` exceptions are used), as regular expressions
    on a context-relative path; a pattern that matches a folder excludes all in it."""
    patterns = []
    for line in DOCKERIGNORE.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        assert not line.startswith("!"), "exceptions are not modelled here"
        text = re.escape(line.strip("/"))
        text = text.replace(r"\*\*/", "(?:.*/)?").replace(r"\*\*", ".*")
        text = text.replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
        patterns.append(re.compile(rf"{text}(?:/.*)?"))
    return patterns


def in_context(relative: str) -> bool:
    """Whether BuildKit sends ``relative`` (a path from the repository root) to the build."""
    return not any(pattern.fullmatch(relative) for pattern in dockerignore_patterns())


def image_env(stage: str = "runtime") -> dict[str, str]:
    """The literal ``ENV`` values of a stage (those naming no variable)."""
    found = {}
    for keyword, rest in stages()[stage]:
        if keyword == "ENV":
            for key, value in re.findall(r'(\w+)=("[^"]*"|\S+)', rest):
                if "$" not in value:
                    found[key] = value.strip('"')
    return found


def lay_out_image(target: Path, service: str) -> Path:
    """``/app`` of ``service``'s image under ``target``: the build stage's ``COPY`` lines
    (the runtime stage copies ``/app`` whole), minus what the ignore file leaves out.
    uv installs the workspace members editable, so the sources stay where they are."""
    app = target / IMAGE_WORKDIR.strip("/")
    app.mkdir(parents=True)
    for keyword, rest in stages()["build"]:
        if keyword != "COPY" or rest.startswith("--from"):
            continue
        *sources, destination = rest.replace("${SERVICE}", service).split()
        for source in sources:
            _copy_into_image(source, app / destination, app, len(sources) > 1)
    return app


def _copy_into_image(source: str, destination: Path, app: Path, into_folder: bool) -> None:
    origin = ROOT / source
    if destination.as_posix().endswith("/") or into_folder or destination == app / ".":
        destination = destination / origin.name
    files = [origin] if origin.is_file() else sorted(p for p in origin.rglob("*") if p.is_file())
    for path in files:
        relative = path.relative_to(ROOT).as_posix()
        if in_context(relative):
            placed = destination / path.relative_to(origin) if path != origin else destination
            placed.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, placed)


def workspace_members() -> list[Path]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    members: list[Path] = []
    for pattern in pyproject["tool"]["uv"]["workspace"]["members"]:
        members += sorted(p for p in ROOT.glob(pattern) if (p / "pyproject.toml").is_file())
    return members


def k8s_documents() -> Iterator[tuple[Path, dict[str, Any]]]:
    for path in sorted(K8S.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            if document:
                yield path, document


def k8s_find(kind: str, name: str) -> dict[str, Any]:
    found = [
        doc for _, doc in k8s_documents() if doc["kind"] == kind and doc["metadata"]["name"] == name
    ]
    assert len(found) == 1, f"expected one {kind} {name}, found {len(found)}"
    return found[0]


# -------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE_FILE.read_text())
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = compose["services"]
    return found


@pytest.fixture(scope="module")
def topics() -> dict[str, dict[str, Any]]:
    declared = yaml.safe_load(TOPICS_FILE.read_text())["topics"]
    names = [topic["name"] for topic in declared]
    assert len(names) == len(set(names)), "a topic is declared twice"
    return {topic["name"]: topic for topic in declared}


def service_url(services: dict[str, dict[str, Any]], name: str) -> Any:
    raw = environment_of(services[name])[f"AVHOPP_{name.upper()}_DATABASE_URL"]
    return make_url(interpolate(raw, TEST_ENV))


# ----------------------------------------------------------------------- Kafka


def test_the_stack_runs_kafka_in_kraft_mode_without_zookeeper(services: dict[str, Any]) -> None:
    kafka = services["kafka"]
    env = environment_of(kafka)
    assert kafka["image"].startswith("apache/kafka:")
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    node_id = env["KAFKA_NODE_ID"]
    assert node_id.isdigit()
    voters = env["KAFKA_CONTROLLER_QUORUM_VOTERS"].split(",")
    assert f"{node_id}@kafka:9093" in voters
    assert env["CLUSTER_ID"], "the apache/kafka image needs CLUSTER_ID in KRaft mode"
    assert not any("zookeeper" in name.lower() for name in services)
    assert not any("zookeeper" in str(svc.get("image", "")).lower() for svc in services.values())
    assert not any("ZOOKEEPER" in key for svc in services.values() for key in environment_of(svc))


def test_kafka_listeners_include_the_controller_and_advertise_the_address_services_use(
    services: dict[str, Any],
) -> None:
    env = environment_of(services["kafka"])
    listeners = dict(item.split("://", 1) for item in env["KAFKA_LISTENERS"].split(","))
    advertised = dict(item.split("://", 1) for item in env["KAFKA_ADVERTISED_LISTENERS"].split(","))
    protocols = dict(
        item.split(":", 1) for item in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(",")
    )
    controller = env["KAFKA_CONTROLLER_LISTENER_NAMES"]
    assert controller == "CONTROLLER"
    assert controller in listeners
    assert listeners[controller].endswith(":9093")
    assert controller not in advertised, "a controller listener is never advertised to clients"
    assert set(listeners) <= set(protocols)
    assert set(advertised) <= set(listeners)
    assert KAFKA_BOOTSTRAP in advertised.values()
    assert env.get("KAFKA_INTER_BROKER_LISTENER_NAME", "PLAINTEXT") in advertised


def test_kafka_refuses_to_auto_create_topics_and_has_a_healthcheck(
    services: dict[str, Any],
) -> None:
    kafka = services["kafka"]
    assert environment_of(kafka)["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert "9092" in healthcheck_text(kafka)
    assert any(target == "/var/lib/kafka/data" for target in _volume_targets(kafka))


def _volume_targets(service: Mapping[str, Any]) -> list[str]:
    return [
        v.split(":")[1] if isinstance(v, str) else v["target"] for v in service.get("volumes", [])
    ]


def test_topics_are_created_by_a_one_shot_job_from_topics_yaml(services: dict[str, Any]) -> None:
    init = services["kafka-init"]
    assert init["image"] == services["kafka"]["image"]
    assert depends_on(init) == {"kafka": "service_healthy"}
    assert init.get("restart", "no") == "no"
    mounts = bind_mounts(init)
    assert mounts.get("./deploy/kafka"), "deploy/kafka is not mounted into kafka-init"
    container_dir = mounts["./deploy/kafka"]
    command = " ".join([*init.get("entrypoint", []), *init.get("command", [])])
    assert f"{container_dir}/{CREATE_TOPICS.name}" in command
    env = environment_of(init)
    assert env["TOPICS_FILE"] == f"{container_dir}/{TOPICS_FILE.name}"
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == KAFKA_BOOTSTRAP


def owner_agencies() -> dict[str, str]:
    """Service → the agency it acts for (``owner_agency`` in services/<name>/.../app.py)."""
    found = {}
    for name in SERVICES:
        app = ROOT / "services" / name / "src" / f"avhopp_{name}" / "app.py"
        (agency,) = re.findall(r"owner_agency=\"(\w+)\"", app.read_text())
        found[name] = agency
    return found


def constructed_event_types(source: Path) -> set[str]:
    """The event types whose payload the Python code under ``source`` builds."""
    names = "|".join(model.__name__ for model in EVENT_TYPES.values())
    built = re.compile(rf"(?<!class )\b({names})(?:\(|\.model_validate|\.model_construct)")
    by_name = {model.__name__: event_type for event_type, model in EVENT_TYPES.items()}
    return {
        by_name[match[1]]
        for path in source.rglob("*.py")
        if path.relative_to(ROOT).as_posix() not in DISCLOSES_WITHOUT_PUBLISHING
        for match in built.finditer(path.read_text())
    }


#: Modules that build another agency's payload only to disclose a record kept as its
#: publisher sent it (follow-up's copy of how police ended an exit), never to emit it.
DISCLOSES_WITHOUT_PUBLISHING = frozenset(
    {"services/followup/src/avhopp_followup/entrypoints/exit_parts.py"}
)


def test_a_module_that_only_discloses_another_agencys_payload_emits_nothing() -> None:
    # What the contract test above leaves out of its search must stay true.
    for name in DISCLOSES_WITHOUT_PUBLISHING:
        assert ".emit(" not in (ROOT / name).read_text(), name


def test_the_audiences_are_the_agencies_that_run_services() -> None:
    assert set(AUDIENCES) == set(owner_agencies().values())
    # An ACL on one agency's prefix never covers another agency's topics.
    for audience in AUDIENCES:
        for other in AUDIENCES:
            if other != audience:
                assert not audience_prefix(other).startswith(audience_prefix(audience))


def test_the_topics_declared_are_exactly_those_the_code_can_publish_to(
    topics: dict[str, dict[str, Any]],
) -> None:
    assert EVENT_TYPES, "no event types registered"
    # Every event is written once per receiving agency it reaches, each copy on
    # that agency's topic (none where all it would carry is the case reference).
    used = {
        topic_for(event_type, audience)
        for event_type in EVENT_TYPES
        for audience in AUDIENCES
        if reaches(event_type, audience)
    }
    missing = sorted(used - topics.keys())
    unused = sorted(topics.keys() - used)
    assert not missing, (
        f"topics the code publishes to, not declared in {TOPICS_FILE.name}: {missing}"
    )
    assert not unused, f"topics declared in {TOPICS_FILE.name} that nothing publishes to: {unused}"


def test_every_topic_names_its_family_and_the_agency_that_may_read_it(
    topics: dict[str, dict[str, Any]],
) -> None:
    agencies = owner_agencies()
    for name, topic in topics.items():
        audience = topic["audience"]
        assert audience in AUDIENCES, name
        assert name == topic_for(f"{topic['family']}.any", audience), name
        # The prefixed ACL of the audience, and of no other agency, grants it.
        granted = [a for a in AUDIENCES if name.startswith(audience_prefix(a))]
        assert granted == [audience], name
        description = topic["description"]
        assert f"({topic['family']}." in description, name
        readers = [
            f"avhopp.{service}" for service, agency in agencies.items() if agency == audience
        ]
        for group in readers:
            assert group in description, (name, group)
        others = [f"avhopp.{s}" for s, agency in agencies.items() if agency != audience]
        for group in others:
            assert not re.search(rf"{re.escape(group)}\b", description), (name, group)


def test_the_contract_knows_which_agencies_publish_each_event_type() -> None:
    # The AsyncAPI document describes an agency's copy as cut or whole by who
    # publishes the event (events.export.publishers_of): compared here with the
    # code that builds each payload. A payload the shared library builds (the
    # gate's protected-location alert) is published by every service.
    agencies = owner_agencies()
    every_agency = set(agencies.values())
    found: dict[str, set[str]] = {event_type: set() for event_type in EVENT_TYPES}
    for service, agency in agencies.items():
        for event_type in constructed_event_types(ROOT / "services" / service / "src"):
            found[event_type].add(agency)
    for event_type in constructed_event_types(ROOT / "shared" / "src"):
        found[event_type] |= every_agency
    never_built = sorted(event_type for event_type, found_by in found.items() if not found_by)
    assert not never_built, f"no code builds these payloads: {never_built}"
    for event_type, agencies_found in found.items():
        assert publishers_of(event_type) == agencies_found, event_type


def test_every_topic_declares_partitions_replication_retention_cleanup_and_the_case_id_key(
    topics: dict[str, dict[str, Any]],
) -> None:
    assert yaml.safe_load(TOPICS_FILE.read_text())["key"] == "case_id"
    for name, topic in topics.items():
        assert name.startswith("avhopp."), name
        assert topic["key"] == "case_id", name
        assert isinstance(topic["partitions"], int), name
        assert topic["partitions"] >= 1, name
        assert isinstance(topic["replication_factor"], int), name
        assert 1 <= topic["replication_factor"] <= BROKERS_IN_STACK, name
        config = topic["config"]
        # Keyed by case id: compaction would keep only a case's last event.
        assert config["cleanup.policy"] == "delete", name
        assert isinstance(config["retention.ms"], int), name
        assert config["retention.ms"] > 0, name
        assert config.get("min.insync.replicas", 1) <= topic["replication_factor"], name


def test_topic_partitions_and_replication_match_what_the_services_are_told(
    services: dict[str, Any], topics: dict[str, dict[str, Any]]
) -> None:
    for name in SERVICES:
        env = environment_of(services[name])
        for topic in topics.values():
            assert topic["partitions"] == int(env["AVHOPP_KAFKA_PARTITIONS"]), (name, topic["name"])
            assert topic["replication_factor"] == int(env["AVHOPP_KAFKA_REPLICATION_FACTOR"])


@needs_bash
def test_the_topic_init_script_creates_exactly_the_declared_topics(
    tmp_path: Path, topics: dict[str, dict[str, Any]]
) -> None:
    log = tmp_path / "calls.log"
    stub = (
        "#!/usr/bin/env bash\n"
        'printf "%s\\x1f" "$(basename "$0")" "$@" >> "$STUB_LOG"\n'
        'echo >> "$STUB_LOG"\n'
    )
    make_executable(tmp_path / "kafka-topics.sh", stub)
    make_executable(tmp_path / "kafka-configs.sh", stub)
    env = {
        "PATH": os.environ["PATH"],
        "STUB_LOG": str(log),
        "KAFKA_BIN": str(tmp_path),
        "TOPICS_FILE": str(TOPICS_FILE),
        "KAFKA_BOOTSTRAP_SERVERS": KAFKA_BOOTSTRAP,
    }
    subprocess.run(
        ["bash", str(CREATE_TOPICS)], env=env, check=True, capture_output=True, timeout=60
    )

    calls = [line.rstrip("\x1f").split("\x1f") for line in log.read_text().splitlines()]
    created: dict[str, dict[str, Any]] = {}
    for tool, *args in calls:
        assert args[:2] == ["--bootstrap-server", KAFKA_BOOTSTRAP]
        if tool == "kafka-topics.sh" and "--create" in args:
            assert "--if-not-exists" in args, "re-running the init job must not fail"
            options = list(zip(args[::2], args[1::2], strict=False))
            name = args[args.index("--topic") + 1]
            created[name] = {
                "partitions": int(args[args.index("--partitions") + 1]),
                "replication_factor": int(args[args.index("--replication-factor") + 1]),
                "config": dict(v.split("=", 1) for k, v in options if k == "--config"),
            }
    expected = {
        name: {
            "partitions": topic["partitions"],
            "replication_factor": topic["replication_factor"],
            "config": {key: str(value) for key, value in topic["config"].items()},
        }
        for name, topic in topics.items()
    }
    assert created == expected


# ------------------------------------------------------------------ PostgreSQL


def test_postgres_runs_version_15_or_16_with_the_init_scripts_and_a_tcp_healthcheck(
    services: dict[str, Any],
) -> None:
    postgres = services["postgres"]
    assert re.fullmatch(r"postgres:1[56](\.\d+)?(-[a-z0-9]+)?", postgres["image"])
    assert bind_mounts(postgres).get("./deploy/postgres/init") == "/docker-entrypoint-initdb.d"
    # The init phase listens on the Unix socket only: a TCP check is not fooled by it.
    assert re.search(r"pg_isready .*-h 127\.0\.0\.1", healthcheck_text(postgres))


@needs_bash
def test_each_services_database_and_role_are_created_by_the_postgres_init_script(
    tmp_path: Path, services: dict[str, Any]
) -> None:
    calls = tmp_path / "calls"
    calls.mkdir()
    make_executable(
        tmp_path / "psql",
        "#!/usr/bin/env bash\n"
        'n=$(find "$STUB_DIR" -name "*.args" | wc -l)\n'
        'printf "%s\\n" "$@" > "$STUB_DIR/$n.args"\n'
        'cat > "$STUB_DIR/$n.sql"\n',
    )
    container_env = {
        k: interpolate(v, TEST_ENV) for k, v in environment_of(services["postgres"]).items()
    }
    env = {**container_env, "PATH": f"{tmp_path}:{os.environ['PATH']}", "STUB_DIR": str(calls)}
    sql_files = []
    for script in sorted(POSTGRES_INIT.iterdir()):
        if script.suffix == ".sh":
            subprocess.run(
                ["bash", str(script)], env=env, check=True, capture_output=True, timeout=60
            )
        elif script.suffix == ".sql":
            sql_files.append(script.read_text())
    invocations = [
        (args.read_text().splitlines(), args.with_suffix(".sql").read_text())
        for args in sorted(calls.glob("*.args"))
    ]
    all_sql = "\n".join([*sql_files, *(sql for _, sql in invocations)])

    for name in SERVICES:
        url = service_url(services, name)
        assert url.password, name
        assert url.password not in all_sql, "a password is written into SQL text"
        creating = [
            sql
            for args, sql in invocations
            if any(arg.endswith(f"={url.password}") for arg in args)
        ]
        assert creating, f"the init script never receives {name}'s password"
        sql = creating[0]
        assert re.search(r"CREATE ROLE", sql, re.IGNORECASE)
        assert re.search(r"CREATE DATABASE", sql, re.IGNORECASE)
        assert re.search(rf"\b{url.username}\b", sql), name
        assert re.search(rf"\b{url.database}\b", sql), name
        assert re.search(rf"REVOKE ALL ON DATABASE \"?{url.database}\"? FROM PUBLIC", sql), name


# -------------------------------------------------------------------- services


def test_every_service_depends_on_healthy_postgres_and_kafka_and_has_a_readyz_healthcheck(
    services: dict[str, Any],
) -> None:
    for name, port in SERVICES.items():
        deps = depends_on(services[name])
        assert deps["postgres"] == "service_healthy", name
        assert deps["kafka"] == "service_healthy", name
        check = healthcheck_text(services[name])
        assert f"127.0.0.1:{port}/readyz" in check, name
        assert services[name]["restart"] in ("unless-stopped", "always"), name


def test_every_service_serves_only_after_its_migrations_and_the_topics_exist(
    services: dict[str, Any],
) -> None:
    for name in SERVICES:
        deps = depends_on(services[name])
        assert deps[f"{name}-migrate"] == "service_completed_successfully", name
        assert deps["kafka-init"] == "service_completed_successfully", name


def test_every_migrate_job_migrates_its_own_service_once_postgres_is_healthy(
    services: dict[str, Any],
) -> None:
    for name in SERVICES:
        job = services[f"{name}-migrate"]
        assert job["command"] == ["python", "-m", f"avhopp_{name}", "migrate"]
        assert depends_on(job)["postgres"] == "service_healthy"
        assert job.get("restart", "no") == "no"
        assert job["build"] == services[name]["build"]
        assert job["image"] == services[name]["image"]
        assert environment_of(job) == environment_of(services[name])


def test_every_service_gets_its_own_database_url_and_the_kafka_bus(
    services: dict[str, Any],
) -> None:
    databases = set()
    users = set()
    for name, port in SERVICES.items():
        env = environment_of(services[name])
        assert env["AVHOPP_ENVIRONMENT"] == "production"
        assert env["AVHOPP_BUS"] == "kafka"
        assert env["AVHOPP_KAFKA_BOOTSTRAP_SERVERS"] == KAFKA_BOOTSTRAP
        assert env["AVHOPP_AUTO_MIGRATE"] == "false"
        assert env[f"AVHOPP_{name.upper()}_HOST"] == "0.0.0.0"
        assert env[f"AVHOPP_{name.upper()}_PORT"] == str(port)
        url = service_url(services, name)
        assert url.drivername == "postgresql+asyncpg"
        assert (url.host, url.port, url.database) == ("postgres", 5432, f"avhopp_{name}")
        databases.add(url.database)
        users.add(url.username)
    assert len(databases) == len(users) == len(SERVICES)


def test_no_service_is_given_another_services_database_url(services: dict[str, Any]) -> None:
    for name in [*SERVICES, *(f"{s}-migrate" for s in SERVICES)]:
        own = f"AVHOPP_{name.removesuffix('-migrate').upper()}_DATABASE_URL"
        urls = {key for key in environment_of(services[name]) if key.endswith("DATABASE_URL")}
        assert urls == {own}, name


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_the_settings_read_the_compose_environment_as_a_production_kafka_service(
    name: str, services: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in list(os.environ):
        if key.startswith("AVHOPP_"):
            monkeypatch.delenv(key)
    for key, value in environment_of(services[name]).items():
        monkeypatch.setenv(key, interpolate(value, TEST_ENV))
    settings_class = type(
        f"{name.title()}ComposeSettings",
        (ServiceSettings,),
        {
            "model_config": SettingsConfigDict(
                env_prefix=f"AVHOPP_{name.upper()}_", extra="ignore", env_ignore_empty=True
            ),
            "service_name": name,
            "default_port": SERVICES[name],
        },
    )
    settings = settings_class()
    assert settings.environment == "production"
    assert settings.bus == "kafka"
    assert settings.kafka_bootstrap_servers == KAFKA_BOOTSTRAP
    assert settings.host == "0.0.0.0"
    assert settings.resolved_port == SERVICES[name]
    assert not settings.is_sqlite
    assert not settings.should_auto_migrate
    assert settings.resolved_database_url == str(
        service_url(services, name).render_as_string(False)
    )
    assert settings.consumer_group == f"avhopp.{name}"


def _social_compose_environment(
    services: dict[str, Any], monkeypatch: pytest.MonkeyPatch, without: str | None = None
) -> None:
    """The process environment of the compose stack's social service, ``without`` one
    of its variables (left unset in .env and dropped from the service's environment)."""
    for key in list(os.environ):
        if key.startswith("AVHOPP_"):
            monkeypatch.delenv(key)
    env = {k: v for k, v in TEST_ENV.items() if k != without}
    for key, value in environment_of(services["social"]).items():
        if key != without:
            monkeypatch.setenv(key, interpolate(value, env))


def test_social_services_in_the_stack_know_the_providers_they_may_commission(
    services: dict[str, Any], monkeypatch: pytest.MonkeyPatch, compose: dict[str, Any]
) -> None:
    from avhopp_social.settings import SocialSettings

    # In production the demo providers never stand in: without the list every
    # commission is refused on provider_organisation.
    assert "AVHOPP_SOCIAL_KNOWN_PROVIDERS" in required_variables(compose)
    _social_compose_environment(services, monkeypatch)
    assert SocialSettings().providers == {"skyddat-boende-ab", "kontaktpersoner-ab"}
    config = k8s_find("ConfigMap", "avhopp-social")["data"]
    assert config["AVHOPP_SOCIAL_KNOWN_PROVIDERS"].strip()
    assert "AVHOPP_SOCIAL_KNOWN_PROVIDERS" in (ROOT / "README.md").read_text()


def test_social_services_refuse_to_start_in_production_without_known_providers(
    services: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from avhopp_social.settings import SocialSettings

    _social_compose_environment(services, monkeypatch, without="AVHOPP_SOCIAL_KNOWN_PROVIDERS")
    with pytest.raises(ValueError, match="AVHOPP_SOCIAL_KNOWN_PROVIDERS must be set in production"):
        SocialSettings()
    monkeypatch.setenv("AVHOPP_SOCIAL_KNOWN_PROVIDERS", "")
    with pytest.raises(ValueError, match="AVHOPP_SOCIAL_KNOWN_PROVIDERS must be set in production"):
        SocialSettings()


def test_the_services_are_built_from_one_dockerfile_and_run_modules_that_exist(
    services: dict[str, Any],
) -> None:
    for name in SERVICES:
        service = services[name]
        build = service["build"]
        assert (ROOT / build["context"]).resolve() == ROOT
        assert (ROOT / build["context"] / build["dockerfile"]).resolve() == DOCKERFILE
        assert build["args"]["SERVICE"] == name
        assert service["command"] == ["python", "-m", f"avhopp_{name}", "serve"]
        package = ROOT / "services" / name / "src" / f"avhopp_{name}"
        assert package.is_dir(), f"{package} does not exist"
        project = tomllib.loads((ROOT / "services" / name / "pyproject.toml").read_text())
        assert project["project"]["name"] == f"avhopp-{name}", (
            "the Dockerfile syncs --package avhopp-<name>"
        )


def test_the_opa_server_loads_the_policies_directory(services: dict[str, Any]) -> None:
    opa = services["opa"]
    assert opa["image"].startswith("openpolicyagent/opa:")
    command = opa["command"]
    assert command[0] == "run"
    assert "--server" in command
    # OPA 1.x listens on localhost unless told otherwise.
    assert any(arg.startswith("--addr=0.0.0.0:") for arg in command)
    target = bind_mounts(opa)["./policies"]
    assert target in command


def test_every_path_the_compose_file_mounts_or_builds_from_exists(services: dict[str, Any]) -> None:
    for name, service in services.items():
        for source in bind_mounts(service):
            assert (ROOT / source).exists(), f"{name} mounts missing {source}"
        if "build" in service:
            assert (ROOT / service["build"]["context"] / service["build"]["dockerfile"]).is_file()


# --------------------------------------------------------------------- secrets


def test_no_plaintext_secret_in_the_compose_file(services: dict[str, Any]) -> None:
    for name, service in services.items():
        for key, value in environment_of(service).items():
            if SECRET_KEY.search(key):
                assert REQUIRED_REFERENCE.fullmatch(value), f"{name}: {key} is not a ${{VAR:?...}}"
    # The raw text, comments included: no credentials in a URL anywhere.
    credentials = list(URL_CREDENTIALS.finditer(COMPOSE_FILE.read_text()))
    assert len(credentials) >= len(SERVICES)
    for match in credentials:
        assert REQUIRED_REFERENCE.fullmatch(match["password"]), f"plaintext password in {match[0]}"


def test_the_stack_refuses_to_start_while_a_password_is_unset(
    compose: dict[str, Any], services: dict[str, Any]
) -> None:
    required = required_variables(compose)
    assert required == set(TEST_ENV)
    for variable in required:
        env = {k: v for k, v in TEST_ENV.items() if k != variable}
        failed = False
        for service in services.values():
            for value in environment_of(service).values():
                try:
                    interpolate(value, env)
                except MissingVariableError:
                    failed = True
        assert failed, variable


def test_every_required_variable_is_documented_and_has_only_a_placeholder_example(
    compose: dict[str, Any],
) -> None:
    readme = (DEPLOY / "README.md").read_text()
    example = dict(
        line.split("=", 1)
        for line in (DEPLOY / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    for variable in required_variables(compose):
        assert variable in readme
        assert example[variable].startswith("change-me"), variable
    assert "Docker engine" in readme


# ------------------------------------------------------------------ Dockerfile


def test_the_dockerfile_installs_the_workspace_from_the_lockfile() -> None:
    instructions = dockerfile_instructions()
    global_args = {}
    for keyword, rest in instructions:
        if keyword == "FROM":
            break
        if keyword == "ARG" and "=" in rest:
            key, value = rest.split("=", 1)
            global_args[key] = value
    bases = [
        re.sub(r"\$\{(\w+)\}", lambda m: global_args.get(m[1], m[0]), rest.split()[0])
        for keyword, rest in instructions
        if keyword == "FROM"
    ]
    assert bases[-1].startswith("python:3.11-slim"), bases

    copies = " ".join(rest for keyword, rest in instructions if keyword == "COPY")
    assert "uv.lock" in copies
    for member in workspace_members():
        assert f"{member.relative_to(ROOT)}/pyproject.toml" in copies, member

    runs = [rest for keyword, rest in instructions if keyword == "RUN"]
    syncs = [sync for run in runs for sync in re.findall(r"uv sync[^&;|]*", run)]
    assert syncs, "the Dockerfile never runs uv sync"
    for sync in syncs:
        assert re.search(r"--frozen|--locked", sync), sync
        assert "--no-dev" in sync, sync
    for run in runs:
        assert not re.search(r"\bpip install|uv add", run), f"install bypassing uv.lock: {run}"
    for name in SERVICES:
        assert any(re.search(rf"\b{name}\b", run) for run in runs), f"SERVICE={name} rejected"


def test_the_runtime_image_carries_the_policies_and_names_them() -> None:
    # Every service and migrate job evaluates policies/ and reads its field
    # catalogue at start (ACCESS.md: no disclosure without a policy decision).
    build = stages()["build"]
    assert any(
        keyword == "COPY" and rest.split() == ["policies", "policies"] for keyword, rest in build
    ), "the build stage does not copy policies/"
    assert ("COPY", "--from=build /app /app") in stages()["runtime"]
    for name in ("data/matrix.json", "data/catalogue.json", "data/actions.json"):
        assert in_context(f"policies/{name}"), f"the ignore file leaves out policies/{name}"
    rego = [p.relative_to(ROOT).as_posix() for p in (ROOT / "policies").rglob("*.rego")]
    assert any(in_context(path) for path in rego if not path.endswith("_test.rego"))
    assert image_env()["AVHOPP_POLICIES_DIR"] == f"{IMAGE_WORKDIR}/policies"


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_a_service_laid_out_as_in_its_image_finds_its_policies_and_catalogue(
    name: str, services: dict[str, Any], tmp_path: Path
) -> None:
    app = lay_out_image(tmp_path, name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AVHOPP_")}
    env |= {k: v for k, v in image_env().items() if k.startswith("AVHOPP_")}
    # The image names /app/policies; here /app is a folder under tmp_path.
    env["AVHOPP_POLICIES_DIR"] = str(app / "policies")
    for key, value in environment_of(services[name]).items():
        env[key] = interpolate(value, TEST_ENV)
    env["PYTHONPATH"] = os.pathsep.join([f"{app}/shared/src", f"{app}/services/{name}/src"])
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    # What `python -m avhopp_<svc> serve` and `... migrate` read before they open
    # any connection: the settings, the policy engine, the field catalogue and the
    # event audiences a migration cuts events by.
    code = f"""
import avhopp_shared
assert avhopp_shared.__file__.startswith({str(app)!r}), avhopp_shared.__file__
from avhopp_{name}.app import definition
from avhopp_shared.access.event_audiences import platform_audiences
from avhopp_shared.security_wiring import field_catalogue, policy_engine
settings = definition().settings
policy_engine(settings)
field_catalogue(settings)
platform_audiences()
print("started")
"""
    ran = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=app, capture_output=True, text=True, check=False
    )
    assert ran.returncode == 0, ran.stderr.strip().splitlines()[-1:]
    assert ran.stdout.strip() == "started"


# ------------------------------------------------------------------ Kubernetes


@pytest.mark.parametrize("path", sorted(K8S.glob("*.yaml")), ids=lambda p: p.name)
def test_every_k8s_manifest_parses_as_yaml_and_names_its_kind(path: Path) -> None:
    documents = [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    assert documents
    for document in documents:
        assert document["apiVersion"]
        assert document["kind"]
        if document["kind"] != "Kustomization":
            assert document["metadata"]["name"]


def test_the_kustomization_lists_every_manifest() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    listed = set(kustomization["resources"])
    present = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == present


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_k8s_deployment_is_ready_on_readyz_and_alive_on_healthz(name: str) -> None:
    deployment = k8s_find("Deployment", f"avhopp-{name}")
    pod = deployment["spec"]["template"]
    assert (
        deployment["spec"]["selector"]["matchLabels"].items() <= pod["metadata"]["labels"].items()
    )
    (container,) = pod["spec"]["containers"]
    assert container["command"] == ["python", "-m", f"avhopp_{name}", "serve"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
        get = container[probe]["httpGet"]
        assert get["path"] == path, probe
        port = ports.get(get["port"], get["port"])
        assert port == SERVICES[name], probe
    (migrate,) = pod["spec"]["initContainers"]
    assert migrate["command"] == ["python", "-m", f"avhopp_{name}", "migrate"]
    assert migrate["image"] == container["image"]

    service = k8s_find("Service", name)
    assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    (service_port,) = service["spec"]["ports"]
    assert ports.get(service_port["targetPort"], service_port["targetPort"]) == SERVICES[name]


def test_k8s_database_urls_come_from_secret_references_not_secret_values() -> None:
    for path, document in k8s_documents():
        assert document["kind"] != "Secret", f"{path.name} contains a Secret"
        if document["kind"] == "ConfigMap":
            for key in document["data"]:
                assert "DATABASE_URL" not in key
                assert not SECRET_KEY.search(key), key
    for name in SERVICES:
        pod = k8s_find("Deployment", f"avhopp-{name}")["spec"]["template"]["spec"]
        for container in [*pod["containers"], *pod["initContainers"]]:
            env = {item["name"]: item for item in container["env"]}
            url = env[f"AVHOPP_{name.upper()}_DATABASE_URL"]
            assert "value" not in url
            assert url["valueFrom"]["secretKeyRef"]["name"] == f"avhopp-{name}-db"
            others = {k for k in env if k.endswith("_DATABASE_URL")} - {url["name"]}
            assert not others, others


def test_k8s_config_maps_give_each_service_its_port_and_the_kafka_bus() -> None:
    platform = k8s_find("ConfigMap", "avhopp-platform")["data"]
    assert platform["AVHOPP_ENVIRONMENT"] == "production"
    assert platform["AVHOPP_BUS"] == "kafka"
    assert platform["AVHOPP_AUTO_MIGRATE"] == "false"
    for name, port in SERVICES.items():
        data = k8s_find("ConfigMap", f"avhopp-{name}")["data"]
        assert data[f"AVHOPP_{name.upper()}_PORT"] == str(port)
        pod = k8s_find("Deployment", f"avhopp-{name}")["spec"]["template"]["spec"]
        for container in [*pod["containers"], *pod["initContainers"]]:
            sources = {ref["configMapRef"]["name"] for ref in container["envFrom"]}
            assert sources == {"avhopp-platform", f"avhopp-{name}"}
