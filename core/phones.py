"""Phone numbers: everything stored and compared in E.164, validated with Google's libphonenumber."""

from __future__ import annotations

import phonenumbers


def normalize_phone(raw: str, default_region: str = "US") -> str:
    """Return `raw` in E.164 (+15551234567), or raise ValueError saying why it is not a phone number."""
    try:
        parsed = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"{raw!r} is not a phone number: {exc}") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError(f"{raw!r} is not a valid phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
