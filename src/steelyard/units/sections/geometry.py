"""Cross-sections of rolled and hollow sections with their real corners (pure Decimal arithmetic, no I/O).

Every area is the sharp-cornered outline corrected corner by corner: a root radius r where two faces meet at
an inside angle theta adds the fillet r^2 (cot(theta/2) - (pi - theta)/2), a rounded outside corner removes the
same; for right angles that is r^2 (1 - pi/4). References for the rules:
  EN 10365:2017 (IPE, HE, UPN, UPE): root radius r; UPN flanges taper (8 % up to UPN 300, 5 % above) and their
      thickness is given at b/2 from the back of the web up to h = 300 mm and at the middle of the flange outstand
      above (DIN 1026-1, whose drawings EN 10365 keeps); toe radius r2 at the flange tips.
  EN 10056-1:2017 angles: root radius r1, toe radius r2 at both leg ends.
  EN 10055:1995 tees: root radius r1 = t, flange toes r2 = t/2, web toe r3 = t/4 (its table's proportions).
  EN 10219-2:2006 cold-formed hollow sections: outer corner radius 2t (t <= 6 mm), 2.5t (t <= 10), 3t above;
      inner radius 1t, 1.5t, 2t. EN 10210-2:2006 hot-finished: outer 1.5t, inner 1.0t.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Final

from steelyard.units.registry import CONTEXT

_C: Final = CONTEXT
PI: Final = Decimal("3.14159265358979323846264338327950288419716939937510")
_ONE: Final = Decimal(1)
_TWO: Final = Decimal(2)
_FOUR: Final = Decimal(4)
_HUNDRED: Final = Decimal(100)
_RIGHT_FILLET: Final = _C.subtract(_ONE, _C.divide(PI, _FOUR))  # 1 - pi/4: one right-angled fillet per r^2
COLD_FORMED: Final = "EN 10219-2"
HOT_FINISHED: Final = "EN 10210-2"


def _mul(*factors: Decimal) -> Decimal:
    result = factors[0]
    for factor in factors[1:]:
        result = _C.multiply(result, factor)
    return result


def _atan(x: Decimal) -> Decimal:
    """arctan of a small slope (|x| < 0.5) by its series, to working precision."""
    term, total, n, x2 = x, x, 1, _C.multiply(x, x)
    while True:
        term = _C.multiply(-term, x2)
        n += 2
        step = _C.divide(term, n)
        if _C.add(total, step) == total:
            return total
        total = _C.add(total, step)


def _fillets(slope: Decimal) -> tuple[Decimal, Decimal]:
    """Fillet area per r^2 of the root (inside angle 90 deg + a) and of the toe (90 deg - a), tan a = slope."""
    if not slope:
        return _RIGHT_FILLET, _RIGHT_FILLET
    half_tan = _C.divide(slope, _C.add(_ONE, _C.sqrt(_C.add(_ONE, _C.multiply(slope, slope)))))  # tan(a/2)
    half_angle = _C.divide(_atan(slope), _TWO)
    quarter_pi = _C.divide(PI, _FOUR)
    root = _C.subtract(
        _C.divide(_C.subtract(_ONE, half_tan), _C.add(_ONE, half_tan)), _C.subtract(quarter_pi, half_angle)
    )
    toe = _C.subtract(_C.divide(_C.add(_ONE, half_tan), _C.subtract(_ONE, half_tan)), _C.add(quarter_pi, half_angle))
    return root, toe


def hollow_radii(standard: str, wall: Decimal) -> tuple[Decimal, Decimal]:
    """(outer, inner) corner radius of a square or rectangular hollow section by its standard's rule."""
    if standard == HOT_FINISHED:
        return _mul(Decimal("1.5"), wall), wall
    outer = _mul(_TWO if wall <= 6 else Decimal("2.5") if wall <= 10 else Decimal(3), wall)
    return outer, _C.subtract(outer, wall)


