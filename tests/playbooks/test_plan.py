"""The planner on small situations whose answers are known: each trigger's boundary, and each
guard holding back exactly the customers it should (each test fails if its guard is removed)."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from regulars.playbooks import COOL_DOWN_DAYS, STARTER_YAML, Situation, parse_playbooks, plan

AT = datetime(2025, 3, 10, 10, 0)  # 10:00 UTC: daytime in Europe


def situation(n: int = 6, **columns) -> Situation:
    ids = [f"c{i}" for i in range(n)]
    fields = pd.DataFrame({"churn_probability": np.full(n, 0.8), "clv": np.arange(n, dtype=float) * 100,
                           "days_since_last_order": np.full(n, 60.0), "days_since_last_event": np.full(n, 60.0),
                           "cross_sell_in_days": np.full(n, np.nan), "replenish_in_days": np.full(n, np.nan),
                           **columns}, index=pd.Index(ids, name="customer_id"))
    profile = pd.DataFrame({"name": ids, "country": "GB", "consent_email": True, "consent_sms": True,
                            "birthday": None}, index=fields.index)
    pairs = pd.DataFrame({"row": np.zeros(0, dtype=np.int64), "segment": pd.Categorical([])})
    return Situation(at=AT, fields=fields, pairs=pairs, segment_names=[], profile=profile)


def starter(*names: str, holdout: float = 0.0, **guards) -> object:
    found = parse_playbooks(STARTER_YAML)
    books = {n: p.__class__(**{**p.__dict__, "enabled": True, "holdout": holdout}) for n, p in found.playbooks.items()
             if n in names}
    return found.__class__(found.guards.__class__(**{**found.guards.__dict__, **guards}), books, found.templates)


def statuses(frame: pd.DataFrame, playbook: str) -> dict[str, tuple[str, str]]:
    rows = frame[frame["playbook"] == playbook]
    return dict(zip(rows["customer_id"], zip(rows["status"], rows["guard"], strict=True), strict=True))


def test_churn_bands_at_their_boundaries():
    s = situation(4, churn_probability=[0.39, 0.40, 0.70, 0.71])
    got = plan(starter("churn-win-back", "churn-nurture"), s)
    assert set(got.loc[got["playbook"] == "churn-win-back", "customer_id"]) == {"c3"}  # 0.71
    assert set(got.loc[got["playbook"] == "churn-nurture", "customer_id"]) == {"c1", "c2"}  # 0.40 and exactly 0.70
    assert (got["status"] == "planned").all()


def test_we_miss_you_on_the_thirtieth_day_not_the_twenty_ninth():
    s = situation(3, days_since_last_order=[29.0, 30.0, 30.0], days_since_last_event=[40.0, 45.0, 3.0])
    got = plan(starter("we-miss-you"), s)
    assert list(got["customer_id"]) == ["c1"]  # c0: 29 days; c2 visited 3 days ago


def test_the_cross_sell_comes_on_its_day_not_before():
    # a cake bought 6, 7 and 8 days ago; coffee usually follows 7 days later: in_days 1, 0 and -1
    s = situation(3, cross_sell_in_days=[1.0, 0.0, -1.0])
    assert sorted(plan(starter("lagged-cross-sell"), s)["customer_id"]) == ["c1", "c2"]


def test_consent_as_the_history_says_now_holds_back():
    s = situation(4)
    s.profile["consent_email"] = [True, False, None, True]
    # an unsubscribe event is in the history (the store's ``consent_now``), not read from events again:
    # a "yes" given after it, on the preference page, stands
    s.events = pd.DataFrame({"customer_id": ["c3"], "event_type": ["email_unsubscribe"],
                             "occurred_at": [AT - timedelta(days=9)]})
    got = statuses(plan(starter("churn-win-back"), s), "churn-win-back")
    assert got == {"c0": ("planned", ""), "c1": ("held back", "no consent on email"),
                   "c2": ("held back", "no consent on email"), "c3": ("planned", "")}


def test_frequency_cap_across_playbooks_in_priority_order():
    s = situation(2, churn_probability=[0.8, 0.8], cross_sell_in_days=[0.0, 0.0])
    s.sent = pd.DataFrame({"customer_id": ["c1"], "channel": ["email"], "playbook": ["other"], "variant": ["treatment"],
                           "sent_at": [AT - timedelta(hours=15)]})
    got = plan(starter("churn-win-back", "lagged-cross-sell"), s)
    assert statuses(got, "churn-win-back") == {"c0": ("planned", ""), "c1": ("held back", "frequency cap")}
    # win-back (priority 80) took c0's one email in 16 hours; the cross-sell (60) waits
    assert statuses(got, "lagged-cross-sell") == {"c0": ("held back", "frequency cap"),
                                                  "c1": ("held back", "frequency cap")}


def test_shop_wide_cap_keeps_the_most_valuable():
    got = plan(starter("churn-win-back", shop_daily_cap=2), situation(5))
    assert set(got.loc[got["status"] == "planned", "customer_id"]) == {"c4", "c3"}
    assert set(got.loc[got["guard"] == "shop-wide cap", "customer_id"]) == {"c0", "c1", "c2"}


def test_suppression_after_a_purchase_or_complaint_and_the_cool_down():
    s = situation(4)
    s.orders = pd.DataFrame({"customer_id": ["c0"], "ordered_at": [AT - timedelta(days=1)]})
    s.tickets = pd.DataFrame({"customer_id": ["c1", "c3"], "opened_at": [AT - timedelta(days=5)] * 2,
                              "status": ["open", "open"], "negative": [True, False]})  # c3's is a question
    s.sent = pd.DataFrame({"customer_id": ["c2"], "channel": ["email"], "playbook": ["churn-win-back"],
                           "variant": ["holdout"], "sent_at": [AT - timedelta(days=COOL_DOWN_DAYS - 1)]})
    got = statuses(plan(starter("churn-win-back"), s), "churn-win-back")
    assert got["c0"] == ("held back", "suppressed: ordered recently")
    assert got["c1"] == ("held back", "suppressed: recent complaint")
    assert got["c2"] == ("held back", f"reached by this playbook in the last {COOL_DOWN_DAYS} days")
    assert got["c3"] == ("planned", "")


def test_holdout_global_control_review_and_quiet_hours():
    s = situation(2000)
    got = plan(starter("churn-win-back", holdout=0.2, global_control=0.05, review_value_above=150_000), s)
    share = got["status"].value_counts(normalize=True)
    assert 0.04 < (got["guard"] == "global control group").mean() < 0.06
    assert 0.17 < share["held out"] < 0.23
    assert set(got.loc[got["status"] == "needs approval", "customer_id"]) <= {f"c{i}" for i in range(1501, 2000)}
    assert (got.loc[got["status"] == "needs approval", "value"] > 150_000).all()
    again = plan(starter("churn-win-back", holdout=0.2, global_control=0.05, review_value_above=150_000), s)
    assert again.equals(got)  # deterministic
    s.at = datetime(2025, 3, 10, 22, 0)  # 22:00 in London: deferred to 08:00, not dropped
    late = plan(starter("churn-win-back"), s)
    assert (late["status"] == "planned").all() and (late["deliver_at"] == datetime(2025, 3, 11, 8, 0)).all()


def test_new_arrivals_reach_those_interested_in_the_category():
    s = situation(3)
    s.pairs = pd.DataFrame({"row": [0, 1, 2], "segment": pd.Categorical(
        ["interested in coffee", "interested in cakes", "interested in tea"])})
    s.arrivals = pd.DataFrame({"category": ["coffee", "cakes", "tea"],
                               "first_sold": [AT - timedelta(days=3), AT - timedelta(days=15), AT + timedelta(days=1)]})
    assert list(plan(starter("new-arrivals"), s)["customer_id"]) == ["c0"]  # cakes are 15 days old; tea not yet


SEQUENCE = """\
playbooks:
  win-back:
    trigger: {score: churn_probability, above: 0.99}
    holdout: 0
    action: {channel: email, template: t}
    follow_ups:
      - {after_days: 3, if: opened, action: {channel: email, template: t}}
      - {after_days: 3, if: not_opened, action: {channel: sms, template: t}}
      - {after_days: 7, if: no_response, action: {channel: task, template: t, owner: sales}}
