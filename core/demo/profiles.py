"""The five demo reps and the 8-week activity profile each one is meant to show against the weekly floor."""

from __future__ import annotations

from dataclasses import dataclass

# The demo seller's domain. Each rep sends from their own subdomain, so deliverability differs per rep.
DEMO_COMPANY_DOMAIN = "northwind-demo.example"
# How many completed weeks of history the demo seeds (what a Monday scorecard reads).
DEMO_WEEKS = 8


@dataclass(frozen=True)
class RepProfile:
    """One demo rep and the shape of their activity and deliverability."""

    key: str
    name: str
    email: str
    # 212-555-01xx: the fictional range, which libphonenumber still accepts as a valid US number.
    phone: str
    # Emails sent in each completed week as a share of the weekly floor, oldest week first.
    weekly_floor_ratios: tuple[float, ...]
    # The pace of the current week, as a share of the floor over a full week; only what is before `now` is seeded.
    current_floor_ratio: float
    reply_rate: float  # replies per email sent
    meeting_rate: float  # meetings booked per reply
    call_rate: float  # calls per email sent
    # Daily spam rate on the first and on the last seeded day; the days between follow a straight line.
    spam_rate: tuple[float, float]
    # SPF, DKIM and DMARC pass rates.
    auth_pass_rates: tuple[float, float, float]
    delivery_error_rate: float

    @property
    def sending_domain(self) -> str:
        """The domain this rep sends from (the deliverability snapshots' key)."""
        return self.email.rsplit("@", 1)[1]


PROFILES: tuple[RepProfile, ...] = (
    RepProfile(
        key="exceeds",
        name="Avery Brooks",
        email="avery.brooks@avery.northwind-demo.example",
        phone="+12125550101",
        weekly_floor_ratios=(1.28, 1.31, 1.24, 1.35, 1.29, 1.33, 1.26, 1.32),
        current_floor_ratio=1.30,
        reply_rate=0.085,
        meeting_rate=0.30,
        call_rate=0.17,
        spam_rate=(0.0004, 0.0005),
        auth_pass_rates=(1.0, 1.0, 1.0),
        delivery_error_rate=0.002,
    ),
    RepProfile(
        key="meets",
        name="Jordan Patel",
        email="jordan.patel@jordan.northwind-demo.example",
        phone="+12125550102",
        weekly_floor_ratios=(1.02, 1.05, 1.01, 1.04, 1.025, 1.06, 1.015, 1.03),
        current_floor_ratio=1.03,
        reply_rate=0.05,
        meeting_rate=0.25,
        call_rate=0.15,
        spam_rate=(0.0005, 0.0006),
        auth_pass_rates=(1.0, 0.99, 0.99),
        delivery_error_rate=0.003,
    ),
    RepProfile(
        # Met the floor for six weeks, then a fresh dip to ~150 in the last two: a warning, not yet a PIP.
        key="below_floor",
        name="Casey Morgan",
        email="casey.morgan@casey.northwind-demo.example",
        phone="+12125550103",
        weekly_floor_ratios=(1.04, 1.02, 1.06, 1.01, 1.03, 1.05, 0.76, 0.74),
        current_floor_ratio=0.75,
        reply_rate=0.04,
        meeting_rate=0.20,
        call_rate=0.12,
        spam_rate=(0.0008, 0.0011),
        auth_pass_rates=(0.99, 0.98, 0.97),
        delivery_error_rate=0.006,
    ),
    RepProfile(
        # A steady decline from just above the floor to under half of it: five weeks below by the end.
        key="pip_path",
        name="Riley Nguyen",
        email="riley.nguyen@riley.northwind-demo.example",
        phone="+12125550104",
        weekly_floor_ratios=(1.08, 1.0, 0.93, 0.80, 0.70, 0.60, 0.52, 0.45),
        current_floor_ratio=0.42,
        reply_rate=0.03,
        meeting_rate=0.15,
        call_rate=0.10,
        spam_rate=(0.0006, 0.0013),
        auth_pass_rates=(0.99, 0.97, 0.95),
        delivery_error_rate=0.009,
    ),
    RepProfile(
        # Barely sending, and what is sent lands in spam above Google's 0.3% line every day.
        key="critical",
        name="Sam Whitfield",
        email="sam.whitfield@sam.northwind-demo.example",
        phone="+12125550105",
        weekly_floor_ratios=(0.17, 0.14, 0.16, 0.13, 0.15, 0.14, 0.12, 0.15),
        current_floor_ratio=0.14,
        reply_rate=0.02,
        meeting_rate=0.0,
        call_rate=0.10,
        spam_rate=(0.0032, 0.0045),
        auth_pass_rates=(0.93, 0.86, 0.81),
        delivery_error_rate=0.041,
    ),
)


def profile(key: str) -> RepProfile:
    """The demo profile with this key; raises KeyError for an unknown one."""
    for candidate in PROFILES:
        if candidate.key == key:
            return candidate
    raise KeyError(f"no demo rep profile {key!r}; known: {', '.join(p.key for p in PROFILES)}")
