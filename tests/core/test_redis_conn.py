"""The embedded redis-server: started once, shared by local processes, stopped by its owner only."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from core.config import Settings
from core.errors import RedisUnavailable
from core.redis_conn import check_redis, connect, ensure_redis


def _settings(data_dir: Path) -> Settings:
    return Settings(_env_file=None, data_dir=data_dir, redis_url="")  # type: ignore[call-arg]


def test_embedded_redis_starts_is_shared_and_stops() -> None:
    with tempfile.TemporaryDirectory(prefix="sa-") as tmp:  # short path: unix sockets are length-limited
        settings = _settings(Path(tmp))
        owner = ensure_redis(settings)
        assert owner is not None
        try:
            client = connect(settings.effective_redis_url)
            client.set("k", "v")
            assert ensure_redis(settings) is None  # a second process finds it running and reuses it
            assert connect(settings.effective_redis_url).get("k") == b"v"
            assert owner.running_pid() is not None
        finally:
            owner.stop()
        assert not owner.is_running() and not settings.redis_socket.exists()


def test_unreachable_redis_is_one_clear_error() -> None:
    with pytest.raises(RedisUnavailable, match="cannot reach Redis"):
        check_redis(connect("redis://127.0.0.1:1/0"))
