import pytest

from regulars.config import DEFAULT_TOML, Settings, parse_settings
from regulars.errors import SettingsError


def test_default_file_parses_to_the_defaults():
    assert parse_settings(DEFAULT_TOML) == Settings()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[store]\nmemory = '1GB'", "unknown setting store.memory"),
        ("[stores]\n", r"unknown section \[stores\]"),
        ("[ingest]\ndayfirst = 'yes'", "ingest.dayfirst must be a bool"),
        ("[ingest]\ndecimal = ';'", "ingest.decimal must be one of"),
        ("[store\n", "not valid TOML"),
        ("[store]\nthreads = true", "store.threads must be a int"),
        ("[store]\nthreads = -1", "store.threads must be at least 0"),
        ("[engagement]\nwarm = 80", "engagement tiers need warm < hot; got warm 80, hot 70"),
        ("[engagement]\nhalf_life_days = 0", "engagement.half_life_days must be above 0"),
        ("[run]\nchurn_horizon_days = 0", "run.churn_horizon_days must be at least 1"),
        ("[run]\nscorers = ['clv', 'vibes']", "run.scorers may hold clv, .*; got 'vibes'"),
        ("[clv]\nmonthly_discount = 1.5", "clv.monthly_discount must be at least 0 and at most 1"),
        ("[voice]\nengagement_weights = { reach = 1 }", "engagement_weights names 'reach'; the measures are relevance"),
        ("[voice]\nengagement_weights = { relevance = -1 }", "engagement_weights.relevance must be a number"),
        ("[voice]\nengagement_weights = { relevance = 0, timeliness = 0, personalisation = 0, helpfulness = 0, "
         "consistency = 0 }", "cannot all be 0"),
        ("[voice]\nfaq_min_confidence = 0", "voice.faq_min_confidence must be above 0"),
        ("[serve]\npublic_url = 'shop.example.com'", "serve.public_url must be an http"),
        ("[run]\nretrain = 'sometimes'", "run.retrain must be one of"),
        ("[privacy]\nkeep_events_days = -1", "privacy.keep_events_days must be at least 0"),
        ("[privacy]\nfairness_by = 'gender'", "privacy.fairness_by must be a list"),
    ],
)
def test_bad_settings_name_the_key(text, message):
    with pytest.raises(SettingsError, match=message):
        parse_settings(text, where="x/regulars.toml")


def test_numbers_widen_to_float():
    assert parse_settings("[quality]\nmissing_customer_warn_share = 1").quality.missing_customer_warn_share == 1.0
