"""Run FET's command-line generator ``fet-cl`` on a .fet file and tell whether it made a timetable.

Invocation (FET 6.8.5, Debian package ``fet``)::

    QT_QPA_PLATFORM=offscreen fet-cl --inputfile=X.fet --outputdir=DIR --timelimitseconds=N \
        [--randomseeds10=… --randomseeds11=… … --randomseeds22=…]

``fet-cl`` exits 0 both when it succeeds and when the time limit is hit. Success is
``DIR/logs/result.txt`` saying "Simulation successful" and the timetable
``DIR/timetables/X/X_activities.xml`` being written; on a time-out it says "Time exceeded" and writes
only the partial ``X-highest`` / ``X-current`` timetables.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from pydantic import BaseModel

SUCCESS = "Simulation successful"


class FetRun(BaseModel):
    success: bool
    wall_time: float
    message: str  # last line of FET's result log, or why it did not run
    activities_xml: str | None = None


def fet_cl_path() -> str | None:
    return shutil.which("fet-cl")


def seed_options(seed: int) -> list[str]:
    """FET's six random-seed components from one integer (the first three not all zero)."""
    parts = [seed + 1, seed + 2, seed + 3, seed + 4, seed + 5, seed + 6]
    names = ["10", "11", "12", "20", "21", "22"]
    return [f"--randomseeds{n}={v}" for n, v in zip(names, parts, strict=True)]


def run_fet_cl(fet_file: str | Path, output_dir: str | Path, time_limit: int, seed: int | None = None) -> FetRun:
    """Generate with ``fet-cl``; ``wall_time`` is the whole process, file reading included."""
    exe = fet_cl_path()
    if exe is None:
        return FetRun(success=False, wall_time=0.0, message="fet-cl not found on PATH")
    fet_file, output_dir = Path(fet_file).resolve(), Path(output_dir).resolve()
    output_dir.mkdir(parents=True, exist_ok=True)
    command = [
        exe,
        f"--inputfile={fet_file}",
        f"--outputdir={output_dir}",
        f"--timelimitseconds={max(1, int(time_limit))}",
        "--htmllevel=0",
        "--language=en_US",
        *(seed_options(seed) if seed is not None else []),
    ]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=time_limit + 60)
    except subprocess.TimeoutExpired:
        return FetRun(success=False, wall_time=time.perf_counter() - started, message="fet-cl did not stop")
    wall = time.perf_counter() - started
    result = output_dir / "logs" / "result.txt"
    log = result.read_text(encoding="utf-8", errors="replace") if result.exists() else done.stdout + done.stderr
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    activities = output_dir / "timetables" / fet_file.stem / f"{fet_file.stem}_activities.xml"
    success = done.returncode == 0 and SUCCESS in log and activities.exists()
    return FetRun(
        success=success,
        wall_time=wall,
        message=lines[-1] if lines else f"exit code {done.returncode}",
        activities_xml=str(activities) if activities.exists() else None,
    )
