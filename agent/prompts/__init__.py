"""The prompt files (package data, so a built wheel carries them); read them through `agent.prompt_files`."""
