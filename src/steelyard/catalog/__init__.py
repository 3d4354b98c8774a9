"""Products and warehouses."""
