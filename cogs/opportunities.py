"""/opportunity post|roster|edit|cancel|close|list and /me opportunities.

Organisers invite members to co-produce something. The post (and each invitation
DM) carries two equal grey buttons, **I'm interested** and **Not this time**
(rule 2). Every press re-checks membership (rule 7) and is committed before the
member is thanked (rule 10). Invitations go out through the outbox as one batch
(a dispatcher job enqueues them, so a large fan-out never holds up a command),
and the organiser gets one line when it is done. Closing (with the lottery
draw) is a dispatcher job that runs however late, once.

Organisers see names only of people who said yes; declines and silence are
totals (rule 2). Nothing is sent to anyone who declined or did not answer.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import strings
from bot.client import SpeakBack
from bot.delivery import message_payload
from bot.domain.errors import Refusal
from bot.domain.members import PURPOSE_SERVICE, notice_is_current
from bot.domain.opportunities import (
    ALLOCATIONS,
    CANCELLED,
    CLOSED,
    CONFIRMED,
    DECLINED,
    FIRST_COME,
    INTERESTED,
    MAX_DESCRIPTION,
    MAX_SHORT_NOTE,
    MAX_TITLE,
    MAX_WHEN_TEXT,
    OPEN,
    WAITLISTED,
    AnswerResult,
    Opportunity,
    Reply,
    Roster,
    check_allocation,
    check_closes,
    check_new_places,
    check_places,
    clean_text,
    new_seed,
    summarise_fan_out,
    waitlist_position,
)
from bot.domain.timefmt import discord_timestamp
from bot.domain.when import WhenError, parse_when
from bot.errors import NotAllowed
from bot.guards import actor_guild_id, require_member, require_organiser
from bot.strings import opportunities as text
from bot.ui import SafeItem, embed
from cogs._groups import me_group
from cogs.membership import shown
from db import members as members_db
from db import opportunities as repo
from db import outbox as outbox_db
from db.jobs import Job
from db.settings import get_settings

log = logging.getLogger(__name__)

MEMBER = {"audience": "member"}
ORGANISER = {"audience": "organiser"}
EVERYONE = {"audience": "everyone"}
INVITE_JOB = "opportunity_invite"
CLOSE_JOB = "opportunity_close"
PURPOSE = "dm_opportunities"
FOLLOWUP_WINDOW = timedelta(minutes=14)  # interaction tokens last 15 minutes


def _bot(interaction: discord.Interaction) -> SpeakBack:
    return interaction.client  # type: ignore[return-value]


def close_key(opp_id: int) -> str:
    return f"opportunity-close:{opp_id}"


def batch_of(opp_id: int) -> str:
    return f"opp:{opp_id}"


def _cut(words: str, limit: int) -> str:
    return words if len(words) <= limit else words[: limit - 1] + "…"


def message_link(opp: Opportunity) -> str:
    if opp.message_id is None:
        return f"<#{opp.channel_id}>"
    return f"https://discord.com/channels/{opp.guild_id}/{opp.channel_id}/{opp.message_id}"


# -- the post and the invitation --------------------------------------------------------


def details_lines(opp: Opportunity, confirmed: int) -> list[str]:
    """The opportunity in words; the content note comes first (rule 12)."""
    lines: list[str] = []
    if opp.content_note:
        lines += [text.CONTENT_NOTE.format(note=shown(opp.content_note, MAX_SHORT_NOTE)), ""]
    lines += [shown(opp.description, MAX_DESCRIPTION), ""]
    lines.append(
        text.PAYMENT.format(payment=shown(opp.payment, MAX_SHORT_NOTE))
        if opp.payment
        else text.NO_PAYMENT
    )
    if opp.when_at is not None:
        when = text.WHEN_AT.format(
            when=discord_timestamp(opp.when_at, "F"), relative=discord_timestamp(opp.when_at, "R")
        )
        lines.append(text.WHEN.format(when=when))
    elif opp.when_text:
        lines.append(text.WHEN.format(when=shown(opp.when_text, MAX_WHEN_TEXT)))
    if opp.places is None:
        lines.append(text.NO_LIMIT)
    elif opp.allocation == FIRST_COME:
        line = text.PLACES_FIRST_COME.format(places=opp.places)
        if opp.is_open:
            left = max(0, opp.places - confirmed)
            extra = (
                text.PLACES_LEFT.format(left=left, places=opp.places) if left else text.PLACES_FULL
            )
            line += " " + extra
        lines.append(line)
    else:
        lines.append(text.PLACES_LOTTERY.format(places=opp.places))
    lines.append("")
    if opp.state == CANCELLED:
        lines.append(text.CANCELLED_LINE)
    elif opp.state == CLOSED:
        lines.append(text.CLOSED_LINE)
    else:
        if opp.closes_at is not None:
            lines.append(
                text.CLOSES.format(
                    when=discord_timestamp(opp.closes_at, "F"),
                    relative=discord_timestamp(opp.closes_at, "R"),
                )
            )
        else:
            lines.append(text.OPEN_NO_CLOSE)
        lines.append(text.NO_PRESSURE)
    return lines


def opportunity_embed(opp: Opportunity, confirmed: int) -> discord.Embed:
    title = opp.title if opp.is_open else f"{opp.title} ({opp.state})"
    result = embed(_cut(title, 256), _cut("\n".join(details_lines(opp, confirmed)), 4096))
    result.set_footer(text=text.FOOTER.format(id=opp.id))
    return result


def answer_view(opp_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(YesButton(opp_id))
    view.add_item(NoButton(opp_id))
    return view


def post_payload(opp: Opportunity, confirmed: int) -> dict[str, Any]:
    view = answer_view(opp.id) if opp.is_open else discord.ui.View(timeout=None)
    return message_payload(embeds=[opportunity_embed(opp, confirmed)], view=view)


def invitation_payload(opp: Opportunity, server: str, confirmed: int) -> dict[str, Any]:
    """The DM: the content note before anything else, then the same post and buttons."""
    intro = [text.DM_INTRO.format(server=discord.utils.escape_markdown(server))]
    if opp.content_note:
        intro.insert(0, text.CONTENT_NOTE.format(note=shown(opp.content_note, MAX_SHORT_NOTE)))
    intro.append(text.DM_HOW_TO_STOP)
    return message_payload(
        "\n".join(intro), embeds=[opportunity_embed(opp, confirmed)], view=answer_view(opp.id)
    )


def note_payload(title: str, body: str) -> dict[str, Any]:
    return message_payload(embeds=[embed(_cut(title, 256), body)])


async def post_message_id(bot: SpeakBack, opp: Opportunity) -> int | None:
    if opp.message_id is not None:
        return opp.message_id
    if opp.post_outbox_id is None:
        return None
    message_id = await bot.delivery.sent_message_id(opp.post_outbox_id)
    if message_id is not None:
        await repo.set_message_id(bot.db, opp.id, message_id)
    return message_id


async def refresh_post(bot: SpeakBack, opp_id: int) -> None:
    """Show the current state (places left, closed, cancelled); bursts of edits coalesce."""
    opp = await repo.get(bot.db, opp_id)
    if opp is None:
        return
    message_id = await post_message_id(bot, opp)
    if message_id is None:
        return
    payload = post_payload(opp, await repo.confirmed_count(bot.db, opp.id))
    await bot.delivery.edit(
        guild_id=opp.guild_id, channel_id=opp.channel_id, message_id=message_id, payload=payload
    )


async def tell_promoted(bot: SpeakBack, opp: Opportunity, promoted: list[Reply]) -> None:
    """A place came free: tell each promoted member, if they allow opportunity DMs."""
    for reply in promoted:
        await bot.delivery.dm(
            guild_id=reply.guild_id,
            user_id=reply.user_id,
            purpose=PURPOSE,
            payload=note_payload(text.PROMOTED_TITLE, text.PROMOTED.format(title=opp.title)),
            dedupe_key=f"opp:{opp.id}:promoted:{reply.guild_id}:{reply.user_id}:{reply.seq}",
        )


async def close_and_announce(bot: SpeakBack, opp_id: int) -> Opportunity | None:
    """Close once (drawing the lottery), tell those drawn, update the post. Idempotent."""
    try:
        opp, _closed_now = await repo.close(bot.db, opp_id, bot.clock.now())
    except LookupError:
        return None
    if opp.state == CLOSED and opp.is_lottery and opp.drawn_at is not None:
        replies = await repo.replies(bot.db, opp.id)
        for reply in replies:
            if reply.state != INTERESTED:
                continue  # nothing is ever sent to someone who declined or was silent
            if reply.place == CONFIRMED:
                body = text.DRAW_CONFIRMED.format(title=opp.title)
            else:
                position = waitlist_position(reply, replies)
                body = text.DRAW_WAITLISTED.format(title=opp.title, position=position)
            await bot.delivery.dm(
                guild_id=reply.guild_id,
                user_id=reply.user_id,
                purpose=PURPOSE,
                payload=note_payload(text.DRAW_TITLE.format(title=opp.title), body),
                dedupe_key=f"opp:{opp.id}:draw:{reply.guild_id}:{reply.user_id}",
            )
    await refresh_post(bot, opp.id)
    return opp


# -- answering -------------------------------------------------------------------------


async def answering_member(interaction: discord.Interaction, opp: Opportunity) -> tuple[int, int]:
    """(guild_id, user_id) of the member answering, re-checked now (rule 7).

    In the server, the usual member guard (it shows a changed notice first). In a
    DM (the invitation), membership of the opportunity's server is checked.
    """
    bot = _bot(interaction)
    if interaction.guild_id is not None:
        member = await require_member(interaction)
        if opp.guild_id != member.guild_id:
            raise Refusal(text.NOT_FOUND)
        return member.guild_id, member.user_id
    member_ = await members_db.get_member(bot.db, opp.guild_id, interaction.user.id)
    if member_ is None:
        raise NotAllowed(strings.JOIN_FIRST)
    settings = await get_settings(bot.db, opp.guild_id)
    if not notice_is_current(member_, settings.notice_version):
        raise Refusal(text.NOTICE_CHANGED)
    return member_.guild_id, member_.user_id


def thanks_for(opp: Opportunity, result: AnswerResult) -> str:
    reply = result.reply
    if reply.state == DECLINED:
        return text.DECLINED
    if reply.state != INTERESTED:
        return text.WITHDRAWN.format(title=opp.title)
    if reply.place == WAITLISTED:
        first = text.THANKS_WAITLISTED.format(title=opp.title, position=result.position)
    elif reply.place == CONFIRMED:
        first = (text.THANKS_CONFIRMED if opp.places is not None else text.THANKS_NO_LIMIT).format(
            title=opp.title
        )
    else:
        when = discord_timestamp(opp.closes_at, "F") if opp.closes_at else ""
        first = text.THANKS_IN_DRAW.format(title=opp.title, when=when)
    return "\n\n".join([first, text.ACCESS_HINT, text.CHANGE_HINT])


async def record_answer(interaction: discord.Interaction, opp_id: int, said: str) -> None:
    bot = _bot(interaction)
    opp = await repo.get(bot.db, opp_id)
    if opp is None:
        raise Refusal(text.NOT_FOUND)
    guild_id, user_id = await answering_member(interaction, opp)
    if opp.message_id is None and interaction.guild_id is not None and interaction.message:
        await repo.set_message_id(bot.db, opp.id, interaction.message.id)
    try:
        result, promoted = await repo.answer(
            bot.db, opp.id, guild_id, user_id, said, bot.clock.now()
        )
    except LookupError:
        raise Refusal(text.NOT_FOUND) from None
    # Committed above; only now is the member told (rule 10).
    await interaction.response.send_message(thanks_for(opp, result), ephemeral=True)
    if result.changed:
        await tell_promoted(bot, opp, promoted)
        await refresh_post(bot, opp.id)


class YesButton(
    SafeItem, discord.ui.DynamicItem[discord.ui.Button], template=r"opp:(?P<id>[0-9]+):yes"
):
    def __init__(self, opp_id: int) -> None:
        self.opp_id = opp_id
        super().__init__(
            discord.ui.Button(
                label=strings.INTERESTED,
                style=discord.ButtonStyle.secondary,
                custom_id=f"opp:{opp_id}:yes",
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]))

    async def on_press(self, interaction: discord.Interaction) -> None:
        await record_answer(interaction, self.opp_id, INTERESTED)


class NoButton(
    SafeItem, discord.ui.DynamicItem[discord.ui.Button], template=r"opp:(?P<id>[0-9]+):no"
):
    """Not this time: same style as yes (rule 2). Also "step out" in /me opportunities."""

    def __init__(self, opp_id: int, label: str = strings.NOT_THIS_TIME) -> None:
        self.opp_id = opp_id
        super().__init__(
            discord.ui.Button(
                label=label, style=discord.ButtonStyle.secondary, custom_id=f"opp:{opp_id}:no"
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]))

    async def on_press(self, interaction: discord.Interaction) -> None:
        await record_answer(interaction, self.opp_id, DECLINED)


class RosterButton(
    SafeItem, discord.ui.DynamicItem[discord.ui.Button], template=r"opp:(?P<id>[0-9]+):roster"
):
    """On the organiser's own confirmation: see the roster (organisers only, re-checked)."""

    def __init__(self, opp_id: int) -> None:
        self.opp_id = opp_id
        super().__init__(
            discord.ui.Button(
                label=text.SEE_ROSTER,
                style=discord.ButtonStyle.secondary,
                custom_id=f"opp:{opp_id}:roster",
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]))

    async def on_press(self, interaction: discord.Interaction) -> None:
        await require_organiser(interaction)
        opp = await organisers_opportunity(interaction, self.opp_id)
        await interaction.response.send_message(
            embed=roster_embed(opp, await repo.roster(_bot(interaction).db, opp)), ephemeral=True
        )


