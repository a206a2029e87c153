"""Reading the demo's TOML files with errors a user can act on in one line."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from core.errors import ConfigurationError


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """Parse a TOML file, or raise ConfigurationError naming the file and what is wrong with it."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ConfigurationError(f"{what} file not found: {path}") from exc
    except OSError as exc:
        raise ConfigurationError(f"{what} file {path} cannot be read: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"{what} file {path} is not valid TOML: {exc}") from exc


def invalid(path: Path, what: str, exc: ValidationError) -> ConfigurationError:
    """One line for a schema error: the first problem, where it is, and how many more there are."""
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "(top level)"
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return ConfigurationError(f"{what} file {path} is invalid at {where}: {first['msg']}{more}")
