from datetime import UTC, datetime

import pytest

from bot.domain.access import Actor, is_moderator, is_organiser
from bot.domain.errors import Refusal
from bot.domain.settings import (
    GuildSettings,
    suggest_timezones,
    validate_long_text,
    validate_retention,
    validate_timezone,
)
from db.database import Database
from db.settings import get_meta, get_settings, save_notice, set_meta, update_settings

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
async def db(tmp_path):
    database = await Database.open(tmp_path / "s.db")
    await database.migrate()
    yield database
    await database.close()


async def test_unknown_server_gets_defaults(db):
    settings = await get_settings(db, 42)
    assert settings == GuildSettings(guild_id=42)
    assert settings.timezone == "Europe/London" and settings.retention_months == 12


async def test_changes_are_saved_per_server(db):
    await update_settings(db, 1, NOW, organiser_role_id=10, timezone="Europe/Dublin")
    await update_settings(db, 1, NOW, split_by_group=1)
    one, two = await get_settings(db, 1), await get_settings(db, 2)
    assert (one.organiser_role_id, one.timezone, one.split_by_group) == (10, "Europe/Dublin", True)
    assert two == GuildSettings(guild_id=2)


async def test_saving_the_notice_bumps_its_version(db):
    assert (await save_notice(db, 1, "v2 text", NOW)).notice_version == 2
    saved = await save_notice(db, 1, "v3 text", NOW)
    assert (saved.notice_version, saved.notice_text) == (3, "v3 text")


async def test_unknown_setting_is_a_programming_error(db):
    with pytest.raises(ValueError):
        await update_settings(db, 1, NOW, colour="red")


async def test_meta_round_trip(db):
    assert await get_meta(db, "k") is None
    await set_meta(db, "k", "1")
    await set_meta(db, "k", "2")
    assert await get_meta(db, "k") == "2"


def test_timezones_are_validated_against_iana_names():
    assert validate_timezone(" europe/london ") == "Europe/London"
    with pytest.raises(Refusal, match="Europe/London"):
        validate_timezone("Mars/Olympus")
    assert suggest_timezones("lond")[0] == "Europe/London"
    assert len(suggest_timezones("")) <= 25


def test_retention_and_text_limits_refuse_kindly():
    assert validate_retention(6) == 6
    for bad in (0, 121, -3):
        with pytest.raises(Refusal, match="Nothing was changed"):
            validate_retention(bad)
    with pytest.raises(Refusal):
        validate_long_text("   ", what="notice", limit=10)
    with pytest.raises(Refusal, match="11 characters"):
        validate_long_text("x" * 11, what="notice", limit=10)


def test_organiser_falls_back_to_manage_server_until_a_role_is_set():
    moderator = Actor(1, frozenset(), manage_guild=True)
    organiser = Actor(2, frozenset({50}), manage_guild=False)
    member = Actor(3, frozenset({7}), manage_guild=False)
    unset = GuildSettings(guild_id=1)
    with_role = GuildSettings(guild_id=1, organiser_role_id=50)
    assert is_organiser(moderator, unset) and not is_organiser(member, unset)
    assert not is_organiser(organiser, unset)
    assert is_organiser(organiser, with_role) and not is_organiser(member, with_role)
    assert is_moderator(moderator) and not is_moderator(organiser)
