"""/poll create|close|results|export|outcome and /polls: polls on service priorities.

The commands, the scheduled close (a dispatcher job that runs however late, once),
the turnout refresh after votes and the retention sweeper. What each does is in
`cogs.polls.flows`; the messages and forms in `cogs.polls.ui`, the ballot in
`cogs.polls.ballot`. Every command and form re-checks the organiser role on our
side (rule 7).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import forms
from bot.domain.ballots import PollKind
from bot.domain.errors import Refusal
from bot.domain.polls import check_settings
from bot.guards import actor_guild_id, require_organiser
from bot.networks import audience
from bot.strings import polls as text
from cogs.polls import flows, ui
from cogs.polls.ballot import BALLOT_ITEMS
from db import polls as repo
from db.jobs import Job

if TYPE_CHECKING:
    from bot.client import SpeakBack

MEMBER = {"audience": "member"}
OUTCOME_FORM = "outcome"  # opened through bot/forms.py (the outcomes feature registers it)
ORGANISER = {"audience": "organiser"}
EVERYONE = {"audience": "everyone"}


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
        interaction: discord.Interaction[SpeakBack],
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
        reading = flows.read_closes(closes, settings.timezone, now, settings.date_order)
        closes_at = reading.at if reading else None
        chosen = check_settings(
            kind=kind,
            max_choices=max_choices,
            anonymous=anonymous,
            results=results,
            closes_at=closes_at,
            content_note=content_note,
            reasons=reasons,
        )
        typed = closes.strip() if closes else None
        await interaction.response.send_modal(
            ui.CreatePollModal(chosen, ping, network, flows.closes_fields(reading, typed))
        )

    @app_commands.command(name="edit", description=text.EDIT_DESCRIPTION, extras=ORGANISER)
    @app_commands.describe(
        poll=text.POLL_HELP, closes=text.EDIT_CLOSES_HELP, content_note=text.EDIT_CONTENT_NOTE_HELP
    )
    @app_commands.autocomplete(poll=ui.open_polls)
    async def edit(
        self,
        interaction: discord.Interaction[SpeakBack],
        poll: int,
        closes: str | None = None,
        content_note: str | None = None,
    ) -> None:
        _actor, settings = await require_organiser(interaction)
        found = await ui.own_poll(interaction, poll)
        edited = await flows.edit_poll(
            self.bot.services, ui.RENDER, found, settings, closes=closes, content_note=content_note
        )
        await interaction.response.send_message(ui.edited_words(edited), ephemeral=True)

    @app_commands.command(name="close", description=text.CLOSE_DESCRIPTION, extras=ORGANISER)
    @app_commands.describe(poll=text.POLL_HELP)
    @app_commands.autocomplete(poll=ui.open_polls)
    async def close(self, interaction: discord.Interaction[SpeakBack], poll: int) -> None:
        await require_organiser(interaction)
        found = await ui.own_poll(interaction, poll)
        if not found.is_open:
            raise Refusal(text.ALREADY_CLOSED)
        await interaction.response.defer(ephemeral=True, thinking=True)
        await flows.close_now(self.bot.services, ui.RENDER, found)
        await interaction.followup.send(
            text.CLOSED_NOW.format(channel=found.channel_id), ephemeral=True
        )

    @app_commands.command(name="results", description=text.RESULTS_DESCRIPTION, extras=EVERYONE)
    @app_commands.describe(poll=text.POLL_HELP)
    @app_commands.autocomplete(poll=ui.any_poll_seen_here)
    async def results(self, interaction: discord.Interaction[SpeakBack], poll: int) -> None:
        found = await ui.shared_poll(interaction, poll)
        if found.is_open and not found.live:
            await interaction.response.send_message(ui.hidden_results_words(found), ephemeral=True)
        elif found.is_open:
            live = await flows.live_tally(self.bot.db, found)
            assert live is not None
            await interaction.response.send_message(
                embed=ui.live_results_embed(found, live), ephemeral=True
            )
        else:
            await interaction.response.defer(ephemeral=True, thinking=True)
            shown = await flows.closed_results(self.bot.services, found)
            embeds = ui.results_with_chart(found, shown.by_server, shown.chart)
            chart = ui.chart_file(shown.chart)
            if chart is None:
                await interaction.followup.send(embeds=embeds, ephemeral=True)
            else:
                await interaction.followup.send(embeds=embeds, file=chart, ephemeral=True)

    @app_commands.command(name="export", description=text.EXPORT_DESCRIPTION, extras=ORGANISER)
    @app_commands.describe(poll=text.POLL_HELP)
    @app_commands.autocomplete(poll=ui.any_poll_seen_here)
    async def export(self, interaction: discord.Interaction[SpeakBack], poll: int) -> None:
        _actor, settings = await require_organiser(interaction)
        found = await ui.shared_poll(interaction, poll)
        if found.is_open:
            raise Refusal(text.EXPORT_OPEN)
        await interaction.response.defer(ephemeral=True, thinking=True)
        export = await flows.export_poll(self.bot.services, found, settings.guild_id)
        await interaction.followup.send(
            ui.export_words(export), file=ui.export_file(export), ephemeral=True
        )

    @app_commands.command(name="outcome", description=text.OUTCOME_DESCRIPTION, extras=ORGANISER)
    @app_commands.describe(poll=text.POLL_HELP)
    @app_commands.autocomplete(poll=ui.any_poll)
    async def outcome(self, interaction: discord.Interaction[SpeakBack], poll: int) -> None:
        await require_organiser(interaction)
        found = await ui.own_poll(interaction, poll)
        await flows.check_outcome_allowed(self.bot.services, found)
        # The outcomes feature's form: what was decided, status, progress, review date.
        await forms.open_form(OUTCOME_FORM, interaction, {"item": f"poll:{found.id}"})


class PollsCog(commands.Cog):
    def __init__(self, bot: SpeakBack) -> None:
        self.bot = bot
        self.turnout = flows.TurnoutRefresher(ui.RENDER)
        bot.tree.add_command(PollGroup(bot))
        # Both exist once setup_hook has opened the database (not in command-only loads).
        if bot.dispatcher is not None:
            bot.dispatcher.register(flows.CLOSE_JOB, self._close_job)
        if bot.retention is not None:
            bot.retention.add_sweeper(repo.sweep)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*BALLOT_ITEMS, ui.PollDraftButton, ui.PollDetailsButton)
        forms.register(ui.POLL_FORM, ui.open_prefilled_poll)  # e.g. Start a poll on an idea

    async def cog_unload(self) -> None:
        forms.unregister(ui.POLL_FORM)
        self.bot.remove_dynamic_items(*BALLOT_ITEMS, ui.PollDraftButton, ui.PollDetailsButton)
        self.bot.tree.remove_command("poll")

    @commands.Cog.listener()
    async def on_poll_vote(self, poll_id: int) -> None:
        """Update the turnout on the poll's posts (a burst of votes, a few refreshes)."""
        await self.turnout.voted(self.bot.services, poll_id)

    async def _close_job(self, job: Job, now: datetime) -> None:
        """Scheduled close: runs however late (downtime), once; closing is idempotent."""
        await flows.close_job(self.bot.services, ui.RENDER, job.payload)

    @app_commands.command(name="polls", description=text.LIST_DESCRIPTION, extras=MEMBER)
    @app_commands.guild_only()
    async def polls(self, interaction: discord.Interaction[SpeakBack]) -> None:
        guild_id = actor_guild_id(interaction)
        found = await flows.list_open_polls(self.bot.services, guild_id, interaction.user.id)
        if not found.polls:
            await interaction.response.send_message(text.LIST_EMPTY, ephemeral=True)
            return
        await interaction.response.send_message(
            embed=ui.open_polls_embed(self.bot, found, guild_id), ephemeral=True
        )


async def setup(bot: SpeakBack) -> None:
    await bot.add_cog(PollsCog(bot))
