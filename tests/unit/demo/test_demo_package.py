"""The demo catalogue ships as its own package: small modules, its tables as package data, no machine paths."""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from importlib.resources import files
from pathlib import Path

import steelyard
from steelyard.demo import generate

SRC = Path(steelyard.__file__).parent
ROOT = SRC.parent.parent


def test_demo_modules_stay_small() -> None:
    for module in (SRC / "demo").glob("*.py"):
        assert len(module.read_text().splitlines()) <= 400, module.name


def test_tables_are_package_data_with_their_handbook() -> None:
    data = files("steelyard.demo").joinpath("data")
    names = {entry.name for entry in data.iterdir()}
    assert {"grades.json", "sizes.json", "options.json", "packs.json", "catalogue.json", "materials.md"} <= names
    handbook = data.joinpath("materials.md").read_text(encoding="utf-8")
    assert "## Sources" in handbook and "EN 10088-1" in handbook
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["steelyard"]
    assert "demo/data/*" in patterns


def test_no_source_file_names_a_build_machine_path() -> None:
    machine_path = re.compile(r"(?<![\w.])/(?:work|home|tmp|Users)/")
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*")
        if path.suffix in (".py", ".json", ".md", ".csv") and machine_path.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_same_seed_gives_the_same_catalogue_and_another_seed_another() -> None:
    def digest(seed: int) -> str:
        bodies = [json.dumps(p, sort_keys=True) for p in generate(300, seed).products]
        return hashlib.sha256("\n".join(bodies).encode()).hexdigest()

    assert digest(42) == digest(42)
    assert digest(42) != digest(7)
