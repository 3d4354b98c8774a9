"""SQLite's wake-up between processes (`LocalBackend`): a datagram on each peer's Unix socket, stale sockets removed.

The processes' side is `test_events_cross_process.py` (two workers with the outbox poll off); here the backend alone,
two of them in one folder as two processes would be.
"""

from __future__ import annotations

import asyncio
import os
import socket
from pathlib import Path

from steelyard.events.backends import LocalBackend, wakeup_folder


def test_one_folder_per_database_file(tmp_path: Path) -> None:
    db = tmp_path / "shop.db"
    link = tmp_path / "link.db"
    db.touch()
    link.symlink_to(db)
    assert wakeup_folder(str(db)) == wakeup_folder(str(link))  # the same file, however it is named
    assert wakeup_folder(str(db)) != wakeup_folder(str(tmp_path / "other.db"))
    assert wakeup_folder(None) is None
    assert wakeup_folder(":memory:") is None


def test_an_announce_wakes_every_other_process_and_not_itself(tmp_path: Path) -> None:
    async def scenario() -> tuple[int, int, int, int]:
        woken = {"a": 0, "b": 0, "c": 0}
        backends = {name: LocalBackend(tmp_path / "wake") for name in woken}
        for name, backend in backends.items():
            await backend.start(lambda name=name: woken.__setitem__(name, woken[name] + 1))
        assert all(b.path is not None and b.path.exists() for b in backends.values())
        assert oct((tmp_path / "wake").stat().st_mode & 0o777) == oct(0o700)  # no other user can wake us
        backends["a"].announce()
        for _ in range(100):
            if woken["b"] and woken["c"]:
                break
            await asyncio.sleep(0.01)
        for backend in backends.values():
            await backend.stop()
        return woken["a"], woken["b"], woken["c"], backends["a"].sent

    a, b, c, sent = asyncio.run(scenario())
    assert (a, b, c, sent) == (0, 1, 1, 2)
    assert not (tmp_path / "wake").exists()  # each removed its socket when it stopped, the last one the folder


def test_a_socket_left_by_a_dead_process_is_removed(tmp_path: Path) -> None:
    folder = tmp_path / "wake"
    folder.mkdir(mode=0o700)
    dead = folder / "999999-dead.sock"
    left = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    left.bind(str(dead))
    left.close()  # the file stays, nobody reads it: as after a kill -9

    async def scenario() -> None:
        backend = LocalBackend(folder)
        await backend.start(lambda: None)
        backend.announce()
        await backend.stop()

    asyncio.run(scenario())
    assert not dead.exists()


def test_without_a_usable_folder_it_polls_only(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")

    async def scenario() -> LocalBackend:
        backend = LocalBackend(blocker / "wake")
        await backend.start(lambda: None)
        backend.announce()  # nothing to send to, and no error
        await backend.stop()
        return backend

    backend = asyncio.run(scenario())
    assert backend.path is None and backend.sent == 0
    assert os.path.isfile(blocker)
