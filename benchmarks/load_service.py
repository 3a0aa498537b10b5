"""Load test of the service: class-timetable reads while a solve runs.

Starts the real server (``python -m service``) on a free loopback port with a temporary
database, solves a small sample school to have a timetable to read, starts a solve of a
bigger sample school, and runs N concurrent readers of one class grid for a fixed time.
Prints p50 / p99 latency, the request count and errors. Stops itself.

    python -m benchmarks.load_service                     # 50 readers, 30 s, while urban-24 solves
    python -m benchmarks.load_service --readers 10 --duration 5 --school rural-6
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
KEY = "bench-key"
HEADERS = {"X-API-Key": KEY}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(folder: Path, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "SCHEDULER_DB": str(folder / "bench.db"),
        "SCHEDULER_API_KEY": KEY,
        "SCHEDULER_SEED_SAMPLES": "0",
        "SCHEDULER_MAX_TIME_LIMIT": "600",
    }
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "service", "--port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited: {(folder / 'server.log').read_text(errors='replace')}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/policies", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("server did not start within 30 s")


def load_sample(http: httpx.Client, name: str) -> dict:
    data = json.loads((ROOT / "instances" / f"{name}.json").read_text(encoding="utf-8"))
    response = http.post("/schools", json=data, headers=HEADERS)
    response.raise_for_status()
    return data


def solve(http: httpx.Client, school_id: str, time_limit: float, workers: int) -> str:
    response = http.post(
        f"/schools/{school_id}/solve", json={"time_limit": time_limit, "workers": workers}, headers=HEADERS
    )
    response.raise_for_status()
    return response.json()["id"]


def wait(http: httpx.Client, job_id: str, until: set[str], timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = http.get(f"/jobs/{job_id}").json()
        if job["status"] in until:
            return job
        time.sleep(0.2)
    raise SystemExit(f"job {job_id} not {until} within {timeout} s")


async def readers(base: str, path: str, count: int, duration: float) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    end = time.monotonic() + duration
    limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)

    async def reader(client: httpx.AsyncClient) -> None:
        nonlocal errors
        while time.monotonic() < end:
            started = time.perf_counter()
            try:
                response = await client.get(path)
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            if ok:
                latencies.append(time.perf_counter() - started)
            else:
                errors += 1

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        await asyncio.gather(*(reader(client) for _ in range(count)))
    return latencies, errors


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--school", default="urban-24", help="sample school solved during the reads")
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT workers of that solve")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="load-service-") as folder:
        port = free_port()
        server = start_server(Path(folder), port)
        base = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client(base_url=base, timeout=30) as http:
                small = load_sample(http, "tiny-3")
                done = wait(http, solve(http, small["id"], 20, 1), {"done", "failed", "infeasible"}, 60)
                if done["status"] != "done":
                    raise SystemExit(f"the small sample did not solve: {done}")
                path = f"/jobs/{done['id']}/timetable/classes/{small['classes'][0]['id']}"
                big = load_sample(http, args.school)
                busy = solve(http, big["id"], args.duration + 30, args.workers)
                wait(http, busy, {"running"}, 30)
                started = time.monotonic()
                latencies, errors = asyncio.run(readers(base, path, args.readers, args.duration))
                wall = time.monotonic() - started
                solve_status = http.get(f"/jobs/{busy}").json()["status"]
                http.post(f"/jobs/{busy}/cancel", headers=HEADERS)
        finally:
            server.terminate()
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()

    if not latencies:
        raise SystemExit(f"no successful requests ({errors} errors)")
    print(f"GET {path}")
    print(
        f"readers={args.readers} duration={wall:.1f}s while solving {args.school} (workers={args.workers}, {solve_status})"
    )
    print(f"requests={len(latencies)} errors={errors} throughput={len(latencies) / wall:.0f} req/s")
    print(
        f"latency p50={percentile(latencies, 0.50) * 1000:.1f} ms  p99={percentile(latencies, 0.99) * 1000:.1f} ms  "
        f"mean={statistics.fmean(latencies) * 1000:.1f} ms  max={max(latencies) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
