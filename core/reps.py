"""Reps and the phone allowlist: only an active rep's (or a founder's) E.164 number can change anything by SMS."""

from __future__ import annotations

import logging

from sqlmodel import Session, col, select

from core.audit import record_audit
from core.errors import SalesAgentError
from core.models import Founder, Rep
from core.phones import normalize_phone

log = logging.getLogger(__name__)


class RepInvalid(SalesAgentError):
    """A rep cannot be added as given (bad phone, missing name, email or phone already in use)."""


def add_rep(*, session: Session, name: str, email: str, phone: str, actor: str) -> Rep:
    """Add an active rep with the phone in E.164; audited. Raises RepInvalid with one clear line."""
    name, email = name.strip(), email.strip().lower()
    if not name:
        raise RepInvalid("enter the rep's name")
    if "@" not in email:
        raise RepInvalid(f"{email or 'an empty email'} is not an email address")
    try:
        e164 = normalize_phone(phone.strip())
    except ValueError as exc:
        raise RepInvalid(f"{exc}; enter it in E.164, like +12125551234") from exc
    if session.exec(select(Rep.id).where(Rep.email == email)).first() is not None:
        raise RepInvalid(f"a rep with email {email} already exists")
    taken = session.exec(select(Rep.id).where(Rep.phone == e164)).first() is not None
    if taken or session.exec(select(Founder.id).where(Founder.phone == e164)).first() is not None:
        raise RepInvalid(f"{e164} is already on the allowlist")
    rep = Rep(name=name, email=email, phone=e164)
    session.add(rep)
    session.flush()
    record_audit(session=session, actor=actor, action="rep.added", subject_type="rep", subject_id=rep.id,
                 details={"name": name, "phone": e164})  # fmt: skip
    log.info("rep %s added by %s", rep.id, actor)
    return rep


def set_rep_active(*, session: Session, rep_id: int, active: bool, actor: str) -> bool:
    """Activate or deactivate a rep (a deactivated rep's number changes nothing); returns whether it changed."""
    rep = session.exec(select(Rep).where(col(Rep.id) == rep_id)).first()
    if rep is None or rep.active == active:
        return False
    rep.active = active
    session.add(rep)
    record_audit(session=session, actor=actor, action="rep.activated" if active else "rep.deactivated",
                 subject_type="rep", subject_id=rep_id)  # fmt: skip
    return True
