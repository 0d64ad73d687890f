import hashlib
from datetime import UTC, datetime

import pytest

from bot.domain.access import Actor, is_moderator, is_organiser
from bot.domain.consent import DEFAULT_NOTICE, DEFAULT_NOTICE_EDITION
from bot.domain.errors import Refusal
from bot.domain.settings import (
    FIXED_OFFSET,
    UK_TIME,
    GuildSettings,
    ZoneReading,
    read_timezone,
    suggest_timezones,
    validate_long_text,
    validate_retention,
    validate_timezone,
)
from db import members
from db.database import Database
from db.settings import (
    follow_default_notice,
    get_meta,
    get_settings,
    save_notice,
    set_meta,
    update_settings,
)

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


async def test_a_new_edition_of_the_built_in_notice_asks_its_members_again(db):
    # Server 1 uses the built-in notice (its row made when Alice joined), server 2
    # wrote its own, server 3 changed a setting but has nobody yet.
    alice, bob = 111, 222
    await members.agree(db, 1, alice, notice_version=1, now=NOW, secret=b"s" * 40)
    await save_notice(db, 2, "Our own words", NOW)
    await members.agree(db, 2, bob, notice_version=2, now=NOW, secret=b"s" * 40)
    await update_settings(db, 3, NOW, timezone="Europe/Dublin")
    assert await follow_default_notice(db, NOW) == 0  # nothing changed in this release

    newer = DEFAULT_NOTICE_EDITION + 1
    assert await follow_default_notice(db, NOW, edition=newer) == 2  # servers 1 and 3
    assert await follow_default_notice(db, NOW, edition=newer) == 0  # once only
    member, version = await members.member_and_notice(db, 1, alice)
    assert (member.notice_version, version) == (1, 2)  # Alice is asked to agree again
    member, version = await members.member_and_notice(db, 2, bob)
    assert (member.notice_version, version) == (2, 2)  # their own text did not change
    assert (await get_settings(db, 3)).notice_version == 2
    assert await members.agree(db, 1, alice, notice_version=2, now=NOW, secret=b"s" * 40) == (
        "reconfirmed"
    )
    # Rolling the release back shows the older words again: asked again too.
    assert await follow_default_notice(db, NOW, edition=DEFAULT_NOTICE_EDITION) == 2
    assert (await get_settings(db, 1)).notice_version == 3


def test_the_built_in_notice_cannot_change_without_a_decision():
    # If this fails you changed the built-in notice. If what it tells people changed,
    # raise DEFAULT_NOTICE_EDITION (every server on it asks its members to agree
    # again) and add the new text's hash here; if you only mended a typo, replace the
    # hash of the current edition.
    pinned = {
        1: "93020082f014184b88d26dfa970ccf0b9a552e034d3e3a17662a3169be4ad3b4",
        2: "a82f6c50cc58b60de021d753f215d9e2e049edb36d911b535f3089712cf55f09",
    }
    digest = hashlib.sha256(DEFAULT_NOTICE.encode()).hexdigest()
    assert pinned.get(DEFAULT_NOTICE_EDITION) == digest


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


@pytest.mark.parametrize(
    "typed",
    [
        "UK",
        "uk",
        "U.K.",
        "England",
        "Scotland",
        "wales",
        "Northern Ireland",
        "northern_ireland",
        "BST",
        "London",
        "GMT",
        "gmt",
        "Great Britain",
        "GB",
    ],
)
def test_names_for_uk_time_read_as_europe_london_with_a_note(typed):
    assert read_timezone(typed) == ZoneReading("Europe/London", UK_TIME)
    assert validate_timezone(typed) == "Europe/London"


@pytest.mark.parametrize(
    ("typed", "zone", "note"),
    [
        ("Europe/London", "Europe/London", None),
        ("europe/dublin", "Europe/Dublin", None),
        ("Asia/Kolkata", "Asia/Kolkata", None),
        ("UTC", "UTC", FIXED_OFFSET),
        ("utc", "UTC", FIXED_OFFSET),
        ("Etc/GMT", "Etc/GMT", FIXED_OFFSET),
        ("Etc/GMT+5", "Etc/GMT+5", FIXED_OFFSET),
        ("Etc/UTC", "Etc/UTC", FIXED_OFFSET),
        ("Zulu", "Zulu", FIXED_OFFSET),
        ("EST", "EST", FIXED_OFFSET),
    ],
)
def test_other_zones_are_kept_and_fixed_offsets_carry_a_warning(typed, zone, note):
    assert read_timezone(typed) == ZoneReading(zone, note)


@pytest.mark.parametrize("typed", ["Mars/Olympus", "", "Britainland", "Europe/Londo"])
def test_unknown_zones_are_refused_without_pointing_to_a_list(typed):
    with pytest.raises(Refusal) as refused:
        read_timezone(typed)
    assert "Europe/London" in str(refused.value) and "list" not in str(refused.value)


@pytest.mark.parametrize(
    "typed", ["uk", "UK", "bst", "gmt", "GMT", "scot", "eng", "northern", "wal"]
)
def test_autocomplete_offers_europe_london_first_for_uk_names(typed):
    assert suggest_timezones(typed)[0] == "Europe/London"


def test_autocomplete_leaves_out_other_spellings_of_uk_time_but_keeps_fixed_gmt():
    found = suggest_timezones("gmt")
    assert "GMT" not in found and "Etc/GMT" in found
    assert "Africa/Timbuktu" not in suggest_timezones("uk")[:1]
    assert suggest_timezones("tok")[0] == "Asia/Tokyo"
    assert suggest_timezones("wa")[0] != "Europe/London"  # two letters are not yet "wales"


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