DYNAMIC_ITEMS = (YesButton, NoButton, RosterButton)


# -- the roster -------------------------------------------------------------------------


def _person(entry: Any) -> str:
    mention = f"<@{entry.user_id}>"
    name = f"**{shown(entry.name, 100)}** ({mention})" if entry.name else mention
    if entry.access_needs:
        name += text.ROSTER_NEEDS.format(needs=shown(entry.access_needs, 500))
    return f"- {name}"


def roster_embed(opp: Opportunity, roster: Roster) -> discord.Embed:
    """Yes-sayers by name; declines and silence as totals only (rule 2)."""
    lines: list[str] = []
    sections = []
    if opp.places is None:
        sections.append((text.ROSTER_SAID_YES, roster.confirmed))
    else:
        sections.append((text.ROSTER_CONFIRMED, roster.confirmed))
        sections.append((text.ROSTER_WAITLISTED, roster.waitlisted))
    if roster.in_draw:
        sections.append((text.ROSTER_IN_DRAW, roster.in_draw))
    for heading, entries in sections:
        lines.append(heading.format(count=len(entries)))
        lines.extend(_person(e) for e in entries)
        if not entries:
            lines.append(text.ROSTER_NOBODY)
        lines.append("")
    if roster.unnamed_yes:
        lines += [text.ROSTER_UNNAMED.format(count=roster.unnamed_yes), ""]
    if opp.answers_erased_at is not None:
        lines.append(text.ROSTER_ERASED)
    else:
        lines.append(text.ROSTER_TOTALS.format(declined=roster.declined, no_reply=roster.no_reply))
    lines += ["", text.ROSTER_PRIVACY]
    title = text.ROSTER_TITLE.format(title=opp.title)
    if not opp.is_open:
        title += f" ({opp.state})"
    result = embed(_cut(title, 256), _cut("\n".join(lines), 4096))
    result.set_footer(text=text.FOOTER.format(id=opp.id))
    return result


