"""Seed an empty database with the demo: five reps with 8 weeks of history, deliverability, leads, a founder.

Deterministic: the same `now` gives the same rows (only the founder's salted password hash differs).
Seeding only ever happens on an empty database (no reps, founders or leads); on any other database
`seed_demo` adds nothing and says so in its summary, so it is safe to call twice. It adds to the caller's
session and flushes; the caller commits.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from core.audit import record_audit
from core.config import Settings
from core.demo.activity import DEMO_SOURCE, plan_events, plan_snapshots
from core.demo.companies import demo_companies
from core.demo.profiles import PROFILES
from core.founders import create_founder
from core.models import ActivityEvent, DeliverabilitySnapshot, Founder, Lead, LeadStatus, Rep
from core.phones import normalize_phone

log = logging.getLogger(__name__)

DEMO_FOUNDER_NAME = "Demo Founder"
DEMO_FOUNDER_EMAIL = "founder@demo.example"
# A fixed, published password: the demo database holds nothing worth protecting.
DEMO_FOUNDER_PASSWORD = "demo-founder-password"
DEMO_FOUNDER_PHONE = "+12125550100"


@dataclass(frozen=True)
class DemoSummary:
    """What `seed_demo` added; `seeded` is False (and every count 0) when the database was not empty."""

    seeded: bool
    reps: int
    events: int
    snapshots: int
    leads: int
    founder_email: str | None


NOTHING_SEEDED = DemoSummary(seeded=False, reps=0, events=0, snapshots=0, leads=0, founder_email=None)


def database_is_empty(*, session: Session) -> bool:
    """True when there are no reps, no founders and no leads: the only state the demo is seeded into."""
    return all(session.exec(select(model.id).limit(1)).first() is None for model in (Rep, Founder, Lead))


def seed_demo(*, session: Session, now: datetime, settings: Settings) -> DemoSummary:
    """Add the demo data to an empty database; on a non-empty one add nothing and return NOTHING_SEEDED."""
    if now.tzinfo is None:
        raise ValueError("seed_demo needs a timezone-aware `now`")
    if not database_is_empty(session=session):
        log.info("demo data not seeded: the database already has reps, founders or leads")
        return NOTHING_SEEDED
    started = time.perf_counter()
    tz, floor = settings.tz, settings.weekly_email_floor

    reps = [
        Rep(name=p.name, email=p.email, phone=normalize_phone(p.phone), mailbox="local", created_at=now)
        for p in PROFILES
    ]
    session.add_all(reps)
    session.flush()

    # Core-level executemany: thousands of rows in one round trip each, without the ORM's per-object work.
    events = [
        {
            "created_at": now,
            "rep_id": rep.id,
            "kind": event.kind.value,
            "occurred_at": event.occurred_at,
            "week_start": event.week_start,
            "source": DEMO_SOURCE,
            "external_id": event.external_id,
        }
        for rep, p in zip(reps, PROFILES, strict=True)
        for event in plan_events(p, now=now, tz=tz, floor=floor)
    ]
    snapshots = [
        {
            "created_at": now,
            "domain": p.sending_domain,
            "day": snap.day,
            "spam_rate": snap.spam_rate,
            "spf_pass_rate": snap.spf_pass_rate,
            "dkim_pass_rate": snap.dkim_pass_rate,
            "dmarc_pass_rate": snap.dmarc_pass_rate,
            "delivery_errors": snap.delivery_errors,
            "source": DEMO_SOURCE,
            "fetched_at": now,
        }
        for p in PROFILES
        for snap in plan_snapshots(p, now=now, tz=tz)
    ]
    leads = [
        {
            "created_at": now,
            "domain": company.domain,
            "company": company.name,
            "contact_name": company.contact.name,
            "contact_title": company.contact.title,
            "contact_email": company.contact.email,
            "status": LeadStatus.NEW.value,
            "icp_reasons": [],
            "source": DEMO_SOURCE,
        }
        for company in demo_companies()
    ]
    for model, rows in ((ActivityEvent, events), (DeliverabilitySnapshot, snapshots), (Lead, leads)):
        session.execute(sa.insert(model), rows)

    founder = create_founder(
        session=session,
        name=DEMO_FOUNDER_NAME,
        email=DEMO_FOUNDER_EMAIL,
        password=DEMO_FOUNDER_PASSWORD,
        phone=DEMO_FOUNDER_PHONE,
        actor="system:demo",
    )
    summary = DemoSummary(
        seeded=True,
        reps=len(reps),
        events=len(events),
        snapshots=len(snapshots),
        leads=len(leads),
        founder_email=founder.email,
    )
    record_audit(
        session=session,
        actor="system:demo",
        action="demo.seeded",
        details={
            "reps": summary.reps,
            "events": summary.events,
            "snapshots": summary.snapshots,
            "leads": summary.leads,
            "now": now.isoformat(),
        },
        at=now,
    )
    session.flush()
    log.info(
        "seeded demo data: %d reps, %d events, %d snapshots, %d leads in %.2fs",
        summary.reps,
        summary.events,
        summary.snapshots,
        summary.leads,
        time.perf_counter() - started,
    )
    return summary
