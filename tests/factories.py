"""Factories for test rows: small, explicit, with unique defaults."""

from __future__ import annotations

import itertools

from sqlmodel import Session

from core.models import Founder, Lead, Rep

_counter = itertools.count(1)


def create_rep(session: Session, **overrides: object) -> Rep:
    """Add an active rep with a unique email and valid US number."""
    n = next(_counter)
    fields: dict[str, object] = {
        "name": f"Rep {n}",
        "email": f"rep{n}@example.com",
        "phone": f"+1212555{n:04d}",
    }
    fields.update(overrides)
    rep = Rep(**fields)  # type: ignore[arg-type]
    session.add(rep)
    session.flush()
    return rep


def create_founder(session: Session, password: str = "correct horse battery", **overrides: object) -> Founder:
    """Add a founder through the real account code (hashed password)."""
    from core.founders import create_founder as add_founder

    n = next(_counter)
    fields: dict[str, object] = {"name": f"Founder {n}", "email": f"founder{n}@example.com"}
    fields.update(overrides)
    return add_founder(session=session, password=password, actor="test", **fields)  # type: ignore[arg-type]


def create_lead(session: Session, **overrides: object) -> Lead:
    """Add a new unassigned lead with a unique domain."""
    n = next(_counter)
    fields: dict[str, object] = {"domain": f"company{n}.example", "company": f"Company {n}", "source": "test"}
    fields.update(overrides)
    lead = Lead(**fields)  # type: ignore[arg-type]
    session.add(lead)
    session.flush()
    return lead
