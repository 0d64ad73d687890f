"""The foundation through Discord's eyes: /setup, /support, /help, restarts (issues 3 and 4)."""

from __future__ import annotations

import sqlite3

from bot import strings


def settings_row(world):
    with sqlite3.connect(world.root / "speakback.db") as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute("SELECT * FROM guild_settings").fetchone()


async def test_a_moderator_sets_the_server_up(world):
    mod = world.mod
    organisers, announce = world.role("Organisers"), world.role("Announcements")
    reply = await mod.slash("setup roles", organiser=organisers, announce=announce)
    assert reply.ephemeral and "Saved" in reply.text
    await mod.slash(
        "setup channel",
        announcements=world.channel("announcements"),
        moderators=world.channel("moderators"),
    )
    await mod.slash("setup timezone", zone="Europe/Dublin")
    await mod.slash("setup results", split_by_group=True)
    await mod.slash("setup retention", months=6)
    row = settings_row(world)
    assert (row["organiser_role_id"], row["announce_role_id"]) == (organisers.id, announce.id)
    assert row["announcements_channel_id"] == world.channel("announcements").id
    assert (row["timezone"], row["split_by_group"], row["retention_months"]) == (
        "Europe/Dublin",
        1,
        6,
    )
    shown = await mod.slash("setup show")
    assert "Europe/Dublin" in shown.text and "6 months" in shown.text


async def test_someone_without_manage_server_is_refused_kindly_and_nothing_changes(world):
    bob = world.user("bob")
    for command, options in [
        ("setup timezone", {"zone": "Asia/Tokyo"}),
        ("setup retention", {"months": 1}),
        ("setup roles", {"organiser": world.role("Announcements")}),
    ]:
        reply = await bob.slash(command, **options)
        assert reply.ephemeral
        assert "Manage Server" in reply.text and "Nothing was changed" in reply.text
    assert settings_row(world) is None


async def test_bad_settings_get_a_specific_message_and_change_nothing(world):
    mod = world.mod
    reply = await mod.slash("setup timezone", zone="Mars/Olympus")
    assert "Europe/London" in reply.text and "Nothing was changed" in reply.text
    reply = await mod.slash("setup retention", months=500)
    assert "between 1 and 120" in reply.text
    reply = await mod.slash("setup roles", organiser=world.guild().role("@everyone"))
    assert "@everyone" in reply.text
    assert settings_row(world) is None


async def test_timezone_autocomplete_suggests_iana_names(world):
    choices = await world.mod.autocomplete("setup timezone", "zone", "lond")
    assert choices[0].value == "Europe/London"


async def test_uk_names_offer_and_save_uk_time_and_gmt_says_what_it_means(world):
    """Issue 29: "uk" offered Africa/Timbuktu; GMT was saved silently (an hour out all summer)."""
    for typed in ("uk", "bst", "GMT"):
        [first, *_] = await world.mod.autocomplete("setup timezone", "zone", typed)
        assert first.value == "Europe/London" and "BST in summer" in first.name
    gmt = await world.mod.slash("setup timezone", zone="GMT")
    assert "**Europe/London**" in gmt.text
    assert strings.ZONE_NOTES["uk_time"] in gmt.text and "`Etc/GMT`" in gmt.text
    assert settings_row(world)["timezone"] == "Europe/London"
    fixed = await world.mod.slash("setup timezone", zone="Etc/GMT")
    assert "**Etc/GMT**" in fixed.text and "fixed offset" in fixed.text
    assert settings_row(world)["timezone"] == "Etc/GMT"
    london = await world.mod.slash("setup timezone", zone="Europe/London")
    assert "fixed offset" not in london.text and "Read as UK time" not in london.text


async def test_support_is_never_empty_and_moderators_can_change_it(world):
    alice = world.user("alice")
    default = await alice.slash("support")
    assert default.ephemeral and "116 123" in default.text
    assert "/setup support" not in default.text  # set-up hints are for moderators only
    assert "/setup support" in (await world.mod.slash("support")).text
    form = await world.mod.slash("setup support")
    await world.mod.submit_modal(
        form, what_should_people_see_with_support="Leeds crisis team: 0800 000 000"
    )
    assert "Leeds crisis team" in (await alice.slash("support")).text
    assert "Leeds crisis team" in settings_row(world)["support_text"]


async def test_help_shows_what_this_person_can_do(world):
    member_view = await world.user("alice").slash("help")
    assert "/setup show" not in member_view.text and "/support" in member_view.text
    moderator_view = await world.mod.slash("help")
    assert "/setup show" in moderator_view.text


async def test_a_dm_to_the_bot_gets_one_kind_automatic_reply(world):
    alice = world.user("alice")
    await alice.dm_bot("hello?")
    await alice.dm_bot("are you there?")
    assert [m.content for m in alice.dms] == [strings.DM_AUTO_REPLY]
    await world.advance(hours=7)
    await alice.dm_bot("hello again")
    assert len(alice.dms) == 2


def db_rows(world, sql, params=()):
    with sqlite3.connect(world.root / "speakback.db") as conn:
        return conn.execute(sql, params).fetchall()


async def test_an_automatic_reply_is_kept_no_longer_and_leaving_erases_its_window(world):
    """The reply's outbox row goes once sent; the six-hour window is a keyed hash of
    the person, which /leave (in any server) erases (rule 14)."""
    alice = world.user("alice")
    await alice.click(await alice.slash("join"), strings.I_AGREE)
    await alice.dm_bot("it's 2am and I can't sleep")
    assert [m.content for m in alice.dms] == [strings.DM_AUTO_REPLY]
    assert db_rows(world, "SELECT count(*) FROM outbox WHERE guild_id IS NULL") == [(0,)]
    [(user_key, _until)] = db_rows(world, "SELECT user_key, until FROM dm_auto_replies")
    assert str(alice.id) not in user_key
    leave = await alice.slash("leave")
    await alice.click(leave, strings.LEAVE_AND_ERASE)
    assert db_rows(world, "SELECT count(*) FROM dm_auto_replies") == [(0,)]
    await alice.dm_bot("hello?")  # the window went with her data: a new reply
    assert len(alice.dms) == 2
    await world.advance(days=1)  # the daily sweep forgets windows that ended
    assert db_rows(world, "SELECT count(*) FROM dm_auto_replies") == [(0,)]


async def test_buttons_on_earlier_messages_work_after_a_kill_9(world):
    alice = world.user("alice")
    notice = await alice.slash("join")
    await world.restart_bot(kill=True)
    welcome = await alice.click(notice, strings.I_AGREE)
    assert "joined" in welcome.text
    with sqlite3.connect(world.root / "speakback.db") as conn:
        assert conn.execute("SELECT count(*) FROM members").fetchone()[0] == 1


async def test_a_restart_does_not_resync_unchanged_commands(world):
    syncs_before = len(world.requests_to("PUT", "/commands"))
    await world.restart_bot(kill=False)
    assert len(world.requests_to("PUT", "/commands")) == syncs_before