async def organisers_opportunity(interaction: discord.Interaction, opp_id: int) -> Opportunity:
    opp = await repo.get(_bot(interaction).db, opp_id, actor_guild_id(interaction))
    if opp is None:
        raise Refusal(text.NOT_FOUND)
    return opp


# -- autocomplete -----------------------------------------------------------------------


async def _choices(
    interaction: discord.Interaction, current: str, states: tuple[str, ...]
) -> list[app_commands.Choice[int]]:
    if interaction.guild_id is None:
        return []
    found = await repo.list_for_guild(
        _bot(interaction).db, interaction.guild_id, states=states, search=current
    )
    return [
        app_commands.Choice(
            name=_cut(o.title + ("" if o.is_open else f" ({o.state})"), 100), value=o.id
        )
        for o in found
    ]


async def open_opportunities(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[int]]:
    return await _choices(interaction, current, (OPEN,))


async def rostered_opportunities(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[int]]:
    return await _choices(interaction, current, (OPEN, CLOSED))


# -- the commands ----------------------------------------------------------------------


def read_when(value: str | None, zone: str, now: datetime) -> tuple[str | None, datetime | None]:
    """A date we can show as a timestamp, or plain words ("Tuesdays in January")."""
    cleaned = clean_text(value, what="time", limit=MAX_WHEN_TEXT)
    if cleaned is None:
        return None, None
    try:
        return None, parse_when(cleaned, zone, now)
    except WhenError as error:
        if error.kind == "past":
            raise
        return cleaned, None


