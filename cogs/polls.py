"""/poll create|close|results|export|outcome and /polls: polls on service priorities.

The ballot is in `cogs._poll_ballot`; the poll and results messages and closing
in `cogs._poll_messages`. This cog holds the commands and forms, the scheduled
close (a dispatcher job that runs however late, once) and the retention sweeper.
Every command and form re-checks the organiser role on our side (rule 7).

Network-wide polls (issue 10): `/poll create network:true` posts one copy in every
linked server (recorded in `item_copies`); members vote in their own server, one
vote per person; `/poll results` and `/poll export` work from any linked server
(names only of the viewer's own members); close and outcome stay with the home server.
"""

from __future__ import annotations

import asyncio
import io
import logging
from datetime import datetime

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import SpeakBack
from bot.delivery import message_payload
from bot.domain.ballots import (
    PollKind,
    PollSetupError,
    parse_options,
    validate_question,
)
from bot.domain.errors import Refusal
from bot.domain.polls import (
    Poll,
    PollSettings,
    check_settings,
    clean_outcome,
    fit_max_choices,
)
from bot.domain.timefmt import discord_timestamp
from bot.domain.when import parse_when
from bot.guards import actor_guild_id, require_organiser
from bot.networks import audience, may_answer_from
from bot.strings import polls as text
from bot.ui import SafeModal, embed
from cogs._poll_ballot import BALLOT_ITEMS, amount, bot_of, cut, server_name, title_of
from cogs._poll_messages import (
    KIND,
    chart_file_name,
    close_and_announce,
    export_csv,
    live_tally,
    message_link,
    other_copies,
    poll_payload,
    refresh_poll_message,
    render_chart,
    results_embeds,
    server_lines,
)
from db import members as members_db
from db import network_items
from db import polls as repo
from db.jobs import Job
from db.settings import get_settings

log = logging.getLogger(__name__)

MEMBER = {"audience": "member"}
ORGANISER = {"audience": "organiser"}
EVERYONE = {"audience": "everyone"}
CLOSE_JOB = "poll_close"
EMBED_TOTAL = 6000
EMBED_DESCRIPTION = 4096


def close_key(poll_id: int) -> str:
    return f"poll-close:{poll_id}"


