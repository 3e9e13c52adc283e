"""Workspace settings: one validated ``Settings`` read from ``regulars.toml``.

Defaults are data (``DEFAULT_TOML``), so the file ``regulars init`` writes documents
every setting, and a typo in the file is an error naming the key rather than being ignored.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from regulars._default_settings import DEFAULT_TOML
from regulars._hours import BusinessHours
from regulars.errors import SettingsError
from regulars.scorers import DEFAULT_ORDER, scorer_names

__all__ = ["DEFAULT_TOML", "ENGAGEMENT_MEASURES", "NOT_PRODUCTS", "SCORERS", "ClvSettings", "DeliverySettings", "EngagementSettings", "IngestSettings", "PrivacySettings",
           "QualitySettings", "RecommendSettings", "ResultsSettings", "RunSettings", "SegmentSettings", "ServeSettings", "Settings",
           "StoreSettings", "load_settings", "parse_settings"]

SETTINGS_FILE = "regulars.toml"

#: Words that name order lines which are no products: the default of ``[recommend] not_products``.
NOT_PRODUCTS = ("postage", "carriage", "shipping", "delivery charge", "fee", "fees", "bank charges", "discount",
                 "manual", "adjust", "adjustment", "commission", "samples", "gift card", "voucher", "deposit",
                 "service charge", "tip", "surcharge")


@dataclass(frozen=True)
class StoreSettings:
    database: str = "regulars.duckdb"
    memory_limit: str = "1GB"
    threads: int = 0


@dataclass(frozen=True)
class IngestSettings:
    dayfirst: bool = False
    decimal: str = "auto"
    strip_plus_addressing: bool = True
    phone_region: str = "US"


_DEFAULT_POINTS = {"demo_request": 20.0, "pricing_view": 15.0, "contact_form": 10.0, "download": 5.0,
                   "page_view": 1.0, "product_view": 1.0, "email_click": 3.0, "email_open": 1.0}


@dataclass(frozen=True)
class EngagementSettings:
    points: dict = field(default_factory=lambda: dict(_DEFAULT_POINTS))
    half_life_days: float = 30.0
    cap: float = 40.0
    hot: float = 70.0
    warm: float = 40.0


#: Page views whose address matches one of an event type's patterns (``*`` is anything; a
#: ``{category}`` part names the category) count as that more telling event.
PAGE_RULES = {
    "comparison_view": ["*/compare*", "*/comparison*", "*-vs-*", "*/vs/*", "*/alternatives*"],
    "pricing_view": ["*/pricing*", "*/plans*", "*/prices*"],
    "faq_view": ["*/faq*", "*/help*", "*/support*"],
    "cart_view": ["*/cart", "*/cart?*", "*/cart/*", "*/basket*"],
    "checkout_start": ["*/checkout*"],
    "category_view": ["*/collections/{category}", "*/category/{category}", "*/categories/{category}"],
}


@dataclass(frozen=True)
class EventsSettings:
    #: event type -> the page addresses that mean it
    pages: dict = field(default_factory=lambda: {k: list(v) for k, v in PAGE_RULES.items()})


#: The scorers a run holds unless ``[run] scorers`` says otherwise (``regulars.scorers`` knows them all).
SCORERS = DEFAULT_ORDER


@dataclass(frozen=True)
class RunSettings:
    scorers: list = field(default_factory=lambda: list(SCORERS))
    churn_horizon_days: int = 90
    conversion_horizon_days: int = 90
    support_horizon_days: int = 30
    #: "always": models learn again whenever the data change; "on_drift": the last model is kept
    #: until what it scores drifts significantly from what it learned from (faster runs)
    retrain: str = "always"

    def horizon(self, label: str) -> int:
        return getattr(self, f"{label}_horizon_days")


@dataclass(frozen=True)
class ClvSettings:
    months: int = 12
    monthly_discount: float = 0.01
    min_repeat_customers: int = 20
    min_history_days: int = 60


@dataclass(frozen=True)
class SegmentSettings:
    new_days: int = 30
    loyal_orders: int = 4
    at_risk_gaps: float = 1.5
    lapsed_gaps: float = 3.0
    at_risk_alive: float = 0.6
    lapsed_alive: float = 0.3
    churned_alive: float = 0.1
    churned_days: int = 365
    inactive_days: int = 180
    relative_top_share: float = 0.1
    interest_days: int = 180
    max_clusters: int = 6


@dataclass(frozen=True)
class RecommendSettings:
    #: words naming order lines that are no products (postage, fees, ...): never recommended or restocked
    not_products: list = field(default_factory=lambda: list(NOT_PRODUCTS))
    #: products a run keeps per customer (the most ``recommend --top`` can answer)
    keep: int = 10


@dataclass(frozen=True)
class QualitySettings:
    future_tolerance_days: int = 1
    missing_customer_warn_share: float = 0.05


@dataclass(frozen=True)
class DeliverySettings:
    email: str = "csv"
    export_format: str = "generic"
    sms_url: str = ""
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_user: str = ""
    smtp_ca_file: str = ""
    smtp_password_env: str = "REGULARS_SMTP_PASSWORD"
    from_address: str = ""
    webhook_secret_env: str = "REGULARS_WEBHOOK_SECRET"
    timeout_seconds: float = 10.0
    retry_after_seconds: float = 60.0
    max_attempts: int = 5


@dataclass(frozen=True)
class ResultsSettings:
    attribution_days: int = 14
    margin: float = 0.3
    level: float = 0.95


@dataclass(frozen=True)
class ServeSettings:
    host: str = "127.0.0.1"
    port: int = 8420
    max_body_mb: float = 10.0
    daily_run_at: str = ""
    deliver_every_minutes: int = 0
    report_day: str = ""
    report_at: str = "08:00"
    report_to: str = ""
    react: bool = True
    #: the address customers reach ``regulars serve`` at (survey links); empty: http://host:port
    public_url: str = ""
    #: how many days a survey link stays open
    survey_days: int = 30
    #: how many days the preference and unsubscribe links in a message work
    preference_days: int = 365


@dataclass(frozen=True)
class PrivacySettings:
    #: the shop's name as its customers know it, and where they write about their data (the
    #: published disclosure names both)
    shop: str = ""
    contact: str = ""
    #: the groups each churn, conversion and support model is checked across at every training
    fairness_by: list = field(default_factory=lambda: ["gender", "age band", "country", "region",
                                                       "acquisition source"])
    #: days raw events, sent messages and quarantined rows are kept; 0 keeps them
    keep_events_days: int = 0
    keep_messages_days: int = 0
    keep_quarantine_days: int = 0


#: The engagement-quality scorecard's measures (``metrics.QUALITY_MEASURES`` states each formula).
ENGAGEMENT_MEASURES = ("relevance", "timeliness", "personalisation", "helpfulness", "consistency")


@dataclass(frozen=True)
class VoiceSettings:
    #: the shop's own words for the sentiment lexicon: word or phrase -> valence from -4 to 4
    words: dict = field(default_factory=dict)
    #: the FAQ assistant answers when it is at least this sure (0-1), else a person does
    faq_min_confidence: float = 0.5
    #: an answered question counts as resolved when no ticket follows within these days
    faq_ticket_days: int = 7
    #: Return on Engagement's weights: measure -> weight (a measure left out weighs 1)
    engagement_weights: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ServiceSettings:
    #: when the shop answers: days and hours in its time zone ("always": every hour), less holidays
    hours: str = "mon-fri 09:00-17:00"
    time_zone: str = "UTC"
    holidays: list = field(default_factory=list)
    #: a ticket with no first reply after this many hours raises an alert and a task
    unanswered_hours: float = 24.0
    #: SLA targets in minutes per priority (a ticket without one takes "normal")
    first_reply: dict = field(default_factory=lambda: {"urgent": 60.0, "high": 240.0, "normal": 480.0, "low": 960.0})
    requester_wait: dict = field(default_factory=dict)
    agent_work: dict = field(default_factory=dict)
    #: SLA targets count business minutes (false: every minute)
    business_hours: bool = True


@dataclass(frozen=True)
class Settings:
    store: StoreSettings = field(default_factory=StoreSettings)
    ingest: IngestSettings = field(default_factory=IngestSettings)
    engagement: EngagementSettings = field(default_factory=EngagementSettings)
    run: RunSettings = field(default_factory=RunSettings)
    clv: ClvSettings = field(default_factory=ClvSettings)
    segments: SegmentSettings = field(default_factory=SegmentSettings)
    delivery: DeliverySettings = field(default_factory=DeliverySettings)
    results: ResultsSettings = field(default_factory=ResultsSettings)
    serve: ServeSettings = field(default_factory=ServeSettings)
    quality: QualitySettings = field(default_factory=QualitySettings)
    recommend: RecommendSettings = field(default_factory=RecommendSettings)
    events: EventsSettings = field(default_factory=EventsSettings)
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    service: ServiceSettings = field(default_factory=ServiceSettings)
    privacy: PrivacySettings = field(default_factory=PrivacySettings)


_SECTIONS = {"store": StoreSettings, "ingest": IngestSettings, "engagement": EngagementSettings,
             "run": RunSettings, "clv": ClvSettings, "segments": SegmentSettings, "delivery": DeliverySettings,
             "results": ResultsSettings, "serve": ServeSettings, "quality": QualitySettings,
             "recommend": RecommendSettings, "events": EventsSettings, "voice": VoiceSettings,
             "service": ServiceSettings, "privacy": PrivacySettings}

_CHOICES = {("ingest", "decimal"): {"auto", ".", ","}, ("run", "retrain"): {"always", "on_drift"}, ("delivery", "email"): {"csv", "smtp"},
            ("delivery", "export_format"): {"mailchimp", "hubspot", "klaviyo", "generic"},
            ("delivery", "smtp_security"): {"starttls", "ssl", "none"},
            ("serve", "report_day"): {"", "mon", "tue", "wed", "thu", "fri", "sat", "sun"}}

#: Allowed ranges as (lowest, highest, lowest is excluded); None is open.
_RANGES = {
    ("store", "threads"): (0, 1024, False),
    ("engagement", "half_life_days"): (0, None, True),
    ("engagement", "cap"): (0, 100, True),
    ("engagement", "hot"): (0, 100, False),
    ("engagement", "warm"): (0, 100, False),
    ("run", "churn_horizon_days"): (1, 3650, False),
    ("run", "conversion_horizon_days"): (1, 3650, False),
    ("run", "support_horizon_days"): (1, 3650, False),
    ("clv", "months"): (1, 120, False),
    ("clv", "monthly_discount"): (0, 1, False),
    ("clv", "min_repeat_customers"): (2, None, False),
    ("clv", "min_history_days"): (1, None, False),
    ("segments", "new_days"): (1, 3650, False),
    ("segments", "loyal_orders"): (2, None, False),
    ("segments", "at_risk_gaps"): (0, None, True),
    ("segments", "lapsed_gaps"): (0, None, True),
    ("segments", "at_risk_alive"): (0, 1, False),
    ("segments", "lapsed_alive"): (0, 1, False),
    ("segments", "churned_alive"): (0, 1, False),
    ("segments", "churned_days"): (1, None, False),
    ("segments", "inactive_days"): (1, None, False),
    ("segments", "relative_top_share"): (0, 1, True),
    ("segments", "interest_days"): (1, None, False),
    ("segments", "max_clusters"): (2, 20, False),
    ("recommend", "keep"): (1, 100, False),
    ("delivery", "smtp_port"): (1, 65535, False),
    ("delivery", "timeout_seconds"): (0, 600, True),
    ("delivery", "retry_after_seconds"): (0, None, False),
    ("delivery", "max_attempts"): (1, 100, False),
    ("results", "attribution_days"): (1, 365, False),
    ("results", "margin"): (0, 1, False),
    ("results", "level"): (0.5, 0.999, False),
    ("serve", "port"): (1, 65535, False),
    ("serve", "max_body_mb"): (0, 1024, True),
    ("serve", "deliver_every_minutes"): (0, 10080, False),
    ("serve", "survey_days"): (1, 365, False),
    ("serve", "preference_days"): (1, 3650, False),
    ("voice", "faq_min_confidence"): (0, 1, True),
    ("voice", "faq_ticket_days"): (1, 90, False),
    ("quality", "future_tolerance_days"): (0, None, False),
    ("quality", "missing_customer_warn_share"): (0, 1, False),
    ("service", "unanswered_hours"): (0, 8760, True),
    ("privacy", "keep_events_days"): (0, 36500, False),
    ("privacy", "keep_messages_days"): (0, 36500, False),
    ("privacy", "keep_quarantine_days"): (0, 36500, False),
}


def _check_range(where: str, name: str, key: str, value: Any) -> None:
    low, high, open_low = _RANGES.get((name, key), (None, None, False))
    too_low = low is not None and (value <= low if open_low else value < low)
    if too_low or (high is not None and value > high):
        bounds = (f"above {low:g}" if open_low else f"at least {low:g}") if low is not None else ""
        bounds += (" and " if bounds and high is not None else "") + (f"at most {high:g}" if high is not None else "")
        raise SettingsError(f"{where}: {name}.{key} must be {bounds}, got {value!r}")


def _check_rules(settings: Settings, where: str) -> None:
    """Rules between settings, checked when the file is read so every command says the same."""
    e = settings.engagement
    if not e.warm < e.hot:
        raise SettingsError(f"{where}: engagement tiers need warm < hot; got warm {e.warm:g}, hot {e.hot:g}")
    g = settings.segments
    if not (g.at_risk_gaps < g.lapsed_gaps and g.churned_alive < g.lapsed_alive < g.at_risk_alive):
        raise SettingsError(f"{where}: lifecycle thresholds need segments.at_risk_gaps < lapsed_gaps and "
                            "churned_alive < lapsed_alive < at_risk_alive")
    d = settings.delivery
    if d.sms_url and not d.sms_url.startswith(("http://", "https://")):
        raise SettingsError(f"{where}: delivery.sms_url must be an http(s) address, got {d.sms_url!r}")
    if d.email == "smtp" and not (d.smtp_host and d.from_address):
        raise SettingsError(f"{where}: delivery.email = \"smtp\" needs delivery.smtp_host and delivery.from_address")
    for key in ("daily_run_at", "report_at"):
        value = getattr(settings.serve, key)
        if value and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
            raise SettingsError(f"{where}: serve.{key} must be a time as HH:MM (24-hour), got {value!r}")
    if settings.serve.public_url and not re.fullmatch(r"https?://[^\s/]+(/\S*)?", settings.serve.public_url):
        raise SettingsError(f"{where}: serve.public_url must be an http(s) address such as "
                            f"\"https://shop.example.com/regulars\", got {settings.serve.public_url!r}")
    weights = settings.voice.engagement_weights
    for name in weights:  # each a number from 0 up, as every table of numbers
        if name not in ENGAGEMENT_MEASURES:
            raise SettingsError(f"{where}: voice.engagement_weights names {name!r}; the measures are "
                                f"{', '.join(ENGAGEMENT_MEASURES)}")
    if weights and not any({**dict.fromkeys(ENGAGEMENT_MEASURES, 1.0), **weights}.values()):
        raise SettingsError(f"{where}: voice.engagement_weights cannot all be 0")
    v = settings.service
    BusinessHours.of(v.hours, v.time_zone, v.holidays, where=f"{where}: service")
    unknown = [s for s in settings.run.scorers if s not in scorer_names()]
    if unknown:
        raise SettingsError(f"{where}: run.scorers may hold {', '.join(scorer_names())}; got {unknown[0]!r}")


def _section(cls: type, name: str, raw: Any, where: str) -> Any:
    if not isinstance(raw, dict):
        raise SettingsError(f"{where}: [{name}] must be a table of settings, got {raw!r}")
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise SettingsError(
            f"{where}: unknown setting {name}.{unknown[0]}; known settings in [{name}] are "
            + ", ".join(sorted(known))
        )
    values = {}
    for key, value in raw.items():
        expected = type(getattr(cls(), key))
        ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value, ok = float(value), True
        if not ok:
            raise SettingsError(
                f"{where}: {name}.{key} must be a {expected.__name__}, got {value!r}"
            )
        if (name, key) == ("events", "pages"):
            value = _page_rules(value, f"{where}: {name}.{key}")
        elif (name, key) == ("voice", "words"):
            bad = [k for k, v in value.items() if isinstance(v, bool) or not isinstance(v, (int, float))
                   or not -4 <= v <= 4 or not str(k).strip()]
            if bad:
                raise SettingsError(f"{where}: {name}.{key}.{bad[0]!r} must be a number from -4 (very negative) "
                                    f"to 4 (very positive), got {value[bad[0]]!r}")
            value = {str(k): float(v) for k, v in value.items()}
        elif expected is dict:
            bad = [k for k, v in value.items() if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0]
            if bad:
                raise SettingsError(f"{where}: {name}.{key}.{bad[0]} must be a number >= 0, got {value[bad[0]]!r}")
            value = {str(k): float(v) for k, v in value.items()}
        if expected in (int, float):
            _check_range(where, name, key, value)
        choices = _CHOICES.get((name, key))
        if choices and value not in choices:
            raise SettingsError(
                f"{where}: {name}.{key} must be one of {sorted(choices)}, got {value!r}"
            )
        values[key] = value
    return replace(cls(), **values)


def _page_rules(value: dict, where: str) -> dict[str, list[str]]:
    """Page rules: a snake_case event type -> a list of address patterns (at most one {category})."""
    out = {}
    for kind, patterns in value.items():
        if not re.fullmatch(r"[a-z][a-z0-9_]*", str(kind)):
            raise SettingsError(f"{where}: {kind!r} is no event type (snake_case words, such as comparison_view)")
        if isinstance(patterns, str):
            patterns = [patterns]
        if not isinstance(patterns, list) or not all(isinstance(p, str) and p.strip() for p in patterns):
            raise SettingsError(f"{where}.{kind} must be a list of address patterns such as \"*/compare*\"")
        odd = [p for p in patterns if p.count("{") != p.count("}") or re.search(r"\{(?!category\})", p)
               or p.count("{category}") > 1]
        if odd:
            raise SettingsError(f"{where}.{kind}: {odd[0]!r}: the one part a pattern may name is {{category}}")
        out[str(kind)] = [p.strip() for p in patterns]
    return out


def parse_settings(text: str, where: str = SETTINGS_FILE) -> Settings:
    """Parse and validate settings text; every problem names the file and the key."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{where}: not valid TOML ({exc})") from None
    unknown = sorted(set(raw) - set(_SECTIONS))
    if unknown:
        raise SettingsError(
            f"{where}: unknown section [{unknown[0]}]; known sections are "
            + ", ".join(f"[{s}]" for s in _SECTIONS)
        )
    parts = {name: _section(cls, name, raw.get(name, {}), where) for name, cls in _SECTIONS.items()}
    settings = Settings(**parts)
    _check_rules(settings, where)
    return settings


def load_settings(workspace: Path) -> Settings:
    """Read ``regulars.toml`` from a workspace folder."""
    path = Path(workspace) / SETTINGS_FILE
    return parse_settings(path.read_text(encoding="utf-8"), where=str(path))
