"""`recyclic import oressource` on five years of a busy shop: 500,000 intake weighings and
300,000 sale lines (plus 20,000 exit weighings) generated in MariaDB, imported into a fresh
Recyclic database by the real command in a subprocess.

Prints the import's wall time and the subprocess's peak RSS, and the same for a source a
fifth of that size: memory must not grow with the source (batches, constant memory).

    python benchmarks/bench_import_oressource.py [--database-url postgresql://…/recyclic_bench_import]
        [--source-database recyclic_bench_oressource] [--scale 1.0] [--reuse-source]

MariaDB at 127.0.0.1:3306 (root, no password). Without `--database-url`, a SQLite file in a
temporary directory; a PostgreSQL database is dropped and recreated (its name must contain
"bench").
"""

from __future__ import annotations

import asyncio
import os
import resource
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import BENCH_SECRET, emit, parser, recreate_postgres, temporary_dir
from sqlalchemy.ext.asyncio import create_async_engine
from tests.support.oressource.history import Shop, generate_shop

from recyclic.core.config import normalize_database_url
from recyclic.core.database import Database
from recyclic.core.migrations import upgrade
from recyclic.services.people.sites import SiteService

RECYCLIC = str(Path(sys.executable).parent / "recyclic")


def _source(name: str, scale: float, reuse: bool) -> Shop:
    if reuse:
        return Shop(name)
    started = time.perf_counter()
    shop = generate_shop(
        name,
        weighings=int(500_000 * scale),
        sale_lines=int(300_000 * scale),
        exit_weighings=int(20_000 * scale),
        years=5,
        now=datetime.now(),
        first_year=2020,
    )
    emit(f"source_generation_seconds[{name}]", time.perf_counter() - started, "s")
    return shop


async def _fresh_recyclic(url: str) -> None:
    if url.startswith("postgresql"):
        await recreate_postgres(url)
    database = Database(create_async_engine(url))
    try:
        await upgrade(database.bind)  # type: ignore[arg-type]
        async with database.unit_of_work() as session:
            await SiteService(session).create_site(
                "Ressourcerie du Bocage", timezone="Europe/Paris"
            )
    finally:
        await database.dispose()


def _import(url: str, data_dir: Path, source: str, mapping: Path) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, output) of one `recyclic import oressource` subprocess."""
    env = {
        **os.environ,
        "RECYCLIC_DATABASE_URL": url,
        "RECYCLIC_DATA_DIR": str(data_dir),
        "RECYCLIC_SECRET_KEY": BENCH_SECRET,
        "RECYCLIC_ENV": "production",
        "RECYCLIC_LOG_LEVEL": "WARNING",
    }
    command = [RECYCLIC, "import", "oressource", "--source", source,
               "--site", "ressourcerie-du-bocage", "--mapping", str(mapping)]  # fmt: skip
    started = time.perf_counter()
    process = subprocess.run(command, env=env, capture_output=True, check=False)
    seconds = time.perf_counter() - started
    # This process runs exactly one import: its children's peak is that import's.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    output = process.stdout + process.stderr
    if process.returncode != 0:
        raise SystemExit(output.decode(errors="replace")[-3000:])
    return seconds, peak, output.decode(errors="replace")


def main() -> None:
    p = parser(__doc__ or "")
    p.add_argument("--source-database", default="recyclic_bench_oressource")
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--reuse-source", action="store_true")
    args = p.parse_args()
    with temporary_dir() as tmp:
        url = normalize_database_url(args.database_url or f"sqlite:///{tmp / 'recyclic.db'}")
        small_name = f"{args.source_database}_small"
        small = _source(small_name, args.scale / 5, args.reuse_source)
        shop = _source(args.source_database, args.scale, args.reuse_source)
        mapping = tmp / "correspondances.yaml"
        mapping.write_text(shop.mapping_yaml(), encoding="utf-8")
        results = {}
        for name, label in ((small_name, "fifth"), (args.source_database, "full")):
            if not url.startswith("postgresql"):
                for suffix in ("", "-wal", "-shm"):
                    Path(url.split("///", 1)[1] + suffix).unlink(missing_ok=True)
            asyncio.run(_fresh_recyclic(url))
            source = f"mysql://root@127.0.0.1:3306/{name}"
            # Each size in its own process, so that RUSAGE_CHILDREN is that import's peak.
            probe = subprocess.run(
                [sys.executable, __file__, "--measure", url, str(tmp), source, str(mapping)],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            if probe.returncode != 0:
                raise SystemExit(probe.stdout[-3000:] + probe.stderr[-3000:])
            seconds, peak, balanced = probe.stdout.strip().splitlines()[-1].split()
            results[label] = (float(seconds), float(peak), balanced)
        del small
        scale = args.scale
        emit("weighings", int(500_000 * scale))
        emit("sale_lines", int(300_000 * scale))
        emit("exit_weighings", int(20_000 * scale))
        emit("import_seconds", results["full"][0], "s")
        emit("import_rows_per_second", (820_000 * scale) / results["full"][0], "rows/s")
        emit("import_peak_rss_mb", results["full"][1], "MB")
        emit("import_fifth_seconds", results["fifth"][0], "s")
        emit("import_fifth_peak_rss_mb", results["fifth"][1], "MB")
        emit("reconciliation_without_gap", results["full"][2])


def measure(url: str, data_dir: str, source: str, mapping: str) -> None:
    seconds, peak, output = _import(url, Path(data_dir), source, Path(mapping))
    balanced = "yes" if "Aucun écart" in output else "NO"
    print(f"{seconds:.3f} {peak:.1f} {balanced}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--measure":
        measure(*sys.argv[2:6])
    else:
        main()
