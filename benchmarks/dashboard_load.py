"""Dashboard page load times in headless Chromium with a large history.

    python -m benchmarks.dashboard_load [--reps 50] [--verdicts 10000] [--events 100000] [--runs 5] [--prod]

Builds a throwaway SQLite database (migrated with the project's one migration command) holding `--reps`
reps, `--verdicts` verdicts (one per rep and week, going back as many weeks as needed) and `--events`
activity events over the last 8 weeks, plus the demo founder; starts the dashboard on free ports
(`--prod`: the production build on one port; default: the dev server), logs in with headless Chromium and
times each page: from navigation until the signed-in page has finished loading its data (no spinner left,
every chart drawn). The first load of each page is reported apart (the dev server compiles a page on its
first request); then the median and worst of `--runs` loads. Pages measured: the overview and, when the
app has it, the verdict review page. A benchmark, not a test: the suite never runs it.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from scripts.screenshots import browser, prepare_environment, running_dashboard, settled

PAGE_TIMEOUT = 180
KINDS = ("email_sent",) * 6 + ("reply", "call", "call", "meeting_booked")
LEVELS = ("EXCEEDS", "MEETS", "MEETS", "BELOW_FLOOR", "BELOW_FLOOR_PIP", "CRITICAL")


def load_data(*, reps: int, verdicts: int, events: int, now: datetime) -> str:
    """Fill the throwaway database; returns the founder's email."""
    from core.config import get_settings
    from core.db import get_engine, session_scope, upgrade_database
    from core.demo.seed import DEMO_FOUNDER_EMAIL, DEMO_FOUNDER_PASSWORD
    from core.founders import create_founder
    from core.models import ActivityEvent, Rep, Verdict
    from core.weeks import local_week_start

    settings = get_settings()
    upgrade_database(settings)
    rng = random.Random(7)
    this_week = local_week_start(now, settings.tz)
    with session_scope() as session:
        create_founder(session=session, name="Bench Founder", email=DEMO_FOUNDER_EMAIL,
                       password=DEMO_FOUNDER_PASSWORD, actor="system:bench")  # fmt: skip
        session.execute(sa.insert(Rep), [
            {"created_at": now, "name": f"Rep {i:03d}", "email": f"rep{i}@r{i}.bench.example",
             "phone": f"+1212555{1000 + i:04d}", "mailbox": "local"} for i in range(reps)
        ])  # fmt: skip
        rep_ids = list(session.scalars(sa.select(Rep.id).order_by(Rep.id)))  # type: ignore[arg-type]
        rows = []
        for n in range(events):
            week = this_week - timedelta(weeks=n % 8)
            at = datetime.combine(week, datetime.min.time(), tzinfo=UTC) + timedelta(hours=15 + n % 60)
            rows.append({"created_at": now, "rep_id": rep_ids[n % reps], "kind": rng.choice(KINDS),
                         "occurred_at": at, "week_start": week, "source": "bench", "external_id": f"e{n}"})  # fmt: skip
        session.execute(sa.insert(ActivityEvent), rows)
        per_rep = -(-verdicts // reps)
        vrows = []
        for n in range(verdicts):
            rep_id, weeks_back = rep_ids[n % reps], 1 + n // reps
            level = rng.choice(LEVELS)
            vrows.append({
                "created_at": now - timedelta(weeks=weeks_back), "rep_id": rep_id,
                "week_start": this_week - timedelta(weeks=weeks_back), "verdict": level, "policy_band": level,
                "rationale": f"Week {weeks_back} back: {rng.randint(100, 260)} emails.",
                "evidence_refs": [{"table": "rep_weekly_metrics", "rep_id": rep_id}],
                "action": "none", "status": "logged" if weeks_back > 2 else "proposed", "review_reasons": [],
                "provider": "offline-rules", "model": "offline-rules", "prompt_version": "bench", "shadow_mode": True,
            })  # fmt: skip
        session.execute(sa.insert(Verdict), vrows)
        print(f"loaded {reps} reps, {events} activity events, {verdicts} verdicts ({per_rep} weeks per rep)")
    from core.metrics import refresh_rep_weekly_metrics

    refresh_rep_weekly_metrics(get_engine(settings), tz=settings.tz)
    return DEMO_FOUNDER_EMAIL


def _time_page(driver, url: str) -> float:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    started = time.perf_counter()
    driver.get(url)
    wait = WebDriverWait(driver, PAGE_TIMEOUT, poll_frequency=0.02)
    wait.until(ec.visibility_of_element_located((By.ID, "signed-in-as")))
    wait.until(settled)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    """Load the data, start the dashboard, time the pages, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=50)
    parser.add_argument("--verdicts", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--prod", action="store_true", help="time the production build instead of the dev server")
    args = parser.parse_args(argv)
    data_dir = Path(tempfile.mkdtemp(prefix="sa-bench-"))
    try:
        ports = prepare_environment(data_dir)
        started = time.perf_counter()
        email = load_data(reps=args.reps, verdicts=args.verdicts, events=args.events, now=datetime.now(UTC))
        print(f"data loaded in {time.perf_counter() - started:.1f}s")
        from core.demo.seed import DEMO_FOUNDER_PASSWORD
        from sales_dashboard import routes

        pages = [("overview", routes.OVERVIEW)]
        if hasattr(routes, "VERDICTS"):
            pages.append(("verdicts", routes.VERDICTS))
        else:
            print("no verdict review page in this build: measuring the overview only")
        with running_dashboard(data_dir, *ports, prod=args.prod) as frontend:
            from selenium.webdriver.common.by import By
            from selenium.webdriver.support import expected_conditions as ec
            from selenium.webdriver.support.ui import WebDriverWait

            driver = browser()
            try:
                driver.get(frontend + routes.LOGIN)
                WebDriverWait(driver, PAGE_TIMEOUT).until(ec.element_to_be_clickable((By.ID, "login-submit")))
                driver.find_element(By.ID, "login-email").send_keys(email)
                driver.find_element(By.ID, "login-password").send_keys(DEMO_FOUNDER_PASSWORD)
                driver.find_element(By.ID, "login-submit").click()
                WebDriverWait(driver, PAGE_TIMEOUT).until(ec.visibility_of_element_located((By.ID, "health-panel")))
                mode = "prod build" if args.prod else "dev server"
                print(f"\n{mode}; {args.reps} reps, {args.verdicts} verdicts, {args.events} events; seconds")
                print(f"{'page':<10} {'first':>7} {'median':>7} {'worst':>7}")
                for name, route in pages:
                    first = _time_page(driver, frontend + route)
                    times = [_time_page(driver, frontend + route) for _ in range(args.runs)]
                    print(f"{name:<10} {first:>7.2f} {statistics.median(times):>7.2f} {max(times):>7.2f}")
            finally:
                driver.quit()
        return 0
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
