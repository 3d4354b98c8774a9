"""Import and export of products, prices and stock as CSV or XLSX (see docs/import.md)."""
