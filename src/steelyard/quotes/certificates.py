"""The certificates of an order: the lots its lines were allocated and shipped from, their heats and mill
certificates. Only the order's customer (and staff) may see them; anyone else is told the order does not exist.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from sqlalchemy import Connection, select

from steelyard.access.model import Principal
from steelyard.catalog.tables import products
from steelyard.errors import NotFound
from steelyard.inventory.certificates import download_name
from steelyard.inventory.tables import holds, lots
from steelyard.quotes.tables import orders

# Allocations that went (or will go) to the customer: not those given back by a cancelled order.
DELIVERED = ("ordered", "shipped")


def _visible_order(conn: Connection, order_id: str, principal: Principal) -> Any:
    row = conn.execute(select(orders.c.id, orders.c.account_id).where(orders.c.id == order_id)).first()
    if row is None or not (principal.is_staff or principal.account_id == row.account_id):
        raise NotFound(f"no order {order_id} that you may see")
    return row


def _order_lots(conn: Connection, order_id: str) -> list[Any]:
    served = select(holds.c.lot_id).where(holds.c.order_id == order_id, holds.c.status.in_(DELIVERED))
    query = (
        select(
            lots.c.id,
            lots.c.heat,
            lots.c.mill,
            lots.c.origin,
            lots.c.certificate_type,
            lots.c.certificate_key,
            lots.c.certificate_data,
            products.c.sku,
        )
        .join(products, products.c.id == lots.c.product_id)
        .where(lots.c.id.in_(served))
        .order_by(lots.c.id)
    )
    return list(conn.execute(query))


def order_certificates(conn: Connection, *, order_id: str, principal: Principal) -> list[dict[str, Any]]:
    """One entry per lot the order was served from: heat, mill, origin, certificate type, the PDF's address (null
    when the lot has no PDF on file) and the EN 10168 data, if attached."""
    _visible_order(conn, order_id, principal)
    return [
        {
            "lot_id": lot.id,
            "sku": lot.sku,
            "heat": lot.heat,
            "mill": lot.mill,
            "origin": lot.origin,
            "certificate_type": lot.certificate_type,
            "url": None if lot.certificate_key is None else f"/api/v1/orders/{order_id}/certificates/{lot.id}",
            "data": lot.certificate_data,
        }
        for lot in _order_lots(conn, order_id)
    ]


def order_certificate_file(conn: Connection, *, order_id: str, lot_id: int, principal: Principal) -> tuple[str, str]:
    """The store key and file name of one lot's PDF, if the order was served from that lot and it has one."""
    _visible_order(conn, order_id, principal)
    for lot in _order_lots(conn, order_id):
        if lot.id == lot_id:
            if lot.certificate_key is None:
                raise NotFound(f"lot {lot_id} of order {order_id} has no certificate PDF on file")
            return lot.certificate_key, download_name(lot_id, lot.heat)
    raise NotFound(f"order {order_id} was not served from lot {lot_id}")


def order_certificate_files(conn: Connection, *, order_id: str, principal: Principal) -> list[tuple[str, str]]:
    """(store key, file name) of every certificate PDF on file for the order's lots; 404 when there is none."""
    _visible_order(conn, order_id, principal)
    files = [
        (lot.certificate_key, download_name(lot.id, lot.heat))
        for lot in _order_lots(conn, order_id)
        if lot.certificate_key is not None
    ]
    if not files:
        raise NotFound(f"order {order_id} has no certificate PDFs on file")
    return files


def certificates_zip(files: list[tuple[str, bytes]]) -> bytes:
    """The PDFs in one ZIP file (stored, not deflated: a PDF is compressed inside already)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return out.getvalue()
