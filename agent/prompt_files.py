"""Prompts live in files under `agent/prompts/`; a prompt's version is the hash of its files.

A prompt `name` is one or more files: `name.md`, or parts `name.<part>.md` (`drafting.system.md`,
`drafting.user.md`). `prompt_version(name)` hashes every file of the prompt, so any edit to any part
gives a new version, recorded beside the model with every draft and verdict.
"""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path
from string import Template

from core.errors import SalesAgentError

log = logging.getLogger(__name__)

PROMPTS_DIR = Path(__file__).resolve().parent / "prompts"
VERSION_LENGTH = 12
_NAME = re.compile(r"^[a-z0-9_]+(?:\.[a-z0-9_]+)?$")


class PromptNotFound(SalesAgentError):
    """A prompt file the code asks for is not in the prompts folder."""


def load_prompt(name: str, *, directory: Path = PROMPTS_DIR) -> str:
    """The text of one prompt file (`"drafting.system"` reads `drafting.system.md`)."""
    path = directory / f"{_checked(name)}.md"
    if not path.is_file():
        raise PromptNotFound(f"no prompt file {path.name} in {directory}")
    return _read(path)


def prompt_files(name: str, *, directory: Path = PROMPTS_DIR) -> list[Path]:
    """Every file of the prompt `name` (`name.md` and `name.*.md`), sorted by file name."""
    stem = _checked(name)
    files = sorted({*directory.glob(f"{stem}.md"), *directory.glob(f"{stem}.*.md")}, key=lambda p: p.name)
    if not files:
        raise PromptNotFound(f"no prompt files for {name!r} in {directory}")
    return files


def prompt_version(name: str, *, directory: Path = PROMPTS_DIR) -> str:
    """A short, stable hash of every file of the prompt `name` (file names and contents)."""
    digest = hashlib.sha256()
    for path in prompt_files(name, directory=directory):
        # Names are hashed too, so moving text from one part to another is a new version.
        digest.update(path.name.encode() + b"\0" + _read(path).encode() + b"\0")
    return digest.hexdigest()[:VERSION_LENGTH]


def render_prompt(name: str, *, directory: Path = PROMPTS_DIR, **values: str) -> str:
    """A prompt file with its `$placeholders` filled; a missing value is an error, never a blank."""
    return Template(load_prompt(name, directory=directory)).substitute(values)


def data_block(tag: str, text: str) -> str:
    """`text` wrapped in <tag>...</tag>, with its own angle brackets escaped so it cannot close the tag."""
    if not re.fullmatch(r"[a-z_]+", tag):
        raise ValueError(f"tag must be lower-case letters, not {tag!r}")
    # A fact containing "</research>" would otherwise end the data block and speak as the prompt.
    safe = text.replace("<", "&lt;").replace(">", "&gt;")
    return f"<{tag}>\n{safe}\n</{tag}>"


def _checked(name: str) -> str:
    if not _NAME.match(name):
        raise PromptNotFound(f"prompt names are lower-case words like 'drafting.system', not {name!r}")
    return name


def _read(path: Path) -> str:
    # Line endings normalised: a checkout on Windows must give the same version as one on Linux.
    return path.read_text(encoding="utf-8").replace("\r\n", "\n")
