"""Benchmark: resident memory (and time to a usable list) of the terminal UI on the corpus.

Opens the real UI (`python -m authoring`) in a pseudo-terminal on a temporary Git copy of the
corpus, waits until the browser reports the list shown and then fully indexed (the app's
`AUTHORING_UI_READY_FILE` marker), and reads the UI process's resident set size (VmRSS) and its
peak (VmHWM) from /proc — cold (no index: the pool's worker processes are listed separately) and
warm. Target (spec §11, issue 7): under 300 MB resident.

    python benchmarks/bench_ui_memory.py [--corpus ../shared/corpus]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pty
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.corpus_repo import upstream_copy  # noqa: E402


def status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def run_ui(repo: Path, marker: Path, timeout: float = 600) -> dict[str, float]:
    marker.unlink(missing_ok=True)
    env = dict(os.environ, PYTHONPATH=str(ROOT), AUTHORING_UI_READY_FILE=str(marker), TERM="xterm-256color",
               COLUMNS="120", LINES="40")
    leader, follower = pty.openpty()
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "authoring", "--repo", str(repo)], stdin=follower,
                            stdout=follower, stderr=follower, env=env, close_fds=True, start_new_session=True)
    os.close(follower)
    figures: dict[str, float] = {}
    worker_peak = 0
    try:
        while time.perf_counter() - start < timeout:
            with contextlib.suppress(OSError):
                os.read(leader, 65536)  # keep the terminal drained
            text = marker.read_text() if marker.exists() else ""
            if "listed" in text and "listed" not in figures:
                figures["listed"] = time.perf_counter() - start
            for child in children(proc.pid):
                with_children = status_kb(child, "VmRSS")
                worker_peak = max(worker_peak, with_children)
            if "indexed" in text:
                figures["indexed"] = time.perf_counter() - start
                time.sleep(0.5)  # let the table settle
                figures["rss_mb"] = status_kb(proc.pid, "VmRSS") / 1024
                figures["peak_mb"] = status_kb(proc.pid, "VmHWM") / 1024
                figures["worker_peak_mb"] = worker_peak / 1024
                break
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        os.close(leader)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="bench-ui-memory-") as tmp:
        repo = Path(tmp) / "glossary"
        upstream_copy(args.corpus, repo, modules=False, commit=False)
        marker = Path(tmp) / "ready"
        for label in ("cold (no index)", "warm (index up to date)"):
            f = run_ui(repo, marker)
            if "indexed" not in f:
                raise SystemExit(f"{label}: the UI never reported the list indexed ({f})")
            print(f"{label}: list shown {f['listed']:.2f} s, indexed {f['indexed']:.2f} s; UI resident "
                  f"{f['rss_mb']:.0f} MB (peak {f['peak_mb']:.0f} MB; largest pool worker {f['worker_peak_mb']:.0f} MB)"
                  f"  target < 300 MB")


if __name__ == "__main__":
    main()
