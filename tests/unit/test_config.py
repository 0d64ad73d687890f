import stat

import pytest

from bot.config import (
    DEFAULT_API_BASE,
    ConfigError,
    ensure_secret,
    load_config,
)

TOKEN = "MTIz.abc-def.ghijklmnopqrstuvwxyz"


def test_defaults_when_only_the_token_is_set():
    config = load_config({"DISCORD_TOKEN": TOKEN})
    assert str(config.database_path) == "data/speakback.db"
    assert config.api_base == DEFAULT_API_BASE
    assert config.dev_guild_id is None
    assert config.log_level == "INFO"
    assert config.test_control is None
    assert not config.uses_custom_api


def test_missing_token_names_the_variable_and_how_to_get_one():
    with pytest.raises(ConfigError) as caught:
        load_config({})
    message = str(caught.value)
    assert "DISCORD_TOKEN" in message
    assert ".env" in message
    assert "scope=bot+applications.commands" in message
    assert "permissions=" in message


def test_token_is_not_in_repr():
    assert TOKEN not in repr(load_config({"DISCORD_TOKEN": TOKEN}))


@pytest.mark.parametrize(
    ("name", "value", "expected_words"),
    [
        ("DISCORD_TOKEN", "has spaces in it", "DISCORD_TOKEN"),
        ("DEV_GUILD_ID", "my-server", "DEV_GUILD_ID"),
        ("DEV_GUILD_ID", "12", "17 to 20 digits"),
        ("DISCORD_API_BASE", "discord.com/api", "DISCORD_API_BASE"),
        ("LOG_LEVEL", "verbose", "LOG_LEVEL"),
        ("SPEAKBACK_SECRET", "short", "SPEAKBACK_SECRET"),
        ("SHARD_COUNT", "two", "whole number"),
        ("SHARD_COUNT", "0", "whole number"),
        ("SHARD_COUNT", "5000", "whole number"),
    ],
)
def test_bad_values_get_one_line_naming_the_variable(name, value, expected_words):
    env = {"DISCORD_TOKEN": TOKEN, name: value}
    with pytest.raises(ConfigError) as caught:
        load_config(env)
    message = str(caught.value)
    assert name in message and expected_words in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("raw", "expected"), [("", None), ("auto", None), (" AUTO ", None), ("4", 4)]
)
def test_shard_count_is_automatic_unless_a_number_is_given(raw, expected):
    assert load_config({"DISCORD_TOKEN": TOKEN, "SHARD_COUNT": raw}).shard_count == expected


def test_custom_api_base_is_trimmed_and_flagged():
    config = load_config(
        {"DISCORD_TOKEN": TOKEN, "DISCORD_API_BASE": "http://127.0.0.1:8080/api/v10/"}
    )
    assert config.api_base == "http://127.0.0.1:8080/api/v10"
    assert config.uses_custom_api


def test_test_control_is_refused_without_the_explicit_switch():
    with pytest.raises(ConfigError, match="SPEAKBACK_ENABLE_TEST_CONTROL"):
        load_config({"DISCORD_TOKEN": TOKEN, "SPEAKBACK_TEST_CONTROL_PORT": "9999"})
    config = load_config(
        {
            "DISCORD_TOKEN": TOKEN,
            "SPEAKBACK_TEST_CONTROL_PORT": "9999",
            "SPEAKBACK_ENABLE_TEST_CONTROL": "1",
            "SPEAKBACK_TEST_NOW": "2026-12-01T09:00:00+00:00",
        }
    )
    assert config.test_control is not None and config.test_control.port == 9999


def test_the_edit_interval_is_a_test_only_setting():
    test_env = {
        "DISCORD_TOKEN": TOKEN,
        "SPEAKBACK_TEST_CONTROL_PORT": "9999",
        "SPEAKBACK_ENABLE_TEST_CONTROL": "1",
    }
    assert load_config(test_env).test_control.edit_interval is None  # the built-in 1 s
    assert (
        load_config({**test_env, "SPEAKBACK_TEST_EDIT_INTERVAL": "0"}).test_control.edit_interval
        == 0
    )
    with pytest.raises(ConfigError, match="SPEAKBACK_TEST_EDIT_INTERVAL"):
        load_config({"DISCORD_TOKEN": TOKEN, "SPEAKBACK_TEST_EDIT_INTERVAL": "0"})
    for bad in ("-1", "soon", "61"):
        with pytest.raises(ConfigError, match="SPEAKBACK_TEST_EDIT_INTERVAL"):
            load_config({**test_env, "SPEAKBACK_TEST_EDIT_INTERVAL": bad})


