"""The database models: every table of DESIGN.md, imported here so SQLModel.metadata knows them all."""

from sqlmodel import SQLModel

# Deterministic constraint names: Alembic builds the same schema on SQLite and PostgreSQL from them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

from core.models.activity import (  # noqa: E402
    ActivityEvent,
    ActivityKind,
    DeliverabilitySnapshot,
    rep_weekly_metrics,
)
from core.models.approvals import Approval, ApprovalKind, ApprovalStatus  # noqa: E402
from core.models.explanations import RepExplanation  # noqa: E402
from core.models.ingestion import CompanyWeek, IngestionSource  # noqa: E402
from core.models.leads import DiscoveryRun, DiscoveryStatus, Lead, LeadStatus  # noqa: E402
from core.models.messages import (  # noqa: E402
    InboundMessage,
    MessagePurpose,
    OutboundMessage,
    OutboundStatus,
)
from core.models.operations import (  # noqa: E402
    AgentCost,
    Alert,
    AlertSeverity,
    AuditEvent,
    Controls,
    EvalRun,
    Heartbeat,
)
from core.models.people import Founder, FounderSession, LoginAttempt, Rep  # noqa: E402
from core.models.runs import JobRun, JobRunStatus  # noqa: E402
from core.models.sequences import Sequence, SequenceState, Touch, TouchChannel  # noqa: E402
from core.models.verdicts import (  # noqa: E402
    Review,
    ReviewSubject,
    Verdict,
    VerdictAction,
    VerdictLevel,
    VerdictStatus,
)

__all__ = [
    "ActivityEvent",
    "ActivityKind",
    "AgentCost",
    "Alert",
    "AlertSeverity",
    "Approval",
    "ApprovalKind",
    "ApprovalStatus",
    "AuditEvent",
    "CompanyWeek",
    "Controls",
    "DeliverabilitySnapshot",
    "DiscoveryRun",
    "DiscoveryStatus",
    "EvalRun",
    "Founder",
    "FounderSession",
    "Heartbeat",
    "InboundMessage",
    "IngestionSource",
    "JobRun",
    "JobRunStatus",
    "Lead",
    "LeadStatus",
    "LoginAttempt",
    "MessagePurpose",
    "OutboundMessage",
    "OutboundStatus",
    "Rep",
    "RepExplanation",
    "Review",
    "ReviewSubject",
    "Sequence",
    "SequenceState",
    "Touch",
    "TouchChannel",
    "Verdict",
    "VerdictAction",
    "VerdictLevel",
    "VerdictStatus",
    "rep_weekly_metrics",
]
