"""/opportunity post|roster|edit|cancel|close|list and /me opportunities.

Each command: parse, guard, one call to the flows (cogs/opportunities/flows.py),
answer with what ui.py builds. The cog registers the buttons, the invitation and
close jobs, and tells the organiser when the invitations are done.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import commitments
from bot.commands import me_group
from bot.domain.opportunities import ALLOCATIONS, FIRST_COME
from bot.domain.payments import FEE_PER, check_hours, check_role
from bot.domain.service_messages import Told
from bot.domain.text import cut
from bot.guards import actor_guild_id, require_member, require_organiser
from bot.notes import open_note_form, register_audience
from bot.strings import opportunities as text
from bot.strings import payments as pay_text
from cogs.opportunities import flows, pay_ui, paying, ui
from db import opportunities as repo
from db.jobs import Job

if TYPE_CHECKING:
    from bot.client import SpeakBack

MEMBER = {"audience": "member"}
ORGANISER = {"audience": "organiser"}
EVERYONE = {"audience": "everyone"}
FEE_PER_CHOICES = [app_commands.Choice(name=p, value=p) for p in FEE_PER]


@app_commands.guild_only()
class OpportunityGroup(app_commands.Group, name="opportunity", description=text.GROUP_DESCRIPTION):
    def __init__(self, followups: flows.Followups) -> None:
        super().__init__(extras=ORGANISER)
        self.followups = followups

    @app_commands.command(name="post", description=text.POST_DESCRIPTION, extras=ORGANISER)
    @app_commands.describe(
        title=text.TITLE_HELP,
        description=text.DESCRIPTION_HELP,
        when=text.WHEN_HELP,
        places=text.PLACES_HELP,
        allocation=text.ALLOCATION_HELP,
        payment=text.PAYMENT_HELP,
        content_note=text.CONTENT_NOTE_HELP,
        closes=text.CLOSES_HELP,
        network=text.NETWORK_HELP,
        ping=text.PING_HELP,
        fee=pay_text.FEE_HELP,
        fee_per=pay_text.FEE_PER_HELP,
        voucher=pay_text.VOUCHER_HELP,
        expenses=pay_text.EXPENSES_HELP,
    )
    @app_commands.choices(
        allocation=[app_commands.Choice(name=a, value=a) for a in ALLOCATIONS],
        fee_per=FEE_PER_CHOICES,
    )
    async def post(
        self,
        interaction: discord.Interaction[SpeakBack],
        title: str,
        description: str | None = None,
        when: str | None = None,
        places: int | None = None,
        allocation: str = FIRST_COME,
        payment: str | None = None,
        content_note: str | None = None,
        closes: str | None = None,
        network: bool = False,
        ping: bool = False,
        fee: str | None = None,
        fee_per: str | None = None,
        voucher: bool = False,
        expenses: str | None = None,
    ) -> None:
        actor, settings = await require_organiser(interaction)
        draft = flows.Draft(
            title,
            description,
            when,
            places,
            allocation,
            payment,
            content_note,
            closes,
            network,
            ping,
            fee=fee,
            fee_per=fee_per,
            voucher=voucher,
            expenses=expenses,
        )
        services = ui.services_of(interaction)
        if description is None:  # a form for it, where line breaks are kept
            await flows.check_before_form(services, settings, interaction.channel_id, draft)
            kept = await flows.latest_description(services, settings.guild_id, actor.user_id, title)
            await interaction.response.send_modal(ui.DescriptionModal(draft, kept))
            return
        found = await flows.start_draft(
            services, settings, actor.user_id, interaction.channel_id, draft
        )
        await ui.show_readback(interaction, found, settings.timezone, edit=False)

    @app_commands.command(name="roster", description=text.ROSTER_DESCRIPTION, extras=ORGANISER)
    @app_commands.describe(opportunity=text.OPPORTUNITY_HELP)
    @app_commands.autocomplete(opportunity=ui.shared_and_own_opportunities)
    async def roster(self, interaction: discord.Interaction[SpeakBack], opportunity: int) -> None:
        await ui.show_roster(interaction, opportunity)

    @app_commands.command(name="edit", description=text.EDIT_DESCRIPTION, extras=ORGANISER)
    @app_commands.describe(
        opportunity=text.OPPORTUNITY_HELP,
        title=text.TITLE_HELP,
        description=text.DESCRIPTION_HELP,
        when=text.WHEN_HELP,
        places=text.PLACES_HELP,
        payment=text.PAYMENT_HELP,
        content_note=text.CONTENT_NOTE_HELP,
        closes=text.CLOSES_HELP,
        clear=text.CLEAR_HELP,
        fee=pay_text.FEE_HELP,
        fee_per=pay_text.FEE_PER_HELP,
        voucher=pay_text.VOUCHER_HELP,
        expenses=pay_text.EXPENSES_HELP,
    )
    @app_commands.choices(
        clear=[app_commands.Choice(name=n, value=v) for v, n in text.CLEAR_CHOICES.items()],
        fee_per=FEE_PER_CHOICES,
    )
    @app_commands.autocomplete(opportunity=ui.open_opportunities)
    async def edit(
        self,
        interaction: discord.Interaction[SpeakBack],
        opportunity: int,
        title: str | None = None,
        description: str | None = None,
        when: str | None = None,
        places: int | None = None,
        payment: str | None = None,
        content_note: str | None = None,
        closes: str | None = None,
        clear: app_commands.Choice[str] | None = None,
        fee: str | None = None,
        fee_per: str | None = None,
        voucher: bool | None = None,
        expenses: str | None = None,
    ) -> None:
        _actor, settings = await require_organiser(interaction)
        asked = flows.Changes(
            title,
            description,
            when,
            places,
            payment,
            content_note,
            closes,
            clear.value if clear is not None else None,
            fee=fee,
            fee_per=fee_per,
            voucher=voucher,
            expenses=expenses,
        )

        async def answer(edited: flows.Edited) -> None:
            await interaction.response.send_message(ui.edited_words(edited), ephemeral=True)

        await flows.edit_opportunity(
            ui.services_of(interaction), ui.RENDER, opportunity, settings, asked, answer=answer
        )

    @app_commands.command(name="close", description=text.CLOSE_DESCRIPTION, extras=ORGANISER)
    @app_commands.describe(opportunity=text.OPPORTUNITY_HELP)
    @app_commands.autocomplete(opportunity=ui.open_opportunities)
    async def close(self, interaction: discord.Interaction[SpeakBack], opportunity: int) -> None:
        await require_organiser(interaction)
        closed = await flows.close_now(
            ui.services_of(interaction), ui.RENDER, opportunity, actor_guild_id(interaction)
        )
        await interaction.response.send_message(ui.closed_words(closed), ephemeral=True)

    @app_commands.command(name="cancel", description=text.CANCEL_DESCRIPTION, extras=ORGANISER)
    @app_commands.describe(opportunity=text.OPPORTUNITY_HELP)
    @app_commands.autocomplete(opportunity=ui.rostered_opportunities)
    async def cancel(self, interaction: discord.Interaction[SpeakBack], opportunity: int) -> None:
        await require_organiser(interaction)

        async def answer(told: Told) -> None:
            await interaction.response.send_message(ui.cancelled_words(told), ephemeral=True)

        await flows.cancel_opportunity(
            ui.services_of(interaction),
            ui.RENDER,
            opportunity,
            actor_guild_id(interaction),
            answer=answer,
        )

    @app_commands.command(name="message", description=text.MESSAGE_DESCRIPTION, extras=ORGANISER)
    @app_commands.describe(opportunity=text.OPPORTUNITY_HELP)
    @app_commands.autocomplete(opportunity=ui.rostered_opportunities)
    async def message(self, interaction: discord.Interaction[SpeakBack], opportunity: int) -> None:
        await open_note_form(interaction, flows.NOTE_KIND, str(opportunity))

    @app_commands.command(
        name="happened", description=pay_text.HAPPENED_DESCRIPTION, extras=ORGANISER
    )
    @app_commands.describe(
        opportunity=text.OPPORTUNITY_HELP, role=pay_text.ROLE_HELP, hours=pay_text.HOURS_HELP
    )
    @app_commands.autocomplete(opportunity=ui.rostered_opportunities)
    async def happened(
        self,
        interaction: discord.Interaction[SpeakBack],
        opportunity: int,
        role: str | None = None,
        hours: float | None = None,
    ) -> None:
        await require_organiser(interaction)
        role, hours = check_role(role), check_hours(hours)
        found = await paying.happened_candidates(
            ui.services_of(interaction), opportunity, actor_guild_id(interaction)
        )
        words, view = pay_ui.happened_message(found, role, hours)
        await interaction.response.send_message(words, view=view, ephemeral=True)

    @app_commands.command(
        name="payments", description=pay_text.PAYMENTS_DESCRIPTION, extras=ORGANISER
    )
    @app_commands.describe(opportunity=text.OPPORTUNITY_HELP)
    @app_commands.autocomplete(opportunity=ui.rostered_opportunities)
    async def payments(self, interaction: discord.Interaction[SpeakBack], opportunity: int) -> None:
        await pay_ui.show_payments(interaction, opportunity)

    @app_commands.command(name="list", description=text.LIST_DESCRIPTION, extras=EVERYONE)
    async def list_(self, interaction: discord.Interaction[SpeakBack]) -> None:
        guild_id = actor_guild_id(interaction)
        listing = await flows.list_opportunities(
            ui.services_of(interaction), guild_id, interaction.user.id
        )
        if not listing.items:
            await interaction.response.send_message(text.LIST_EMPTY, ephemeral=True)
            return
        await interaction.response.send_message(embed=ui.list_embed(listing), ephemeral=True)


class OpportunitiesCog(commands.Cog):
    def __init__(self, bot: SpeakBack) -> None:
        self.bot = bot
        # The organiser's interaction, to answer the fan-out summary in place (15 min).
        self.followups = flows.Followups()
        bot.tree.add_command(OpportunityGroup(self.followups))
        self._me = app_commands.Command(
            name="opportunities",
            description=text.ME_DESCRIPTION,
            callback=OpportunitiesCog.me_opportunities,
            extras=MEMBER,
        )
        self._me.binding = self
        me_group(bot).add_command(self._me)
        self._claim = app_commands.Command(
            name="claim",
            description=pay_text.CLAIM_DESCRIPTION,
            callback=OpportunitiesCog.me_claim,
            extras=MEMBER,
        )
        self._claim.binding = self
        self._claim.autocomplete("opportunity")(OpportunitiesCog.claimable)
        app_commands.describe(opportunity=pay_text.CLAIM_OPPORTUNITY_HELP)(self._claim)
        me_group(bot).add_command(self._claim)
        # Services exist once setup_hook has opened the database (not in command-only loads).
        if bot.services is not None:
            bot.services.dispatcher.register(flows.INVITE_JOB, self._invite_job)
            bot.services.dispatcher.register(flows.CLOSE_JOB, self._close_job)
            bot.services.retention.add_sweeper(repo.sweep)
            services = bot.services
            bot.services.retention.add_daily(lambda now: paying.daily(services, now))
        register_audience(flows.NOTE_KIND, flows.note_audience)
        commitments.register(flows.NOTE_KIND, ui.still_down_for)

    async def me_opportunities(self, interaction: discord.Interaction[SpeakBack]) -> None:
        member = await require_member(interaction, allow_outdated_notice=True)
        found = await flows.my_answers(ui.services_of(interaction), member.guild_id, member.user_id)
        if not found:
            await interaction.response.send_message(text.ME_EMPTY, ephemeral=True)
            return
        choices = await paying.my_choices(
            ui.services_of(interaction), [a.opportunity.id for a in found], member.user_id
        )
        answers, view = ui.my_answers_message(found, choices)
        await interaction.response.send_message(embed=answers, view=view, ephemeral=True)

    async def me_claim(self, interaction: discord.Interaction[SpeakBack], opportunity: int) -> None:
        member = await require_member(interaction)
        opp = await paying.claim_target(
            ui.services_of(interaction), opportunity, member.guild_id, member.user_id
        )
        await interaction.response.send_modal(pay_ui.ClaimModal(opp, member.guild_id))

    async def claimable(
        self, interaction: discord.Interaction[SpeakBack], current: str
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        found = await paying.claimable(
            ui.services_of(interaction), interaction.guild_id, interaction.user.id
        )
        wanted = current.strip().lower()
        return [
            app_commands.Choice(name=cut(o.title, 100), value=o.id)
            for o in found
            if wanted in o.title.lower()
        ][:25]

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*ui.DYNAMIC_ITEMS, *pay_ui.DYNAMIC_ITEMS)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*ui.DYNAMIC_ITEMS, *pay_ui.DYNAMIC_ITEMS)
        self.bot.tree.remove_command("opportunity")
        me_group(self.bot).remove_command("opportunities")
        me_group(self.bot).remove_command("claim")

    # -- jobs ---------------------------------------------------------------------

    async def _invite_job(self, job: Job, now: datetime) -> None:
        assert self.bot.services is not None
        await flows.queue_invitations(
            self.bot.services, ui.RENDER, self.followups, int(job.payload["opportunity_id"]), now
        )

    async def _close_job(self, job: Job, now: datetime) -> None:
        assert self.bot.services is not None
        await flows.close_job(self.bot.services, ui.RENDER, job.payload)

    # -- the fan-out summary ---------------------------------------------------------

    @commands.Cog.listener()
    async def on_outbox_batch_done(self, batch: str, counts: dict[str, int]) -> None:
        services = self.bot.services
        assert services is not None
        await flows.invitations_done(
            batch,
            counts,
            db=services.db,
            clock=services.clock,
            delivery=services.delivery,
            followups=self.followups,
        )


async def setup(bot: SpeakBack) -> None:
    await bot.add_cog(OpportunitiesCog(bot))
