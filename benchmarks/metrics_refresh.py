"""The weekly metrics at scale: 1,000 reps x 8 weeks over >= 2 million activity events on PostgreSQL.

    python -m benchmarks.metrics_refresh [--reps 1000] [--events 2000000] [--database NAME] [--keep]

Builds a scratch database (default `sales_agent_bench` on the local PostgreSQL; dropped and recreated),
migrates it with the project's one migration command, loads reps, activity (COPY) and one domain's
deliverability, then times, on the same data:
- the view path: `refresh_rep_weekly_metrics` (REFRESH MATERIALIZED VIEW CONCURRENTLY), then one read of
  8 weeks for every rep (`rep_metrics`), then a verdict per rep with the offline provider
  (`agent.verdicts.judge_verdict`, if that module exists; otherwise metric reads only, and it says so);
- the naive path: per rep, one GROUP BY query over `activity_events` for its 8 weeks, then the same verdict.
A benchmark, not a test: it is never run by the test suite.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from core.config import get_settings
from core.db import create_db_engine, upgrade_database
from core.metrics import WeeklyMetrics, refresh_rep_weekly_metrics, rep_metrics
from core.weeks import local_week_start, week_starts_back

KINDS = ("email_sent", "email_sent", "email_sent", "email_sent", "email_sent", "email_sent", "reply", "call", "call",
         "meeting_booked")  # fmt: skip
NOW = datetime(2026, 11, 24, 15, tzinfo=UTC)


def _recreate_database(admin_url: str, name: str) -> None:
    engine = create_db_engine(admin_url)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def _load(engine: sa.Engine, reps: int, events: int, weeks: list[date], tz: Any) -> None:
    rng = random.Random(42)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        with cursor.copy("COPY reps (id, created_at, name, email, phone, active, opted_out, mailbox) FROM STDIN") as cp:
            for n in range(1, reps + 1):
                cp.write_row((n, NOW, f"Rep {n}", f"rep{n}@bench.example", f"+1212{n:07d}", True, False, "local"))
        cursor.execute("SELECT setval('reps_id_seq', %s)", (reps,))
        per_rep = -(-events // reps)
        first = datetime.combine(weeks[0], datetime.min.time(), tz)
        span = (datetime.combine(weeks[-1] + timedelta(days=7), datetime.min.time(), tz) - first).total_seconds()
        columns = "created_at, rep_id, kind, occurred_at, week_start, source, external_id"
        with cursor.copy(f"COPY activity_events ({columns}) FROM STDIN") as cp:
            written = 0
            for rep in range(1, reps + 1):
                for i in range(per_rep):
                    if written >= events:
                        break
                    at = first + timedelta(seconds=rng.random() * span)
                    cp.write_row((NOW, rep, KINDS[rng.randrange(len(KINDS))], at, local_week_start(at, tz), "bench",
                                  f"{rep}:{i}"))  # fmt: skip
                    written += 1
        with cursor.copy("COPY deliverability_snapshots (created_at, domain, day, spam_rate, source) FROM STDIN") as cp:
            for d in range(56):
                cp.write_row((NOW, "bench.example", weeks[0] + timedelta(days=d), 0.0005, "bench"))
        raw.commit()
        cursor.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()


def _verdict_fn(settings: Any) -> tuple[Callable[[int, list[WeeklyMetrics], list[Any]], Any] | None, str]:
    try:
        from agent.verdicts import judge_verdict
        from agent.verdicts.schema import DeliverabilityRow, VerdictInput, WeekRow
    except ImportError as exc:
        return None, f"verdicts not measured: agent.verdicts.judge_verdict is not importable ({exc})"

    def judge(rep_id: int, rows: list[WeeklyMetrics], days: list[Any]) -> Any:
        data = VerdictInput(
            rep_id=rep_id,
            weeks=[WeekRow(week_start=r.week_start, emails_sent=r.emails_sent, replies=r.replies, meetings=r.meetings,
                           calls=r.calls, reply_rate=r.reply_rate) for r in rows],  # fmt: skip
            deliverability=[DeliverabilityRow(**d) for d in days],
            weekly_email_floor=settings.weekly_email_floor,
        )
        return judge_verdict(data, settings=settings, provider="offline")

    return judge, "verdicts: agent.verdicts.judge_verdict, offline provider"


def _naive(connection: sa.Connection, rep_id: int, weeks: list[date]) -> list[WeeklyMetrics]:
    counts: dict[date, dict[str, int]] = {week: {} for week in weeks}
    query = sa.text(
        "SELECT week_start, kind, COUNT(*) FROM activity_events WHERE rep_id = :rep AND week_start >= :first "
        "AND week_start <= :last GROUP BY week_start, kind"
    )
    for week, kind, count in connection.execute(query, {"rep": rep_id, "first": weeks[0], "last": weeks[-1]}):
        counts[week][kind] = count
    rows = []
    for week in weeks:
        c = counts[week]
        sent = c.get("email_sent", 0)
        rows.append(WeeklyMetrics(rep_id, week, sent, c.get("reply", 0), c.get("meeting_booked", 0), c.get("call", 0),
                                  c.get("reply", 0) / sent if sent else 0.0, 0, 0))  # fmt: skip
    return rows


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=1000)
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--admin-url", default="postgresql+psycopg://root@127.0.0.1:5432/postgres")
    parser.add_argument("--database", default="sales_agent_bench")
    parser.add_argument("--keep", action="store_true", help="Keep the scratch database afterwards.")
    args = parser.parse_args()

    base = get_settings()
    tz = base.tz
    url = make_url(args.admin_url).set(database=args.database).render_as_string(hide_password=False)
    settings = base.model_copy(update={"database_url": url})
    weeks = week_starts_back(NOW, tz, 8)

    _recreate_database(args.admin_url, args.database)
    upgrade_database(settings)
    engine = create_db_engine(url)
    started = time.perf_counter()
    _load(engine, args.reps, args.events, weeks, tz)
    load_s = time.perf_counter() - started
    with engine.connect() as connection:
        total = connection.execute(sa.text("SELECT COUNT(*) FROM activity_events")).scalar_one()
        days = [dict(row._mapping) for row in connection.execute(sa.text(
            "SELECT id, day, spam_rate FROM deliverability_snapshots ORDER BY day"))]  # fmt: skip
    judge, verdict_note = _verdict_fn(settings)
    rep_ids = list(range(1, args.reps + 1))

    started = time.perf_counter()
    refresh_rep_weekly_metrics(engine, tz=tz, today=NOW.date())
    refresh_s = time.perf_counter() - started
    started = time.perf_counter()
    with engine.connect() as connection:
        by_rep: dict[int, list[WeeklyMetrics]] = {rep: [] for rep in rep_ids}
        for row in rep_metrics(connection, rep_ids=rep_ids, weeks=weeks):
            by_rep[row.rep_id].append(row)
    view_read_s = time.perf_counter() - started
    view_verdict_s = 0.0
    if judge:
        started = time.perf_counter()
        view_verdicts = [judge(rep, by_rep[rep], days) for rep in rep_ids]
        view_verdict_s = time.perf_counter() - started

    started = time.perf_counter()
    with engine.connect() as connection:
        naive = {rep: _naive(connection, rep, weeks) for rep in rep_ids}
    naive_read_s = time.perf_counter() - started
    naive_verdict_s = 0.0
    if judge:
        started = time.perf_counter()
        naive_verdicts = [judge(rep, naive[rep], days) for rep in rep_ids]
        naive_verdict_s = time.perf_counter() - started
        assert [v.verdict for v in naive_verdicts] == [v.verdict for v in view_verdicts]
    assert all([(r.emails_sent, r.replies, r.calls) for r in naive[rep]] ==
               [(r.emails_sent, r.replies, r.calls) for r in by_rep[rep]] for rep in rep_ids)  # fmt: skip
    engine.dispose()
    if not args.keep:
        _recreate_database(args.admin_url, args.database)

    print(f"{args.reps} reps x {len(weeks)} weeks, {total:,} activity events (loaded by COPY in {load_s:.1f} s)")
    print(verdict_note)
    print(f"{'path':<34}{'metrics':>12}{'verdicts':>12}{'total':>12}")
    view_total = refresh_s + view_read_s + view_verdict_s
    print(f"{'view: refresh concurrently':<34}{refresh_s:>11.2f}s{'':>12}")
    print(f"{'view: read 8 weeks, all reps':<34}{view_read_s:>11.2f}s{view_verdict_s:>11.2f}s{view_total:>11.2f}s")
    naive_total = naive_read_s + naive_verdict_s
    print(f"{'naive: one query per rep':<34}{naive_read_s:>11.2f}s{naive_verdict_s:>11.2f}s{naive_total:>11.2f}s")
    print("both paths gave the same metrics" + (" and verdicts" if judge else ""))


if __name__ == "__main__":
    main()
