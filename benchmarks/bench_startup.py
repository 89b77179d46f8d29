"""Start-up: how long `import recyclic.main` takes, and how long `recyclic serve` takes to
answer /health (on an empty database: migrations included; then on a migrated one, as after
a restart). Each figure is the median of `--runs` fresh processes. Wall times depend on how
busy the machine is (the load average is printed); the CPU times much less.
"""

from __future__ import annotations

import asyncio
import os
import resource
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    ROOT,
    bench_settings,
    emit,
    free_port,
    parser,
    process_cpu_seconds,
    recreate_postgres,
    temporary_dir,
)

IMPORT = (
    "import time; t = time.perf_counter(); import recyclic.main; print(time.perf_counter() - t)"
)


def import_seconds() -> tuple[float, float]:
    """`import recyclic.main` in a fresh interpreter: (wall time of the import alone, CPU time
    of the whole process, interpreter start included)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-c", IMPORT], capture_output=True, text=True, check=True, cwd=ROOT
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return float(done.stdout.strip()), cpu


def serve_seconds(env: dict[str, str]) -> tuple[float, float]:
    """From launching `recyclic serve` to its first 200 on /api/v1/health: (wall time, CPU
    time the server used until then)."""
    port = free_port()
    command = [str(Path(sys.executable).parent / "recyclic"), "serve", "--port", str(port)]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT
    )
    try:
        url = f"http://127.0.0.1:{port}/api/v1/health"
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return time.perf_counter() - started, process_cpu_seconds(process.pid)
            except OSError:
                if process.poll() is not None:
                    raise SystemExit("recyclic serve exited during start-up") from None
                if time.perf_counter() - started > 120:
                    raise SystemExit("recyclic serve did not answer within 120 s") from None
                time.sleep(0.01)
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    p = parser(__doc__ or "")
    p.add_argument("--runs", type=int, default=5, help="Fresh processes per figure.")
    args = p.parse_args()
    emit("load_average_1min", os.getloadavg()[0])
    emit("cpus", os.cpu_count() or 0)
    import_seconds()  # warm the file cache and the bytecode
    imports = [import_seconds() for _ in range(args.runs)]
    emit("import_recyclic_main_median", statistics.median(w for w, _ in imports), "s")
    emit("import_recyclic_main_min", min(w for w, _ in imports), "s")
    emit("import_process_cpu_median", statistics.median(c for _, c in imports), "s")
    first, again = [], []
    for _ in range(args.runs):
        with temporary_dir() as data_dir:
            if args.database_url.startswith("postgres"):
                asyncio.run(recreate_postgres(args.database_url))
            settings = bench_settings(args.database_url, data_dir)
            env = {
                **os.environ,
                "RECYCLIC_ENV": settings.env,
                "RECYCLIC_SECRET_KEY": settings.secret_key.get_secret_value(),
                "RECYCLIC_DATABASE_URL": settings.database_url,
                "RECYCLIC_DATA_DIR": str(settings.data_dir),
                "RECYCLIC_LOG_LEVEL": "WARNING",
            }
            first.append(serve_seconds(env))
            again.append(serve_seconds(env))
    emit("database", "postgresql" if args.database_url.startswith("postgres") else "sqlite")
    emit("serve_to_health_empty_database_median", statistics.median(w for w, _ in first), "s")
    emit("serve_to_health_migrated_database_median", statistics.median(w for w, _ in again), "s")
    emit("serve_to_health_migrated_database_min", min(w for w, _ in again), "s")
    emit("serve_cpu_to_health_migrated_median", statistics.median(c for _, c in again), "s")
    emit("load_average_1min_after", os.getloadavg()[0])


if __name__ == "__main__":
    main()
