"""Driving Debian's `wrk` (C, multi-threaded, event-driven) and reading its figures back.

A Python load generator on the same two cores saturates long before a trivial Litestar endpoint
does (about 1,200 requests a second against wrk's 10,000), so the ratio benchmark measures with
wrk. A small Lua script makes wrk print one JSON line at the end (requests, non-2xx/3xx
responses, socket errors, latency percentiles); for POSTs it sends the bodies of a file, one a
line, each thread taking every n-th line, and repeats the last one once its share runs out.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPORT_LUA = """
local threads = {}
local count = 0
function setup(thread)
  count = count + 1
  thread:set("id", count)
  thread:set("threads", 0)
  table.insert(threads, thread)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\nWRK-JSON {"requests": %d, "duration_us": %d, "non_2xx": %d, "socket_errors": %d, '
    .. '"p50_us": %d, "p95_us": %d, "p99_us": %d, "mean_us": %f}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean))
end
"""

POST_LUA = """
local bodies = {}
local position = 0
function init(args)
  -- `id` and `threads` are globals setup() set on this thread.
  local n = 0
  for line in io.lines(args[1]) do
    if n % threads == id - 1 then table.insert(bodies, line) end
    n = n + 1
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end
function request()
  position = math.min(position + 1, #bodies)
  return wrk.format(nil, nil, nil, bodies[position])
end
"""


@dataclass(frozen=True, slots=True)
class WrkResult:
    label: str
    requests: int
    seconds: float
    non_2xx: int
    socket_errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @property
    def ok(self) -> int:
        return self.requests - self.non_2xx

    @property
    def per_second(self) -> float:
        """Successful (2xx) responses a second."""
        return self.ok / self.seconds if self.seconds else 0.0


def wrk_path() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise RuntimeError("wrk is not installed (Debian: apt-get install wrk; `make bench` does)")
    return found


async def run_wrk(
    label: str,
    url: str,
    *,
    seconds: float,
    connections: int,
    threads: int = 2,
    bodies: Sequence[str] | None = None,
) -> WrkResult:
    """`wrk -t{threads} -c{connections} -d{seconds}s url`; with `bodies`, POSTs them (JSON)."""
    threads = min(threads, connections)
    with tempfile.TemporaryDirectory(prefix="luukku-wrk-") as folder:
        script = Path(folder) / "script.lua"
        lua = REPORT_LUA.replace('thread:set("threads", 0)', f'thread:set("threads", {threads})')
        extra: list[str] = []
        if bodies is not None:
            body_file = Path(folder) / "bodies.jsonl"
            body_file.write_text("\n".join(bodies) + "\n")
            lua = POST_LUA + lua
            extra = ["--", str(body_file)]
        script.write_text(lua)
        command = [
            wrk_path(),
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds:g}s",
            "--timeout",
            "10s",
            "--latency",
            "-s",
            str(script),
            url,
            *extra,
        ]
        process = await asyncio.create_subprocess_exec(
            *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
        )
        output, _ = await process.communicate()
    text = output.decode(errors="replace")
    line = next((x for x in text.splitlines() if x.startswith("WRK-JSON ")), None)
    if process.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({process.returncode}):\n{text}")
    data = json.loads(line.removeprefix("WRK-JSON "))
    result = WrkResult(
        label=label,
        requests=int(data["requests"]),
        seconds=data["duration_us"] / 1e6,
        non_2xx=int(data["non_2xx"]),
        socket_errors=int(data["socket_errors"]),
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
    )
    print(
        f"{label}: {result.per_second:.0f}/s ok, {result.non_2xx} non-2xx, "
        f"{result.socket_errors} socket errors, p50 {result.p50_ms:.1f} ms, "
        f"p99 {result.p99_ms:.1f} ms",
        flush=True,
    )
    return result
