"""One exception tree: outside errors are mapped into it at the boundary; each says what to fix in one line."""

from __future__ import annotations


class SalesAgentError(Exception):
    """Base of every error this project raises on purpose; its message is fit to show a user."""


class ConfigurationError(SalesAgentError):
    """A setting is malformed or points at something that cannot be reached."""


class DatabaseUnavailable(ConfigurationError):
    """The database named by DATABASE_URL cannot be opened."""


class RedisUnavailable(ConfigurationError):
    """The Redis named by REDIS_URL (or the embedded one) cannot be reached."""


class AuthenticationError(SalesAgentError):
    """A login or session was refused."""


class SafetyRefusal(SalesAgentError):
    """A safety rule refused an action (going live without evidence, sending under the kill switch, ...)."""
