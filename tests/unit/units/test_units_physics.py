"""Product physics: published weights, cross-kind conversions, what a product can be sold in."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steelyard.errors import InvalidInput, UnitError
from steelyard.units import (
    CONTEXT,
    PI,
    UNITS,
    Physics,
    Quantity,
    convert_for,
    cross_section_mm2,
    describe,
    parse_quantity,
    sellable_units,
    weight_kg,
)
from steelyard.units.text import number_format

D = Decimal
EN = number_format("en-US")  # the texts below write decimals with a point
MASS = ["kg", "g", "t", "lb", "oz", "short_ton", "long_ton", "cwt", "long_cwt"]
VOLUME = ["m3", "L", "mL", "cm3", "ft3", "in3", "yd3", "gal", "imp_gal"]
LENGTH = ["m", "mm", "cm", "ft", "in", "yd"]
AREA = ["m2", "ft2", "cm2", "mm2", "in2"]


def dims(**values: str) -> dict[str, Decimal]:
    return {name: D(value) for name, value in values.items()}


STEEL = D(7850)
PLATE_10 = Physics("plate", STEEL, dims(thickness="10", width="1500", length="3000"), stock_unit="kg")
ALU_SHEET = Physics("sheet", D(2700), dims(thickness="2", width="1250", length="2500"), stock_unit="kg")
ALU_SHEET_BY_PIECE = Physics("sheet", D(2700), dims(thickness="2", width="1250", length="2500"), stock_unit="sheet")
SHEET_1MM = dims(thickness="1", width="1000", length="2000")
ROUND_50 = Physics("round_bar", STEEL, dims(diameter="50", length="6000"), stock_unit="kg")
TUBE = Physics("tube", STEEL, dims(outer_diameter="48.3", wall="3.2", length="6000"), stock_unit="m")
GRANULES = Physics("granules", D(950), {}, stock_unit="kg")
ACID = Physics("liquid", D(1840), {}, stock_unit="L")
GRAVEL = Physics("bulk", D(1680), {}, stock_unit="t")
CEMENT_BAGS = Physics("bulk", D(1440), {}, "bag", stock_unit="bag", piece_content=Quantity(D(25), "kg"))
COIL = Physics("coil", STEEL, dims(thickness="1", width="1250"), stock_unit="kg")
WIRE_COIL = Physics("wire", STEEL, dims(diameter="2"), stock_unit="kg", piece_content=Quantity(D(500), "kg"))


# -- published weights (materials.md "Checks") -------------------------------------------------------


@pytest.mark.parametrize(
    ("physics", "figure", "places", "expected"),
    [
        (PLATE_10, "mass_per_m2", None, "78.5"),
        (Physics("sheet", D(2700), SHEET_1MM), "mass_per_m2", None, "2.7"),
        (ALU_SHEET, "mass_per_piece", None, "16.875"),
        (Physics("round_bar", STEEL, dims(diameter="50")), "mass_per_m", 2, "15.41"),
        (Physics("round_bar", STEEL, dims(diameter="20")), "mass_per_m", 2, "2.47"),
        (Physics("flat_bar", STEEL, dims(width="50", thickness="6")), "mass_per_m", None, "2.355"),
        (Physics("flat_bar", STEEL, dims(width="50", thickness="6")), "mass_per_m", 2, "2.36"),
        (Physics("tube", STEEL, dims(outer_diameter="48.3", wall="3.2")), "mass_per_m", 2, "3.56"),
        (Physics("tube", STEEL, dims(outer_diameter="60.3", wall="3.2")), "mass_per_m", 2, "4.51"),
        (Physics("hex_bar", STEEL, dims(width="24")), "mass_per_m", 2, "3.92"),
        (Physics("pipe", STEEL, dims(outer_diameter="114.3", wall="4.5")), "mass_per_m", 2, "12.19"),
    ],
)
def test_published_weights(physics: Physics, figure: str, places: int | None, expected: str) -> None:
    assert describe(physics, places)[figure] == D(expected)


@pytest.mark.parametrize(
    ("section", "dimensions", "area"),
    [
        ("square", dims(width="20"), "400"),
        ("rect", dims(width="50", thickness="6"), "300"),
        ("angle", dims(width="50", thickness="5"), "475"),  # 5 (100 - 5), sharp corners when no radii are given
        ("angle", dims(width="60", height="40", thickness="6"), "564"),  # 6 (100 - 6): the second leg counts
        ("ibeam", dims(height="200", width="100", thickness="8.5", wall="5.6"), "2724.8"),  # IPE 200, sharp
        ("hollow", dims(outer_diameter="50", inner_diameter="30"), None),
    ],
)
def test_exact_cross_sections(section: str, dimensions: dict[str, Decimal], area: str | None) -> None:
    if area is None:  # pi (50^2 - 30^2) / 4 = 400 pi
        assert abs(cross_section_mm2(section, dimensions) - CONTEXT.multiply(400, PI)) < D("1E-28")
    else:
        assert cross_section_mm2(section, dimensions) == D(area)


_sizes = st.decimals(min_value=D("0.5"), max_value=D("500"), places=2)


@given(_sizes, _sizes, _sizes, _sizes)
def test_cross_sections_match_float_formulas(a: Decimal, b: Decimal, c: Decimal, d: Decimal) -> None:
    big, small = max(a, b), min(a, b)
    if small * 2 >= big:
        small = big / 4
    f_big, f_small = float(big), float(small)
    ro = f_small * (2 if f_small <= 6 else 2.5 if f_small <= 10 else 3)  # EN 10219-2 corners when none are given
    corners = (4 - math.pi) * (ro**2 - (ro - f_small) ** 2)
    checks = {
        ("round", "diameter"): math.pi * f_big**2 / 4,
        ("hex", "width"): 2 * math.sqrt(3) * (f_big / 2) ** 2,  # 2 sqrt(3) r^2, r the inradius
        ("tube", "outer_diameter"): math.pi * (f_big**2 - (f_big - 2 * f_small) ** 2) / 4,
        ("sqtube", "width"): f_big**2 - (f_big - 2 * f_small) ** 2 - corners,
        ("angle", "width"): f_big * f_small + (f_big - f_small) * f_small,  # two legs, corner counted once
    }
    for (section, size), expected in checks.items():
        dimensions = {size: big, "wall": small, "thickness": small}
        assert float(cross_section_mm2(section, dimensions)) == pytest.approx(expected, rel=1e-12)
    height = max(c, d, big) + 2 * small + 1
    beam = {"height": height, "width": big, "thickness": small, "wall": small / 2}
    f_height = float(height)
    outline = f_height * f_big - (f_big - f_small / 2) * (f_height - 2 * f_small)  # box minus the two gaps
    assert float(cross_section_mm2("ibeam", beam)) == pytest.approx(outline, rel=1e-12)
    # the wave-2 sections, sharp where no radii are given
    assert float(cross_section_mm2("channel", beam)) == pytest.approx(outline, rel=1e-12)  # same box less one gap
    tee = {"height": height, "width": big, "thickness": small}
    assert float(cross_section_mm2("tee", tee)) == pytest.approx(f_big * f_small + (f_height - f_small) * f_small)
    rhs = {"height": height, "width": big, "wall": small}
    expected_rhs = f_height * f_big - (f_height - 2 * f_small) * (f_big - 2 * f_small) - corners
    assert float(cross_section_mm2("rhs", rhs)) == pytest.approx(expected_rhs, rel=1e-12)
    bar = {"outer_diameter": big, "inner_diameter": big - small}
    expected_bar = math.pi * (f_big**2 - (f_big - f_small) ** 2) / 4
    assert float(cross_section_mm2("hollow", bar)) == pytest.approx(expected_bar, rel=1e-12)


# -- conversions across kinds -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("physics", "text", "to_unit", "expected"),
    [
        (ALU_SHEET, "3 sheets", "kg", "50.625"),
        (ALU_SHEET, "2 m2", "kg", "10.8"),
        (ALU_SHEET_BY_PIECE, "50.625 kg", "piece", "3"),
        (PLATE_10, "2.5 m2", "kg", "196.25"),
        (PLATE_10, "1 plate", "kg", "353.25"),
        (GRAVEL, "0.4 m3", "t", "0.672"),
        (GRAVEL, "1 yd3", "kg", "1284.45216141312"),
        (CEMENT_BAGS, "1 t", "piece", "40"),
        (CEMENT_BAGS, "3 bags", "kg", "75"),
        (ACID, "200 L", "kg", "368"),
        (ACID, "1 gal", "kg", "6.96515768256"),
        (GRANULES, "1 t", "kg", "1000"),
        (TUBE, "2 tubes", "m", "12"),
        (COIL, "1 m", "kg", "9.8125"),
        (COIL, "1 m2", "kg", "7.85"),
        (WIRE_COIL, "2 coils", "kg", "1000"),
    ],
)
def test_conversions_across_kinds(physics: Physics, text: str, to_unit: str, expected: str) -> None:
    quantity = parse_quantity(text, physics.piece_names, fmt=EN)
    assert convert_for(physics, quantity, to_unit) == D(expected)


def test_round_bar_by_the_foot() -> None:
    kg = convert_for(ROUND_50, parse_quantity("12 ft"), "kg")
    assert float(kg) == pytest.approx(12 * 0.3048 * math.pi * 0.025**2 * 7850, rel=1e-14)
    assert round(kg, 3) == D("56.376")


def test_pound_to_sheets_is_a_fraction_of_a_sheet() -> None:
    sheets = convert_for(ALU_SHEET, Quantity(D(250), "lb"), "piece")
    assert sheets == CONTEXT.divide(D("113.3980925"), D("16.875"))  # 250 x 0.45359237 / 16.875, 34 digits
    assert sheets == D("6.719886962962962962962962962962963")


def test_the_same_unit_is_returned_unchanged() -> None:
    assert str(convert_for(GRANULES, Quantity(D("10.50"), "kg"), "kg")) == "10.50"


def test_aliases_and_piece_names_work_in_convert_for() -> None:
    assert convert_for(ALU_SHEET, Quantity(D(2), "sheets"), "kgs") == D("33.75")


# -- what a product can be sold in -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("physics", "units"),
    [
        (ALU_SHEET, [*MASS, *VOLUME, *AREA, "piece"]),
        (ROUND_50, [*MASS, *VOLUME, *LENGTH, "piece"]),
        (Physics("round_bar", STEEL, dims(diameter="50"), stock_unit="kg"), [*MASS, *VOLUME, *LENGTH]),
        (GRANULES, [*MASS, *VOLUME]),
        (CEMENT_BAGS, [*MASS, *VOLUME, "piece"]),
        (COIL, [*MASS, *VOLUME, *LENGTH, *AREA]),
        (Physics("coil", STEEL, dims(thickness="1", width="1250"), stock_unit="coil"), ["piece"]),
        (
            Physics("coil", STEEL, dims(thickness="1", width="1250", length="100000"), stock_unit="kg"),
            [*MASS, *VOLUME, *LENGTH, *AREA, "piece"],
        ),
        (Physics("granules", None, {}, stock_unit="kg"), MASS),
        (Physics("liquid", None, {}, stock_unit="L"), VOLUME),
        (
            Physics("sheet", None, dims(thickness="2", width="1000", length="2000"), stock_unit="m2"),
            [*VOLUME, *AREA, "piece"],
        ),
        (
            Physics("ingot", D(7140), {}, "ingot", stock_unit="piece", piece_content=Quantity(D(25), "kg")),
            [*MASS, *VOLUME, "piece"],
        ),
    ],
)
def test_sellable_units(physics: Physics, units: list[str]) -> None:
    assert sellable_units(physics) == [u for u in UNITS if u in units]


@pytest.mark.parametrize(
    ("physics", "text", "to_unit", "field", "fragments"),
    [
        (GRANULES, "2 m2", "kg", "quantity.unit", ["m2 (area)", "sold by area", "kg, g, t"]),
        (GRANULES, "2 m", "kg", "quantity.unit", ["m (length)", "long products"]),
        (GRANULES, "2 bags", "kg", "quantity.unit", ["piece (count)", "no set content"]),
        (ALU_SHEET, "2 m", "kg", "quantity.unit", ["m (length)", "sold by length"]),
        (COIL, "1 coil", "kg", "quantity.unit", ["piece (count)", "needs a length", "piece_content"]),
        (
            Physics("coil", STEEL, dims(thickness="1", width="1250"), stock_unit="coil"),
            "1 t",
            "piece",
            "quantity.unit",
            ["stocked by the coil", "sold in piece"],
        ),
        (Physics("granules", None, {}, stock_unit="kg"), "1 L", "kg", "quantity.unit", ["density is not"]),
        (ACID, "1 kg", "m2", "unit", ["m2 (area)"]),
    ],
)
def test_units_a_product_cannot_take_are_refused_with_the_ones_it_can(
    physics: Physics, text: str, to_unit: str, field: str, fragments: list[str]
) -> None:
    quantity = parse_quantity(text, physics.piece_names, fmt=EN)
    with pytest.raises(UnitError) as caught:
        convert_for(physics, quantity, to_unit)
    error = caught.value
    assert error.status == 422
    for fragment in fragments:
        assert fragment in error.detail
    assert error.extra["allowed_units"] == sellable_units(physics)
    assert [p.field for p in error.problems] == [field]


def test_an_unknown_unit_in_convert_for_is_refused() -> None:
    with pytest.raises(UnitError, match="unknown unit 'stone'"):
        convert_for(GRANULES, Quantity(D(1), "stone"), "kg")


def test_a_non_finite_value_is_refused() -> None:
    with pytest.raises(InvalidInput, match="finite"):
        convert_for(GRANULES, Quantity(D("NaN"), "kg"), "t")


# -- weight and product page ---------------------------------------------------------------------------


def test_weight_kg() -> None:
    assert weight_kg(ALU_SHEET, Quantity(D(3), "piece")) == D("50.625")
    assert weight_kg(ACID, Quantity(D(1), "m3")) == D(1840)
    assert weight_kg(Physics("liquid", None, {}, stock_unit="L"), Quantity(D(5), "L")) is None
    with pytest.raises(UnitError):
        weight_kg(Physics("liquid", None, {}, stock_unit="L"), Quantity(D(5), "m2"))


def test_describe() -> None:
    assert describe(GRANULES) == {
        "mass_per_m": None,
        "mass_per_m2": None,
        "mass_per_piece": None,
        "cross_section_mm2": None,
    }
    assert describe(COIL)["mass_per_m"] == D("9.8125")
    assert describe(CEMENT_BAGS)["mass_per_piece"] == D(25)
    assert describe(Physics("liquid", D(1840), {}, "drum", piece_content=Quantity(D(200), "L")))["mass_per_piece"] == D(
        368
    )
    # 10 mm2 x 2345 kg/m3 = 0.02345 kg/m: half-up to 4 places is 0.0235 (half-even would give 0.0234)
    flat = Physics("flat_bar", D(2345), dims(width="10", thickness="1"))
    assert describe(flat, 4)["mass_per_m"] == D("0.0235")


def test_piece_names_and_label() -> None:
    assert ROUND_50.piece_names == ("bar",)
    assert Physics("sheet", None, SHEET_1MM, "panel").piece_names == ("panel", "sheet")
    assert CEMENT_BAGS.piece_label == "bag"
    assert ALU_SHEET_BY_PIECE.stock_unit == "piece"


# -- invalid physics -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        (
            {"form": "tube", "dimensions_mm": dims(outer_diameter="20", wall="10")},
            "dimensions_mm.wall",
            "less than half",
        ),
        ({"form": "round_bar", "dimensions_mm": {}}, "dimensions_mm.diameter", "needs 'diameter'"),
        ({"form": "blob", "dimensions_mm": {}}, "form", "unknown form"),
        ({"form": "bulk", "density_kg_m3": D(-1)}, "density_kg_m3", "positive"),
        ({"form": "bulk", "density_kg_m3": D("NaN")}, "density_kg_m3", "positive"),
        ({"form": "bulk", "stock_unit": "stone"}, "stock_unit", "unknown unit"),
        ({"form": "sheet", "dimensions_mm": SHEET_1MM, "stock_unit": "m"}, "stock_unit", "sold by length"),
        (
            {"form": "sheet", "dimensions_mm": SHEET_1MM, "piece_content": Quantity(D(10), "kg")},
            "piece_content",
            "already defined",
        ),
        ({"form": "bulk", "piece_content": Quantity(D(10), "m")}, "piece_content.unit", "mass or volume"),
        ({"form": "bulk", "piece_content": Quantity(D(0), "kg")}, "piece_content.value", "greater than zero"),
    ],
)
def test_invalid_physics_is_refused(kwargs: dict[str, object], field: str, fragment: str) -> None:
    arguments: dict[str, object] = {"density_kg_m3": STEEL, "dimensions_mm": {}, **kwargs}
    with pytest.raises(InvalidInput) as caught:
        Physics(**arguments)  # type: ignore[arg-type]
    assert field in [p.field for p in caught.value.problems]
    assert fragment in caught.value.detail


def test_physics_of_a_product_like_object() -> None:
    class Product:
        form = "plate"
        density_kg_m3 = STEEL
        dimensions_mm = dims(thickness="10", width="1500", length="3000")
        piece_name = None
        stock_unit = "kg"

    assert Physics.of(Product()) == PLATE_10


def test_physics_does_not_follow_later_changes_to_the_callers_dict() -> None:
    source = dims(thickness="2", width="1250", length="2500")
    physics = Physics("sheet", D(2700), source, stock_unit="kg")
    source["thickness"] = D(4)
    assert describe(physics)["mass_per_piece"] == D("16.875")


# -- round trips: every pair of units each product allows ----------------------------------------------

PRODUCTS = {
    "sheet": ALU_SHEET,
    "sheet by piece": ALU_SHEET_BY_PIECE,
    "round bar": ROUND_50,
    "hex bar": Physics("hex_bar", D(8470), dims(width="17", length="3000"), stock_unit="bar"),
    "tube": TUBE,
    "beam": Physics(
        "beam",
        STEEL,
        dims(height="200", width="100", thickness="8.5", wall="5.6", length="12000"),
        stock_unit="kg",
    ),
    "coil": COIL,
    "granules": GRANULES,
    "liquid": ACID,
    "cement bags": CEMENT_BAGS,
    "sheet without density": Physics("sheet", None, dims(thickness="2", width="1000", length="2000"), stock_unit="m2"),
    # the wave-2 forms, with the dimensions their designations fill
    "channel UPN 100": Physics(
        "channel",
        STEEL,
        dims(height="100", width="50", thickness="8.5", wall="6", root_radius="8.5", toe_radius="4.5", flange_slope="8")
        | dims(length="6000"),
        stock_unit="kg",
    ),
    "rhs 60x40x3": Physics(
        "rectangular_tube", STEEL, dims(height="60", width="40", wall="3", length="6000"), stock_unit="m"
    ),
    "angle 60x40x6": Physics(
        "angle", STEEL, dims(width="60", height="40", thickness="6", root_radius="6", toe_radius="3"), stock_unit="m"
    ),
    "tee 50": Physics("tee", STEEL, dims(height="50", width="50", thickness="6", length="6000"), stock_unit="bar"),
    "hollow bar": Physics("hollow_bar", D(8800), dims(outer_diameter="50", inner_diameter="30", length="3000")),
    "threaded rod M12": Physics("threaded_rod", STEEL, dims(diameter="12", length="1000"), stock_unit="rod"),
    "chequer plate 5": Physics("chequer_plate", STEEL, dims(thickness="5", width="1250", length="2500")),
    "perforated sheet": Physics(
        "perforated_sheet", STEEL, dims(thickness="2", width="1000", length="2000", open_area="40"), stock_unit="m2"
    ),
    "expanded sheet": Physics(
        "expanded_sheet", D(2700), dims(thickness="1.5", width="1250", length="2500", open_area="60"), stock_unit="kg"
    ),
}
PAIRS = [
    (name, a, b) for name, physics in PRODUCTS.items() for a in sellable_units(physics) for b in sellable_units(physics)
]
VALUES = st.decimals(min_value=D("0.000000001"), max_value=D("999999999999999"), places=9)
RELATIVE = D("1E-30")  # 34-digit arithmetic: four roundings of at most half a unit in the 34th digit


def test_there_are_many_pairs() -> None:
    assert len(PAIRS) > 2000


@settings(max_examples=1500)
@given(st.sampled_from(PAIRS), VALUES)
def test_a_to_b_to_a_gives_back_the_value(pair: tuple[str, str, str], value: Decimal) -> None:
    name, a, b = pair
    physics = PRODUCTS[name]
    there = convert_for(physics, Quantity(value, a), b)
    back = convert_for(physics, Quantity(there, b), a)
    assert abs(back - value) <= value * RELATIVE


@settings(max_examples=500)
@given(st.sampled_from(list(PRODUCTS)), st.data(), VALUES)
def test_conversions_compose(name: str, data: st.DataObject, value: Decimal) -> None:
    physics = PRODUCTS[name]
    a, b, c = (data.draw(st.sampled_from(sellable_units(physics))) for _ in range(3))
    direct = convert_for(physics, Quantity(value, a), c)
    via_b = convert_for(physics, Quantity(convert_for(physics, Quantity(value, a), b), b), c)
    assert abs(direct - via_b) <= abs(direct) * RELATIVE


@given(st.sampled_from(PAIRS), VALUES)
def test_every_kind_change_goes_through_mass_per_unit(pair: tuple[str, str, str], value: Decimal) -> None:
    """An oracle from the product-page figures: kg per unit of a over kg per unit of b."""
    name, a, b = pair
    physics = PRODUCTS[name]
    if "kg" not in sellable_units(physics):
        return
    kg_per_a = convert_for(physics, Quantity(D(1), a), "kg")
    kg_per_b = convert_for(physics, Quantity(D(1), b), "kg")
    expected = value * kg_per_a / kg_per_b
    assert float(convert_for(physics, Quantity(value, a), b)) == pytest.approx(float(expected), rel=1e-12)