@app_commands.guild_only()
class OpportunityGroup(app_commands.Group, name="opportunity", description=text.GROUP_DESCRIPTION):
    def __init__(self, bot: SpeakBack) -> None:
        super().__init__(extras=ORGANISER)
        self.bot = bot

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
    )
    @app_commands.choices(allocation=[app_commands.Choice(name=a, value=a) for a in ALLOCATIONS])
    async def post(
        self,
        interaction: discord.Interaction,
        title: str,
        description: str,
        when: str | None = None,
        places: int | None = None,
        allocation: str = FIRST_COME,
        payment: str | None = None,
        content_note: str | None = None,
        closes: str | None = None,
        network: bool = False,
        ping: bool = False,
    ) -> None:
        actor, settings = await require_organiser(interaction)
        if network:
            raise Refusal(text.NETWORK_NOT_YET)
        now = self.bot.clock.now()
        title_ = clean_text(title, what="title", limit=MAX_TITLE, required=True)
        description_ = clean_text(
            description, what="description", limit=MAX_DESCRIPTION, required=True
        )
        when_text, when_at = read_when(when, settings.timezone, now)
        places_ = check_places(places)
        closes_at = check_closes(
            parse_when(closes, settings.timezone, now) if closes else None, now
        )
        allocation_ = check_allocation(allocation, places_, closes_at)
        channel_id = settings.announcements_channel_id or interaction.channel_id
        if channel_id is None:
            raise Refusal(text.NO_CHANNEL)
        assert title_ is not None and description_ is not None
        opp = await repo.create(
            self.bot.db,
            guild_id=settings.guild_id,
            channel_id=channel_id,
            title=title_,
            description=description_,
            when_text=when_text,
            when_at=when_at,
            places=places_,
            allocation=allocation_,
            payment=clean_text(payment, what="payment note", limit=MAX_SHORT_NOTE),
            content_note=clean_text(content_note, what="content note", limit=MAX_SHORT_NOTE),
            closes_at=closes_at,
            seed=new_seed(),
            posted_by=actor.user_id,
            now=now,
        )
        payload = post_payload(opp, 0)
        role = settings.announce_role_id if ping else None
        if role is not None:
            payload = {**payload, "content": f"<@&{role}>", "ping_role_id": role}
        row_id = await self.bot.delivery.post(
            guild_id=opp.guild_id,
            channel_id=channel_id,
            payload=payload,
            dedupe_key=f"opp-post:{opp.id}",
        )
        await repo.set_post(self.bot.db, opp.id, row_id)
        if closes_at is not None:
            await self.bot.dispatcher.schedule(
                CLOSE_JOB, closes_at, {"opportunity_id": opp.id}, close_key(opp.id), opp.guild_id
            )
        cog = self.bot.get_cog("OpportunitiesCog")
        if isinstance(cog, OpportunitiesCog):
            cog.remember_followup(opp.id, interaction, now)
        # Invitations are queued by a job, so a fan-out to many never holds up this reply.
        await self.bot.dispatcher.schedule(
            INVITE_JOB,
            now,
            {"opportunity_id": opp.id},
            f"opportunity-invite:{opp.id}",
            opp.guild_id,
        )
        closes_words = (
            text.POSTED_CLOSES.format(
                when=discord_timestamp(closes_at, "F"), relative=discord_timestamp(closes_at, "R")
            )
            if closes_at
            else text.POSTED_NO_CLOSE
        )
        words = text.POSTED.format(
            channel=channel_id,
            closes=closes_words,
            lottery=text.POSTED_LOTTERY if opp.is_lottery else "",
        )
        view = discord.ui.View(timeout=None)
        view.add_item(RosterButton(opp.id))
        await interaction.response.send_message(
            words + "\n" + text.POSTED_INVITES, view=view, ephemeral=True
        )

    @app_commands.command(name="roster", description=text.ROSTER_DESCRIPTION, extras=ORGANISER)
    @app_commands.describe(opportunity=text.OPPORTUNITY_HELP)
    @app_commands.autocomplete(opportunity=rostered_opportunities)
    async def roster(self, interaction: discord.Interaction, opportunity: int) -> None:
        await require_organiser(interaction)
        opp = await organisers_opportunity(interaction, opportunity)
        found = await repo.roster(self.bot.db, opp)
        await interaction.response.send_message(embed=roster_embed(opp, found), ephemeral=True)

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
    )
    @app_commands.autocomplete(opportunity=open_opportunities)
    async def edit(
        self,
        interaction: discord.Interaction,
        opportunity: int,
        title: str | None = None,
        description: str | None = None,
        when: str | None = None,
        places: int | None = None,
        payment: str | None = None,
        content_note: str | None = None,
        closes: str | None = None,
    ) -> None:
        _actor, settings = await require_organiser(interaction)
        opp = await organisers_opportunity(interaction, opportunity)
        if not opp.is_open:
            raise Refusal(text.NOT_OPEN)
        now = self.bot.clock.now()
        changes: dict[str, Any] = {}
        if title is not None:
            changes["title"] = clean_text(title, what="title", limit=MAX_TITLE, required=True)
        if description is not None:
            changes["description"] = clean_text(
                description, what="description", limit=MAX_DESCRIPTION, required=True
            )
        if when is not None:
            changes["when_text"], changes["when_at"] = read_when(when, settings.timezone, now)
        if places is not None:
            confirmed = await repo.confirmed_count(self.bot.db, opp.id)
            changes["places"] = check_new_places(opp, places, confirmed)
        if payment is not None:
            changes["payment"] = clean_text(payment, what="payment note", limit=MAX_SHORT_NOTE)
        if content_note is not None:
            changes["content_note"] = clean_text(
                content_note, what="content note", limit=MAX_SHORT_NOTE
            )
        if closes is not None:
            changes["closes_at"] = check_closes(parse_when(closes, settings.timezone, now), now)
        if not changes:
            raise Refusal(text.NOTHING_TO_EDIT)
        try:
            updated, promoted = await repo.edit(self.bot.db, opp.id, **changes)
        except LookupError:
            raise Refusal(text.NOT_OPEN) from None
        if "closes_at" in changes:
            await self.bot.dispatcher.schedule(
                CLOSE_JOB,
                changes["closes_at"],
                {"opportunity_id": opp.id},
                close_key(opp.id),
                opp.guild_id,
            )
        await interaction.response.send_message(
            text.EDITED.format(
                channel=opp.channel_id,
                promoted=text.EDITED_PROMOTED.format(count=len(promoted)) if promoted else "",
            ),
            ephemeral=True,
        )
        await tell_promoted(self.bot, updated, promoted)
        await refresh_post(self.bot, opp.id)

    @app_commands.command(name="close", description=text.CLOSE_DESCRIPTION, extras=ORGANISER)
    @app_commands.describe(opportunity=text.OPPORTUNITY_HELP)
    @app_commands.autocomplete(opportunity=open_opportunities)
    async def close(self, interaction: discord.Interaction, opportunity: int) -> None:
        await require_organiser(interaction)
        opp = await organisers_opportunity(interaction, opportunity)
        if not opp.is_open:
            raise Refusal(text.ALREADY_CLOSED)
        closed = await close_and_announce(self.bot, opp.id)
        await self.bot.dispatcher.cancel(close_key(opp.id))
        draw = ""
        if closed is not None and closed.is_lottery:
            replies = await repo.replies(self.bot.db, opp.id)
            draw = text.CLOSED_DRAW.format(
                confirmed=sum(r.place == CONFIRMED for r in replies),
                waitlisted=sum(r.place == WAITLISTED for r in replies),
            )
        await interaction.response.send_message(
            text.CLOSED_NOW.format(channel=opp.channel_id, draw=draw), ephemeral=True
        )

    @app_commands.command(name="cancel", description=text.CANCEL_DESCRIPTION, extras=ORGANISER)
    @app_commands.describe(opportunity=text.OPPORTUNITY_HELP)
    @app_commands.autocomplete(opportunity=rostered_opportunities)
    async def cancel(self, interaction: discord.Interaction, opportunity: int) -> None:
        await require_organiser(interaction)
        opp = await organisers_opportunity(interaction, opportunity)
        if opp.state == CANCELLED:
            raise Refusal(text.ALREADY_CANCELLED)
        cancelled, yes = await repo.cancel(self.bot.db, opp.id, self.bot.clock.now())
        await self.bot.dispatcher.cancel(close_key(opp.id))
        await outbox_db.cancel_pending(self.bot.db, batch=batch_of(opp.id))
        for reply in yes:
            await self.bot.delivery.dm(
                guild_id=reply.guild_id,
                user_id=reply.user_id,
                purpose=PURPOSE_SERVICE,  # they said yes: they need to know it is off
                payload=note_payload(
                    text.CANCELLED_TITLE.format(title=opp.title),
                    text.CANCELLED_DM.format(title=opp.title),
                ),
                dedupe_key=f"opp:{opp.id}:cancelled:{reply.guild_id}:{reply.user_id}",
            )
        words = text.CANCELLED_NOW.format(count=len(yes)) if yes else text.CANCELLED_NOBODY
        await interaction.response.send_message(words, ephemeral=True)
        await refresh_post(self.bot, cancelled.id)

    @app_commands.command(name="list", description=text.LIST_DESCRIPTION, extras=EVERYONE)
    async def list_(self, interaction: discord.Interaction) -> None:
        guild_id = actor_guild_id(interaction)
        found = await repo.list_for_guild(self.bot.db, guild_id)
        if not found:
            await interaction.response.send_message(text.LIST_EMPTY, ephemeral=True)
            return
        mine = await repo.answered_ids(self.bot.db, guild_id, interaction.user.id)
        lines = []
        for opp in found:
            confirmed = await repo.confirmed_count(self.bot.db, opp.id)
            if opp.places is None:
                places = text.NO_LIMIT.replace("**", "")
            elif opp.is_lottery:
                places = text.PLACES_LOTTERY.format(places=opp.places).replace("**", "")
            else:
                left = max(0, opp.places - confirmed)
                places = (
                    text.PLACES_LEFT.format(left=left, places=opp.places)
                    if left
                    else text.PLACES_FULL
                )
            closes = (
                text.LIST_CLOSES.format(when=discord_timestamp(opp.closes_at, "R"))
                if opp.closes_at
                else ""
            )
            lines.append(
                text.LIST_LINE.format(
                    title=_cut(opp.title, 200),
                    places=places,
                    closes=closes,
                    link=message_link(opp),
                    mine=text.LIST_MINE.get(mine.get(opp.id, ""), ""),
                )
            )
        if not await members_db.is_member(self.bot.db, guild_id, interaction.user.id):
            lines += ["", text.LIST_JOIN]
        await interaction.response.send_message(
            embed=embed(text.LIST_TITLE, _cut("\n".join(lines), 4096)), ephemeral=True
        )


