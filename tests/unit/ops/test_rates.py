"""The per-client limit rules: STEELYARD_RATE_LIMITS, route groups, client keys, Retry-After, slots."""

from __future__ import annotations

import pytest
from limits import parse

from steelyard.config import ConfigurationError, Settings
from steelyard.ops.rates import (
    DEFAULT_RATE_LIMITS,
    ClientSlots,
    body_limit_for,
    client_key,
    group_of,
    parse_rate_limits,
    retry_after,
    trusted_proxy,
)


def test_the_spec_example_and_the_defaults() -> None:
    plan = parse_rate_limits("quotes=60/minute,estimates=600/minute,search=1200/minute")
    assert plan.rates["quotes"] == (parse("60/minute"),)
    assert plan.rates["estimates"] == (parse("600/minute"),)
    assert plan.rates["search"] == (parse("1200/minute"),)
    assert plan.rates["reservations"] == (parse("10/minute"),)  # not named: keeps its default
    assert parse_rate_limits(DEFAULT_RATE_LIMITS) == parse_rate_limits("")


def test_off_lifts_everything_or_one_group() -> None:
    assert not parse_rate_limits("off").enabled
    assert not parse_rate_limits(" OFF ").enabled
    plan = parse_rate_limits("search=off")
    assert "search" not in plan.rates and "quotes" in plan.rates


def test_several_rates_for_one_group() -> None:
    plan = parse_rate_limits("quotes=5/second;100/hour")
    assert plan.rates["quotes"] == (parse("5/second"), parse("100/hour"))
    assert "quotes=5 per 1 second;100 per 1 hour" in plan.describe()


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("quote=60/minute", "unknown group 'quote'"),
        ("quotes=60/fortnight", "quotes='60/fortnight' is not a rate"),
        ("quotes", "should be group=rate"),
        ("quotes=", "should be group=rate"),
    ],
)
def test_a_wrong_value_is_refused_naming_the_part(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_rate_limits(text)
    with pytest.raises(ValueError, match="STEELYARD_RATE_LIMITS"):
        Settings(rate_limits=text)


def test_route_groups() -> None:
    assert group_of("POST", "/api/v1/quotes") == "quotes"
    assert group_of("POST", "/api/v1/quotes/") == "quotes"
    assert group_of("POST", "/api/v1/estimates") == "estimates"
    assert group_of("GET", "/api/v1/search") == "search"
    assert group_of("GET", "/api/v1/search/suggest") == "search"
    assert group_of("GET", "/") == "search"
    assert group_of("GET", "/api/v1/quotes") is None  # reading your quotes is not pricing
    assert group_of("POST", "/api/v1/quotes/Q1/accept") is None
    assert group_of("GET", "/api/v1/products/AL-1") is None


def test_client_keys() -> None:
    assert client_key("203.0.113.7") == "203.0.113.7"
    assert client_key("2001:db8:1:2:3:4:5:6") == client_key("2001:db8:1:2:ffff::1") == "2001:db8:1:2::/64"
    assert client_key("::ffff:203.0.113.7") == "203.0.113.7"
    assert client_key(None) == "unknown"
    assert client_key("testclient") == "testclient"


def test_trusted_proxies_as_uvicorn_names_them() -> None:
    default = "127.0.0.1,::1"  # uvicorn's FORWARDED_ALLOW_IPS when unset
    assert trusted_proxy("127.0.0.1", default) and trusted_proxy("::1", default)
    assert not trusted_proxy("127.0.0.2", default) and not trusted_proxy("203.0.113.7", default)
    assert trusted_proxy("10.1.2.3", "10.1.2.0/24") and not trusted_proxy("10.1.3.3", "10.1.2.0/24")
    assert trusted_proxy("::ffff:10.1.2.3", "10.1.2.0/24")  # an IPv4 client on a dual-stack socket
    assert trusted_proxy("203.0.113.7", "*")
    assert trusted_proxy("/run/nginx.sock", "/run/nginx.sock")  # a Unix socket, matched as written
    assert not trusted_proxy("127.0.0.1", "") and not trusted_proxy(None, "*")
    assert not trusted_proxy("not an address", "127.0.0.1")


def test_retry_after_is_whole_seconds_and_never_zero() -> None:
    assert retry_after(100.2, 100.0) == 1
    assert retry_after(100.0, 100.0) == 1
    assert retry_after(130.5, 100.0) == 31


def test_slots_per_client() -> None:
    slots = ClientSlots(2)
    assert slots.take("a") and slots.take("a")
    assert not slots.take("a")
    assert slots.take("b")
    slots.give_back("a")
    assert slots.held("a") == 1 and slots.take("a")
    unlimited = ClientSlots(0)
    assert all(unlimited.take("a") for _ in range(1000))


def test_the_session_secret_is_required_where_several_processes_could_run() -> None:
    random_secret = Settings.model_construct(database_url="sqlite:///x.db")
    random_secret.require_shared_secret()  # one process on SQLite: a random secret is fine
    with pytest.raises(ConfigurationError, match=r"STEELYARD_SESSION_SECRET is not set.*--workers 2"):
        random_secret.require_shared_secret(workers=2)
    on_postgres = Settings.model_construct(database_url="postgresql://db/steelyard")
    with pytest.raises(ConfigurationError, match="PostgreSQL"):
        on_postgres.require_shared_secret()
    Settings(database_url="postgresql://db/steelyard", session_secret="x" * 32).require_shared_secret(workers=4)


def test_body_limits_per_route() -> None:
    uploads = {"/api/v1/imports": 128 * 1024 * 1024}
    assert body_limit_for("/api/v1/imports", 1024, uploads) == 128 * 1024 * 1024
    assert body_limit_for("/api/v1/imports/7", 1024, uploads) == 128 * 1024 * 1024
    assert body_limit_for("/api/v1/importsX", 1024, uploads) == 1024
    assert body_limit_for("/api/v1/quotes", 1024, uploads) == 1024
