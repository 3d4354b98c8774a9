"""The staff-maintained currency rate table (units per 1 EUR), shared by quotes, charges and market prices."""