templates:
  t: {body: hello}
"""


def sent(*rows: tuple[str, timedelta]) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": [c for c, _ in rows], "channel": "email", "playbook": "win-back",
                         "variant": "treatment", "sent_at": [AT - ago for _, ago in rows]})


def test_openers_and_non_openers_get_their_own_follow_up_once_it_is_due():
    s = situation(4)
    s.sent = sent(("c0", timedelta(days=3)), ("c1", timedelta(days=3)), ("c2", timedelta(days=2)),
                  ("c3", timedelta(days=3)))
    s.events = pd.DataFrame({"customer_id": ["c0", "c3"], "event_type": ["email_open", "email_open"],
                             "occurred_at": [AT - timedelta(days=2), AT - timedelta(days=2)]})
    s.queued = pd.DataFrame({"customer_id": ["c3"], "playbook": ["win-back"], "step": [1]})
    got = plan(parse_playbooks(SEQUENCE), s)
    follow = got[got["step"] > 0]
    # c0 opened: the openers' step; c1 did not: a text instead; c2's message is only 2 days old;
    # c3's follow-up was queued already
    assert sorted(zip(follow["customer_id"], follow["step"], follow["channel"])) == [("c0", 1, "email"),
                                                                                      ("c1", 2, "sms")]
    assert "follow-up 2: not opened after 3 days" in follow.loc[follow["customer_id"] == "c1", "why"].iat[0]
    assert (follow["status"] == "planned").all()


def test_no_response_means_no_order_and_no_click_since_the_message():
    s = situation(3)
    s.sent = sent(("c0", timedelta(days=7)), ("c1", timedelta(days=7)), ("c2", timedelta(days=7)))
    s.orders = pd.DataFrame({"customer_id": ["c0"], "ordered_at": [AT - timedelta(days=1)]})
    s.events = pd.DataFrame({"customer_id": ["c1", "c2"], "event_type": ["email_click", "email_open"],
                             "occurred_at": [AT - timedelta(days=6), AT - timedelta(days=10)]})
    got = plan(parse_playbooks(SEQUENCE), s)
    step3 = got[got["step"] == 3]
    assert list(step3["customer_id"]) == ["c2"]  # c0 ordered, c1 clicked; c2 opened only before the message


def test_a_customer_a_person_excluded_is_held_back():
    s = situation(2)
    s.excluded = pd.DataFrame({"playbook": ["churn-win-back"], "customer_id": ["c1"]})
    got = statuses(plan(starter("churn-win-back"), s), "churn-win-back")
    assert got == {"c0": ("planned", ""), "c1": ("held back", "excluded by a person")}


def test_an_action_a_person_rejected_is_not_planned_again_for_that_customer_and_step():
    s = situation(3)
    s.rejected = pd.DataFrame({"customer_id": ["c1", "c2"], "playbook": ["churn-win-back", "other"], "step": [0, 0]})
    got = statuses(plan(starter("churn-win-back"), s), "churn-win-back")
    assert got == {"c0": ("planned", ""), "c1": ("held back", "rejected by a person before"), "c2": ("planned", "")}


def test_ticket_triggers_open_repeated_and_a_complaint_which_a_person_approves():
    s = situation(4)
    s.tickets = pd.DataFrame({
        "customer_id": ["c0", "c1", "c1", "c2", "c3"],
        "opened_at": [AT - timedelta(days=1), AT - timedelta(days=1), AT - timedelta(days=5), AT - timedelta(days=1),
                      AT - timedelta(days=9)],
        "status": ["open", "solved", "solved", "solved", "open"], "negative": [False, False, False, True, True]})
    got = plan(starter("ticket-help", "complaint-recovery"), s)
    # c0's ticket is open; c3's is too, but older than the two days
    assert statuses(got, "ticket-help") == {"c0": ("planned", "")}
    # c2 complained yesterday: a person calls, once someone approves it; the complaint does not
    # suppress the call that answers it
    assert statuses(got, "complaint-recovery") == {"c2": ("needs approval", "")}
    repeated = parse_playbooks("playbooks:\n  again:\n    trigger: {ticket: repeated, within_days: 7}\n"
                               "    holdout: 0\n    action: {channel: task, template: t}\ntemplates:\n  t: {body: x}\n")
    assert list(plan(repeated, s)["customer_id"]) == ["c1"]  # two tickets in a week


def test_a_ticket_solved_within_the_days_starts_the_csat_survey_however_old_the_ticket():
    s = situation(4)
    s.tickets = pd.DataFrame({
        "customer_id": ["c0", "c1", "c2", "c3"],
        "opened_at": [AT - timedelta(days=30), AT - timedelta(days=1), AT - timedelta(days=9), AT - timedelta(days=1)],
        "status": ["solved", "solved", "closed", "open"], "negative": [False, True, False, False],
        "resolved_at": [AT - timedelta(days=1), AT - timedelta(hours=3), AT - timedelta(days=5), pd.NaT]})
    book = starter("csat-after-support")
    got = plan(book, s)
    # c0's month-old ticket was solved yesterday, c1's (a complaint) this morning; c2's five days
    # ago is past the two days, c3's is still open
    assert statuses(got, "csat-after-support") == {"c0": ("planned", ""), "c1": ("planned", "")}
    assert book.playbooks["csat-after-support"].action.survey == "csat"


def test_the_delivery_survey_goes_two_days_after_the_latest_delivery_and_catches_up_once():
    s = situation(4)
    # c0's order arrived two days ago, c1's yesterday, c2's three days ago; c3's never did
    s.deliveries = pd.DataFrame({"customer_id": ["c0", "c1", "c2"], "delivered_at": pd.to_datetime(
        [AT - timedelta(days=2, hours=5), AT - timedelta(days=1), AT - timedelta(days=3)]).astype("datetime64[us]")})
    book = starter("csat-after-delivery")
    assert statuses(plan(book, s), "csat-after-delivery") == {"c0": ("planned", "")}
    assert book.playbooks["csat-after-delivery"].action.survey == "csat"
    s.last_queued = AT - timedelta(days=2)  # no plan yesterday: c2's day is caught up, a day late
    got = plan(book, s)
    assert statuses(got, "csat-after-delivery") == {"c0": ("planned", ""), "c2": ("planned", "")}
    assert "1 day late" in got.set_index("customer_id").loc["c2", "why"]
