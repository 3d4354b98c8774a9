"""Product physics: how a product's mass, volume, length, area and pieces relate (pure, no I/O).

Links between kinds come from the product's data and nothing else (never a guess):
  volume <-> mass     the density (kg/m3)
  length <-> volume   the cross-section: long products (bars, tubes, profiles, wire, strip), and coil
                      or foil whose width is known (sold by the linear metre); not sheet and plate
  area   <-> volume   the thickness of flat products (sheet, plate, coil, foil, strip)
  piece  <-> volume   a piece's dimensions: sheet/plate t x w x l, a long product's cross-section x length
  piece  <-> content  `piece_content` (e.g. 25 kg per bag, 200 L per drum) when the dimensions do not
                      define a piece (granules, liquids, a coil or wire without a length)
A product can be sold in every unit linked to its stock unit; so a coil stocked in pieces but without
a length or content can be sold only by the piece, and one stocked in kg can never be sold by the coil.

Precision: all arithmetic runs in `registry.CONTEXT` (34 significant digits, half-even); pi is given to
50 digits. A conversion multiplies by one precomputed ratio and divides by another, so it is exact
when its exact result fits in 34 digits (3 sheets of 16.875 kg are 50.625 kg) and otherwise rounded
once (a round bar's mass involves pi). `describe` quantizes (half-up) only when asked for `places`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Final, Protocol

from steelyard.errors import FieldProblem, InvalidInput, UnitError
from steelyard.units.forms import FORMS
from steelyard.units.forms import dimension_problems as _dimension_problems
from steelyard.units.quantity import Quantity
from steelyard.units.registry import CONTEXT, FACTORS, UNITS, Kind, parse_unit, tidy
from steelyard.units.sections import rules as sections
from steelyard.units.sections.geometry import PI as PI  # one pi for every section

_C: Final = CONTEXT
_QUARTER_PI: Final = _C.divide(PI, 4)
_HALF_SQRT3: Final = _C.divide(_C.sqrt(Decimal(3)), 2)
_MM: Final = Decimal("1E-3")
_MM2: Final = Decimal("1E-6")
_MM3: Final = Decimal("1E-9")
_LONG_SECTIONS: Final = frozenset(
    {"round", "square", "rect", "hex", "tube", "sqtube", "angle", "ibeam", "strip", *sections.SECTIONS}
)
_FLAT_SECTIONS: Final = frozenset({"sheet", "strip", *sections.FLAT})
_TWO: Final = Decimal(2)
_FOUR: Final = Decimal(4)


class HasPhysics(Protocol):
    """Anything shaped like a catalogue product (kept structural so units imports no catalogue)."""

    @property
    def form(self) -> str: ...
    @property
    def density_kg_m3(self) -> Decimal | None: ...
    @property
    def dimensions_mm(self) -> Mapping[str, Decimal]: ...
    @property
    def piece_name(self) -> str | None: ...
    @property
    def stock_unit(self) -> str: ...


@dataclass(frozen=True, slots=True)
class _Model:
    """Everything derived from a Physics once, so that conversions are only lookups and two operations."""

    piece_names: tuple[str, ...]
    ratios: dict[str, Decimal]  # sellable unit -> size of one unit in the anchor kind's base unit
    reasons: Mapping[Kind, str]  # why each unsellable kind is not sellable
    cross_section_mm2: Decimal | None
    mass_per_m: Decimal | None
    mass_per_m2: Decimal | None
    mass_per_piece: Decimal | None
    corner_rule: str | None  # what the mass assumes that the dimensions did not say (corner radii, thread pitch)


@dataclass(frozen=True, slots=True)
class Physics:
    """A product's form, density (kg/m3), dimensions (mm), piece name and stock unit.

    `stock_unit` is stored canonical (`sheet` -> `piece`); `piece_content` is what one piece holds
    when the dimensions do not say (a mass or volume). Invalid data raises InvalidInput.
    """

    form: str
    density_kg_m3: Decimal | None
    dimensions_mm: Mapping[str, Decimal]
    piece_name: str | None = None
    stock_unit: str | None = None
    piece_content: Quantity | None = None
    _model: _Model = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "dimensions_mm", MappingProxyType(dict(self.dimensions_mm)))
        spec = FORMS.get(self.form)
        names = tuple(
            dict.fromkeys(
                n.strip() for n in (self.piece_name, spec.default_piece_name if spec else None) if n and n.strip()
            )
        )
        problems = _problems(self)
        if self.stock_unit is not None:
            try:
                object.__setattr__(self, "stock_unit", parse_unit(self.stock_unit, names, field="stock_unit"))
            except UnitError as exc:
                problems += exc.problems
        if problems:
            raise InvalidInput.from_problems(problems)
        object.__setattr__(self, "_model", _build(self, names))

    @classmethod
    def of(cls, product: HasPhysics, piece_content: Quantity | None = None) -> Physics:
        """The physics of a catalogue product."""
        return cls(
            product.form,
            product.density_kg_m3,
            product.dimensions_mm,
            product.piece_name,
            product.stock_unit,
            piece_content,
        )

    @property
    def piece_names(self) -> tuple[str, ...]:
        """The words that mean one piece of this product (its piece name, its form's), for parse_unit."""
        return self._model.piece_names

    @property
    def piece_label(self) -> str:
        """What one piece of this product is called (`sheet`, `bar`, `bag`...)."""
        return self._model.piece_names[0] if self._model.piece_names else "piece"


def _product(*factors: Decimal) -> Decimal:
    result = factors[0]
    for factor in factors[1:]:
        result = _C.multiply(result, factor)
    return result


def cross_section_mm2(section: str, d: Mapping[str, Decimal]) -> Decimal:
    """The area (mm2) of a long product's cross-section, from its dimensions (mm)."""
    sub, mul = _C.subtract, _product
    if section == "round":
        return mul(_QUARTER_PI, d["diameter"], d["diameter"])
    if section == "square":
        return mul(d["width"], d["width"])
    if section in ("rect", "strip", "sheet"):
        return mul(d["width"], d["thickness"])
    if section == "hex":  # `width` is across flats
        return mul(_HALF_SQRT3, d["width"], d["width"])
    if section == "tube":  # pi (D^2 - (D - 2w)^2) / 4, factored to avoid cancelling digits
        return mul(PI, d["wall"], sub(d["outer_diameter"], d["wall"]))
    # sections with corners: root and toe radii, hollow-section corner radii (steelyard.units.sections)
    return sections.area_mm2(section, d)


def _problems(p: Physics) -> list[FieldProblem]:
    problems = [FieldProblem(f, m) for f, m in _dimension_problems(p.form, p.dimensions_mm)]
    density = p.density_kg_m3
    if density is not None and (not density.is_finite() or density <= 0):
        problems.append(FieldProblem("density_kg_m3", f"must be a positive number of kg/m3, got {density}"))
    content = p.piece_content
    if content is not None:
        if UNITS.get(content.unit) not in (Kind.MASS, Kind.VOLUME):
            message = f"must be a mass or volume unit, got '{content.unit}'"
            problems.append(FieldProblem("piece_content.unit", message))
        if not content.value.is_finite() or content.value <= 0:
            message = f"must be greater than zero, got {content.value}"
            problems.append(FieldProblem("piece_content.value", message))
    return problems


def _build(p: Physics, names: tuple[str, ...]) -> _Model:
    """Derive the links between kinds, the ratio of every sellable unit and the product-page figures."""
    spec, dims, density, content = FORMS[p.form], p.dimensions_mm, p.density_kg_m3, p.piece_content
    section = spec.section
    thickness: Decimal | None = None
    if section in _FLAT_SECTIONS:
        thickness = sections.effective_thickness(section, dims)
    by_length = section in _LONG_SECTIONS or (
        section == "sheet" and "width" in dims and "length" not in spec.required  # coil, foil: linear metres
    )
    cross = cross_section_mm2(section, dims) if by_length else None
    piece_mm3: Decimal | None = None
    if thickness is not None and section != "strip" and "width" in dims and "length" in dims:
        piece_mm3 = _product(thickness, dims["width"], dims["length"])
    elif cross is not None and "length" in dims:
        piece_mm3 = _C.multiply(cross, dims["length"])
    if piece_mm3 is not None and content is not None:
        message = f"a {p.form}'s piece is already defined by its dimensions; leave piece_content out"
        raise InvalidInput.from_problems([FieldProblem("piece_content", message)])

    # each edge: one base unit of the first kind is `x` base units of the second
    edges: list[tuple[Kind, Kind, Decimal]] = []
    if density is not None:
        edges.append((Kind.VOLUME, Kind.MASS, density))
    if cross is not None:
        edges.append((Kind.LENGTH, Kind.VOLUME, _C.multiply(cross, _MM2)))
    if thickness is not None:
        edges.append((Kind.AREA, Kind.VOLUME, _C.multiply(thickness, _MM)))
    if piece_mm3 is not None:
        edges.append((Kind.COUNT, Kind.VOLUME, _C.multiply(piece_mm3, _MM3)))
    content_kind = UNITS[content.unit] if content is not None else None
    content_base = _C.multiply(content.value, FACTORS[content.unit]) if content is not None else None
    if content_kind is not None and content_base is not None:
        edges.append((Kind.COUNT, content_kind, content_base))

    piece = names[0] if names else "piece"
    known = {kind for edge in edges for kind in edge[:2]}
    if p.stock_unit is not None:
        start = UNITS[p.stock_unit]
        if start in (Kind.LENGTH, Kind.AREA) and start not in known:
            why = _reasons(p, section, piece, known, set())[start]
            message = f"a {p.form} cannot be stocked in {p.stock_unit}: {why}"
            raise InvalidInput.from_problems([FieldProblem("stock_unit", message)])
    else:
        start = Kind.MASS if density is not None or content_kind is Kind.MASS else Kind.VOLUME
    linked = {start}
    for _ in Kind:
        linked |= {k for a, b, _x in edges if a in linked or b in linked for k in (a, b)}
    # measure everything in the first linked kind of this order: multiplying by a density or a size is exact
    anchor = next(kind for kind in Kind if kind in linked)
    measure = {anchor: Decimal(1)}
    for _ in Kind:  # every link leads to volume or mass, so walking them back from the anchor only multiplies
        for a, b, x in edges:
            if b in measure and a not in measure:
                measure[a] = _C.multiply(x, measure[b])
    assert set(measure) == linked, "a link that does not lead to volume or mass"
    ratios = {u: _C.multiply(FACTORS[u], measure[kind]) for u, kind in UNITS.items() if kind in measure}

    piece_mass: Decimal | None = None
    if density is not None and piece_mm3 is not None:
        piece_mass = _product(density, piece_mm3, _MM3)
    elif content_base is not None and content_kind is Kind.MASS:
        piece_mass = content_base
    elif content_base is not None and density is not None:
        piece_mass = _C.multiply(content_base, density)
    return _Model(
        piece_names=names,
        ratios=ratios,
        reasons=MappingProxyType(_reasons(p, section, piece, known, linked)),
        cross_section_mm2=cross,
        mass_per_m=None if density is None or cross is None else _product(density, cross, _MM2),
        mass_per_m2=None if density is None or thickness is None else _product(density, thickness, _MM),
        mass_per_piece=piece_mass,
        corner_rule=sections.corner_rule(section, dims),
    )


def _reasons(p: Physics, section: str, piece: str, known: set[Kind], linked: set[Kind]) -> dict[Kind, str]:
    """Why each kind outside `linked` cannot be sold, in words a buyer or clerk can act on."""
    unknown = {
        Kind.MASS: "its density is not known",
        Kind.VOLUME: "its density is not known",
        Kind.LENGTH: "only long products (bars, tubes, profiles, wire, strip) and coil or foil of a known "
        "width are sold by length",
        Kind.AREA: "only flat products (sheet, plate, coil, foil, strip) are sold by area",
        Kind.COUNT: (
            f"one {piece} has no set content: the product needs a piece_content (such as 25 kg per {piece})"
            if section == "none"
            else f"the size of one {piece} is not known: the product needs a length in dimensions_mm or a "
            f"piece_content (such as 5 t per {piece})"
        ),
    }
    if p.stock_unit == "piece" and Kind.COUNT not in known:
        unlinked = f"it is stocked by the {piece}, and {unknown[Kind.COUNT]}"
    elif p.density_kg_m3 is None:
        unlinked = unknown[Kind.MASS]
    else:  # pragma: no cover - with a density every link meets at volume, so only pieces can be cut off
        unlinked = f"its data cannot relate it to its stock unit ({p.stock_unit})"
    return {kind: (unlinked if kind in known else unknown[kind]) for kind in Kind if kind not in linked}


def sellable_units(physics: Physics) -> list[str]:
    """Every canonical unit this product can be quoted in (all convert to its stock unit)."""
    return list(physics._model.ratios)


def _refuse(physics: Physics, unit: str, field: str) -> UnitError:
    kind = UNITS[unit]
    allowed = sellable_units(physics)
    detail = (
        f"this {physics.form.replace('_', ' ')} cannot be measured in {unit} ({kind}): "
        f"{physics._model.reasons[kind]}; it can be sold in {', '.join(allowed) or 'no unit'}"
    )
    return UnitError(detail, problems=[FieldProblem(field, detail)], allowed_units=allowed)


def _ratio(physics: Physics, unit: str, field: str) -> tuple[str, Decimal]:
    """(canonical unit, ratio) of a unit as written, or the UnitError saying what can be used instead."""
    canonical = parse_unit(unit, physics._model.piece_names, field=field)
    ratio = physics._model.ratios.get(canonical)
    if ratio is None:
        raise _refuse(physics, canonical, field)
    return canonical, ratio


def convert_for(physics: Physics, quantity: Quantity, to_unit: str, *, field: str = "quantity") -> Decimal:
    """`quantity` of this product in `to_unit`, across kinds (3 sheets -> kg, 250 lb -> sheets...)."""
    ratios = physics._model.ratios
    source, target = ratios.get(quantity.unit), ratios.get(to_unit)
    if source is None or target is None:  # an alias, a piece name, or a unit this product cannot take
        from_unit, source = _ratio(physics, quantity.unit, f"{field}.unit")
        to_unit, target = _ratio(physics, to_unit, "unit")
    else:
        from_unit = quantity.unit
    value = quantity.value
    if not value.is_finite():
        raise InvalidInput(
            f"{field}.value: must be a finite number, got {value}",
            problems=[FieldProblem(f"{field}.value", "must be a finite number")],
        )
    if from_unit == to_unit:
        return value
    return tidy(_C.divide(_C.multiply(value, source), target))


def weight_kg(physics: Physics, quantity: Quantity) -> Decimal | None:
    """The mass of `quantity` in kg, or None when this product's mass is not known."""
    if "kg" not in physics._model.ratios:
        if quantity.unit not in physics._model.ratios:
            _ratio(physics, quantity.unit, "quantity.unit")
        return None
    return convert_for(physics, quantity, "kg")


def corner_rule(physics: Physics) -> str | None:
    """What this product's mass assumes that its dimensions did not say (e.g. EN 10219-2 corner radii)."""
    return physics._model.corner_rule


def describe(physics: Physics, places: int | None = None) -> dict[str, Decimal | None]:
    """Mass per metre (kg/m), per m2 (kg/m2) and per piece (kg), and the cross-section (mm2), or None."""
    model = physics._model
    figures = {
        "mass_per_m": model.mass_per_m,
        "mass_per_m2": model.mass_per_m2,
        "mass_per_piece": model.mass_per_piece,
        "cross_section_mm2": model.cross_section_mm2,
    }
    step = Decimal(1).scaleb(-places) if places is not None else None
    return {
        name: None if value is None else value.quantize(step, ROUND_HALF_UP, _C) if step else tidy(value)
        for name, value in figures.items()
    }
