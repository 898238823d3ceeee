"""Targets, the printed table and the JSON file."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).parent / "results"

KAFKA_VS_FLOOR_MAX = 3.0
RELAY_VS_RAW_MIN = 0.25
INPROCESS_P50_MAX_MS = 10.0
GOVERNED_VS_BARE_MAX = 1.25
DECISION_UNCACHED_MAX_US = 50.0
DECISION_CACHED_MAX_US = 5.0
RIVAL_P50_MAX_MS = 5.0
TIMELINE_P50_MAX_MS = 50.0
ISU_P50_MAX_S = 1.0

#: (JSON key, label) of the reads compared in the access-path section.
ACCESS_READS = (
    ("bare", "bare read: same row, no auth/policy/audit"),
    ("bare_audited", "bare read + one audit entry committed"),
    ("governed_social", "governed: social services (owner)"),
    ("governed_police", "governed: police (consent)"),
)


def _get(tree: dict[str, Any], *path: str) -> Any:
    node: Any = tree
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _target(
    name: str, measured: float | None, limit: float, *, at_most: bool, unit: str, detail: str
) -> dict[str, Any]:
    if measured is None or math.isnan(measured):
        verdict = "N/A"
    elif at_most:
        verdict = "PASS" if measured <= limit else "FAIL"
    else:
        verdict = "PASS" if measured >= limit else "FAIL"
    return {
        "target": name,
        "measured": None if measured is None else round(measured, 3),
        "limit": limit,
        "comparison": "<=" if at_most else ">=",
        "unit": unit,
        "detail": detail,
        "result": verdict,
    }


def evaluate_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    targets = []
    floor_p50 = _get(results, "kafka_floor", "latency_ms", "p50")
    for mode, label in (
        ("distributed_processes", "one process per service"),
        ("distributed", "all services in one process"),
    ):
        kafka_p50 = _get(results, "event_path", mode, "latency_ms", "p50")
        ratio = kafka_p50 / floor_p50 if kafka_p50 and floor_p50 else None
        targets.append(
            _target(
                f"Kafka event-path p50 <= 3x raw floor p50 ({label})",
                ratio,
                KAFKA_VS_FLOOR_MAX,
                at_most=True,
                unit="x",
                detail=f"{_fmt(kafka_p50)} ms / {_fmt(floor_p50)} ms",
            )
        )
    raw = _get(results, "throughput", "raw_produce", "events_per_s")
    relays = _get(results, "throughput", "relay_postgres_kafka") or {}
    for index, (batch, figures) in enumerate(relays.items()):
        relay = figures.get("events_per_s") if isinstance(figures, dict) else None
        share = relay / raw if relay and raw else None
        label = "default" if index == 0 else "alternative"
        targets.append(
            _target(
                f"Relay throughput >= 25% of raw produce (batch {batch}, {label})",
                share,
                RELAY_VS_RAW_MIN,
                at_most=False,
                unit="share",
                detail=f"{_fmt(relay, 0)} / {_fmt(raw, 0)} events/s",
            )
        )
    inprocess_p50 = _get(results, "event_path", "embedded", "latency_ms", "p50")
    targets.append(
        _target(
            "In-process event-path p50 <= 10 ms",
            inprocess_p50,
            INPROCESS_P50_MAX_MS,
            at_most=True,
            unit="ms",
            detail=f"{_fmt(inprocess_p50)} ms",
        )
    )
    targets += _access_targets(results)
    targets += _rival_targets(results)
    targets += _timeline_targets(results)
    p50 = _get(results, "isu", "year_all_municipalities", "latency_s", "p50")
    if p50 is not None:
        targets.append(
            _target(
                "ISU full year, all municipalities, 100k cases: p50 <= 1 s (PostgreSQL)",
                p50,
                ISU_P50_MAX_S,
                at_most=True,
                unit="s",
                detail=f"{_fmt(p50, 3)} s",
            )
        )
    return targets


def _access_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    targets = []
    bare = _get(results, "access_path", "bare", "latency_ms", "p50")
    # Beside each figure, the floor under it: the bare read plus the audit entry
    # a fail-closed read must commit before it answers, and nothing else.
    audited = _get(results, "access_path", "bare_audited", "latency_ms", "p50")
    floor = f"; bare + audit entry alone {_fmt(audited / bare, 2)}x" if audited and bare else ""
    for kind, who in (("governed_social", "owner"), ("governed_police", "consent")):
        governed = _get(results, "access_path", kind, "latency_ms", "p50")
        ratio = governed / bare if governed and bare else None
        targets.append(
            _target(
                f"(a) Governed case read p50 <= 1.25x bare read ({who})",
                ratio,
                GOVERNED_VS_BARE_MAX,
                at_most=True,
                unit="x",
                detail=f"{_fmt(governed, 2)} ms / {_fmt(bare, 2)} ms{floor}",
            )
        )
    uncached = _get(results, "access_path", "decisions", "uncached_through_cache", "median_us")
    targets.append(
        _target(
            "(b) Policy decision median, uncached <= 50 us",
            uncached,
            DECISION_UNCACHED_MAX_US,
            at_most=True,
            unit="us",
            detail=f"{_fmt(uncached)} us, platform engine, a miss",
        )
    )
    for key, label in (
        ("cached", "key from the input"),
        ("cached_as_gate", "as the gate asks, key from the state version"),
    ):
        cached = _get(results, "access_path", "decisions", key, "median_us")
        if cached is None and key == "cached_as_gate":
            continue
        targets.append(
            _target(
                f"(c) Policy decision median, cached <= 5 us ({label})",
                cached,
                DECISION_CACHED_MAX_US,
                at_most=True,
                unit="us",
                detail=f"{_fmt(cached, 2)} us, platform engine, a hit",
            )
        )
    return targets


def _timeline_lines(results: dict[str, Any]) -> list[str]:
    found = results.get("timeline") or {}
    if not found:
        return []
    lines = [
        "",
        f"Case timeline of {found.get('entries')} entries, governed GET over ASGI (ms)",
        f"  {'reader':<20}{'shown':>8}{'p50':>9}{'p99':>9}",
    ]
    for reader in ("social-malmo", "police-syd"):
        part = found.get(reader) or {}
        latency = part.get("latency_ms") or {}
        lines.append(
            f"  {reader:<20}{part.get('entries_shown', 0):>8}"
            f"{_fmt(latency.get('p50'), 2):>9}{_fmt(latency.get('p99'), 2):>9}"
        )
    return lines


def _timeline_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    targets = []
    for reader in ("social-malmo", "police-syd"):
        p50 = _get(results, "timeline", reader, "latency_ms", "p50")
        if p50 is None:
            continue
        targets.append(
            _target(
                f"Timeline of 1,000 entries p50 <= 50 ms ({reader})",
                p50,
                TIMELINE_P50_MAX_MS,
                at_most=True,
                unit="ms",
                detail=f"{_fmt(p50, 2)} ms",
            )
        )
    return targets


def _isu_lines(results: dict[str, Any]) -> list[str]:
    found = results.get("isu") or {}
    if not found:
        return []
    lines = [
        "",
        f"ISU statistics over {found.get('cases', 0):,} synthetic cases, PostgreSQL "
        f"(load {_fmt(found.get('load_s'), 1)} s), s",
        f"  {'query':<28}{'applications':>13}{'p50':>9}{'p99':>9}",
    ]
    for name in ("year_all_municipalities", "year_one_municipality"):
        part = found.get(name) or {}
        latency = part.get("latency_s") or {}
        lines.append(
            f"  {name:<28}{part.get('applications') or 0:>13,}"
            f"{_fmt(latency.get('p50'), 3):>9}{_fmt(latency.get('p99'), 3):>9}"
        )
    return lines


def _rival_lines(results: dict[str, Any]) -> list[str]:
    rival = results.get("rival_check") or {}
    if not rival:
        return []
    lines = [
        "",
        f"Rival check of a placement: one indexed query, {rival.get('checks_per_size')} checks "
        "at each number of open cases (ms)",
        f"  {'':<20}{'open cases':>12}{'presences':>11}{'p50':>9}{'p99':>9}{'load s':>9}",
    ]
    for backend in ("postgresql", "sqlite"):
        for size in (rival.get(backend) or {}).get("sizes", []):
            lines.append(
                f"  {backend:<20}{size['open_cases']:>12,}{size['presences']:>11,}"
                f"{_fmt(size['p50_ms'], 2):>9}{_fmt(size['p99_ms'], 2):>9}{_fmt(size['load_s'], 1):>9}"
            )
    return lines


def _rival_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    targets = []
    for backend in ("postgresql", "sqlite"):
        sizes = _get(results, "rival_check", backend, "sizes") or []
        if not sizes:
            continue
        first, last = sizes[0], sizes[-1]
        targets.append(
            _target(
                f"Rival check p50 <= 5 ms at {last['open_cases']:,} open cases ({backend})",
                last["p50_ms"],
                RIVAL_P50_MAX_MS,
                at_most=True,
                unit="ms",
                detail=f"{_fmt(last['p50_ms'], 2)} ms",
            )
        )
        growth = last["p50_ms"] / first["p50_ms"] if first["p50_ms"] else None
        cases = last["open_cases"] / first["open_cases"]
        # Sub-linear, and clearly so: at most the square root of the growth in cases
        # (10x the time for 100x the cases), where a scan would grow with the cases.
        targets.append(
            _target(
                f"Rival check sub-linear: p50 grows <= sqrt of the growth in cases ({backend})",
                growth,
                math.sqrt(cases),
                at_most=True,
                unit="x",
                detail=f"{_fmt(growth, 2)}x the time for {cases:,.0f}x the cases",
            )
        )
    return targets


def _access_lines(results: dict[str, Any]) -> list[str]:
    access = results.get("access_path") or {}
    if not access:
        return []
    lines = [
        "",
        f"Access path: GET /cases/{{id}} on intake over ASGI, embedded, {access.get('reads')} "
        f"sequential reads of each kind (+{access.get('warmup')} warm-up), interleaved in "
        f"blocks of {access.get('block')} (ms)",
        f"  {'':<44}{'n':>6}{'p50':>10}{'p90':>10}{'p99':>10}{'max':>10}{'mean':>10}"
        f"{'req/s':>9}{'p50/bare':>10}",
    ]
    for key, label in ACCESS_READS:
        figures = access.get(key) or {}
        lines.append(
            _latency_row(label, figures.get("latency_ms"))
            + f"{_fmt(figures.get('requests_per_s'), 0):>9}{_fmt(figures.get('p50_vs_bare'), 2):>10}"
        )
    split = access.get("governed_split") or {}
    if split:
        lines += [
            "",
            f"  one governed police read, {_fmt(split.get('total_ms'), 2)} ms on average over "
            f"{split.get('reads')} reads; mean ms in each step (an indented step runs inside the "
            "one above it):",
        ]
        for label, value in (split.get("steps_ms") or {}).items():
            lines.append(f"    {_fmt(value, 3):>8}   {label}")
    decisions = access.get("decisions") or {}
    if decisions:
        lines += [
            "",
            f"  decide_access on the platform engine, {decisions.get('engine')}: "
            f"{decisions.get('categories')} categories, {decisions.get('consents')} consents, "
            f"median of {decisions.get('count')} (µs):",
        ]
        for name, figures in decisions.items():
            if isinstance(figures, dict) and "median_us" in figures:
                lines.append(
                    f"    {_fmt(figures['median_us'], 1):>8}  (p99 {_fmt(figures.get('p99_us'), 1):>7})"
                    f"   {name}: {figures.get('what', '')}"
                )
    return lines


def _fmt(value: Any, digits: int = 1) -> str:
    if isinstance(value, int | float) and not math.isnan(value):
        return f"{value:,.{digits}f}"
    return "-"


def _latency_row(label: str, figures: dict[str, Any] | None) -> str:
    figures = figures or {}
    cells = [_fmt(figures.get(key), 2) for key in ("p50", "p90", "p99", "max", "mean")]
    return f"  {label:<44}{figures.get('n', '-')!s:>6}" + "".join(f"{c:>10}" for c in cells)


#: A spread of the speed probes beyond this is called out: the run's figures
#: were measured on a machine whose speed changed.
SPEED_SPREAD_WARN = 1.2


def _speed_rows(probes: dict[str, float]) -> list[str]:
    """The speed probes (bench.machine_cpu.speed_probe) taken before each phase and at the end."""
    if not probes:
        return []
    fastest, slowest = min(probes.values()), max(probes.values())
    rows = [
        "  speed probe, ms for a fixed loop before each phase and at the end:"
        f" {fastest:.1f} to {slowest:.1f} (slowest/fastest {slowest / fastest:.2f})"
    ]
    if slowest / fastest > SPEED_SPREAD_WARN:
        order = ", ".join(f"{name} {value:.1f}" for name, value in probes.items())
        rows.append(f"  THE MACHINE'S SPEED CHANGED DURING THE RUN: {order}")
    return rows


#: Columns of the machine-CPU table: group name in bench.machine_cpu's figures, heading.
CPU_GROUPS = (
    ("services", "services"),
    ("bench client", "client"),
    ("broker", "broker"),
    ("postgresql", "PostgreSQL"),
    ("other", "other"),
)


def _machine_cpu_rows(results: dict[str, Any]) -> list[str]:
    """Where the CPU went during the distributed event paths, and on the idle platform."""
    rows: list[tuple[str, dict[str, Any], str]] = []
    for mode, label in (("distributed", "1 process"), ("distributed_processes", "per service")):
        for key, when, figure in (
            ("machine_cpu", "cases ran, ms per case", "ms_per_case"),
            ("idle_cpu", "idle, % of one core", "pct_of_one_core"),
        ):
            figures = _get(results, "event_path", mode, key)
            if figures:
                rows.append((f"{label}: {when}", figures, figure))
    if not rows:
        return []
    cores = rows[0][1].get("cores")
    lines = [
        "",
        f"  where the machine's CPU went, distributed ({cores} cores; in the 1-process"
        " line the client runs in the services' process):",
        f"    {'':<38}"
        + "".join(f"{heading:>11}" for _, heading in CPU_GROUPS)
        + "  cores busy  stolen by the host",
    ]
    for label, figures, figure in rows:
        groups = figures.get("groups") or {}
        cells = [_fmt((groups.get(name) or {}).get(figure), 1) for name, _ in CPU_GROUPS]
        lines.append(
            f"    {label:<38}"
            + "".join(f"{cell:>11}" for cell in cells)
            + f"{_fmt(figures.get('machine_busy_pct'), 0):>11}%"
            + f"{_fmt(figures.get('stolen_pct'), 1):>19}%"
        )
    return lines


def _statement_rows(counts: dict[str, dict[str, float]] | None) -> list[str]:
    """SQL statements and commits per case, per service (bench.statement_count)."""
    if not counts:
        return []
    total = {
        kind: sum(figures.get(kind, 0.0) for figures in counts.values())
        for kind in ("statements", "commits")
    }
    per_service = ", ".join(
        f"{service} {_fmt(figures.get('statements'), 1)} / {_fmt(figures.get('commits'), 1)}"
        for service, figures in counts.items()
    )
    return [
        "",
        "  SQL statements / commits per case, distributed (relays' timed polls taken off): "
        f"{_fmt(total['statements'], 1)} / {_fmt(total['commits'], 1)}",
        f"    {per_service}",
    ]


def _statement_cost_rows(costs: dict[str, dict[str, Any]] | None) -> list[str]:
    """One INSERT on PostgreSQL through each layer (bench.statement_cost)."""
    if not costs:
        return []
    lines = ["  one single-row INSERT on PostgreSQL, per statement (median, µs CPU / wall):"]
    for figures in costs.values():
        lines.append(
            f"    {_fmt(figures.get('cpu_us'), 1):>7} / {_fmt(figures.get('wall_us'), 1):>7}"
            f"   {figures.get('what', '')}"
        )
    return lines


def render(results: dict[str, Any]) -> str:
    machine = results.get("machine", {})
    config = results.get("config", {})
    lines = [
        f"avhopp bench  {results.get('timestamp')}",
        f"  machine: {machine.get('cpu_count')} CPUs ({machine.get('cpu_model')}), "
        f"Python {machine.get('python')}, {machine.get('tansu')}, "
        f"PostgreSQL {machine.get('postgres')}",
        f"  load average at start {machine.get('load_average_at_start')}, "
        f"at end {machine.get('load_average_at_end')}",
        *_speed_rows(machine.get("speed_probe_ms") or {}),
        f"  N = {config.get('cases')} cases (+{config.get('warmup')} warm-up), "
        f"M = {config.get('outbox_rows')} outbox rows, "
        f"envelope = {config.get('payload_bytes')} bytes",
        "",
        "Event path: POST /applications -> threat effect committed, sequential (ms)",
        f"  {'':<44}{'n':>6}{'p50':>10}{'p90':>10}{'p99':>10}{'max':>10}{'mean':>10}",
        _latency_row(
            "embedded: SQLite + in-process bus",
            _get(results, "event_path", "embedded", "latency_ms"),
        ),
        _latency_row(
            "distributed: PostgreSQL + Kafka, 1 process",
            _get(results, "event_path", "distributed", "latency_ms"),
        ),
        _latency_row(
            "distributed: a process per service, HTTP",
            _get(results, "event_path", "distributed_processes", "latency_ms"),
        ),
        _latency_row(
            "raw floor: aiokafka produce -> consume",
            _get(results, "kafka_floor", "latency_ms"),
        ),
        _latency_row(
            "  of which raw produce ack (acks=all)",
            _get(results, "kafka_floor", "produce_ack_ms"),
        ),
    ]
    what_if = config.get("what_if_fetch_max_wait_ms")
    if what_if is not None:
        lines.insert(
            3,
            f"  WHAT-IF RUN: consumers' fetch_max_wait_ms = {what_if} "
            "(not the shipped setting; see BENCH_FETCH_MAX_WAIT_MS)",
        )
    for mode in ("embedded", "distributed"):
        stages = _get(results, "event_path", mode, "stages_ms")
        if not stages:
            continue
        lines += ["", f"  {mode} stages (p50 / p90 / p99 ms):"]
        for name, figures in stages.items():
            lines.append(
                f"    {name:<16}{_fmt(figures.get('p50'), 2):>9} /{_fmt(figures.get('p90'), 2):>8}"
                f" /{_fmt(figures.get('p99'), 2):>8}   {figures.get('what', '')}"
            )
        http = _get(results, "event_path", mode, "http_response_ms")
        if http:
            lines.append(
                f"    {'(http response)':<16}{_fmt(http.get('p50'), 2):>9} /"
                f"{_fmt(http.get('p90'), 2):>8} /{_fmt(http.get('p99'), 2):>8}"
                "   POST answered (runs alongside the stages above)"
            )

    isolated = _get(results, "event_path", "embedded", "isolated_costs")
    if isolated:
        lines += ["", "  embedded pieces measured alone (p50 wall / p50 process CPU, ms):"]
        for figures in isolated.values():
            lines.append(
                f"    {_fmt(figures.get('wall_p50'), 2):>7} / {_fmt(figures.get('cpu_p50'), 2):>6}"
                f"   {figures.get('what', '')}"
            )
    for mode in ("embedded", "distributed"):
        cpu = _get(results, "event_path", mode, "process_cpu_ms_per_case")
        # Where the machine-CPU table below has the run, its "services" column is this figure.
        if cpu is not None and not _get(results, "event_path", mode, "machine_cpu"):
            lines.append(
                f"  {mode}: process CPU per measured case {_fmt(cpu, 2)} ms"
                " (all threads, including background polling while a case waits)"
            )

    lines += _machine_cpu_rows(results)
    lines += _statement_rows(_get(results, "event_path", "distributed", "statements_per_case"))
    lines += _statement_cost_rows(results.get("statement_cost_us"))

    throughput = results.get("throughput", {})
    lines += ["", "Throughput (events/s)"]
    raw = throughput.get("raw_produce") or {}
    runs = ", ".join(_fmt(run.get("events_per_s"), 0) for run in raw.get("runs", []))
    lines.append(
        f"  {'raw aiokafka produce, acks=all, gathered':<54}{_fmt(raw.get('events_per_s'), 0):>9}"
        f"   median of runs: {runs}"
    )
    for title, key in (
        ("relay PostgreSQL -> KafkaBus", "relay_postgres_kafka"),
        ("relay SQLite -> in-process, no subscribers", "relay_sqlite_inprocess"),
    ):
        for batch, figures in (throughput.get(key) or {}).items():
            statements = ", ".join(
                f"{kind} {_fmt(spent.get('total_s'), 2)}"
                for kind, spent in (figures.get("statements") or {}).items()
            )
            lines.append(
                f"  {title + f', batch {batch}':<54}{_fmt(figures.get('events_per_s'), 0):>9}"
                f"   {_fmt(figures.get('elapsed_s'), 2)} s = bus.publish "
                f"{_fmt(figures.get('in_bus_publish_s'), 2)} s + database "
                f"{_fmt(figures.get('in_database_s'), 2)} s ({statements})"
            )

    lines += _access_lines(results)
    lines += _rival_lines(results)
    lines += _timeline_lines(results)
    lines += _isu_lines(results)

    lines += ["", "Targets"]
    for target in results.get("targets", []):
        measured = target["measured"]
        if measured is None:
            shown = "-"
        elif target["unit"] == "share":
            shown = f"{measured * 100:.1f}%"
        else:
            shown = f"{measured:.2f}{target['unit']}"
        lines.append(
            f"  [{target['result']:<4}] {target['target']:<62} {shown:>9}   ({target['detail']})"
        )

    consumer = config.get("consumer_settings")
    if consumer:
        lines += ["", "Consumer settings (bus's threat consumer = raw floor consumer):"]
        lines.append("  " + ", ".join(f"{k}={v}" for k, v in sorted(consumer.items())))
    if results.get("errors"):
        lines += ["", "Errors:"]
        lines += [f"  {phase}: {error}" for phase, error in results["errors"].items()]
    lines += ["", f"Total run time: {_fmt(results.get('runtime_s'), 1)} s"]
    return "\n".join(lines)


def write(results: dict[str, Any], stamp: str) -> tuple[Path, Path]:
    """``bench-<stamp>.json`` and ``latest.json`` (``latest-what-if.json`` for a what-if run)."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, indent=2, default=str) + "\n"
    what_if = _get(results, "config", "what_if_fetch_max_wait_ms") is not None
    path = RESULTS_DIR / f"bench-{stamp}{'-what-if' if what_if else ''}.json"
    path.write_text(text)
    latest = RESULTS_DIR / ("latest-what-if.json" if what_if else "latest.json")
    latest.write_text(text)
    return path, latest