class CreatePollModal(SafeModal, title=text.MODAL_TITLE):
    def __init__(self, settings: PollSettings, ping: bool, network: bool = False) -> None:
        super().__init__()
        self.settings = settings
        self.ping = ping
        self.network = network
        self.question = discord.ui.TextInput(
            custom_id="question",
            label=text.QUESTION_LABEL,
            placeholder=text.QUESTION_PLACEHOLDER,
            max_length=250,
        )
        self.options = discord.ui.TextInput(
            custom_id="options",
            label=text.OPTIONS_LABEL,
            style=discord.TextStyle.paragraph,
            placeholder=text.OPTIONS_PLACEHOLDER,
            max_length=4000,
        )
        self.add_item(self.question)
        self.add_item(self.options)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        _actor, guild_settings = await require_organiser(interaction)
        question = validate_question(self.question.value)
        options = parse_options(self.options.value)
        now = bot.clock.now()
        if self.settings.closes_at is not None and self.settings.closes_at <= now:
            raise PollSetupError(
                "The closing time passed while the form was open. Please start again "
                "with a later time. Nothing was posted."
            )
        channel_id = guild_settings.announcements_channel_id or interaction.channel_id
        if channel_id is None:
            raise Refusal(text.NO_CHANNEL)
        # Re-checked now: the server may have left its network while the form was open.
        reach = await audience(bot.db, guild_settings.guild_id, True) if self.network else None
        targets, missing = [(guild_settings.guild_id, channel_id)], []
        if reach is not None:  # home first (here, if no announcements channel), then the rest
            targets += [t for t in reach.targets if t[0] != guild_settings.guild_id]
            home_name = server_name(bot, guild_settings.guild_id)
            missing = [m for m in reach.missing if discord.utils.escape_markdown(m) != home_name]
        poll_id = await repo.create_poll(
            bot.db,
            guild_id=guild_settings.guild_id,
            channel_id=channel_id,
            question=question,
            options=options,
            settings=self.settings,
            max_choices=fit_max_choices(self.settings, len(options)),
            now=now,
        )
        if reach is not None and reach.network_id is not None:
            await network_items.set_network(bot.db, KIND, poll_id, reach.network_id)
        poll = await repo.get_poll(bot.db, poll_id)
        assert poll is not None
        if poll.closes_at is not None:
            await bot.dispatcher.schedule(
                CLOSE_JOB, poll.closes_at, {"poll_id": poll.id}, close_key(poll.id), poll.guild_id
            )
        payload = poll_payload(poll, 0, await live_tally(bot.db, poll))
        role = guild_settings.announce_role_id if self.ping else None
        if role is not None:
            payload = {**payload, "content": f"<@&{role}>", "ping_role_id": role}
        row_id = await bot.delivery.post(
            guild_id=poll.guild_id,
            channel_id=channel_id,
            payload=payload,
            dedupe_key=f"poll-post:{poll.id}",
        )
        await repo.set_post_outbox(bot.db, poll.id, row_id)
        if poll.network_id is not None:
            await share(bot, poll, targets, row_id)
        closes = (
            text.CREATED_CLOSES.format(
                when=discord_timestamp(poll.closes_at, "F"),
                relative=discord_timestamp(poll.closes_at, "R"),
            )
            if poll.closes_at
            else text.CREATED_NO_CLOSE
        )
        words = text.CREATED.format(channel=channel_id, closes=closes)
        if reach is not None:
            names = [server_name(bot, g) for g, _c in targets]
            words = text.CREATED_NETWORK.format(
                count=len(names), servers=", ".join(names), channel=channel_id
            ) + text.CREATED_NEXT.format(closes=closes)
            if missing:
                escaped = [discord.utils.escape_markdown(m) for m in missing]
                words += " " + text.CREATED_MISSING.format(servers=", ".join(escaped)).strip()
        await interaction.response.send_message(words, ephemeral=True)


async def share(
    bot: SpeakBack,
    poll: Poll,
    targets: list[tuple[int, int]],
    home_row: int | None,
) -> None:
    """Post one copy of a new network poll in each other linked server; record every copy."""
    await network_items.record_copy(bot.db, KIND, poll.id, *targets[0], home_row)
    payload = poll_payload(poll, 0, await live_tally(bot.db, poll))  # no role ping elsewhere
    for guild_id, channel_id in targets[1:]:
        row_id = await bot.delivery.post(
            guild_id=guild_id,
            channel_id=channel_id,
            payload=payload,
            dedupe_key=f"poll-post:{poll.id}:{guild_id}",
        )
        await network_items.record_copy(bot.db, KIND, poll.id, guild_id, channel_id, row_id)