# -- /me opportunities ------------------------------------------------------------------


def my_answer_words(item: repo.MyAnswer) -> str:
    reply, opp = item.reply, item.opportunity
    if reply.state != INTERESTED:
        return text.ME_STATE[reply.state]
    if reply.place == WAITLISTED:
        return text.ME_STATE["waitlisted"].format(position=item.position)
    if reply.place == CONFIRMED:
        return text.ME_STATE["confirmed" if opp.places is not None else "confirmed_no_limit"]
    return text.ME_STATE["in_draw"]


async def my_opportunities(cog: OpportunitiesCog, interaction: discord.Interaction) -> None:
    member = await require_member(interaction, allow_outdated_notice=True)
    found = await repo.answers_of(cog.bot.db, member.guild_id, member.user_id)
    if not found:
        await interaction.response.send_message(text.ME_EMPTY, ephemeral=True)
        return
    lines = [
        text.ME_LINE.format(
            title=_cut(item.opportunity.title, 200),
            item_state=text.ME_ITEM_STATE[item.opportunity.state],
            answer=my_answer_words(item),
        )
        for item in found
    ]
    view = discord.ui.View(timeout=None)
    for item in found:
        if item.reply.state == INTERESTED and item.opportunity.state != CANCELLED:
            label = text.STEP_OUT.format(title=item.opportunity.title)
            if len(view.children) < 25:
                view.add_item(NoButton(item.opportunity.id, label=_cut(label, 80)))
    if view.children:
        lines += ["", text.ME_FOOTER]
    await interaction.response.send_message(
        embed=embed(text.ME_TITLE, _cut("\n".join(lines), 4096)), view=view, ephemeral=True
    )


