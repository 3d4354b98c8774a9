"""The product document cache (catalog/documents.py) and conditional GET (api.etag_matches), without a server."""

from __future__ import annotations

from steelyard.catalog.documents import ProductDocuments, document, etag_matches


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def cache(clock: Clock, fresh: list[float | None], **kwargs: float) -> ProductDocuments:
    return ProductDocuments(fresh_at=lambda: fresh[0], max_lag=1.0, clock=clock, **kwargs)  # type: ignore[arg-type]


def test_a_stored_document_is_served_until_its_sku_is_announced() -> None:
    clock, fresh = Clock(), [100.0]
    docs = cache(clock, fresh)
    doc = document(b'{"sku":"A"}')
    docs.put("A", doc, docs.begin())
    assert docs.get("A") == doc
    docs.invalidate({"B"})
    assert docs.get("A") == doc
    docs.invalidate({"A"})
    assert docs.get("A") is None


def test_a_transaction_too_large_to_name_its_skus_forgets_every_document() -> None:
    clock, fresh = Clock(), [100.0]
    docs = cache(clock, fresh)
    for sku in ("A", "B"):
        docs.put(sku, document(b'{"sku":"%s"}' % sku.encode()), docs.begin())
    epoch = docs.begin()
    docs.invalidate(None)  # events.MAX_NAMED_SKUS exceeded (a bulk import)
    assert (docs.get("A"), docs.get("B"), len(docs)) == (None, None, 0)
    docs.put("A", document(b'{"sku":"A"}'), epoch)  # read before it: not stored
    assert docs.get("A") is None


def test_a_read_that_raced_an_announcement_is_not_stored() -> None:
    clock, fresh = Clock(), [100.0]
    docs = cache(clock, fresh)
    epoch = docs.begin()  # the read starts ...
    docs.invalidate({"OTHER"})  # ... a change is announced while it runs (any SKU: the epoch is per process)
    docs.put("A", document(b"old"), epoch)
    assert docs.get("A") is None
    docs.put("A", document(b"new"), docs.begin())
    assert docs.get("A") == document(b"new")


def test_nothing_is_served_or_stored_while_the_bus_is_behind() -> None:
    clock, fresh = Clock(), [100.0]
    docs = cache(clock, fresh)
    docs.put("A", document(b"x"), docs.begin())
    clock.now = 101.5  # the bus's last pass is 1.5 s old, more than max_lag
    assert docs.get("A") is None
    docs.put("B", document(b"y"), docs.begin())
    fresh[0] = 101.5  # the bus catches up
    assert docs.get("A") == document(b"x")
    assert docs.get("B") is None
    fresh[0] = None  # a bus that never completed a pass
    assert docs.get("A") is None


def test_entries_expire_and_the_oldest_goes_when_full() -> None:
    clock, fresh = Clock(), [100.0]
    docs = cache(clock, fresh, max_entries=2, max_age=10.0)
    for sku in ("A", "B", "C"):
        docs.put(sku, document(sku.encode()), docs.begin())
    assert (docs.get("A"), len(docs)) == (None, 2)
    clock.now = fresh[0] = 111.0
    assert docs.get("B") is None


def test_etags_follow_the_content_and_if_none_match_compares_weakly() -> None:
    a, b = document(b'{"a":1}'), document(b'{"a":2}')
    assert a.etag == document(b'{"a":1}').etag != b.etag
    assert a.etag.startswith('"') and a.etag.endswith('"')
    assert etag_matches(a.etag, a.etag)
    assert etag_matches(a.etag, f'{b.etag}, W/{a.etag}')
    assert etag_matches(a.etag, "*")
    assert not etag_matches(a.etag, b.etag)
    assert not etag_matches(a.etag, a.etag.strip('"'))
