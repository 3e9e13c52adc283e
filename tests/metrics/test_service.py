"""Service times and SLAs against Zendesk's own data shape (Fivetran's dbt_zendesk seeds) and
hand-worked cases in business hours with holidays."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from regulars._hours import BusinessHours
from regulars.metrics import ServiceTargets, service_backlog, service_summary, ticket_service, unanswered
from tests.conftest import SHARED_DATA

SEEDS = SHARED_DATA / "zendesk_dbt_seeds" / "seeds"
NOW = datetime(2021, 1, 1)


def seed(name: str) -> pd.DataFrame:
    return pd.read_csv(SEEDS / f"{name}.csv.gz")


def seed_tickets() -> tuple[pd.DataFrame, pd.DataFrame]:
    t = seed("ticket_data")
    tickets = pd.DataFrame({"ticket_id": t["id"].astype(str), "opened_at": pd.to_datetime(t["created_at"]),
                            "resolved_at": pd.NaT, "first_response_at": pd.NaT, "priority": t["priority"],
                            "status": t["status"], "channel": t["via_channel"], "category": t["type"]})
    h = seed("ticket_field_history_data")
    changes = pd.DataFrame({"ticket_id": h["ticket_id"].astype(str), "changed_at": pd.to_datetime(h["updated"]),
                            "field": h["field_name"], "value": h["value"].astype(str)})
    return tickets, changes


def policy(policy_id: int, at: str) -> ServiceTargets:
    """An SLA policy's targets in force at a time, from the seeds' policy history."""
    p = seed("sla_policy_metric_history_data")
    p = p[(p["sla_policy_id"] == policy_id) & (pd.to_datetime(p["sla_policy_updated_at"]) <= pd.Timestamp(at))]
    p = p.sort_values("sla_policy_updated_at").drop_duplicates(["metric", "priority"], keep="last")
    names = {"first_reply_time": "first_reply", "requester_wait_time": "requester_wait", "agent_work_time": "agent_work"}
    targets: dict[str, dict[str, float]] = {}
    for r in p.itertuples():
        if r.metric in names:
            targets.setdefault(names[r.metric], {})[r.priority] = float(r.target)
    return ServiceTargets(targets, business_hours=bool(p["business_hours"].iloc[0]))


def test_ticket_11071_matches_the_hand_worked_figures():
    tickets, changes = seed_tickets()
    service = ticket_service(tickets, changes, BusinessHours(), NOW, policy(1002, "2020-08-28 18:06:36"))
    row = service.set_index("ticket_id").loc["11071"]
    # status durations from the status history ("on-hold" read as hold), calendar minutes
    assert row["requester_wait_minutes"] == 72_000
    assert row["agent_wait_minutes"] == 40_320
    assert row["agent_work_minutes"] == 43_200
    assert row["on_hold_minutes"] == 28_800
    assert row["first_resolution_minutes"] == pytest.approx(111_894.85, abs=0.01)
    assert row["full_resolution_minutes"] == pytest.approx(111_894.85, abs=0.01)
    assert row["reopens"] == 0
    assert pd.isna(row["first_reply_at"])
    # policy 1002 (calendar hours) with the priority the ticket had when opened: normal
    assert row["priority_opened"] == "normal" and row["priority"] == "urgent"
    assert row["first_reply_target"] == 960 and row["first_reply_sla"] == "breached"
    assert row["first_reply_breach_at"] == pd.Timestamp("2020-08-29 10:06:36")
    assert row["requester_wait_target"] == 1920 and row["requester_wait_sla"] == "breached"
    assert abs(row["requester_wait_breach_at"] - pd.Timestamp("2020-09-03 02:06:36")) < pd.Timedelta(seconds=1)


def test_repeated_solves_count_reopens_and_tickets_without_history_say_what_cannot_be_known():
    tickets, changes = seed_tickets()
    service = ticket_service(tickets, changes, BusinessHours(), NOW).set_index("ticket_id")
    without = service.drop("11071")
    assert without["requester_wait_minutes"].isna().all() and without["reopens"].isna().all()
    assert without["first_resolution_minutes"].isna().all()  # the seeds' tickets give no solved time
    solved_twice = pd.DataFrame({"ticket_id": ["7"] * 4, "changed_at": pd.to_datetime(
        ["2024-01-01 10:00", "2024-01-01 12:00", "2024-01-02 09:00", "2024-01-02 10:00"]),
        "field": "status", "value": ["open", "solved", "open", "solved"]})
    one = pd.DataFrame({"ticket_id": ["7"], "opened_at": [pd.Timestamp("2024-01-01 10:00")],
                        "resolved_at": [pd.NaT], "first_response_at": [pd.Timestamp("2024-01-01 11:00")],
                        "priority": [None], "status": ["solved"], "channel": ["email"], "category": [None]})
    row = ticket_service(one, solved_twice, BusinessHours(), NOW).iloc[0]
    assert row["reopens"] == 1
    assert row["first_resolution_minutes"] == 120 and row["full_resolution_minutes"] == 24 * 60
    assert row["requester_wait_minutes"] == 180  # open 2 h, then open again 1 h
    assert row["first_reply_minutes"] == 60


def pacific() -> BusinessHours:
    """The seeds' schedule "SupportCA" (Monday to Friday 08:00-20:00, Pacific time) with its holidays."""
    s = seed("schedule_data")
    assert set(s["time_zone"]) == {"Pacific Time (US & Canada)"}
    holidays = seed("schedule_holiday_data")
    days = [d.date() for r in holidays.itertuples() for d in pd.date_range(r.start_date, r.end_date)]
    hours = BusinessHours.from_sunday_minutes(list(zip(s["start_time"], s["end_time"], strict=True)),
                                              "America/Los_Angeles", tuple(days))
    assert hours == BusinessHours.of("mon-fri 08:00-20:00", "America/Los_Angeles",
                                     ["2022-12-26", "2022-12-27", "2022-12-29"])
    return hours


