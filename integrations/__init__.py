"""Every outside service behind a small Protocol, each with a real client and a local stand-in.

Senders (SMS, mail drafts) live here too, in their own modules; the import contract in pyproject.toml
keeps the agent package from reaching them.
"""
