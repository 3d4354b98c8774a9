"""Section masses computed from the standards' dimensions and radii, against the masses those tables publish.

Every row of src/steelyard/units/sections/*.csv that carries a published mass (SCI P363 / ArcelorMittal tables
of EN 10365, EN 10056-1, EN 10210-2 and EN 10219-2; EN 10055's own table for tees; sources in each file) is
checked: the mass computed from the dimensions with the real corners (a tee: its table's area) must be within
0.5 % of it. The few rows where the published tables and the standard's geometry disagree by more are listed
below with the reason, so that the check stays honest.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steelyard.errors import InvalidInput
from steelyard.units import Physics, corner_rule, describe
from steelyard.units.sections import find_profile, profiles

STEEL = Decimal(7850)
TOLERANCE = Decimal("0.005")
# (designation, standard): why its published mass is not matched within 0.5 %
KNOWN_OFF: dict[tuple[str, str], str] = {
    ("UPN 100", "EN 10365"): "published 10.6 (3 figures) for an area of 13.42 cm2 by the tapered geometry (-0.6 %)",
    ("UPN 120", "EN 10365"): "published 13.4 (3 figures) against 13.31 computed (-0.7 %)",
    ("L 100x100x18", "EN 10056-1"): "mill size outside the standard's series; published radii give -1.4 %",
    ("L 110x110x14", "EN 10056-1"): "mill size; the published mass does not follow from the tabulated radii",
    ("L 250x250x17", "EN 10056-1"): "mill size beyond EN 10056-1's series (+0.5 %)",
    ("L 250x250x34", "EN 10056-1"): "mill size beyond EN 10056-1's series (+0.5 %)",
}


def _mass(profile_key: tuple[str, str]) -> Decimal:
    p = profiles()[profile_key]
    figure = describe(Physics(p.form, STEEL, p.dimensions_mm))["mass_per_m"]
    assert figure is not None
    return figure


CHECKED = sorted(k for k, p in profiles().items() if p.published_kg_m is not None and k not in KNOWN_OFF)


def test_at_least_forty_sections_of_every_family_are_checked() -> None:
    forms = {profiles()[k].form for k in CHECKED}
    assert len(CHECKED) >= 40
    assert {"beam", "channel", "angle", "square_tube", "rectangular_tube", "tube"} <= forms


@pytest.mark.parametrize("key", CHECKED, ids=[f"{d} {s}" for d, s in CHECKED])
def test_computed_mass_matches_the_published_table(key: tuple[str, str]) -> None:
    published = profiles()[key].published_kg_m
    assert published is not None
    assert abs(_mass(key) - published) <= published * TOLERANCE


@pytest.mark.parametrize("key", sorted(KNOWN_OFF))
def test_known_disagreements_are_still_close(key: tuple[str, str]) -> None:
    published = profiles()[key].published_kg_m
    assert published is not None
    assert abs(_mass(key) - published) <= published * Decimal("0.025")


TEES = sorted(k for k, p in profiles().items() if p.form == "tee")


def test_every_en_10055_size_is_tabled_and_weighs_what_the_table_says() -> None:
    """EN 10055:1995 table 1: T 20 to T 140; T 50x50x6 is 5.66 cm2, 4.44 kg/m."""
    assert len(TEES) == 13 and set(TEES) <= set(CHECKED)
    tee = find_profile("T50X50X6")
    assert tee.dimensions_mm["section_area"] == Decimal("566")
    assert abs(_mass(("T 50x50x6", "EN 10055")) - Decimal("4.44")) <= Decimal("4.44") * TOLERANCE


@pytest.mark.parametrize("key", TEES, ids=[d for d, _ in TEES])
def test_the_corner_rule_alone_is_why_untabled_tees_are_a_little_heavy(key: tuple[str, str]) -> None:
    """Without the table's area, the EN 10055 corners with the taper ignored give 1.1-1.7 % too much: the rule a
    size off the table falls back to says so, and stays within 2 % of the table."""
    tabled = profiles()[key]
    drawn = {k: v for k, v in tabled.dimensions_mm.items() if k != "section_area"}
    figure = describe(Physics("tee", STEEL, drawn))["mass_per_m"]
    published = tabled.published_kg_m
    assert figure is not None and published is not None
    assert published < figure <= published * Decimal("1.02")
    assert "taper ignored" in find_profile("T 55x55x6").corner_rule


def test_sharp_corners_were_the_bug_the_radii_fix() -> None:
    """HEA 100: 16.7 kg/m published; sharp corners give 15.7 (6 % light), the root radius brings it back."""
    hea = find_profile("HEA 100")
    sharp = {k: v for k, v in hea.dimensions_mm.items() if k != "root_radius"}
    light = describe(Physics("beam", STEEL, sharp))["mass_per_m"]
    assert light is not None and light < Decimal("15.71")
    assert abs(_mass(("HEA 100", "EN 10365")) - Decimal("16.7")) < Decimal("0.05")


@pytest.mark.parametrize(
    ("text", "name", "form"),
    [
        ("IPE 200", "IPE 200", "beam"),
        ("IPE200", "IPE 200", "beam"),
        ("ipe 200", "IPE 200", "beam"),
        ("HEA 100", "HEA 100", "beam"),
        ("HE 100 A", "HEA 100", "beam"),
        ("HE100B", "HEB 100", "beam"),
        ("UPN 100", "UPN 100", "channel"),
        ("UPE 120", "UPE 120", "channel"),
        ("L 50x50x5", "L 50x50x5", "angle"),
        ("L50X50X5", "L 50x50x5", "angle"),
        ("L 60x40x6", "L 60x40x6", "angle"),
        ("L 40x60x6", "L 60x40x6", "angle"),
        ("SHS 40x40x3 EN 10219", "SHS 40x40x3 EN 10219-2", "square_tube"),
        ("SHS 40x40x4 EN 10210", "SHS 40x40x4 EN 10210-2", "square_tube"),
        ("RHS 60x40x3", "RHS 60x40x3 EN 10219-2", "rectangular_tube"),
        ("RHS 40x60x3", "RHS 60x40x3 EN 10219-2", "rectangular_tube"),
        ("CHS 60.3x3.2", "CHS 60.3x3.2 EN 10210-2", "tube"),
        ("T 50x50x6", "T 50x50x6", "tee"),
        ("SHS 20x20x2 EN 10219-2", "SHS 20x20x2 EN 10219-2", "square_tube"),  # off the table: by the rule
        ("rhs 60 x 40 x 3 en 10210-2", "RHS 60x40x3 EN 10210-2", "rectangular_tube"),
    ],
)
def test_designations_as_the_trade_writes_them(text: str, name: str, form: str) -> None:
    profile = find_profile(text)
    assert (profile.name, profile.form) == (name, form)


def test_every_name_reads_back_as_itself() -> None:
    for key, profile in profiles().items():
        assert find_profile(profile.name) == profile, key


def test_every_dimension_and_radius_is_filled() -> None:
    upn = find_profile("UPN 100").dimensions_mm
    assert upn == {
        "height": 100,
        "width": 50,
        "thickness": Decimal("8.5"),
        "wall": 6,
        "root_radius": Decimal("8.5"),
        "toe_radius": Decimal("4.5"),
        "flange_slope": 8,
    }
    shs = find_profile("SHS 40x40x3").dimensions_mm
    assert (shs["outer_radius"], shs["inner_radius"]) == (6, 3)  # EN 10219-2: 2t and 1t for t <= 6 mm
    hot = find_profile("SHS 40x40x4 EN 10210").dimensions_mm
    assert (hot["outer_radius"], hot["inner_radius"]) == (6, 4)  # EN 10210-2: 1.5t and 1t


@pytest.mark.parametrize("text", ["IPE 210", "HEA 105", "L 51x50x5", "XYZ 100", "", "IPE", "L 50x50"])
def test_unknown_designations_say_what_exists(text: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        find_profile(text)
    assert raised.value.problems[0].field == "profile"


def test_a_section_by_dimensions_states_the_corner_rule_it_assumed() -> None:
    by_hand = Physics("square_tube", STEEL, {"width": Decimal(40), "wall": Decimal(3)})
    assert "EN 10219-2" in (corner_rule(by_hand) or "")
    assert describe(by_hand, 2)["mass_per_m"] == Decimal("3.30")  # EN 10219-2 table: 3.30 kg/m
    sharp = Physics("angle", STEEL, {"width": Decimal(50), "thickness": Decimal(5)})
    assert "sharp corners" in (corner_rule(sharp) or "")
    full = Physics("angle", STEEL, dict(find_profile("L 50x50x5").dimensions_mm))
    assert corner_rule(full) is None


@settings(max_examples=400)
@given(st.text(alphabet="IPEHABMUNLTSRCX x.,0123456789-/*", max_size=30))
def test_any_text_is_a_section_or_a_422(text: str) -> None:
    try:
        profile = find_profile(text)
    except InvalidInput as exc:
        assert exc.problems[0].field == "profile"
    else:
        assert Physics(profile.form, STEEL, profile.dimensions_mm)  # every accepted designation makes a real shape


def test_every_dimension_a_form_takes_is_named_once_for_files_and_pages() -> None:
    """Import/export write one column per name: a dimension missing here would be lost on the way out."""
    from steelyard.units.forms import ALL_DIMENSION_NAMES, FORMS

    taken = {name for spec in FORMS.values() for name in spec.required + spec.optional}
    assert taken == set(ALL_DIMENSION_NAMES)
    assert len(ALL_DIMENSION_NAMES) == len(set(ALL_DIMENSION_NAMES))


# DIN 976-1 stud bolts, "approximate mass in kilograms per 1000 units" of 100 mm length (coarse thread), as a
# fastener maker publishes them (a194grade8m.com.ferrobend.com/stud-bolts-din-976): kg per 1000 x 100 mm = kg/m x 100
DIN_976_100MM = {
    "10": "50.2",
    "12": "72.8",
    "14": "99.5",
    "16": "133",
    "18": "165",
    "20": "208",
    "22": "256",
    "24": "300",
}


@pytest.mark.parametrize(("size", "per_thousand"), sorted(DIN_976_100MM.items()))
def test_threaded_rod_weighs_its_pitch_diameter_blank(size: str, per_thousand: str) -> None:
    rod = Physics("threaded_rod", STEEL, {"diameter": Decimal(size)})
    figure = describe(rod)["mass_per_m"]
    published = Decimal(per_thousand) / 100  # kg per metre
    assert figure is not None and abs(figure - published) <= published * TOLERANCE