def test_business_minutes_skip_nights_weekends_and_holidays():
    """Opened Friday 23 December 2022 18:30 Pacific; replied Wednesday 28 09:15 (Monday and Tuesday
    are holidays); solved Friday 30 10:00 (Thursday is one too): by hand 90 + 75 = 165 business
    minutes to the reply, 90 + 720 + 120 = 930 to the solve; a first-reply target of 60 business
    minutes ran out at 19:30 on the Friday, one of 120 at 08:30 on the Wednesday."""
    hours = pacific()
    one = pd.DataFrame({"ticket_id": ["1", "2"], "opened_at": [pd.Timestamp("2022-12-24 02:30")] * 2,
                        "resolved_at": [pd.Timestamp("2022-12-30 18:00")] * 2,
                        "first_response_at": [pd.Timestamp("2022-12-28 17:15")] * 2,
                        "priority": ["urgent", "high"], "status": ["solved"] * 2, "channel": None,
                        "category": None})
    targets = ServiceTargets({"first_reply": {"urgent": 60, "high": 180}})
    service = ticket_service(one, None, hours, datetime(2023, 1, 2), targets).set_index("ticket_id")
    assert service.loc["1", "first_reply_business_minutes"] == pytest.approx(165)
    assert service.loc["1", "full_resolution_business_minutes"] == pytest.approx(930)
    assert service.loc["1", "first_reply_minutes"] == 4 * 1440 + 14 * 60 + 45  # calendar: 4 days 14 h 45 min
    assert service.loc["1", "first_reply_breach_at"] == pd.Timestamp("2022-12-24 03:30")  # 19:30 Pacific
    assert service.loc["1", "first_reply_sla"] == "breached"
    assert service.loc["2", "first_reply_breach_at"] == pd.Timestamp("2022-12-28 17:30")  # Wed 09:30 Pacific
    assert service.loc["2", "first_reply_sla"] == "achieved"
    assert hours.after(datetime(2022, 12, 24, 2, 30), 120) == datetime(2022, 12, 28, 16, 30)


def test_zendesk_published_business_minutes_for_the_last_schedule():
    """dbt_zendesk's DECISIONLOG: ticket 941606 under "Level 2 San Francisco" (UTC minutes from
    Sunday), created 2020-09-29 17:01:38, first reply 2020-09-30 19:01:46: Zendesk's 689.46 as
    written (minutes rounded), about 690.13 with exact seconds."""
    sf = BusinessHours.from_sunday_minutes([(2340, 2910), (3780, 4350), (5220, 5790), (6660, 7230), (8100, 8670)])
    took = sf.between([datetime(2020, 9, 29, 17, 1, 38)], [datetime(2020, 9, 30, 19, 1, 46)])[0]
    assert took == pytest.approx(690.13, abs=0.01)
    chicago = BusinessHours.from_sunday_minutes([(720, 1560), (2160, 3000), (3600, 4440), (5040, 5880),
                                                 (6480, 7320), (7920, 8760), (9360, 10200)])
    assert chicago.between([datetime(2020, 9, 29, 17, 1, 38)], [datetime(2020, 9, 30, 19, 1, 25)])[0] \
        == pytest.approx(538.37 + 421.42, abs=0.01)  # dbt's first schedule part: 538 + 421.25 in its rounding


def test_backlog_unanswered_and_summary():
    now = datetime(2024, 3, 10, 12)
    tickets = pd.DataFrame({"ticket_id": ["a", "b", "c", "d"],
                            "opened_at": pd.to_datetime(["2024-03-08 09:00", "2024-03-08 10:00", "2024-03-09 09:00",
                                                         "2024-03-10 11:00"]),
                            "resolved_at": pd.to_datetime(["2024-03-08 12:00", None, None, None]),
                            "first_response_at": pd.to_datetime(["2024-03-08 09:30", "2024-03-08 11:00", None, None]),
                            "priority": ["high", None, "low", "low"], "status": ["solved", "open", "open", "new"],
                            "channel": ["email", "email", "chat", None], "category": None,
                            "agent": ["Priya", "Tom", "Priya", None]})
    service = ticket_service(tickets, None, BusinessHours(), now)
    assert service_backlog(service, [pd.Timestamp("2024-03-08").date(), pd.Timestamp("2024-03-09").date()]) == [
        {"day": pd.Timestamp("2024-03-08").date(), "open": 1}, {"day": pd.Timestamp("2024-03-09").date(), "open": 2}]
    assert list(unanswered(service, now, 24)["ticket_id"]) == ["c"]  # d is an hour old
    by = {r["group"]: r for r in service_summary(service, "channel")}
    assert by["email"]["tickets"] == 2 and by["email"]["first_reply_hours"] == pytest.approx(0.75)
    assert by["not given"]["tickets"] == 1 and by["chat"]["first_reply_hours"] is None
    agents = {r["group"]: r for r in service_summary(service, "agent")}
    assert agents["Priya"]["tickets"] == 2 and agents["Priya"]["first_reply_hours"] == pytest.approx(0.5)
    assert agents["Tom"]["first_reply_hours"] == pytest.approx(1.0) and agents["not given"]["tickets"] == 1
