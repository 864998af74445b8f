"""Time from process start to a usable term list in the terminal UI, on a copy of the corpus laid
out as upstream, cold (fresh copy, empty caches) and warm (the same copy again), plus the UI's
resident memory; printed beside the bare cost of starting Python and importing the UI, measured in
the same run.

The UI is launched for real (`python -m authoring --repo COPY`) in a pseudo-terminal. With
`AUTHORING_UI_READY_FILE` set, the app appends `listed N` when the term list first shows every
term and `indexed N` when every row carries its status, version and problems; this script watches
that file, reads `VmRSS` from /proc, then sends ctrl+q and checks the process exits.

Targets (spec §11): ≤ 1.5 s cold, ≤ 1.0 s warm to a usable list; memory under 300 MB.
Prints figures; asserts nothing about time.

    python benchmarks/bench_ui_start.py [--corpus ../shared/corpus] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_actions import make_copy  # noqa: E402

TIMEOUT = 180.0


@dataclass
class Launch:
    """One start of the UI: seconds to the listed and indexed markers, and resident memory then."""

    listed: float
    indexed: float
    rss_listed_mb: float
    rss_indexed_mb: float
    exit_code: int


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc (0 when it cannot be read)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def launch(repo: Path, cache: Path, size: tuple[int, int] = (120, 40), code: Path = ROOT) -> Launch:
    """Start the UI of the checkout `code` in a pty, wait for both markers, quit with ctrl+q."""
    marker = Path(tempfile.mkstemp(prefix="ui-ready-")[1])
    marker.unlink()
    env = dict(os.environ, PYTHONPATH=str(code), AUTHORING_UI_READY_FILE=str(marker), XDG_CACHE_HOME=str(cache),
               TERM="xterm-256color", COLUMNS=str(size[0]), LINES=str(size[1]))
    main, child = pty.openpty()
    os.set_blocking(main, False)
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "authoring", "--repo", str(repo)], stdin=child, stdout=child,
                               stderr=child, env=env, close_fds=True, start_new_session=True)
    os.close(child)
    listed = indexed = -1.0
    rss_listed = rss_indexed = 0.0
    try:
        while time.perf_counter() - start < TIMEOUT:
            ready, _, _ = select.select([main], [], [], 0.005)
            if ready:
                try:
                    os.read(main, 1 << 16)  # keep the pty drained so the UI never blocks on output
                except OSError:
                    break
            text = marker.read_text() if marker.exists() else ""
            now = time.perf_counter() - start
            if listed < 0 and "listed" in text:
                listed, rss_listed = now, rss_mb(process.pid)
            if indexed < 0 and "indexed" in text:
                indexed, rss_indexed = now, rss_mb(process.pid)
                break
            if process.poll() is not None:
                break
        os.write(main, b"\x11")  # ctrl+q
        deadline = time.perf_counter() + 20
        while process.poll() is None and time.perf_counter() < deadline:
            with_data, _, _ = select.select([main], [], [], 0.05)
            if with_data:
                try:
                    os.read(main, 1 << 16)
                except OSError:
                    break
        if process.poll() is None:
            process.kill()
        code = process.wait()
    finally:
        os.close(main)
        marker.unlink(missing_ok=True)
    return Launch(listed, indexed, rss_listed, rss_indexed, code)


def bare_start() -> float:
    """Seconds for Python to start and import the UI's modules (the floor under any start-up)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import authoring.tui.app"], env=dict(os.environ, PYTHONPATH=str(ROOT)),
                   check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not (args.corpus / "dictionary").is_dir():
        sys.exit(f"no corpus at {args.corpus}")
    print(f"cores: {os.cpu_count()}, load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    bare = statistics.median(bare_start() for _ in range(args.rounds))
    print(f"baseline: python start + import of the UI modules: {bare:.2f} s (median of {args.rounds})")
    colds: list[Launch] = []
    warms: list[Launch] = []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory(prefix="bench-ui-") as tmp:
            where = Path(tmp)
            repo = make_copy(args.corpus, where)
            cache = where / "cache"
            colds.append(launch(repo, cache))  # fresh copy, empty cache
            warms.append(launch(repo, cache))  # the same copy and cache again
            shutil.rmtree(repo, ignore_errors=True)
    for name, runs, target in (("cold", colds, 1.5), ("warm", warms, 1.0)):
        listed = statistics.median(r.listed for r in runs)
        indexed = statistics.median(r.indexed for r in runs)
        rss = max(max(r.rss_listed_mb, r.rss_indexed_mb) for r in runs)
        exits = sorted({r.exit_code for r in runs})
        print(f"{name}: usable list (every id, searchable) {listed:.2f} s (target {target} s, "
              f"{listed / target:.0%} of it; {listed / bare:.1f}× the bare start); every row indexed {indexed:.2f} s; "
              f"resident memory up to {rss:.0f} MB; exit codes {exits}")


if __name__ == "__main__":
    main()
