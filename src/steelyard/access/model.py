"""Roles and principals (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    STAFF = "staff"
    CUSTOMER = "customer"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a staff user or admin by name, or a customer account."""

    token_id: int
    name: str
    role: Role
    account_id: int | None

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.ADMIN, Role.STAFF)
