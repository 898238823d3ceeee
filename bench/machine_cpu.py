"""Where the machine's CPU went while a phase ran: the services, the broker, PostgreSQL, the rest.

The distributed event path shares this machine's cores with the broker and
PostgreSQL, and its latency grows with whatever else keeps them busy; the raw
floor's one consumer does not pay that. So beside each distributed figure the
bench says how busy the whole machine was, and who made it so. Read from
``/proc`` (Linux): elsewhere there is nothing to read and no figures are given.

A process is counted in a group by pid (the bench's own process, the broker,
the per-service processes) or, for PostgreSQL, by its command name: the
server forks a backend per connection. "other" is the machine's busy time no
named group accounts for: the operating system, and anything else running.
Processes and cores are accounted separately by the kernel, in clock ticks,
so the groups can add up to a few per cent more than the cores' busy time;
"other" is then 0.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter
from typing import Any

PROC = Path("/proc")
POSTGRES_COMMAND = "postgres"
_TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass(frozen=True)
class CpuSample:
    wall_s: float
    #: Busy CPU time of all cores together (user, nice, system, irq, softirq).
    machine_busy_s: float
    #: Time the host gave this machine's cores to others while they had work (steal):
    #: a virtual machine's cores are then slower than their busy time says.
    stolen_s: float
    #: pid → (command name, CPU time of the process so far: user + system).
    processes: Mapping[int, tuple[str, float]]


def sample() -> CpuSample | None:
    """Now's counters, or None where ``/proc`` has none."""
    try:
        fields = (PROC / "stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return None
    ticks = [int(value) for value in fields]
    # user nice system idle iowait irq softirq steal (guest time is in user already).
    busy = sum(ticks[:3]) + sum(ticks[5:7])
    return CpuSample(
        perf_counter(), busy / _TICKS_PER_SECOND, ticks[7] / _TICKS_PER_SECOND, _processes()
    )


def _processes() -> dict[int, tuple[str, float]]:
    found: dict[int, tuple[str, float]] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue  # ended between the listing and the read
        # "pid (command) state ppid ...": the command may hold spaces and parentheses.
        command = text[text.index("(") + 1 : text.rindex(")")]
        rest = text[text.rindex(")") + 2 :].split()
        # Fields 14 and 15 of the line (utime, stime) are 11 and 12 after the command.
        found[int(entry.name)] = (command, (int(rest[11]) + int(rest[12])) / _TICKS_PER_SECOND)
    return found


def spent(
    before: CpuSample | None,
    after: CpuSample | None,
    groups: Mapping[str, Sequence[int]],
    *,
    cases: int | None = None,
) -> dict[str, Any] | None:
    """CPU between two samples: per group (``groups`` by pid, and ``postgresql`` by
    command name), the rest, and how busy the machine's cores were.

    Per group: seconds, share of one core over the interval, and, with
    ``cases``, milliseconds per case. A process that started in between counts
    from zero; one that ended in between is lost (its time shows in "other").
    """
    if before is None or after is None:
        return None
    wall = after.wall_s - before.wall_s
    cores = os.cpu_count() or 1

    def used(pid: int) -> float:
        if pid not in after.processes:
            return 0.0
        start = before.processes.get(pid)
        same = start is not None and start[0] == after.processes[pid][0]
        return after.processes[pid][1] - (start[1] if same and start else 0.0)

    named = {pid for pids in groups.values() for pid in pids}
    seconds = {name: sum(used(pid) for pid in pids) for name, pids in groups.items()}
    seconds["postgresql"] = sum(
        used(pid)
        for pid, (command, _) in after.processes.items()
        if command == POSTGRES_COMMAND and pid not in named
    )
    busy = after.machine_busy_s - before.machine_busy_s
    stolen = after.stolen_s - before.stolen_s
    seconds["other"] = max(0.0, busy - sum(seconds.values()))
    return {
        "wall_s": round(wall, 3),
        "cores": cores,
        "machine_busy_pct": round(100 * busy / (wall * cores), 1) if wall > 0 else None,
        "stolen_pct": round(100 * stolen / (wall * cores), 1) if wall > 0 else None,
        "groups": {
            name: {
                "cpu_s": round(value, 3),
                "pct_of_one_core": round(100 * value / wall, 1) if wall > 0 else None,
                **({"ms_per_case": round(1000 * value / cases, 2)} if cases else {}),
            }
            for name, value in seconds.items()
        },
    }


async def idle(groups: Mapping[str, Sequence[int]], seconds: float) -> dict[str, Any] | None:
    """CPU over ``seconds`` with nothing submitted: what the platform costs doing nothing."""
    before = sample()
    await asyncio.sleep(seconds)
    return spent(before, sample(), groups)


#: Iterations of :func:`speed_probe`'s loop: about 30 ms on a 2 GHz core.
PROBE_ITERATIONS = 1_000_000


def speed_probe(rounds: int = 3) -> float:
    """Milliseconds for a fixed pure-Python loop (the best of ``rounds``).

    The same work every time, so a change between two probes of one run is the
    machine's speed changing (a shared or burstable virtual machine), not the
    code: figures measured at different speeds do not compare.
    """
    best = float("inf")
    for _ in range(rounds):
        started = perf_counter()
        total = 0
        for value in range(PROBE_ITERATIONS):
            total += value
        best = min(best, perf_counter() - started)
    return round(best * 1000, 2)
