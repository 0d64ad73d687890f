"""Whatever a member types into their profile, replies still fit Discord and ping nobody."""

from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.consent import DEFAULT_NOTICE
from bot.domain.errors import Refusal
from bot.domain.members import (
    MAX_ACCESS_NEEDS,
    MAX_PREFERRED_NAME,
    Member,
    Profile,
    clean_optional_text,
)
from bot.domain.quiet_hours import QuietHours
from bot.domain.settings import MAX_NOTICE_LENGTH, GuildSettings
from bot.ui import shown
from cogs.membership.ui import describe_member, notice_embeds
from tests.emulator.mentions import compute_pings

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

# Unicode of every kind, plus the pieces of markdown and mentions people may type.
TRICKY = st.sampled_from(
    ["@everyone", "@here", "<@123456789012345678>", "<@&42>", "**", "__", "`", "```", "||", "\\",
     "> ", "# ", "[x](https://e.xample)", "\n", "\u200b", "\u202e"]
)  # fmt: skip
FREE_TEXT = st.lists(st.one_of(st.text(max_size=50), TRICKY), max_size=200).map("".join)


def member_with(name: str | None, access: str | None) -> Member:
    return Member(
        guild_id=1,
        user_id=2,
        joined_at=NOW - timedelta(days=3),
        notice_version=1,
        consents=frozenset({"membership", "dm_reminders"}),
        paused_at=NOW,
        paused_until=NOW + timedelta(days=2),
        profile=Profile(
            preferred_name=name,
            group="carer",
            access_needs=access,
            timezone="Europe/London",
            quiet_hours=QuietHours(time(22), time(8)),
            reminder_offsets=(timedelta(hours=24),),
        ),
    )


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(name=FREE_TEXT, access=FREE_TEXT | st.text(min_size=3000, max_size=4000))
def test_profile_text_never_breaks_the_show_reply(name, access):
    try:
        name = clean_optional_text(name, what="preferred name", limit=MAX_PREFERRED_NAME)
    except Refusal as refusal:
        assert "Nothing was changed" in str(refusal)
        name = None
    try:
        access = clean_optional_text(access, what="access needs", limit=MAX_ACCESS_NEEDS)
    except Refusal as refusal:
        assert "Nothing was changed" in str(refusal)
        access = access.strip()[:MAX_ACCESS_NEEDS] or None

    message = describe_member(member_with(name, access), GuildSettings(guild_id=1), NOW, NOW)
    data = message.to_dict()
    assert len(message) <= 6000
    assert len(data.get("fields", [])) <= 25
    for field in data["fields"]:
        assert 0 < len(field["value"]) <= 1024 and len(field["name"]) <= 256
        # Even with a client that parsed mentions, nothing here would ping.
        assert not compute_pings(field["value"], None).anyone


@given(FREE_TEXT)
def test_shown_text_fits_and_cannot_ping(value):
    safe = shown(value, 300)
    assert len(safe) <= 300
    assert not compute_pings(safe, None).everyone


def test_long_text_is_refused_with_what_to_change():
    with pytest.raises(Refusal, match="keep it to 1000"):
        clean_optional_text("x" * 4000, what="access needs", limit=MAX_ACCESS_NEEDS)


@pytest.mark.parametrize("outdated", [False, True])
@pytest.mark.parametrize(
    "notice_text", [None, "x" * MAX_NOTICE_LENGTH], ids=["built-in", "longest"]
)
def test_the_whole_notice_is_shown_even_when_it_changed_since_agreeing(notice_text, outdated):
    # The notice ends with how to leave and erase: cutting it at Discord's 4,096
    # characters would drop exactly that. Found when the second edition of the
    # built-in notice was written: "changed" put its intro in front of a long notice.
    settings = GuildSettings(guild_id=1, notice_text=notice_text, notice_version=7)
    embeds = notice_embeds(settings, outdated=outdated)
    whole = notice_text or DEFAULT_NOTICE
    assert embeds[-1].description == whole
    assert all(len(e.description) <= 4096 for e in embeds)
    assert sum(len(e) for e in embeds) <= 6000  # Discord's limit for a message's embeds
    assert ("changed" in embeds[0].title) is outdated


def test_the_built_in_notice_fits_the_form_moderators_edit_it_in():
    # /setup notice opens the current notice in a form of MAX_NOTICE_LENGTH: a longer
    # built-in notice would lose its end the first time a moderator fixed a typo.
    assert len(DEFAULT_NOTICE) <= MAX_NOTICE_LENGTH


def test_the_built_in_notice_names_every_command_that_shows_or_erases_a_members_data():
    for command in ("/me pause", "/me export", "/me record", "/me calendar", "/leave"):
        assert f"`{command}`" in DEFAULT_NOTICE