# -- the cog -----------------------------------------------------------------------------


class OpportunitiesCog(commands.Cog):
    def __init__(self, bot: SpeakBack) -> None:
        self.bot = bot
        # The organiser's interaction, to answer the fan-out summary in place (15 min).
        self.followups: dict[int, tuple[discord.Interaction, datetime]] = {}
        bot.tree.add_command(OpportunityGroup(bot))
        self._me = app_commands.Command(
            name="opportunities",
            description=text.ME_DESCRIPTION,
            callback=OpportunitiesCog.me_opportunities,
            extras=MEMBER,
        )
        self._me.binding = self
        me_group(bot).add_command(self._me)
        # Both exist once setup_hook has opened the database (not in command-only loads).
        if bot.dispatcher is not None:
            bot.dispatcher.register(INVITE_JOB, self._invite_job)
            bot.dispatcher.register(CLOSE_JOB, self._close_job)
        if bot.retention is not None:
            bot.retention.add_sweeper(repo.sweep)

    def remember_followup(
        self, opp_id: int, interaction: discord.Interaction, now: datetime
    ) -> None:
        # Forget interactions too old to answer (e.g. a fan-out cancelled part way).
        for key, (_, at) in list(self.followups.items()):
            if now - at >= FOLLOWUP_WINDOW:
                del self.followups[key]
        self.followups[opp_id] = (interaction, now)

    async def me_opportunities(self, interaction: discord.Interaction) -> None:
        await my_opportunities(self, interaction)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*DYNAMIC_ITEMS)
        self.bot.tree.remove_command("opportunity")
        me_group(self.bot).remove_command("opportunities")

    # -- jobs ---------------------------------------------------------------------

    async def _invite_job(self, job: Job, now: datetime) -> None:
        """Queue the invitation DMs (idempotent: each has a dedupe key)."""
        opp = await repo.get(self.bot.db, int(job.payload["opportunity_id"]))
        if opp is None or not opp.is_open:
            return
        settings = await get_settings(self.bot.db, opp.guild_id)
        chosen = await members_db.contactable_user_ids(
            self.bot.db, opp.guild_id, PURPOSE, now, settings.notice_version
        )
        everyone = await members_db.counts(self.bot.db, opp.guild_id, now, settings.notice_version)
        skipped = max(0, everyone.members - len(chosen))
        guild = self.bot.get_guild(opp.guild_id)
        payload = invitation_payload(opp, guild.name if guild else "your server", 0)
        # One transaction: the batch becomes visible whole, so it cannot be
        # "finished" before its last invitation is queued.
        async with self.bot.db.transaction():
            for user_id in chosen:
                await self.bot.delivery.dm(
                    guild_id=opp.guild_id,
                    user_id=user_id,
                    purpose=PURPOSE,
                    payload=payload,
                    dedupe_key=f"opp:{opp.id}:invite:{opp.guild_id}:{user_id}",
                    batch=batch_of(opp.id),
                )
            await repo.set_fan_out(self.bot.db, opp.id, len(chosen), skipped)
        if not chosen:
            await self._tell_organiser(opp.id, {})

    async def _close_job(self, job: Job, now: datetime) -> None:
        """Scheduled close: runs however late (downtime), once; closing is idempotent."""
        await close_and_announce(self.bot, int(job.payload["opportunity_id"]))

    # -- the fan-out summary ---------------------------------------------------------

    @commands.Cog.listener()
    async def on_outbox_batch_done(self, batch: str, counts: dict[str, int]) -> None:
        prefix, _, number = batch.partition(":")
        if prefix != "opp" or not number.isdigit():
            return
        await self._tell_organiser(int(number), counts)

    async def _tell_organiser(self, opp_id: int, counts: dict[str, int]) -> None:
        opp = await repo.get(self.bot.db, opp_id)
        if opp is None or not await repo.claim_summary(self.bot.db, opp_id):
            return
        summary = summarise_fan_out(counts, opp.skipped_by_preference or 0)
        if not counts:
            words = text.SUMMARY_NONE.format(title=opp.title, skipped=summary.skipped)
        else:
            words = text.SUMMARY.format(
                title=opp.title,
                sent=summary.sent,
                skipped=summary.skipped,
                undeliverable=summary.undeliverable,
            )
            if summary.waiting:
                words += text.SUMMARY_WAITING.format(waiting=summary.waiting)
        held = self.followups.pop(opp_id, None)
        if held is not None and self.bot.clock.now() - held[1] < FOLLOWUP_WINDOW:
            try:
                await held[0].followup.send(words, ephemeral=True)
                return
            except discord.HTTPException:
                log.info("The organiser's interaction expired; sending the summary by DM")
        if opp.posted_by is None:
            return
        await self.bot.delivery.dm(
            guild_id=opp.guild_id,
            user_id=opp.posted_by,
            purpose=PURPOSE_SERVICE,
            payload=message_payload(words),
            dedupe_key=f"opp:{opp.id}:summary",
            urgent=True,
        )


async def setup(bot: SpeakBack) -> None:
    await bot.add_cog(OpportunitiesCog(bot))
