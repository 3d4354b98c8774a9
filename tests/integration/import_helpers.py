"""Small files and calls shared by the import and export tests."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

PRODUCTS_CSV = (
    "sku,name,family,grade,form,density_kg_m3,thickness_mm,width_mm,length_mm,diameter_mm,stock_unit,piece_name,"
    "min_order,currency,tiers,lead_time_days,active,description,attribute:standard\n"
    "AL-SH-2,Aluminium sheet 6061-T6 2 x 1250 x 2500 mm,aluminium,6061-T6,sheet,2700,2,1250,2500,,kg,sheet,,EUR,"
    "0 kg: 6.20/kg; 500 kg: 5.80/kg,2,true,,EN 485-2\n"
    "ST-RB-20,Steel round bar S235JR 20 mm,steel,S235JR,round_bar,7850,,,6000,20,m,bar,6 m,EUR,"
    "0 m: 4.10/m; 60 m: 3.90/m,5,yes,Hot rolled,EN 10060\n"
)
PRICES_CSV = (
    "sku,currency,min_quantity,min_unit,unit_price,per,account,family,discount_percent\n"
    "AL-SH-2,EUR,0,kg,6.20,kg,,,\n"
    "AL-SH-2,EUR,500,kg,5.80,kg,,,\n"
    "ST-RB-20,EUR,0,m,4.10,m,,,\n"
    "ST-RB-20,EUR,60,m,3.90,m,,,\n"
)
STOCK_CSV = "sku,warehouse,on_hand,unit,reason\nAL-SH-2,DUI,1200,kg,\nST-RB-20,RTM,300,m,\n"


def upload(
    client: TestClient,
    headers: dict[str, str],
    kind: str,
    content: bytes | str,
    name: str = "file.csv",
    **params: Any,
) -> Any:
    data = content.encode() if isinstance(content, str) else content
    query = {"kind": kind, **{k: str(v).lower() if isinstance(v, bool) else v for k, v in params.items()}}
    return client.post("/api/v1/imports", params=query, files={"file": (name, data)}, headers=headers)


def export(client: TestClient, headers: dict[str, str], kind: str, fmt: str = "csv", **params: Any) -> bytes:
    r = client.get(f"/api/v1/exports/{kind}", params={"format": fmt, **params}, headers=headers)
    assert r.status_code == 200, r.text
    return r.content


def snapshot(client: TestClient, headers: dict[str, str]) -> tuple[bytes, bytes, bytes]:
    """Everything an import can change, as exports: to prove a rejected file changed nothing."""
    return tuple(export(client, headers, kind) for kind in ("products", "prices", "stock"))  # type: ignore[return-value]
