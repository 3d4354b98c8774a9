"""The stockholder's warehouses (SQLAlchemy Core): accounts name a home one, stock levels and lots live in one.

Its own module, below access and the catalogue, so that both can use it and the arrows still run one way.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, String, Table, Text, func

from steelyard.db import UtcDateTime, metadata

warehouses = Table(
    "warehouses",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(16), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("address", Text, nullable=False, server_default=""),
    Column("created_at", UtcDateTime, nullable=False, server_default=func.now()),
)