def test_the_dm_check_wait_is_a_test_only_setting():
    test_env = {
        "DISCORD_TOKEN": TOKEN,
        "SPEAKBACK_TEST_CONTROL_PORT": "9999",
        "SPEAKBACK_ENABLE_TEST_CONTROL": "1",
    }
    assert load_config(test_env).test_control.dm_check_wait is None  # the built-in 10 s
    wait = load_config({**test_env, "SPEAKBACK_TEST_DM_CHECK_WAIT": "0.3"}).test_control
    assert wait.dm_check_wait == 0.3
    with pytest.raises(ConfigError, match="SPEAKBACK_TEST_DM_CHECK_WAIT"):
        load_config({"DISCORD_TOKEN": TOKEN, "SPEAKBACK_TEST_DM_CHECK_WAIT": "1"})
    for bad in ("-1", "soon", "61"):
        with pytest.raises(ConfigError, match="SPEAKBACK_TEST_DM_CHECK_WAIT"):
            load_config({**test_env, "SPEAKBACK_TEST_DM_CHECK_WAIT": bad})


def test_test_clock_start_must_carry_a_zone():
    with pytest.raises(ConfigError, match="SPEAKBACK_TEST_NOW"):
        load_config(
            {
                "DISCORD_TOKEN": TOKEN,
                "SPEAKBACK_TEST_CONTROL_PORT": "9999",
                "SPEAKBACK_ENABLE_TEST_CONTROL": "1",
                "SPEAKBACK_TEST_NOW": "2026-12-01 09:00",
            }
        )


def test_secret_is_generated_once_beside_the_database_owner_only(tmp_path):
    db_path = tmp_path / "sub" / "speakback.db"
    config = load_config({"DISCORD_TOKEN": TOKEN, "DATABASE_PATH": str(db_path)})
    first = ensure_secret(config)
    second = ensure_secret(config)
    secret_file = db_path.parent / "speakback.secret"
    assert first.secret and first.secret == second.secret
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600


def test_explicit_secret_wins_and_no_file_is_written(tmp_path):
    db_path = tmp_path / "speakback.db"
    secret = "x" * 40
    config = ensure_secret(
        load_config(
            {"DISCORD_TOKEN": TOKEN, "DATABASE_PATH": str(db_path), "SPEAKBACK_SECRET": secret}
        )
    )
    assert config.secret == secret.encode()
    assert not (tmp_path / "speakback.secret").exists()


def test_the_secret_works_as_bytes_but_never_prints(tmp_path):
    import hashlib
    import hmac
    import logging
    from functools import partial

    secret = "q" * 40
    config = load_config(
        {
            "DISCORD_TOKEN": TOKEN,
            "DATABASE_PATH": str(tmp_path / "d.db"),
            "SPEAKBACK_SECRET": secret,
        }
    )
    assert config.secret == secret.encode()
    assert hmac.new(config.secret, b"x", hashlib.sha256).digest()
    # what aiosqlite would log at DEBUG: the call with its arguments
    call = partial(print, 1, config.secret)
    shown = (
        logging.LogRecord(
            "aiosqlite", logging.DEBUG, __file__, 1, "executing %s %r", (call, config.secret), None
        ).getMessage()
        + f"{config.secret}"
    )
    assert secret not in shown and "<hidden>" in shown
    generated = ensure_secret(
        load_config({"DISCORD_TOKEN": TOKEN, "DATABASE_PATH": str(tmp_path / "d.db")})
    )
    assert len(generated.secret) == 64 and generated.secret.decode() not in repr(generated.secret)


def test_the_pages_listen_on_localhost_8080_with_no_public_address_by_default():
    config = load_config({"DISCORD_TOKEN": TOKEN})
    assert (config.web_host, config.web_port, config.web_base_url) == ("127.0.0.1", 8080, None)


def test_the_pages_settings_are_read_and_a_trailing_slash_dropped():
    config = load_config(
        {
            "DISCORD_TOKEN": TOKEN,
            "WEB_HOST": "0.0.0.0",
            "WEB_PORT": "0",
            "WEB_BASE_URL": "https://speakback.example.org/",
        }
    )
    assert (config.web_host, config.web_port) == ("0.0.0.0", 0)
    assert config.web_base_url == "https://speakback.example.org"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("WEB_PORT", "http"),
        ("WEB_PORT", "70000"),
        ("WEB_BASE_URL", "speakback.example.org"),
        ("WEB_BASE_URL", "ftp://speakback.example.org"),
        ("WEB_HOST", "a host"),
    ],
)
def test_bad_pages_settings_name_the_variable(name, value):
    with pytest.raises(ConfigError) as caught:
        load_config({"DISCORD_TOKEN": TOKEN, name: value})
    assert str(caught.value).startswith(name)
