"""Drafting the 3-touch outreach: the sequence schema and the slop rules every draft must pass."""
