"""The import contract (pyproject.toml [tool.importlinter], also run by `make lint`) holds, and leaves nothing out.

The layers contract only constrains the modules it names, so a new module that nobody placed would escape it: every
module of steelyard must sit in a layer (itself or a package above it; a package split over layers is not placed).
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import steelyard

ROOT = Path(__file__).resolve().parents[2]


def _contracts() -> dict[str, dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return {c["id"]: c for c in config["contracts"]}


def _layer_modules() -> set[str]:
    layers = _contracts()["layers"]["layers"]
    assert isinstance(layers, list)
    return {name.strip() for layer in layers for name in layer.replace("|", ":").split(":")}


def test_every_module_has_its_layer() -> None:
    placed = _layer_modules()
    modules = [
        m.name
        for m in pkgutil.walk_packages(steelyard.__path__, "steelyard.")
        if not m.name.startswith("steelyard.migrations")
    ]
    assert modules
    unplaced = [m for m in modules if not any(m == p or m.startswith(p + ".") for p in placed)]
    # a package whose modules sit in different layers is not placed itself (a layer takes a package whole)
    unplaced = [m for m in unplaced if not any(p.startswith(m + ".") for p in placed)]
    assert unplaced == [], f"place these modules in a layer of pyproject.toml [tool.importlinter]: {unplaced}"


def test_the_pure_rules_are_named() -> None:
    pure = set(_contracts()["pure"]["source_modules"])  # type: ignore[arg-type]
    assert {"steelyard.units", "steelyard.cutting", "steelyard.pricing", "steelyard.wire", "steelyard.errors"} <= pure


def test_lint_imports_keeps_every_contract() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run([str(lint), "--no-logo", "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout
