"""The personal data registry covers the whole schema; export and erase walk it (rules 4, 5)."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from db import members, outbox
from db.database import Database
from db.personal_data import (
    MODULES,
    REQUIRED,
    erase_all,
    export_all,
    personal_tables,
    registered_modules,
)

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SECRET = b"s" * 40
GUILD = 1
ALICE, BOB = 314159265358979323, 271828182845904523

# A column that holds a person's Discord id (user_id, member_id, voter_id, author_id,
# created_by, ...). Role and channel ids do not match.
PERSON_COLUMN = re.compile(
    r"^(.*_)?(user|member|voter|author|creator|requester|recipient|respondent|organiser)_id$"
    r"|^(created|posted|decided|closed|updated|requested|approved)_by$"
)


@pytest.fixture
async def db(tmp_path):
    database = await Database.open(tmp_path / "p.db")
    await database.migrate()
    yield database
    await database.close()


async def schema(db) -> dict[str, list[str]]:
    tables = await db.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    return {
        t["name"]: [c["name"] for c in await db.fetchall(f"PRAGMA table_info({t['name']})")]
        for t in tables
    }


def test_every_registered_module_provides_the_hooks():
    modules = registered_modules()
    assert [m.__name__ for m in modules] == MODULES
    for module in modules:
        for attr in REQUIRED:
            assert hasattr(module, attr), f"{module.__name__} lacks {attr}"


async def test_every_table_with_a_person_column_is_registered(db):
    registered = personal_tables()
    uncovered = sorted(
        f"{table}.{column}"
        for table, columns in (await schema(db)).items()
        for column in columns
        if PERSON_COLUMN.match(column) and table not in registered
    )
    assert uncovered == [], (
        "These tables hold a person's id but no module in db/personal_data.py MODULES "
        f"lists them in PERSONAL_TABLES (add export_member/erase_member): {uncovered}"
    )


async def test_registered_tables_exist(db):
    assert set(personal_tables()) <= set(await schema(db))


async def populate(db, user_id):
    await members.agree(db, GUILD, user_id, notice_version=1, now=NOW, secret=SECRET)
    await members.set_contact_preferences(
        db, GUILD, user_id, frozenset({"dm_reminders", "dm_outcomes"}), NOW
    )
    await members.update_profile(
        db, GUILD, user_id, NOW, preferred_name=f"name-{user_id}", access_needs="captions"
    )
    await members.pause(db, GUILD, user_id, NOW, NOW + timedelta(days=3))
    await members.remember_dm_channel(db, GUILD, user_id, 9_000_000 + user_id)
    await members.record_presence(db, GUILD, user_id, present=False, now=NOW)
    await outbox.enqueue(
        db,
        kind="dm",
        payload={"content": f"hello <@{user_id}>"},
        now=NOW,
        guild_id=GUILD,
        user_id=user_id,
        purpose="dm_reminders",
        dedupe_key=f"test:{user_id}",
    )
    await outbox.record_dm_blocked(db, GUILD, user_id, NOW)
    row_id = await outbox.enqueue(
        db,
        kind="dm",
        payload={"content": f"held for <@{user_id}>"},
        now=NOW,
        guild_id=GUILD,
        user_id=user_id,
        purpose="about_yes",
        dedupe_key=f"held:{user_id}",
    )
    [row] = [r for r in await outbox.claim_due(db, NOW, 10) if r.id == row_id]
    await outbox.hold(db, row, NOW, "stepping back")
    await _vote_in_a_named_poll(db, user_id)
    await _answer_a_meeting(db, user_id)


async def _answer_a_meeting(db, user_id):
    from db import meetings

    data = {"title": "Catch-up", "start_local": "2026-12-03T18:00:00", "zone": "Europe/London",
            "rule": "weekly", "duration": 60, "offsets": "1440,60"}  # fmt: skip
    draft = await meetings.create_draft(db, GUILD, user_id, data, NOW)
    meeting_id = await meetings.post_draft(db, draft, GUILD, user_id, 5, NOW)
    await meetings.answer(db, meeting_id, "20261203T180000", GUILD, user_id, "going", NOW)
    await meetings.create_draft(db, GUILD, user_id, data, NOW)  # one left unposted


async def _vote_in_a_named_poll(db, user_id):
    from bot.domain.polls import check_settings
    from db import polls

    settings = check_settings(
        kind="single", max_choices=None, anonymous=False, results="at_close",
        closes_at=None, content_note=None, reasons=True,
    )  # fmt: skip
    poll_id = await polls.create_poll(
        db, guild_id=GUILD, channel_id=5, question="Which first?", options=["A", "B"],
        settings=settings, max_choices=None, now=NOW,
    )  # fmt: skip
    await polls.cast_vote(
        db, poll_id, guild_id=GUILD, user_id=user_id, choice="1", group=None,
        voter_name=f"name-{user_id}", now=NOW, secret=SECRET,
    )  # fmt: skip


async def test_export_contains_every_row_about_the_member_and_nobody_elses(db):
    await populate(db, ALICE)
    await populate(db, BOB)
    exported = await export_all(db, GUILD, ALICE)
    assert set(exported) == set(personal_tables())
    # populate() fills the membership and delivery tables; features that add a module
    # prove their own rows are exported in their tests.
    for table in (*members.PERSONAL_TABLES, *outbox.PERSONAL_TABLES):
        assert exported[table], f"nothing exported from {table}"
    assert str(BOB) not in repr(exported)
    assert [c["purpose"] for c in exported["member_consents"]] == [
        "membership",
        "dm_reminders",
        "dm_outcomes",
    ]
    assert all(c["at"] == NOW.isoformat() for c in exported["member_consents"])
    assert exported["member_profiles"][0]["preferred_name"] == f"name-{ALICE}"
    assert exported["members"][0]["dm_channel_id"] == 9_000_000 + ALICE


async def scan_for(db, needle: int) -> list[str]:
    """Every table.column whose value contains the id, as a number or as text."""
    found = []
    for table, columns in (await schema(db)).items():
        for column in columns:
            hits = await db.fetchval(
                f'SELECT count(*) FROM "{table}" WHERE "{column}" = ? '
                f'OR CAST("{column}" AS TEXT) LIKE ?',
                (needle, f"%{needle}%"),
            )
            if hits:
                found.append(f"{table}.{column}")
    return found


async def test_after_leaving_the_id_is_nowhere_in_the_database(db):
    await populate(db, ALICE)
    await populate(db, BOB)
    assert await scan_for(db, ALICE)  # the scan does find it before
    await members.leave(db, GUILD, ALICE, NOW, SECRET)
    assert await scan_for(db, ALICE) == []
    assert await scan_for(db, 9_000_000 + ALICE) == []  # their DM channel's id went too
    assert await scan_for(db, BOB)  # nobody else was touched
    assert await db.fetchval("SELECT sum(leaves) FROM membership_daily_counts") == 1


async def test_erase_is_one_transaction(db, monkeypatch):
    await populate(db, ALICE)

    async def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(outbox, "erase_member", broken)
    with pytest.raises(RuntimeError):
        await erase_all(db, GUILD, ALICE, SECRET)
    # db.members is erased last, db.outbox first: a failure leaves everything in place.
    assert await members.is_member(db, GUILD, ALICE)
    monkeypatch.undo()

    monkeypatch.setattr(members, "erase_member", broken)
    with pytest.raises(RuntimeError):
        await erase_all(db, GUILD, ALICE, SECRET)
    assert (
        await db.fetchval("SELECT count(*) FROM outbox WHERE user_id = ?", (ALICE,)) == 2
    )  # its DM, and the one held


def what_we_store_section() -> str:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    start = readme.index("## What we store")
    end = readme.find("\n## ", start + 1)
    return readme[start : end if end != -1 else None]


async def test_readme_what_we_store_mentions_every_table(db):
    section = what_we_store_section()
    missing = sorted(table for table in await schema(db) if f"`{table}`" not in section)
    assert missing == [], f'Describe these tables in README.md "What we store": {missing}'