class OutcomeModal(SafeModal, title=text.OUTCOME_MODAL_TITLE):
    def __init__(self, poll_id: int) -> None:
        super().__init__()
        self.poll_id = poll_id
        self.decided = discord.ui.TextInput(
            custom_id="decided",
            label=text.OUTCOME_DECIDED_LABEL,
            style=discord.TextStyle.paragraph,
            placeholder=text.OUTCOME_DECIDED_PLACEHOLDER,
            max_length=1500,
        )
        self.by_when = discord.ui.TextInput(
            custom_id="by_when",
            label=text.OUTCOME_BY_LABEL,
            placeholder=text.OUTCOME_BY_PLACEHOLDER,
            max_length=100,
        )
        self.add_item(self.decided)
        self.add_item(self.by_when)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        _actor, settings = await require_organiser(interaction)
        poll = await _poll_option(bot, interaction, self.poll_id)
        decided, by_when = clean_outcome(self.decided.value, self.by_when.value)
        _check_outcome_allowed(poll)
        if not await repo.record_outcome(bot.db, poll.id, decided, by_when, bot.clock.now()):
            raise Refusal(text.OUTCOME_OPEN)
        # Saved. Queueing a DM per voter can take a while in a big poll: acknowledge now.
        await interaction.response.defer(ephemeral=True, thinking=True)
        body = text.OUTCOME_BODY.format(decided=decided, by_when=by_when)
        results_id = (
            await bot.delivery.sent_message_id(poll.results_outbox_id)
            if poll.results_outbox_id
            else None
        )
        posted = (
            body
            + "\n\n"
            + text.OUTCOME_RESULTS_LINK.format(
                link=message_link(poll.guild_id, poll.channel_id, results_id)
            )
        )
        title = title_of(text.OUTCOME_TITLE.format(question=poll.question))
        await bot.delivery.post(
            guild_id=poll.guild_id,
            channel_id=poll.channel_id,
            payload=message_payload(embeds=[embed(title, posted)]),
            dedupe_key=f"poll-outcome:{poll.id}",
        )
        for copy in await other_copies(bot, poll):  # a network poll: every linked server
            if not await may_answer_from(bot.db, poll.guild_id, poll.network_id, copy.guild_id):
                continue
            row = await repo.outbox_row(bot.db, f"poll-results:{poll.id}:{copy.guild_id}")
            theirs = await bot.delivery.sent_message_id(row) if row else None
            words = (
                body
                + "\n\n"
                + text.OUTCOME_RESULTS_LINK.format(
                    link=message_link(copy.guild_id, copy.channel_id, theirs)
                )
            )
            await bot.delivery.post(
                guild_id=copy.guild_id,
                channel_id=copy.channel_id,
                payload=message_payload(embeds=[embed(title, words)]),
                dedupe_key=f"poll-outcome:{poll.id}:{copy.guild_id}",
            )
        dm = message_payload(
            text.OUTCOME_DM_INTRO.format(question=cut(poll.question, 200)),
            embeds=[embed(title, posted)],
        )
        # Each voter through the server their vote counts in: that server's consent,
        # pause, notice and quiet hours apply.
        recipients = []
        for guild_id, voters in (await repo.voters_by_server(bot.db, poll.id)).items():
            notice = (
                settings.notice_version
                if guild_id == poll.guild_id
                else (await get_settings(bot.db, guild_id)).notice_version
            )
            wanting = set(
                await members_db.contactable_user_ids(
                    bot.db, guild_id, "dm_outcomes", bot.clock.now(), notice
                )
            )
            recipients += [(guild_id, u) for u in voters if u in wanting]
        # One transaction: quicker for thousands, and the batch becomes visible whole.
        async with bot.db.transaction():
            for guild_id, user_id in recipients:
                await bot.delivery.dm(
                    guild_id=guild_id,
                    user_id=user_id,
                    purpose="dm_outcomes",
                    payload=dm,
                    dedupe_key=f"poll-outcome:{poll.id}:{user_id}",
                    batch=f"poll-outcome:{poll.id}",
                )
        words = text.OUTCOME_SAVED if recipients else text.OUTCOME_SAVED_NO_DMS
        await interaction.followup.send(words.format(channel=poll.channel_id), ephemeral=True)


def _check_outcome_allowed(poll: Poll) -> None:
    if poll.is_open:
        raise Refusal(text.OUTCOME_OPEN)
    if poll.outcome_text is not None:
        raise Refusal(text.OUTCOME_EXISTS.format(text=poll.outcome_text, by=poll.outcome_by))


async def _poll_option(bot: SpeakBack, interaction: discord.Interaction, poll_id: int) -> Poll:
    """One of this server's own polls (to close, or record an outcome)."""
    poll = await repo.get_poll(bot.db, poll_id, actor_guild_id(interaction))
    if poll is None:
        shared = await _shared_poll(bot, interaction, poll_id)  # refuses if not shared here
        raise Refusal(text.HOME_ONLY.format(home=server_name(bot, shared.guild_id)))
    return poll


