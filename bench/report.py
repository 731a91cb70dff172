"""What the benchmarks share when they report: the machine line, their sections of
docs/performance.md, and the figures behind the summary table (`python -m bench.report`)."""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
FIGURES = ROOT / "docs" / "bench-figures.json"
"""Every bench's headline figures, by bench: the summary table is built from them."""


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_line() -> str:
    load = os.getloadavg()[0]
    return (
        f"Machine: {platform.platform()}, {cpu_model()}, {os.cpu_count()} CPUs, shared with "
        f"other work; load average {load:.2f} when the run started."
    )


def write_section(name: str, section: str) -> None:
    """Replace the text between `<!-- bench:{name}:start -->` and its end marker (or append)."""
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    generated = f"{start}\n{section}\n{end}"
    text = DOC.read_text() if DOC.exists() else "# Performance\n"
    head, found_start, rest = text.partition(start)
    _, found_end, tail = rest.partition(end)
    if found_start and found_end:
        text = f"{head}{generated}{tail}"
    else:
        text = f"{text.rstrip()}\n\n{generated}\n"
    DOC.write_text(text)


def record_figures(bench: str, rows: list[tuple[str, str, str]]) -> None:
    """Keep `bench`'s headline figures, (what, value, target or condition), for the summary."""
    figures = json.loads(FIGURES.read_text()) if FIGURES.exists() else {}
    figures[bench] = {"date": datetime.now(UTC).date().isoformat(), "rows": rows}
    FIGURES.write_text(json.dumps(figures, indent=1, ensure_ascii=False) + "\n")


ORDER = ("slots", "holds", "feeds", "joint", "directory", "notifications", "load", "ratio")


def summary() -> str:
    figures = json.loads(FIGURES.read_text()) if FIGURES.exists() else {}
    lines = [
        f"Every headline figure of `make bench`, assembled by `python -m bench.report` from "
        f"`docs/bench-figures.json`. {machine_line()} The sections below give the conditions; "
        "figures measured on a shared 2-core machine vary from run to run, so rerun "
        "`make bench` before drawing conclusions.",
        "",
        "| Bench | Run | Figure | Value | Target / condition |",
        "|---|---|---|--:|---|",
    ]
    for bench in sorted(figures, key=lambda b: ORDER.index(b) if b in ORDER else len(ORDER)):
        for what, value, condition in figures[bench]["rows"]:
            lines.append(f"| {bench} | {figures[bench]['date']} | {what} | {value} | {condition} |")
    return "\n".join(lines)


if __name__ == "__main__":
    write_section("summary", summary())
    print(summary())
