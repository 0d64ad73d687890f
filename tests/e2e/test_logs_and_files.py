"""Privacy at rest, end to end: nothing personal in the log, files owner-only (rule 4).

The whole story a member might live through runs against the real bot at
LOG_LEVEL=DEBUG, and then every line the bot wrote is searched for anything about
the people in it or any secret. The bot's files are checked while it runs.
"""

from __future__ import annotations

import stat

from bot import strings
from bot.strings import membership as membership_text
from bot.strings import polls as poll_text
from tests.e2e.test_polls import create, set_up, vote_single
from tests.emulator.process import bot_env

PREFERRED_NAME = "Zephyrine Quillfeather"
ACCESS_NEEDS = "A hearing loop and a seat near the door"
QUIET_HOURS = "21:15-06:45"
REASON = "Waiting nine weeks for a callback made everything worse"
DM_TEXT = "Is anyone there? I am having a rough night"
QUESTION = "Which change would help most this winter?"
OPTIONS = "Shorter waits for therapy\nEvening drop-in sessions\nPeer mentors on wards"


async def test_a_whole_story_at_debug_leaves_nothing_personal_in_the_log(make_world):
    world = await make_world(env={"LOG_LEVEL": "DEBUG"})
    organiser = await set_up(world)
    alice = world.user("alice")
    others = [world.user(name) for name in ("bob", "carol", "dev", "erin")]

    # Join, with a preferred name, access needs and quiet hours.
    for person in (alice, *others):
        notice = await person.slash("join")
        welcome = await person.click(notice, strings.I_AGREE)
        await person.select(welcome, "member:prefs", ["dm_outcomes"])
    form = await alice.click(await alice.slash("me settings"), membership_text.EDIT_DETAILS)
    saved = await alice.submit_modal(
        form, preferred_name=PREFERRED_NAME, access_needs=ACCESS_NEEDS, quiet_hours=QUIET_HOURS
    )
    assert QUIET_HOURS in saved.text

    # Vote in an anonymous poll, with a reason; it closes and posts its results.
    poll, poll_id = await create(
        world, organiser, question=QUESTION, options=OPTIONS, kind="single", reasons=True
    )
    for person in others:
        await vote_single(person, poll, 2)
    voted = await vote_single(alice, poll, 1)
    reason_form = await alice.click(voted, poll_text.ADD_REASON)
    done = await alice.submit_modal(reason_form, reason=REASON)
    assert done.text == poll_text.REASON_SAVED
    await organiser.slash("poll close", poll=poll_id)
    await organiser.slash("poll export", poll=poll_id)

    # Message the bot directly, then leave.
    answers = await alice.dm_bot(DM_TEXT)
    assert answers and "/support" in answers[0].text
    confirm = await alice.slash("leave")
    left = await alice.click(confirm, strings.LEAVE_AND_ERASE)
    assert "erased" in left.text

    log = world.bot_log()
    assert " DEBUG " in log  # the level really was DEBUG
    env = bot_env(
        api_base="", token=world.state.token, database=world.root, control_port=0, now_iso=""
    )
    secrets = {"the token": world.state.token, "the secret": env["SPEAKBACK_SECRET"]}
    people = {f"{p.name}'s id": str(p.id) for p in (alice, *others, organiser, world.mod)}
    typed = {
        "the preferred name": PREFERRED_NAME,
        "the access needs": ACCESS_NEEDS,
        "the quiet hours": QUIET_HOURS,
        "the reason": REASON,
        "the DM": DM_TEXT,
        "the question": QUESTION,
        **{f"option {n}": option for n, option in enumerate(OPTIONS.splitlines(), 1)},
    }
    found = [what for what, value in {**secrets, **people, **typed}.items() if value in log]
    assert found == [], f"in the bot's log: {found}"


async def test_the_bots_files_are_owner_only_while_it_runs(make_world, tmp_path):
    database = tmp_path / "world0" / "data" / "speakback.db"  # a folder the bot creates
    world = await make_world(env={"DATABASE_PATH": str(database), "SPEAKBACK_SECRET": ""})
    alice = world.user("alice")
    notice = await alice.slash("join")
    await alice.click(notice, strings.I_AGREE)
    folder = database.parent
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    files = [database, folder / "speakback.db-wal", folder / "speakback.db-shm"]
    files.append(folder / "speakback.secret")
    modes = {path.name: oct(stat.S_IMODE(path.stat().st_mode)) for path in files}
    assert modes == {path.name: "0o600" for path in files}
    assert "open to other accounts" not in world.bot_log()
