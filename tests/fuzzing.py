"""The schemathesis CLI against a real server holding the demo catalogue, with every check and every phase.

Shared by the suite's deterministic run (tests/integration/test_api_fuzz.py: fixed seed, derandomized, a few
examples per operation, so CI gives the same answer twice) and `make fuzz` (a long random run that looks for new
cases outside CI). Running the CLI itself, not a re-implementation, keeps both on exactly the release's checks.

    python tests/fuzzing.py [--minutes 10] [--database-url URL] [--seed N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from servers import running_server  # noqa: E402


def steelyard(database_url: str, *args: str) -> str:
    env = {**os.environ, "STEELYARD_DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, "-m", "steelyard.cli", *args], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def prepare(database_url: str, *, products: int) -> str:
    """Migrate, seed the demo catalogue, and return a new staff token."""
    steelyard(database_url, "migrate")
    steelyard(database_url, "seed", "--demo", "--products", str(products), "--seed", "42")
    return steelyard(database_url, "token", "create", "--role", "staff", "--name", "schemathesis").split()[-1]


def schemathesis(
    base: str,
    token: str,
    *,
    seed: int | None,
    deterministic: bool,
    max_examples: int | None = None,
    max_time: int | None = None,
    report_dir: Path,
) -> subprocess.CompletedProcess[str]:
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        f"{base}/openapi.json",
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--header",
        f"Authorization: Bearer {token}",
        "--workers",
        "1",
        "--request-timeout",
        "10",
        "--max-failures",
        "50",
        "--no-color",
        "--report",
        "junit",
        "--report-dir",
        str(report_dir),
    ]
    if seed is not None:
        command += ["--seed", str(seed)]
    # Deterministic: no examples carried over from earlier runs either, so the same seed means the same run.
    command += ["--generation-deterministic"] if deterministic else ["--generation-database", "none"]
    if max_examples is not None:
        command += ["--max-examples", str(max_examples)]
    if max_time is not None:
        command += ["--max-time", str(max_time)]
    # From the repository root, so that schemathesis.toml applies.
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0, help="time budget of the run (default 10)")
    parser.add_argument("--database-url", help="a database to fill (default: a new SQLite file)")
    parser.add_argument("--products", type=int, default=300, help="demo catalogue size (default 300)")
    parser.add_argument("--seed", type=int, help="reproduce an earlier run (its seed is printed at the end)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="steelyard-fuzz-") as scratch:
        url = args.database_url or f"sqlite:///{scratch}/fuzz.db"
        token = prepare(url, products=args.products)
        with running_server(url, workers=1) as (base, _):
            done = schemathesis(
                base,
                token,
                seed=args.seed,
                deterministic=False,
                max_time=max(1, int(args.minutes * 60)),
                report_dir=ROOT / "schemathesis-report",
            )
    print(done.stdout)
    print(done.stderr, file=sys.stderr)
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
