"""A deterministic demo catalogue: real grades, densities and standard sizes, three warehouses, stock, prices.

`generate(products=N, seed=S)` returns the three warehouses and a lazy iterator over exactly N product
bodies, each the API's JSON body (every decimal a string) plus `"stock": {warehouse code: quantity}` in
the product's stock unit. Pure: no I/O beyond reading its package data, no clock, no global random state.

How the sequence is built (the same for every N and every seed, so `generate(2000)` is a prefix of
`generate(100000)` and SKUs do not depend on the seed):

* The base catalogue (`items`) is grade x form x standard size (`data/`, sources in `data/materials.md`),
  interleaved round-robin over the (grade, form) groups, so any prefix of a few hundred products already
  holds every family and every form.
* Beyond the base, each base product has variants (`variants`): the combinations of its finish (colour,
  temper, compound, chemical quality), heat-treatment condition, plate tolerance class, welded/seamless,
  protective film, inspection certificate, wire coil weight, other stock lengths, and cut lengths /
  cut-to-size blanks. Variants come in layers (layer k holds every base product's k-th variant) until N are
  made: stocked variants first, fewest changes first; cut pieces (sold per piece) after all of those.
  `capacity()` says how many distinct products exist; asking for more is a ValueError.

The seed only drives what a real catalogue would vary (`products`): list prices within the grade's price
range, tier discounts, lead times and stock levels (one `random.Random(seed)` consumed in sequence).

SKU scheme: `<FAMILY>-<GRADE>-<FORM>-<SIZE>[-<VARIANT>...]`, e.g. `AL-6061T6-SH-2X1250X2500`,
`ST-S235JR-RB-20X12000` (another stock length), `SS-304-RB-20X6000-PH11-C32-L1000` (peeled h11, 3.2
certificate, cut to 1000 mm from 6 m bars), `CH-H2SO4.98-LQ-200L-RG`; every part is `[A-Z0-9.]`, at most 64
characters in all.
"""

from steelyard.demo.products import DemoCatalogue, capacity, generate
from steelyard.demo.tables import WAREHOUSES

__all__ = ["WAREHOUSES", "DemoCatalogue", "capacity", "generate"]
