"""One helper for each job (issue 18 item 7): these were written two to four times; a second copy fails here.

Each check names the one place the job is done and looks for the tell-tale line anywhere else in the sources.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "steelyard"


def places(pattern: str, *folders: Path) -> set[str]:
    found = set()
    for folder in folders or (SRC,):
        for path in folder.rglob("*.py"):
            if "migrations" not in path.parts and re.search(pattern, path.read_text(encoding="utf-8")):
                found.add(path.relative_to(ROOT).as_posix())
    return found


@pytest.mark.parametrize(
    ("job", "pattern", "the_one"),
    [
        # search/dimensions, events/wire, web/render and pricing/base each had their own
        ("decimal to text", r'normalize\(\), "f"\)', {"src/steelyard/units/quantity.py"}),
        # events/outbox and webhooks/repository each had their own
        ("naive moment read as UTC", r"replace\(tzinfo=UTC\)", {"src/steelyard/db.py"}),
        # quotes, pricing and the planner each checked the sizes of a cut
        ("cut-size check", r"\bMAX_SIZE_MM\b", {"src/steelyard/cutting/plan.py"}),
        # the API route and the staff page each wired idempotency for a movement by hand
        ("posting a movement once", r'scope=f"movements:', {"src/steelyard/inventory/movements.py"}),
    ],
)
def test_one_place_does_it(job: str, pattern: str, the_one: set[str]) -> None:
    assert places(pattern) == the_one, f"{job}: use the helper in {sorted(the_one)}"


def test_stock_changed_payloads_come_from_the_builder() -> None:
    """inventory/ledger built the stock.changed payload by hand beside events.wire.stock_changed."""
    declared = {  # the type's name, and the lists of event types the API and webhooks declare
        "src/steelyard/events/wire.py",
        "src/steelyard/events/api.py",
        "src/steelyard/webhooks/schemas.py",
    }
    assert places(r'"stock\.changed"') <= declared
    assert places(r"\bemit\(\s*conn,\s*STOCK_CHANGED,\s*\{") == set()


def test_one_way_to_start_a_test_server() -> None:
    """tests/integration/test_events_support.py kept its own free_port and process handling beside tests/servers.py."""
    tests = ROOT / "tests"
    assert places(r"def free_port\(", tests) == {"tests/servers.py"}
    assert places(r"os\.killpg\(", tests) <= {"tests/servers.py", "tests/cluster.py"}
