"""The ``regulars.toml`` a new workspace starts with: every setting at its default, each
explained where an owner will read it."""

from __future__ import annotations

__all__ = ["DEFAULT_TOML"]

DEFAULT_TOML = """\
# regulars workspace settings. Every key is optional; the values shown are the defaults.

[store]
# The DuckDB file, relative to this folder.
database = "regulars.duckdb"
# Memory DuckDB may use before it spills to disk (e.g. "4GB"); "" lets DuckDB choose.
memory_limit = "1GB"
# Worker threads; 0 means one per core.
threads = 0

[ingest]
# Read ambiguous dates such as 03/04/2024 as day-first (3 April) instead of month-first.
dayfirst = false
# Decimal separator for amounts: "auto" (guess per value), "." or ",".
decimal = "auto"
# Treat jane+shop@example.com as jane@example.com when matching customers.
strip_plus_addressing = true
# Region used to read phone numbers written without a country code (ISO 3166 code).
phone_region = "US"

[engagement]
# Points per event type (the classic lead-scoring scheme); any event type may be added.
points = { demo_request = 20, pricing_view = 15, contact_form = 10, download = 5, page_view = 1, product_view = 1, email_click = 3, email_open = 1 }
# An event's points halve every this many days.
half_life_days = 30.0
# No indicator (event type) may add more than this many points.
cap = 40.0
# Tiers: hot at or above `hot`, warm at or above `warm`, cold below.
hot = 70.0
warm = 40.0

[run]
# `regulars run` scores each of these where the data allows (and says why where it does not).
# Segments come last: they use the scores of the same run.
scorers = ["clv", "churn", "conversion", "support", "engagement", "recommend", "timing", "segments"]
# Days ahead each probability speaks of: churn = no order within, conversion = a lead's first
# order within, support = a ticket within.
churn_horizon_days = 90
conversion_horizon_days = 90
support_horizon_days = 30
# "always": the models learn again whenever new data arrive (the cards say how they did);
# "on_drift": the last model is kept until the customers it scores drift significantly from
# those it learned from (a stability index over 0.25 in an input or its scores), then it learns.
retrain = "always"

[clv]
# Lifetime value: months ahead, and the monthly discount rate applied to future spend.
months = 12
monthly_discount = 0.01
# Below these, the fitted parameters are too uncertain to show: repeat customers, days of history.
min_repeat_customers = 20
min_history_days = 60

[segments]
# Lifecycle: a first order this recent makes a customer "new"; this many orders, "loyal".
new_days = 30
loyal_orders = 4
# A customer is "at risk" past this many times their own usual gap between orders (the shop's
# typical gap for one-time buyers) or below `at_risk_alive` chance of still being a customer;
# "lapsed" past `lapsed_gaps` or below `lapsed_alive`; "churned" below `churned_alive` or
# after `churned_days` without an order.
at_risk_gaps = 1.5
lapsed_gaps = 3.0
at_risk_alive = 0.6
lapsed_alive = 0.3
churned_alive = 0.1
churned_days = 365
# Purchase behaviour: "inactive" after this many days without an order.
inactive_days = 180
# Relative engagement tier: the top share of customers by points, for shops whose points never
# reach the fixed hot threshold.
relative_top_share = 0.1
# Interest in a category: viewed or bought in it within this many days before the run.
interest_days = 180
# Clusters: the largest number tried (k is chosen from 2 up to this by the silhouette score).
max_clusters = 6

[delivery]
# How emails leave: "csv" writes an import file for your email tool (see export_format);
# "smtp" sends them through the SMTP server below.
email = "csv"
# The shape of import files: "mailchimp", "hubspot", "klaviyo" or "generic".
export_format = "generic"
# Your SMS provider's webhook (http or https); empty writes texts to an import file instead.
sms_url = ""
smtp_host = ""
smtp_port = 587
# "starttls" (port 587), "ssl" (port 465) or "none" (a local test server only).
smtp_security = "starttls"
smtp_user = ""
# Certificate authorities to trust besides the system's (a PEM file, relative to this folder),
# for a mail server with a private certificate; empty trusts the system's only.
smtp_ca_file = ""
# The password is read from this environment variable, never from this file.
smtp_password_env = "REGULARS_SMTP_PASSWORD"
from_address = ""
# Webhooks are signed (HMAC-SHA256) with the secret in this environment variable, if set.
webhook_secret_env = "REGULARS_WEBHOOK_SECRET"
timeout_seconds = 10.0
# A failed action is retried after this many seconds, doubling each time, and parked with its
# reason after max_attempts.
retry_after_seconds = 60.0
max_attempts = 5

[results]
# Orders, visits and unsubscribes within this many days of a message (or of a holdout record)
# count as its outcome.
attribution_days = 14
# The share of revenue that is profit, for the return on a playbook's cost.
margin = 0.3
# Confidence level of the intervals.
level = 0.95

[serve]
# `regulars serve` listens here: the loopback address keeps the dashboard and API on this machine.
host = "127.0.0.1"
port = 8420
# The largest request body the API accepts, in megabytes.
max_body_mb = 10.0
# Scheduled work while serving, at these local times (HH:MM; empty = never): the daily run,
# deliveries every this many minutes (0 = never), the weekly report on this weekday (mon ... sun).
daily_run_at = ""
deliver_every_minutes = 0
report_day = ""
report_at = "08:00"
# Who the weekly report is emailed to (through [delivery]'s SMTP server); empty = written only.
report_to = ""
# Event and ticket playbooks react to what arrives (API events, small loads) within a second or
# two, not only in the daily plan.
react = true
# Where customers reach this server, for the survey links playbooks send (a survey is answered
# on a one-question page here) and the preference and unsubscribe links every message carries;
# empty = http://host:port. Survey links stay open survey_days days, the others preference_days.
public_url = ""
survey_days = 30
preference_days = 365

[quality]
# Dates later than this many days after the load are reported as "in the future".
future_tolerance_days = 1
# Warn when more than this share of a file's rows lack a customer id.
missing_customer_warn_share = 0.05

[events.pages]
# Page views whose address matches one of these patterns (* is anything, any case) count as the
# more telling event on the left, as they load (from GA4, Matomo, the API or the site's snippet);
# {category} takes the category from the address. Triggers may use these events.
comparison_view = ["*/compare*", "*/comparison*", "*-vs-*", "*/vs/*", "*/alternatives*"]
pricing_view = ["*/pricing*", "*/plans*", "*/prices*"]
faq_view = ["*/faq*", "*/help*", "*/support*"]
cart_view = ["*/cart", "*/cart?*", "*/cart/*", "*/basket*"]
checkout_start = ["*/checkout*"]
category_view = ["*/collections/{category}", "*/category/{category}", "*/categories/{category}"]

[voice]
# Words and phrases your customers use, with how they feel, from -4 (very negative) to 4 (very
# positive), added to the sentiment lexicon: e.g. words = { "sold out" = -1.5, "back in stock" = 2 }
words = {}
# The FAQ assistant (questions answered from the workspace's faq.yaml) answers when it is at
# least this sure, 0 to 1, and hands the rest (and any angry question) to a person as a task; an
# answered question counts as resolved when the customer opens no ticket within faq_ticket_days.
faq_min_confidence = 0.5
faq_ticket_days = 7
# Return on Engagement is the weighted mean of relevance, timeliness, personalisation,
# helpfulness and consistency (`regulars quality DIR`); a measure left out weighs 1.
# e.g. engagement_weights = { relevance = 2, consistency = 0.5 }
engagement_weights = {}

[service]
# When you answer customers, in your time zone ("always": every hour of every day), and the days
# you are closed; service times and SLA targets count these business hours.
hours = "mon-fri 09:00-17:00"
time_zone = "UTC"
holidays = []
# A ticket still waiting for its first reply after this many hours raises an alert and a task.
unanswered_hours = 24.0
# SLA targets in minutes per priority (a ticket without a priority takes "normal"); empty = none.
first_reply = { urgent = 60.0, high = 240.0, normal = 480.0, low = 960.0 }
requester_wait = {}
agent_work = {}
# true: SLA targets count business hours; false: every minute.
business_hours = true

[privacy]
# Your shop's name as customers know it, and where they write about their data: an email
# address or a web page (the notice `regulars privacy DIR disclosure` writes names both).
shop = ""
contact = ""
# The groups every churn, conversion and support model is checked across when it is trained:
# gender, age band, country, region, acquisition source, or a column of your customer export.
# None of them is a model input.
fairness_by = ["gender", "age band", "country", "region", "acquisition source"]
# Days raw events, sent messages and quarantined rows are kept; older ones are removed by the
# scheduled run (0: kept until you erase them).
keep_events_days = 0
keep_messages_days = 0
keep_quarantine_days = 0

[recommend]
# Order lines whose product id or name holds one of these words (whole words, any case) are no
# products: postage, fees, discounts, manual adjustments. They are never recommended or restocked.
not_products = ["postage", "carriage", "shipping", "delivery charge", "fee", "fees", "bank charges", "discount",
                "manual", "adjust", "adjustment", "commission", "samples", "gift card", "voucher", "deposit",
                "service charge", "tip", "surcharge"]
# Products a run keeps per customer, best first: the most `regulars recommend DIR ID --top N` answers.
keep = 10
"""
