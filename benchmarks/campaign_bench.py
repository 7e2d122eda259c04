"""Measure a 回头看 campaign over a county of 100,000 households on SQLite and PostgreSQL.

Each database is migrated, the regions of 吉林省 are loaded and 100,000 bare households are
placed in the villages of 榆树市 (220182), once. Then: opening a campaign over the whole
county (one visit task per household), the live progress by township and village, the
campaign list's totals, one phone submission with two bad answers, and finishing. Prints
seconds, households per second and the ratio to the goals.

    .venv/bin/python benchmarks/campaign_bench.py \
        [--postgres postgresql://postgres@127.0.0.1:5432/fupin_dev] [--households 100000]
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default="")
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--postgres-only", action="store_true")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        targets = [] if arguments.postgres_only else [f"sqlite:///{Path(folder) / 'bench.sqlite3'}"]
        if arguments.postgres:
            targets.append(arguments.postgres)
        for url in targets:
            env = {**os.environ, "FUPIN_DEMO": "1", "FUPIN_DATABASE_URL": url}
            # manage.py sets Django up, so the measuring module imports it at the top.
            subprocess.run(
                [
                    sys.executable,
                    "manage.py",
                    "shell",
                    "-c",
                    "from benchmarks.campaign_bench_run import measure; "
                    f"measure({arguments.households})",
                ],
                cwd=ROOT,
                env=env,
                check=True,
            )


if __name__ == "__main__":
    main()
