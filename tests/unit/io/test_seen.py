"""The keys an import has seen, on disk: a dict's answers across batches, holding one batch in memory."""

from __future__ import annotations

from steelyard.io.seen import FirstLines


def test_a_key_from_an_earlier_batch_is_found_with_its_first_line() -> None:
    seen = FirstLines()
    seen.load(["A", "B"])
    assert seen.get("A") is None
    seen["A"] = 2
    seen["B"] = 3
    seen.load(["B", "C"])  # the next batch: B came earlier, C did not
    assert (seen.get("B"), seen.get("C"), seen.get("A")) == (3, None, None)  # A is on disk, not asked for
    seen["C"] = 600
    seen.load(["A", "C", "D"])
    assert (seen.get("A"), seen.get("C"), seen.get("D")) == (2, 600, None)
    assert seen.disk_bytes() > 0
    seen.close()
    assert seen.disk_bytes() == 0


def test_the_first_line_stays_when_a_key_is_set_again_in_a_later_batch() -> None:
    seen = FirstLines()
    seen.load(["A"])
    seen["A"] = 2
    seen.load(["A"])
    seen["A"] = 900  # a caller that records a repeat: the first line is what a later repeat is told
    seen.load(["A"])
    assert seen.get("A") == 2
    seen.close()


def test_composite_keys_are_kept_apart() -> None:
    seen = FirstLines()
    seen.load([])
    seen[(False, "7")] = 2  # SKU 7
    seen[("7", "DUI")] = 3
    seen.load([(True, "7"), (False, "7"), ("7", "DUI"), ("7", "RTM"), 7])
    assert seen.get((True, "7")) is None  # account 7 is not SKU 7
    assert (seen.get((False, "7")), seen.get(("7", "DUI")), seen.get(("7", "RTM")), seen.get(7)) == (2, 3, None, None)
    seen.close()


def test_memory_holds_only_the_batch_asked_about() -> None:
    seen = FirstLines()
    for batch in range(20):
        keys = [f"SKU-{batch}-{i}" for i in range(500)]
        seen.load(keys)
        for i, key in enumerate(keys):
            seen[key] = batch * 500 + i + 2
    seen.load(["SKU-0-0", "SKU-19-499"])
    assert len(seen._lines) == 2  # the point of the class: 10,000 keys written down, 2 in memory
    assert (seen.get("SKU-0-0"), seen.get("SKU-19-499")) == (2, 10_001)
    seen.close()


def test_many_keys_are_looked_up_in_chunks() -> None:
    seen = FirstLines()
    keys = [f"K{i}" for i in range(1_600)]
    seen.load(keys)
    for i, key in enumerate(keys):
        seen[key] = i + 2
    seen.load(keys)
    assert all(seen.get(k) == i + 2 for i, k in enumerate(keys))
    seen.close()
