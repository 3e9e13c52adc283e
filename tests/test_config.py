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
    ],
)
def test_bad_settings_name_the_key(text, message):
    with pytest.raises(SettingsError, match=message):
        parse_settings(text, where="x/regulars.toml")


def test_numbers_widen_to_float():
    assert parse_settings("[quality]\nmissing_customer_warn_share = 1").quality.missing_customer_warn_share == 1.0
