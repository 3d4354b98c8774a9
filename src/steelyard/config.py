"""Settings from the environment (prefix STEELYARD_), behind one cached `get_settings()`."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STEELYARD_", extra="ignore")

    database_url: str = Field(
        "sqlite:///./steelyard.db",
        description="sqlite:///path.db (embedded default) or postgresql://user@host:5432/db",
    )
    events_url: str | None = Field(None, description="redis://host:6379/0 for cross-process event fan-out")
    db_pool_size: int = 20
    db_max_overflow: int = 20
    sqlite_busy_timeout_ms: int = 30_000
    default_currency: str = "EUR"
    default_tax_rate: Decimal = Field(Decimal("0.20"), ge=0, le=1)
    quote_validity_minutes: int = Field(60 * 24, gt=0, description="how long a quote, and its holds, stay valid")
    hold_sweep_seconds: float = Field(2.0, gt=0, description="how often each process gives back expired holds")
    default_cut_fee: Decimal = Field(
        Decimal("2.50"), ge=0, description="per cut, in EUR, when neither product nor family sets one"
    )
    family_cut_fees: dict[str, Decimal] = Field(default_factory=dict, description='JSON, e.g. {"steel": "3.00"}')
    log_level: str = "INFO"
    page_limit_default: int = 50
    page_limit_max: int = 500


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