async def _shared_poll(bot: SpeakBack, interaction: discord.Interaction, poll_id: int) -> Poll:
    """This server's own poll, or a network poll shared here while still linked."""
    guild_id = actor_guild_id(interaction)
    poll = await repo.get_poll(bot.db, poll_id)
    if poll is None or not await may_answer_from(bot.db, poll.guild_id, poll.network_id, guild_id):
        raise Refusal(text.POLL_GONE)
    return poll


async def shared_here(bot: SpeakBack, guild_id: int, *, open_only: bool, search: str = ""):
    """Network polls of other servers posted here, while this server is still linked."""
    found = await repo.list_shared_with(bot.db, guild_id, open_only=open_only, search=search)
    return [
        p for p in found if await may_answer_from(bot.db, p["guild_id"], p["network_id"], guild_id)
    ]


async def poll_autocomplete(
    interaction: discord.Interaction, current: str, *, open_only: bool
) -> list[app_commands.Choice[int]]:
    if interaction.guild_id is None:
        return []
    found = await repo.list_polls(
        bot_of(interaction).db, interaction.guild_id, open_only=open_only, search=current
    )
    return [
        app_commands.Choice(
            name=cut(f"{p['question']}" + ("" if p["state"] == "open" else " (closed)"), 100),
            value=p["id"],
        )
        for p in found
    ]


async def any_poll(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[int]]:
    return await poll_autocomplete(interaction, current, open_only=False)


async def any_poll_seen_here(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[int]]:
    """This server's polls, then network polls shared here (for results and export)."""
    own = await poll_autocomplete(interaction, current, open_only=False)
    if interaction.guild_id is None:
        return own
    bot = bot_of(interaction)
    for p in await shared_here(bot, interaction.guild_id, open_only=False, search=current):
        closed = "" if p["state"] == "open" else " (closed)"
        name = f"{p['question']}{closed} (from {server_name(bot, p['guild_id'])})"
        own.append(app_commands.Choice(name=cut(name, 100), value=p["id"]))
    return own[:25]


async def open_polls(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[int]]:
    return await poll_autocomplete(interaction, current, open_only=True)


