"""Market prices: named indices (LME copper, alloy surcharges, scrap) with dated values, and the price rules that
turn them into surcharges and extras on quote lines (see docs/market.md)."""
