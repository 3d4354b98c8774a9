"""A running app keeps what it made while starting out of the garbage collector's full collections (app.py)."""

from __future__ import annotations

import gc

from fastapi.testclient import TestClient

from steelyard.app import create_app
from steelyard.config import Settings


def test_the_start_up_objects_are_frozen_while_the_app_runs_and_given_back_after(settings: Settings) -> None:
    gc.unfreeze()  # whatever an earlier test left
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/v1/warehouses").status_code == 200
        assert gc.get_freeze_count() > 10_000  # the modules, routes and schemas at least
    assert gc.get_freeze_count() == 0