def hollow_rule(standard: str) -> str:
    if standard == HOT_FINISHED:
        return "EN 10210-2 hot-finished corners: outer radius 1.5 t, inner 1.0 t"
    return (
        "EN 10219-2 cold-formed corners: outer radius 2 t (t up to 6 mm), 2.5 t (up to 10 mm), 3 t above; "
        "inner radius = outer - t"
    )


def rect_hollow(height: Decimal, width: Decimal, wall: Decimal, outer: Decimal, inner: Decimal) -> Decimal:
    """Square or rectangular hollow section: the sharp ring less four rounded corners outside, plus four inside."""
    sharp = _mul(_TWO, wall, _C.subtract(_C.add(height, width), _mul(_TWO, wall)))
    corners = _mul(_FOUR, _RIGHT_FILLET, _C.subtract(_C.multiply(outer, outer), _C.multiply(inner, inner)))
    return _C.subtract(sharp, corners)


def i_section(d: Mapping[str, Decimal]) -> Decimal:
    """I or H section: two flanges, the web between them, four root fillets of `root_radius`."""
    h, b, tf, tw = d["height"], d["width"], d["thickness"], d["wall"]
    r = d.get("root_radius", Decimal(0))
    sharp = _C.add(_mul(_TWO, b, tf), _mul(_C.subtract(h, _mul(_TWO, tf)), tw))
    return _C.add(sharp, _mul(_FOUR, _RIGHT_FILLET, r, r))


def channel(d: Mapping[str, Decimal]) -> Decimal:
    """U channel: web, two (tapered) flanges at their mean thickness, two root fillets, two toe roundings."""
    h, b, tf, tw = d["height"], d["width"], d["thickness"], d["wall"]
    slope = _C.divide(d.get("flange_slope", Decimal(0)), _HUNDRED)
    r1, r2 = d.get("root_radius", Decimal(0)), d.get("toe_radius", Decimal(0))
    mean = tf
    if slope and h <= 300:  # given at b/2 from the back of the web: the outstand's middle is tw/2 further out
        mean = _C.subtract(tf, _mul(slope, tw, Decimal("0.5")))
    root, toe = _fillets(slope)
    area = _C.add(_C.multiply(h, tw), _mul(_TWO, _C.subtract(b, tw), mean))
    return _C.add(area, _mul(_TWO, _C.subtract(_mul(root, r1, r1), _mul(toe, r2, r2))))


def angle(d: Mapping[str, Decimal]) -> Decimal:
    """L angle of legs `width` and `height` (= width when equal): one root fillet, a rounded toe on each leg."""
    a, t = d["width"], d["thickness"]
    b = d.get("height", a)
    r1, r2 = d.get("root_radius", Decimal(0)), d.get("toe_radius", Decimal(0))
    sharp = _C.multiply(t, _C.subtract(_C.add(a, b), t))
    return _C.add(sharp, _mul(_RIGHT_FILLET, _C.subtract(_C.multiply(r1, r1), _mul(_TWO, r2, r2))))


def tee(d: Mapping[str, Decimal]) -> Decimal:
    """T section: flange `width` x `thickness`, web of `wall` (= thickness) to `height`; EN 10055's corners."""
    h, b, t = d["height"], d["width"], d["thickness"]
    tw = d.get("wall", t)
    r1 = d.get("root_radius", Decimal(0))
    r2 = d.get("toe_radius", Decimal(0))
    r3 = _C.divide(r2, _TWO)  # the web's end is rounded at half the flange toe radius (t/4 against t/2)
    sharp = _C.add(_C.multiply(b, t), _C.multiply(_C.subtract(h, t), tw))
    corners = _C.subtract(_mul(_TWO, r1, r1), _C.add(_mul(_TWO, r2, r2), _mul(_TWO, r3, r3)))
    return _C.add(sharp, _C.multiply(_RIGHT_FILLET, corners))
