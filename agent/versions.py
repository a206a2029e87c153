"""What the go-live gate and the eval runner call "the current agent": its model and combined prompt version.

The version an eval run certifies is one hash over every prompt file and the rules' source.

The go-live gate matches eval runs on (model, prompt_version). A run grades ICP, drafting and verdicts, so
the version it records covers all three: the prompt files (`icp`, `drafting`, `verdict`) and the offline
rules' source hash (which also holds the ICP hard floor and the tools every provider uses). Any edit to any
of them asks for a fresh eval before going live. Both providers record the same version; the model tells
them apart (`offline-rules` or the Claude model id).
"""

from __future__ import annotations

import hashlib

from agent.offline import offline_version
from agent.prompt_files import prompt_version
from core.config import Settings

OFFLINE_MODEL = "offline-rules"

PROMPTS = ("icp", "drafting", "verdict")


def version_parts() -> dict[str, str]:
    """Each component's own version."""
    return {"rules": offline_version(), **{name: prompt_version(name) for name in PROMPTS}}


def combined_prompt_version() -> str:
    """The combined version recorded in `eval_runs.prompt_version` and asked for by the go-live gate."""
    parts = version_parts()
    text = ";".join(f"{key}={value}" for key, value in sorted(parts.items()))
    return "all-" + hashlib.sha256(text.encode()).hexdigest()[:12]


def current_model(settings: Settings) -> str:
    """The model the configured provider runs: Claude's when a key is set, else the offline rules."""
    key = settings.anthropic_api_key
    return settings.anthropic_model if key is not None and key.get_secret_value() else OFFLINE_MODEL


def current_agent(settings: Settings) -> tuple[str, str]:
    """(model, combined prompt version): what the go-live gate asks an eval run to have certified."""
    return current_model(settings), combined_prompt_version()
