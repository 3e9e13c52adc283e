"""Every starter playbook fires at its boundary and not before, on a small made situation, and
the seeds' engagement tier boundaries hold as values (70 hot, 69 warm, 40 warm, 39 cold)."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest

from regulars.config import EngagementSettings
from regulars.models.engagement import EngagementScore
from regulars.playbooks import STARTER_YAML, parse_playbooks, plan
from tests.playbooks.test_plan import AT, situation, starter


def fired(playbook: str, s) -> list[str]:
    got = plan(starter(playbook), s)
    return sorted(got.loc[(got["playbook"] == playbook) & got["status"].isin(["planned", "needs approval"]),
                          "customer_id"])


def test_every_starter_playbook_has_a_boundary_test_here_or_in_the_planner_s():
    here = {"hot-lead-handoff", "warm-lead-nurture", "welcome-series", "second-purchase-nudge", "vip-recognition",
            "abandoned-cart", "thank-you-review", "birthday", "browse-without-buying", "replenishment",
            "proactive-help", "nps-survey", "why-did-you-stop"}
    planner_s = {"churn-win-back", "churn-nurture", "we-miss-you", "lagged-cross-sell", "ticket-help",
                 "complaint-recovery", "new-arrivals", "csat-after-support",
                 "csat-after-delivery"}  # tests/playbooks/test_plan.py
    from_pages = {"comparison-guide"}  # tests/app/test_intent.py, from the page views as they load
    from_alerts = {"ticket-spike", "crisis-response"}  # tests/app/test_business.py, test_crisis.py: planted bursts
    assert set(parse_playbooks(STARTER_YAML).playbooks) == here | planner_s | from_pages | from_alerts


@pytest.mark.parametrize("playbook, segment", [
    ("hot-lead-handoff", "engagement: hot"), ("warm-lead-nurture", "engagement: warm"),
    ("welcome-series", "lifecycle: new"), ("second-purchase-nudge", "behaviour: one-time"),
    ("vip-recognition", "Champions")])
def test_a_segment_play_fires_for_those_who_just_entered(playbook, segment):
    s = situation(4)
    # c0 was in it already, c1 and c3 have just entered, c2 is not in it; all are prospects but c3
    prospect = "lifecycle: prospect"
    s.pairs = pd.DataFrame({"row": [0, 1, 3, 0, 1, 2], "segment": pd.Categorical(
        [segment, segment, segment, prospect, prospect, prospect])})
    s.segment_names = [segment, prospect]
    s.previous = pd.DataFrame({"customer_id": ["c0"], "segment": [segment]})
    leads_only = playbook in ("hot-lead-handoff", "warm-lead-nurture")  # a lead's tier: prospects only
    assert fired(playbook, s) == (["c1"] if leads_only else ["c1", "c3"])


def _events(*rows: tuple[str, str, float]) -> pd.DataFrame:
    """(customer, event type, hours before now)."""
    return pd.DataFrame({"customer_id": [r[0] for r in rows], "event_type": [r[1] for r in rows],
                         "occurred_at": pd.to_datetime([AT - timedelta(hours=r[2]) for r in rows]).astype("datetime64[us]")})


def test_an_abandoned_cart_within_a_day_and_no_order_since():
    s = situation(3)
    s.events = _events(("c0", "cart_abandon", 23), ("c1", "cart_abandon", 25), ("c2", "cart_abandon", 5))
    s.orders = pd.DataFrame({"customer_id": ["c2"], "ordered_at": pd.to_datetime([AT - timedelta(hours=2)]).astype(
        "datetime64[us]")})
    assert fired("abandoned-cart", s) == ["c0"]  # c1: over a day ago; c2 bought since


def test_the_thank_you_comes_on_the_seventh_day_after_an_order():
    s = situation(3, days_since_last_order=[6.0, 7.0, 8.0])
    assert fired("thank-you-review", s) == ["c1"]


def test_the_nps_survey_goes_on_the_fourteenth_day_after_an_order_and_asks_with_a_link():
    s = situation(3, days_since_last_order=[13.0, 14.0, 15.0])
    assert fired("nps-survey", s) == ["c1"]
    book = parse_playbooks(STARTER_YAML).playbooks["nps-survey"]
    assert book.action.survey == "nps" and "survey_link" in parse_playbooks(STARTER_YAML).templates["nps-survey"].body


def test_why_did_you_stop_asks_only_the_very_likely_gone():
    s = situation(3, churn_probability=[0.84, 0.86, 0.99])
    assert fired("why-did-you-stop", s) == ["c1", "c2"]


def test_a_birthday_on_its_day():
    s = situation(3)
    s.profile["birthday"] = [AT.replace(year=1990).date(), (AT - timedelta(days=1)).replace(year=1985).date(), None]
    assert fired("birthday", s) == ["c0"]


@pytest.mark.parametrize("playbook, event", [("browse-without-buying", "product_view"), ("proactive-help", "faq_view")])
def test_three_views_in_seven_days(playbook, event):
    s = situation(4)
    s.events = _events(*[("c0", event, h) for h in (1, 50, 160)],  # three within the week
                       *[("c1", event, h) for h in (1, 50)],  # two
                       *[("c2", event, h) for h in (1, 50, 170)],  # the third over seven days ago
                       *[("c3", event, h) for h in (1, 2, 3)])
    s.orders = pd.DataFrame({"customer_id": ["c3"], "ordered_at": pd.to_datetime([AT - timedelta(days=5)]).astype(
        "datetime64[us]")})
    # browsing without buying holds back c3, who bought this week; help with the FAQ does not ask that
    assert fired(playbook, s) == (["c0"] if playbook == "browse-without-buying" else ["c0", "c3"])


def test_replenishment_from_three_days_before_it_is_due():
    s = situation(4, replenish_in_days=[4.0, 3.0, 0.0, -1.0])
    assert fired("replenishment", s) == ["c1", "c2"]


def test_the_seeds_tier_boundaries_as_values():
    defaults = EngagementSettings()
    model = EngagementScore(points={"x": 1.0}, cap=100, hot=defaults.hot, warm=defaults.warm, half_life_days=30)
    activity = pd.DataFrame({"x": [70.0, 69.0, 40.0, 39.0]}, index=pd.Index(["a", "b", "c", "d"]))
    tiers = model.score(activity)["tier"]
    assert list(tiers) == ["hot", "warm", "warm", "cold"] and (defaults.hot, defaults.warm) == (70, 40)
    assert np.allclose(model.score(activity)["engagement"], [70, 69, 40, 39])


def test_an_exact_day_missed_is_caught_up_once_and_said_late():
    """Plans were last queued three days ago, so days 30 to 32 without activity fire today (two
    days reached while no plan ran), day 33 does not (its day had a plan), nor does day 29."""
    s = situation(6, days_since_last_order=[29.0, 30.0, 31.0, 32.0, 33.0, 31.0],
                  days_since_last_event=[40.0, 40.0, 40.0, 40.0, 40.0, 40.0])
    assert fired("we-miss-you", s) == ["c1"]  # with no record of earlier plans: the day itself only
    s.last_queued = AT - timedelta(days=3)
    assert fired("we-miss-you", s) == ["c1", "c2", "c3", "c5"]
    got = plan(starter("we-miss-you"), s).set_index("customer_id")["why"]
    assert "late" not in got["c1"]  # its day is today
    assert got["c3"].endswith("(2 days late: no plan was queued on its day)")
    # once: a customer this playbook reached since (its message on the way) is not reached again
    s.sent = pd.DataFrame({"customer_id": ["c2"], "channel": ["email"], "playbook": ["we-miss-you"],
                           "variant": ["treatment"], "sent_at": pd.to_datetime([AT - timedelta(days=1)]).astype(
                               "datetime64[us]")})
    assert fired("we-miss-you", s) == ["c1", "c3", "c5"]


def test_a_birthday_missed_over_new_year_is_caught_up():
    s = situation(2)
    s.at = AT.replace(month=1, day=2)
    s.profile["birthday"] = [AT.replace(year=1990, month=12, day=31).date(), AT.replace(year=1990, month=12,
                                                                                          day=20).date()]
    assert fired("birthday", s) == []
    s.last_queued = s.at - timedelta(days=4)
    assert fired("birthday", s) == ["c0"]  # 31 December fell on a day with no plan; the 20th did not


def test_timing_best_sends_at_each_customer_s_hour_in_their_zone():
    """At 10:00 UTC (a fake clock): best hour 18 in London is 18:00 today, 9 is 09:00 tomorrow,
    10 is now, 23 is in the quiet hours (so now), 20 in Tokyo is 11:00 UTC, an unknown hour is now; a fixed
    playbook goes when planned."""
    s = situation(6, best_hour=[18.0, 9.0, 10.0, 23.0, 20.0, np.nan])
    s.profile["country"] = ["GB", "GB", "GB", "GB", "JP", "GB"]
    got = plan(starter("churn-win-back"), s).set_index("customer_id")["deliver_at"]
    day = AT.replace(hour=0)
    assert list(got.reindex([f"c{i}" for i in range(6)])) == [
        day.replace(hour=18), day.replace(hour=9) + timedelta(days=1), AT, AT, day.replace(hour=11), AT]
    fixed = starter("churn-win-back")
    book = fixed.playbooks["churn-win-back"]
    fixed.playbooks["churn-win-back"] = book.__class__(**{**book.__dict__, "timing": "fixed"})
    assert (plan(fixed, s)["deliver_at"] == AT).all()


def test_timing_is_best_or_fixed():
    old = "    holdout: 0.1\n    action: {channel: email, template: win-back"
    text = STARTER_YAML.replace(old, "    timing: whenever\n" + old, 1)
    with pytest.raises(Exception, match="timing must be one of best, fixed, split"):
        parse_playbooks(text)


def _with(found, name: str, **changes):
    book = found.playbooks[name]
    found.playbooks[name] = book.__class__(**{**book.__dict__, **changes})
    return found


def test_timing_split_sends_half_at_the_best_hour_and_half_when_planned_the_same_half_each_time():
    s = situation(400, best_hour=np.full(400, 18.0))
    found = _with(starter("churn-win-back"), "churn-win-back", timing="split")
    got = plan(found, s).set_index("customer_id")
    best_hour = AT.replace(hour=18)
    assert set(got["timing"]) == {"best", "fixed"} and 160 < (got["timing"] == "best").sum() < 240
    assert (got.loc[got["timing"] == "best", "deliver_at"] == best_hour).all()
    assert (got.loc[got["timing"] == "fixed", "deliver_at"] == AT).all()
    assert (plan(found, s).set_index("customer_id")["timing"] == got["timing"]).all()  # drawn once per customer


def test_several_channels_each_customer_s_best_one_they_agreed_to():
    """c0 is best by SMS and agreed: SMS; c1 is best by SMS but said no to it: email; c2 is best by
    email: email; c3 agreed to neither: held back for want of the first channel's consent."""
    s = situation(4, best_channel=["sms", "sms", "email", "sms"])
    s.profile["consent_sms"] = [True, False, True, False]
    s.profile["consent_email"] = [True, True, True, False]
    found = starter("churn-win-back")
    book = found.playbooks["churn-win-back"]
    found = _with(found, "churn-win-back", action=book.action.__class__(
        **{**book.action.__dict__, "channels": ("email", "sms")}))
    got = plan(found, s).set_index("customer_id")
    assert got["channel"].to_dict() == {"c0": "sms", "c1": "email", "c2": "email", "c3": "email"}
    assert got.loc["c3", "status"] == "held back" and got.loc["c3", "guard"] == "no consent on email"


@pytest.mark.parametrize("channel, words", [
    ("[email]", "two or more of email, sms"), ("[email, email]", "each once"), ("[email, task]", "email, sms"),
])
def test_a_list_of_channels_is_checked(channel, words):
    old = "action: {channel: email, template: win-back"
    with pytest.raises(Exception, match=words):
        parse_playbooks(STARTER_YAML.replace(old, f"action: {{channel: {channel}, template: win-back", 1))


def test_a_list_of_channels_reads():
    old = "action: {channel: email, template: win-back"
    found = parse_playbooks(STARTER_YAML.replace(old, "action: {channel: [sms, email], template: win-back", 1))
    action = found.playbooks["churn-win-back"].action
    assert action.channels == ("sms", "email") and action.channel == "sms"
