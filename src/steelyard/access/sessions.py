"""/staff sign-in sessions kept server-side (docs/web.md, docs/security.md).

The signed cookie carries only a random session id; the stored row (keyed by the id's SHA-256) names the token it
was made with and an absolute end. A session works while its row exists, has not reached its end, and its token is
live: signing out deletes the row, and revoking or expiring the token ends every session made with it at once.
Services never commit: the caller's unit of work does.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import Connection, bindparam, delete, insert, select

from steelyard.access.model import Principal
from steelyard.access.service import hash_token, principal_of, token_is_live
from steelyard.access.tables import staff_sessions, tokens

_SESSION = (
    select(tokens.c.id, tokens.c.name, tokens.c.role, tokens.c.account_id)
    .select_from(staff_sessions.join(tokens, tokens.c.id == staff_sessions.c.token_id))
    .where(
        staff_sessions.c.id_hash == bindparam("id_hash"),
        staff_sessions.c.expires_at > bindparam("now"),
        token_is_live(),
    )
)


def start_session(conn: Connection, *, token_id: int, lifetime: timedelta, now: datetime) -> str:
    """A new session for this token, ending `lifetime` from now whatever happens; returns its id (for the cookie)."""
    conn.execute(delete(staff_sessions).where(staff_sessions.c.expires_at <= now))  # tidy up the ended ones
    session_id = secrets.token_urlsafe(32)
    conn.execute(
        insert(staff_sessions).values(
            id_hash=hash_token(session_id), token_id=token_id, created_at=now, expires_at=now + lifetime
        )
    )
    return session_id


def session_principal(conn: Connection, session_id: str, now: datetime) -> Principal | None:
    """Who a live session belongs to; None once it was ended, ran out, or its token was revoked or expired."""
    row = conn.execute(_SESSION, {"id_hash": hash_token(session_id), "now": now}).first()
    return None if row is None else principal_of(row)


def end_session(conn: Connection, session_id: str) -> None:
    conn.execute(delete(staff_sessions).where(staff_sessions.c.id_hash == hash_token(session_id)))