@app_commands.guild_only()
class PollGroup(app_commands.Group, name="poll", description=text.GROUP_DESCRIPTION):
    def __init__(self, bot: SpeakBack) -> None:
        super().__init__(extras=ORGANISER)
        self.bot = bot

    @app_commands.command(name="create", description=text.CREATE_DESCRIPTION, extras=ORGANISER)
    @app_commands.describe(
        kind=text.KIND_HELP,
        max_choices=text.MAX_CHOICES_HELP,
        anonymous=text.ANONYMOUS_HELP,
        results=text.RESULTS_HELP,
        closes=text.CLOSES_HELP,
        content_note=text.CONTENT_NOTE_HELP,
        reasons=text.REASONS_HELP,
        network=text.NETWORK_HELP,
        ping=text.PING_HELP,
    )
    @app_commands.choices(
        kind=[app_commands.Choice(name=k.value, value=k.value) for k in PollKind],
        results=[
            app_commands.Choice(name="live", value="live"),
            app_commands.Choice(name="at_close", value="at_close"),
        ],
    )
    async def create(
        self,
        interaction: discord.Interaction,
        kind: str,
        max_choices: app_commands.Range[int, 1, 25] | None = None,
        anonymous: bool = True,
        results: str = "at_close",
        closes: str | None = None,
        content_note: str | None = None,
        reasons: bool = False,
        network: bool = False,
        ping: bool = False,
    ) -> None:
        _actor, settings = await require_organiser(interaction)
        if network:  # refuses kindly, before the form, if this server is in no network
            await audience(self.bot.db, settings.guild_id, True)
        now = self.bot.clock.now()
        closes_at = parse_when(closes, settings.timezone, now) if closes else None
        chosen = check_settings(
            kind=kind,
            max_choices=max_choices,
            anonymous=anonymous,
            results=results,
            closes_at=closes_at,
            content_note=content_note,
            reasons=reasons,
        )
        await interaction.response.send_modal(CreatePollModal(chosen, ping, network))

    @app_commands.command(name="close", description=text.CLOSE_DESCRIPTION, extras=ORGANISER)
    @app_commands.describe(poll=text.POLL_HELP)
    @app_commands.autocomplete(poll=open_polls)
    async def close(self, interaction: discord.Interaction, poll: int) -> None:
        await require_organiser(interaction)
        found = await _poll_option(self.bot, interaction, poll)
        if not found.is_open:
            raise Refusal(text.ALREADY_CLOSED)
        await interaction.response.defer(ephemeral=True, thinking=True)
        await close_and_announce(self.bot, found.id)
        await self.bot.dispatcher.cancel(close_key(found.id))
        await interaction.followup.send(
            text.CLOSED_NOW.format(channel=found.channel_id), ephemeral=True
        )

    @app_commands.command(name="results", description=text.RESULTS_DESCRIPTION, extras=EVERYONE)
    @app_commands.describe(poll=text.POLL_HELP)
    @app_commands.autocomplete(poll=any_poll_seen_here)
    async def results(self, interaction: discord.Interaction, poll: int) -> None:
        found = await _shared_poll(self.bot, interaction, poll)
        if found.is_open and not found.live:
            words = (
                text.NOT_CLOSED_HIDDEN.format(when=discord_timestamp(found.closes_at, "F"))
                if found.closes_at
                else text.NOT_CLOSED_HIDDEN_NO_TIME
            )
            await interaction.response.send_message(words, ephemeral=True)
            return
        if found.is_open:
            live = await live_tally(self.bot.db, found)
            assert live is not None
            lines = [live.headline, ""] + [
                f"{n}. {o}: {amount(t, live.value_label)}"
                for n, (o, t) in enumerate(zip(live.options, live.totals, strict=True), 1)
            ]
            shown = embed(
                title_of(text.LIVE_TITLE.format(question=found.question)),
                cut("\n".join(lines), 4000),
            )
            await interaction.response.send_message(embed=shown, ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        png, alt = await asyncio.to_thread(render_chart, found)
        embeds = results_embeds(found, await server_lines(self.bot, found))
        embeds[0].set_image(url=f"attachment://{chart_file_name(found)}")
        chart = discord.File(io.BytesIO(png), filename=chart_file_name(found), description=alt)
        await interaction.followup.send(embeds=embeds, file=chart, ephemeral=True)

    @app_commands.command(name="export", description=text.EXPORT_DESCRIPTION, extras=ORGANISER)
    @app_commands.describe(poll=text.POLL_HELP)
    @app_commands.autocomplete(poll=any_poll_seen_here)
    async def export(self, interaction: discord.Interaction, poll: int) -> None:
        _actor, settings = await require_organiser(interaction)
        found = await _shared_poll(self.bot, interaction, poll)
        if found.is_open:
            raise Refusal(text.EXPORT_OPEN)
        await interaction.response.defer(ephemeral=True, thinking=True)
        ballots = await repo.closed_ballots(self.bot.db, found.id)
        viewer = settings.guild_id if found.network_id is not None else None
        data = await asyncio.to_thread(export_csv, found, ballots, viewer)
        words = text.EXPORT_READY.format(question=cut(found.question, 200))
        if found.anonymous:
            words += " " + text.EXPORT_ANONYMOUS_NOTE
        elif viewer is not None:
            words += " " + text.EXPORT_NETWORK_NOTE
        await interaction.followup.send(
            words,
            file=discord.File(io.BytesIO(data), filename=f"poll-{found.id}.csv"),
            ephemeral=True,
        )

    @app_commands.command(name="outcome", description=text.OUTCOME_DESCRIPTION, extras=ORGANISER)
    @app_commands.describe(poll=text.POLL_HELP)
    @app_commands.autocomplete(poll=any_poll)
    async def outcome(self, interaction: discord.Interaction, poll: int) -> None:
        await require_organiser(interaction)
        found = await _poll_option(self.bot, interaction, poll)
        _check_outcome_allowed(found)
        await interaction.response.send_modal(OutcomeModal(found.id))


class PollsCog(commands.Cog):
    def __init__(self, bot: SpeakBack) -> None:
        self.bot = bot
        self._refreshing: set[int] = set()
        self._stale: set[int] = set()
        bot.tree.add_command(PollGroup(bot))
        # Both exist once setup_hook has opened the database (not in command-only loads).
        if bot.dispatcher is not None:
            bot.dispatcher.register(CLOSE_JOB, self._close_job)
        if bot.retention is not None:
            bot.retention.add_sweeper(repo.sweep)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*BALLOT_ITEMS)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*BALLOT_ITEMS)
        self.bot.tree.remove_command("poll")

    @commands.Cog.listener()
    async def on_poll_vote(self, poll_id: int) -> None:
        """Update the turnout on the poll message; a burst of votes becomes a few refreshes.

        While one refresh runs, further votes only mark the poll; one more refresh
        then shows them all. The outbox coalesces the edits themselves too.
        """
        if poll_id in self._refreshing:
            self._stale.add(poll_id)
            return
        self._refreshing.add(poll_id)
        try:
            while True:
                self._stale.discard(poll_id)
                await refresh_poll_message(self.bot, poll_id)
                if poll_id not in self._stale:
                    break
        except Exception:
            log.exception("Could not update the turnout of poll %s", poll_id)
        finally:
            self._refreshing.discard(poll_id)

    async def _close_job(self, job: Job, now: datetime) -> None:
        """Scheduled close: runs however late (downtime), once; closing is idempotent."""
        await close_and_announce(self.bot, int(job.payload["poll_id"]))

    @app_commands.command(name="polls", description=text.LIST_DESCRIPTION, extras=MEMBER)
    @app_commands.guild_only()
    async def polls(self, interaction: discord.Interaction) -> None:
        guild_id = actor_guild_id(interaction)
        found = await repo.list_polls(self.bot.db, guild_id, open_only=True)
        found += await shared_here(self.bot, guild_id, open_only=True)
        if not found:
            await interaction.response.send_message(text.LIST_EMPTY, ephemeral=True)
            return
        mine = await repo.voted_anywhere(self.bot.db, interaction.user.id, [p["id"] for p in found])
        lines = []
        for p in found:
            closes = (
                text.LIST_CLOSES.format(
                    when=discord_timestamp(datetime.fromisoformat(p["closes_at"]), "R")
                )
                if p["closes_at"]
                else text.LIST_NO_CLOSE
            )
            shared = p.get("guild_id", guild_id) != guild_id
            question = cut(p["question"], 200) + (
                text.LIST_FROM.format(server=server_name(self.bot, p["guild_id"])) if shared else ""
            )
            lines.append(
                text.LIST_LINE.format(
                    question=question,
                    kind=text.KIND_NAMES[p["kind"]],
                    closes=closes,
                    voted=text.LIST_VOTED if p["id"] in mine else "",
                    link=message_link(guild_id, p["channel_id"], p["message_id"]),
                ).replace(" \n", "\n")
            )
        is_member = await members_db.is_member(self.bot.db, guild_id, interaction.user.id)
        lines.append("")
        lines.append(text.LIST_HOW if is_member else text.LIST_JOIN)
        await interaction.response.send_message(
            embed=embed(text.LIST_TITLE, cut("\n".join(lines), 4000)), ephemeral=True
        )


async def setup(bot: SpeakBack) -> None:
    await bot.add_cog(PollsCog(bot))
