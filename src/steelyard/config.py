"""Settings from the environment (prefix STEELYARD_), behind one cached `get_settings()`."""

from __future__ import annotations

import secrets
from decimal import Decimal
from functools import lru_cache

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from steelyard.ops.rates import DEFAULT_RATE_LIMITS, parse_rate_limits


class ConfigurationError(ValueError):
    """A setting that keeps the server from starting; the message says which, and what to set."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STEELYARD_", extra="ignore")

    database_url: str = Field(
        "sqlite:///./steelyard.db",
        description="sqlite:///path.db (embedded default) or postgresql://user@host:5432/db",
    )
    events_url: str | None = Field(None, description="redis://host:6379/0 for cross-process event fan-out")
    events_channel: str = Field(
        "steelyard_events", max_length=63, description="LISTEN/NOTIFY or Redis channel the processes wake each other on"
    )
    events_poll_seconds: float | None = Field(
        None, gt=0, description="fallback outbox poll; default 0.02 in-process (SQLite), 1.0 with NOTIFY or Redis"
    )
    events_queue_size: int = Field(1000, ge=1, description="events a slow stream may have waiting before a resync")
    events_heartbeat_seconds: float = Field(15.0, gt=0)
    events_keep_rows: int = Field(100_000, ge=1, description="replay window (Last-Event-ID): at most this many ...")
    events_keep_hours: float = Field(24.0, gt=0, description="... and none older than this")
    webhook_backoff_seconds: float = Field(2.0, gt=0, description="first retry delay; doubles on each failure")
    webhook_backoff_max_seconds: float = Field(900.0, gt=0)
    webhook_retry_hours: float = Field(24.0, gt=0, description="a delivery is given up this long after its event")
    webhook_timeout_seconds: float = Field(10.0, gt=0)
    webhook_poll_seconds: float = Field(1.0, gt=0, description="how often each process looks for due retries")
    search_synonyms_file: str | None = Field(
        None, description="a synonyms file (Solr format) replacing the built-in list; see docs/search.md"
    )
    search_cache_entries: int = Field(2048, ge=0, description="search pages cached per process (0: none)")
    product_cache_entries: int = Field(
        20_000,
        ge=0,
        le=1_000_000,
        description="product documents cached per process, kept fresh by the event bus (0: none)",
    )
    db_pool_size: int = 20
    db_max_overflow: int = 20
    sqlite_busy_timeout_ms: int = 30_000
    db_statement_timeout_ms: int = Field(
        30_000,
        ge=0,
        description="PostgreSQL: the longest one statement of the service may run before the server cancels it (the "
        "request then answers 503); 0: no limit. Migrations and backups are not bound by it",
    )
    default_currency: str = "EUR"
    default_tax_rate: Decimal = Field(Decimal("0.20"), ge=0, le=1)
    quote_validity_minutes: int = Field(60 * 24, gt=0, description="how long a quote, and its holds, stay valid")
    anonymous_quote_minutes: int = Field(
        60,
        gt=0,
        description="a quote made without a token is valid this long (at most QUOTE_VALIDITY_MINUTES), "
        "then deleted by the sweeper",
    )
    hold_sweep_seconds: float = Field(
        2.0, gt=0, description="how often each process gives back expired holds and deletes expired anonymous quotes"
    )
    # What one customer may set aside, so nobody can empty the shelves with holds (docs/security.md, inventory.md).
    hold_minutes: int = Field(
        60,
        gt=0,
        description="a reserving quote's holds lapse this long after it is made (or at valid_until, if sooner)",
    )
    hold_cooldown_minutes: int = Field(
        60,
        ge=0,
        description="after an account's hold on a product ends, it cannot hold that product again for this "
        "long (0: holds may be renewed)",
    )
    hold_limits: bool = Field(True, description="false ('off') lifts the limits below: for load tests and benchmarks")
    hold_max_open_quotes: int = Field(3, ge=1, description="reserving quotes one account may have holding at once")
    hold_max_line_kg: Decimal = Field(Decimal(20_000), gt=0, description="kg one quote line may hold")
    hold_max_line_value: Decimal = Field(Decimal(50_000), gt=0, description="EUR one quote line may hold")
    hold_max_quote_kg: Decimal = Field(Decimal(40_000), gt=0, description="kg one quote may hold")
    hold_max_quote_value: Decimal = Field(Decimal(100_000), gt=0, description="EUR one quote may hold")
    hold_max_account_lines: int = Field(
        100, ge=1, description="quote lines one account may have holding stock at once, over all its quotes"
    )
    weight_tolerance_pct: Decimal = Field(
        Decimal(10),
        ge=0,
        le=50,
        description="how far (%) a weighed weight may differ from the theoretical for an account billed on actual "
        "weight (the account's weight_tolerance_pct overrides)",
    )
    default_credit_limit: Decimal = Field(
        Decimal(100_000),
        ge=0,
        description="EUR an account's holds and open orders may be worth (account credit_limit "
        "overrides, in the account's currency)",
    )
    default_hold_limit_kg: Decimal = Field(
        Decimal(80_000), ge=0, description="kg an account may hold at once (account hold_limit_kg overrides)"
    )
    default_delivery_country: str = Field(
        "DE",
        pattern=r"^[A-Z]{2}$",
        description="ISO 3166-1 alpha-2: where freight is estimated to when a quote names none",
    )
    company_name: str = Field("Steelyard Metals", max_length=200, description="the header of quotes and delivery notes")
    company_address: str = Field(
        "Hafenstrasse 1, 47119 Duisburg, Germany", max_length=500, description="under the name on documents"
    )
    company_contact: str = Field(
        "sales@steelyard.example, +49 203 000000", max_length=300, description="phone, e-mail, VAT id on documents"
    )
    quote_terms: str = Field(
        "Prices in the quote currency, excluding tax unless shown. Freight is an estimate from the carrier rules; "
        "it is confirmed on order. Delivery ex works unless agreed otherwise. Our general terms of sale apply.",
        max_length=2000,
        description="the terms printed at the foot of a quote",
    )
    default_cut_fee: Decimal = Field(
        Decimal("2.50"), ge=0, description="per cut, in EUR, when neither product nor family sets one"
    )
    family_cut_fees: dict[str, Decimal] = Field(default_factory=dict, description='JSON, e.g. {"steel": "3.00"}')
    session_secret: SecretStr = Field(
        default_factory=lambda: SecretStr(secrets.token_urlsafe(32)),
        min_length=16,
        description="signs the /staff session cookie (and page cursors unless cursor_secret is set); default: "
        "random per process (sign-ins end at a restart); required, the same in every process, with several workers "
        "or a PostgreSQL database (docs/security.md)",
    )
    cursor_secret: SecretStr | None = Field(
        None,
        min_length=16,
        description="signs page cursors (HMAC-SHA256) so clients cannot forge them; default: derived from "
        "session_secret. Every worker and server answering the same clients needs the same value",
    )
    session_https_only: bool = Field(
        True,
        description="mark the /staff session cookie Secure (browsers send it over HTTPS only); `make run` sets false "
        "for local development over plain http",
    )
    session_max_age_seconds: int = Field(
        8 * 3600, gt=0, description="a staff sign-in ends this long after it was made, however much it is used"
    )
    import_max_bytes: int = Field(
        128 * 1024 * 1024, gt=0, description="largest file POST /api/v1/imports and the staff page accept (413 past it)"
    )
    files_dir: str = Field(
        "./steelyard-files", max_length=1000, description="folder the file store keeps uploads in (certificates)"
    )
    files_s3_bucket: str | None = Field(
        None, max_length=63, description="keep uploads in this S3-compatible bucket instead of files_dir"
    )
    files_s3_endpoint_url: str | None = Field(None, description="the S3-compatible service (MinIO, Ceph); none: AWS")
    files_s3_region: str | None = Field(None, max_length=40)
    certificate_max_bytes: int = Field(
        10 * 1024 * 1024, ge=1024, le=512 * 1024 * 1024, description="largest certificate PDF accepted (413 past it)"
    )
    import_max_expanded_bytes: int = Field(
        1024 * 1024 * 1024, gt=0, description="how far an uploaded XLSX workbook may unpack (zip bombs stop here)"
    )
    # -- limits (docs/security.md) ---------------------------------------------------------------------------
    rate_limits: str = Field(
        DEFAULT_RATE_LIMITS,
        description="per-client rates by route group, e.g. quotes=60/minute,search=1200/minute; 'off' lifts them",
    )
    body_limit_bytes: int = Field(1_048_576, ge=1024, description="largest request body; past it 413")
    requests_per_client: int = Field(64, ge=0, description="requests in progress per client and process (0: any)")
    events_streams_per_client: int = Field(16, ge=0, description="open event streams per client and process (0: any)")
    connections_per_client: int = Field(
        64,
        ge=0,
        description="open connections per client address and process (0: any); past it 429 and closed. A trusted "
        "proxy's connections (FORWARDED_ALLOW_IPS) are not counted: cap them at the proxy",
    )
    events_replay_max: int = Field(
        1000, ge=0, description="most events a resume replays; an older Last-Event-ID gets a resync instead"
    )
    header_timeout_seconds: float = Field(10.0, gt=0, description="a request's line and headers must arrive in this")
    body_timeout_seconds: float = Field(30.0, gt=0, description="a request's body must arrive in this")
    keep_alive_seconds: int = Field(5, ge=1, description="an idle kept-alive connection is closed after this")
    limit_concurrency: int = Field(2048, ge=1, description="connections and tasks per worker; past it 503")
    worker_healthcheck_seconds: int = Field(
        60,
        ge=1,
        description="with several workers, one that does not answer the supervisor's health check for this long is "
        "killed and replaced (uvicorn's default, 5 s, kills workers still starting on a loaded machine)",
    )
    webhook_allow_networks: str = Field(
        "", description="networks webhooks may reach despite being private, e.g. 10.1.2.0/24,127.0.0.1/32"
    )
    access_log: bool = Field(True, description="one JSON log line per request (steelyard.access)")
    metrics_token: SecretStr | None = Field(
        None, description="bearer token a Prometheus scraper sends for /metrics (staff tokens work too)"
    )
    metrics_port: int | None = Field(
        None, ge=1, le=65535, description="serve /metrics unprotected on this port of metrics_host instead"
    )
    metrics_host: str = Field("127.0.0.1", description="address of the separate metrics port")
    metrics_refresh_seconds: float = Field(5.0, gt=0, description="how often each process updates its gauges")

    @property
    def session_secret_set(self) -> bool:
        """Whether the secret was configured (rather than drawn at random by this one process)."""
        return "session_secret" in self.model_fields_set

    def require_shared_secret(self, *, workers: int = 1) -> None:
        """Refuse to start when several processes could run but each would draw its own secret.

        With PostgreSQL, another server may share the database (and so the sign-ins); an events URL (Redis) is there
        for several servers; with several workers, each would sign and check the /staff cookie with a different key,
        and sign-ins would fail at random.
        """
        if self.session_secret_set:
            return
        if workers > 1:
            why = f"--workers {workers}"
        elif not self.database_url.startswith("sqlite"):
            why = "a PostgreSQL database (other servers may share it)"
        elif self.events_url:
            why = "STEELYARD_EVENTS_URL set (servers sharing it share their events)"
        else:
            return
        raise ConfigurationError(
            f"STEELYARD_SESSION_SECRET is not set, and with {why} every process must sign sessions with the same "
            "secret: set it, the same value everywhere, to at least 16 random characters, e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`"
        )

    @field_validator("webhook_allow_networks")
    @classmethod
    def _networks(cls, value: str) -> str:
        from steelyard.webhooks.targets import parse_networks

        parse_networks(value)
        return value

    @field_validator("rate_limits")
    @classmethod
    def _rates(cls, value: str) -> str:
        parse_rate_limits(value)  # refuse a wrong value at start-up, naming the part that is wrong
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
