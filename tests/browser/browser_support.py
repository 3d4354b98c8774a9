"""What the browser tests share besides fixtures: the test products and the running site."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

# The sheet the estimator tests price: 6061-T6, stocked in kg, 4.00 EUR/kg below 500 kg.
SHEET = "WEB-AL-SH-2"
# A granulate sold in 25 kg bags: it has no area, so m2 is refused with the units it can be sold in.
GRANULES = "WEB-PE-GR-25"
# A steel flat bar in 1000 mm lengths, stocked by the bar at 4.00 EUR, 2.00 EUR a cut: the cut list's page.
BAR = "WEB-ST-FB-1000"


@dataclass(frozen=True)
class Site:
    base: str
    staff_token: str
    customer_token: str

    def api(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.base, headers=headers, timeout=10)

    def receive(self, sku: str, warehouse: str, value: str, unit: str) -> dict[str, Any]:
        """Post a stock receipt through the API, as staff."""
        with self.api(self.staff_token) as client:
            response = client.post(
                "/api/v1/stock/movements",
                json={
                    "sku": sku,
                    "warehouse": warehouse,
                    "kind": "receipt",
                    "quantity": {"value": value, "unit": unit},
                },
            )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body
