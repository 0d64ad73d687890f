"""`make bench` (= `python -m bench`): every figure against the emulator, one table.

    python -m bench                   # the issue's N everywhere (about 8 minutes on 2 cores)
    python -m bench --scale quick     # 3,000 reminders instead of 10,000 (about 4 minutes)
    python -m bench --only 3,5        # some figures only
    python -m bench --scale smoke     # seconds; what the test suite runs

Prints the table (each figure next to its baseline measured in the same run, its
target, and whether it holds) and writes the same data to bench/results.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from bench import badinput, burst, fanout, outage, pages, shard, startup, writes
from bench import harness as h

RESULTS = Path(__file__).with_name("results.json")
LAG_LIMIT_MS = 100.0
FIGURES = {
    1: burst.run,
    2: writes.run,
    3: fanout.run,
    4: outage.run,
    5: startup.run,
    7: badinput.run,
    8: shard.run,
    9: pages.run,
}
TITLES = {
    1: "Interaction burst",
    2: "Durable writes",
    3: "DM fan-out",
    4: "Reminders across an outage",
    5: "Start-up",
    6: "Event-loop health",
    7: "Bad input",
    8: "One shard's worth of servers",
    9: "Pages while members vote",
}


def say(line: str) -> None:
    sys.stdout.write(line + "\n")


def progress(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def machine() -> dict[str, str | int]:
    memory = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    return {
        "cpus": os.cpu_count() or 0,
        "memory": memory,
        "python": platform.python_version(),
        "os": platform.platform(),
    }


def event_loop_health(figures: dict[int, h.Figure]) -> h.Figure:
    figure = h.Figure(6, TITLES[6])
    measured = False
    for number in (1, 3, 4):
        source = figures.get(number)
        if source is None or source.lag is None:
            figure.add(f"longest stall during figure {number} (ms)", "n/a")
            continue
        measured = True
        worst = float(source.lag["max_ms"])
        figure.add(
            f"longest stall during figure {number} (ms)",
            worst,
            baseline=f"p99 {source.lag['p99_ms']}",
            target=f"<= {LAG_LIMIT_MS:g}",
            holds=worst <= LAG_LIMIT_MS,
        )
    figure.available = measured
    figure.notes.append(
        "A test-only probe in the bot sleeps 10 ms in a loop and records how late it wakes "
        "(bot/testing.py, GET /test/lag); baseline column: the p99 of the same samples."
    )
    return figure


async def run_all(scale: h.Scale, only: set[int], root: Path) -> dict[int, h.Figure]:
    figures: dict[int, h.Figure] = {}
    for number, run in FIGURES.items():
        if only and number not in only:
            continue
        progress(f"figure {number}: {TITLES[number]} ...")
        started = time.monotonic()
        load_before = os.getloadavg()[0]
        try:
            with h.instrument_steady():  # the emulator's own pauses stay out of every figure
                figure = await run(root, scale)
        except Exception as error:  # a broken figure is reported, never faked
            figure = h.Figure(number, TITLES[number], available=False)
            figure.add("error", f"{type(error).__name__}: {error}"[:200], holds=False)
            figure.notes.append(traceback.format_exc()[-2000:])
            figure.invariants = {"figure_failed": 1}
        figure.seconds = round(time.monotonic() - started, 1)
        figure.load = (round(load_before, 2), round(os.getloadavg()[0], 2))
        progress(f"  done in {figure.seconds:.0f} s")
        figures[number] = figure
    if not only or 6 in only:
        figures[6] = event_loop_health(figures)
    return dict(sorted(figures.items()))


def verdict(holds: bool | None) -> str:
    return {True: "yes", False: "NO", None: "-"}[holds]


def table(figures: dict[int, h.Figure]) -> str:
    header = ("fig", "measure", "Speak Back", "baseline (same run)", "target", "holds")
    lines = [header]
    for number, figure in figures.items():
        for index, row in enumerate(figure.rows):
            lines.append(
                (
                    f"{number} {figure.title}" if index == 0 else "",
                    row.metric,
                    str(row.value),
                    "" if row.baseline is None else str(row.baseline),
                    row.target,
                    verdict(row.holds),
                )
            )
        broken = {k: v for k, v in figure.invariants.items() if v}
        if broken:
            lines.append(("", "INVARIANTS BROKEN", json.dumps(broken), "", "all 0", "NO"))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for index, line in enumerate(lines):
        out.append(
            "| " + " | ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)) + " |"
        )
        if index == 0:
            out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)


def summary(figures: dict[int, h.Figure]) -> str:
    parts = []
    for number, figure in figures.items():
        state = {True: "holds", False: "does NOT hold", None: "n/a"}[figure.holds]
        parts.append(f"  {number} {figure.title}: {state}")
    return "Targets:\n" + "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scale", choices=sorted(h.SCALES), default="full")
    parser.add_argument("--only", default="", help="comma-separated figure numbers")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    scale = h.SCALES[args.scale]
    only = {int(x) for x in args.only.split(",") if x.strip()}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="speakback-bench-") as scratch:
        figures = asyncio.run(run_all(scale, only, Path(scratch)))
    took = time.monotonic() - started
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "scale": scale.describe(),
        "machine": machine(),
        "seconds": round(took, 1),
        "figures": {str(n): f.to_json() for n, f in figures.items()},
    }
    args.output.write_text(json.dumps(result, indent=2, default=str) + "\n")
    say(table(figures))
    say("")
    say(summary(figures))
    say(f"\n{scale.name} sizes, {took:.0f} s; written to {args.output}")
    busiest = max((max(f.load) for f in figures.values() if f.load), default=0.0)
    if busiest > (os.cpu_count() or 1) * 0.75:
        say(
            f"  NOTE: the machine was busy (1-minute load up to {busiest:.1f} on "
            f"{os.cpu_count()} CPUs): timings (figures 1, 3, 6) are pessimistic."
        )
    for number, figure in figures.items():
        for note in figure.notes:
            say(f"  [{number}] {note.splitlines()[0] if len(note) > 300 else note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
