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
from bot.commands import me_group
from bot.delivery import message_payload
from bot.domain.errors import Refusal
from bot.domain.members import PURPOSE_SERVICE, notice_is_current
from bot.domain.opportunities import (
    ALLOCATIONS,
    CANCELLED,
    CLEARABLE_NAMES,
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
    clear_changes,
    new_seed,
    summarise_fan_out,
    waitlist_position,
)
from bot.domain.timefmt import discord_timestamp
from bot.domain.when import WhenError, parse_when
from bot.errors import NotAllowed
from bot.guards import actor_guild_id, require_member, require_organiser
from bot.networks import audience, may_answer_from, per_server_lines, require_answerable_from
from bot.strings import opportunities as text
from bot.ui import DynamicView, SafeItem, embed, shown
from db import members as members_db
from db import network_items
from db import opportunities as repo
from db import outbox as outbox_db
from db.jobs import Job
from db.settings import get_settings

log = logging.getLogger(__name__)

MEMBER = {"audience": "member"}
ORGANISER = {"audience": "organiser"}
EVERYONE = {"audience": "everyone"}
KIND = "opportunity"  # in item_copies
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


async def shared_link(bot: SpeakBack, opp: Opportunity, guild_id: int) -> str:
    """Where a network opportunity was posted in this server."""
    for copy in await network_items.copies(bot.db, KIND, opp.id):
        if copy.guild_id == guild_id:
            if copy.message_id is None:
                return f"<#{copy.channel_id}>"
            return f"https://discord.com/channels/{guild_id}/{copy.channel_id}/{copy.message_id}"
    return ""


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
        lines.append(text.YES_MEANS)
        lines.append(text.NO_PRESSURE)
    return lines


def opportunity_embed(opp: Opportunity, confirmed: int) -> discord.Embed:
    title = opp.title if opp.is_open else f"{opp.title} ({opp.state})"
    result = embed(_cut(title, 256), _cut("\n".join(details_lines(opp, confirmed)), 4096))
    result.set_footer(text=text.FOOTER.format(id=opp.id))
    return result


def answer_view(opp_id: int, guild_id: int | None = None) -> discord.ui.View:
    """The two equal buttons. In a DM they carry the member's server (`guild_id`),
    so a network invitation is answered as a member of the server that sent it."""
    view = DynamicView()
    view.add_item(YesButton(opp_id, guild_id))
    view.add_item(NoButton(opp_id, guild_id=guild_id))
    return view


def post_payload(opp: Opportunity, confirmed: int) -> dict[str, Any]:
    view = answer_view(opp.id) if opp.is_open else DynamicView()
    return message_payload(embeds=[opportunity_embed(opp, confirmed)], view=view)


def invitation_payload(
    opp: Opportunity,
    server: str,
    confirmed: int,
    *,
    guild_id: int | None = None,
    home: str | None = None,
) -> dict[str, Any]:
    """The DM: the content note before anything else, then the same post and buttons.

    For a network opportunity sent to a member of another server, `guild_id` is
    that server (carried by the buttons) and `home` names the server it comes from.
    """
    if home is not None and guild_id is not None and guild_id != opp.guild_id:
        first = text.DM_INTRO_NETWORK.format(
            home=discord.utils.escape_markdown(home), server=discord.utils.escape_markdown(server)
        )
    else:
        first = text.DM_INTRO.format(server=discord.utils.escape_markdown(server))
    intro = [first]
    if opp.content_note:
        intro.insert(0, text.CONTENT_NOTE.format(note=shown(opp.content_note, MAX_SHORT_NOTE)))
    intro.append(text.DM_HOW_TO_STOP)
    return message_payload(
        "\n".join(intro),
        embeds=[opportunity_embed(opp, confirmed)],
        view=answer_view(opp.id, guild_id),
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
    """Show the current state (places left, closed, cancelled); bursts of edits coalesce.

    A network opportunity has a copy in each server it was posted to; all show the same.
    """
    opp = await repo.get(bot.db, opp_id)
    if opp is None:
        return
    payload = post_payload(opp, await repo.confirmed_count(bot.db, opp.id))
    targets = [(opp.guild_id, opp.channel_id, await post_message_id(bot, opp))]
    if opp.network_id is not None:
        for copy in await network_items.copies(bot.db, KIND, opp.id):
            if copy.guild_id != opp.guild_id:
                targets.append((copy.guild_id, copy.channel_id, copy.message_id))
    for guild_id, channel_id, message_id in targets:
        if message_id is not None:
            await bot.delivery.edit(
                guild_id=guild_id, channel_id=channel_id, message_id=message_id, payload=payload
            )


async def reached_guilds(bot: SpeakBack, opp: Opportunity) -> tuple[int, ...]:
    """The servers whose members may answer now: home, plus linked servers it was posted to."""
    if opp.network_id is None:
        return (opp.guild_id,)
    found = [opp.guild_id]
    for copy in await network_items.copies(bot.db, KIND, opp.id):
        if copy.guild_id not in found and await may_answer_from(
            bot.db, opp.guild_id, opp.network_id, copy.guild_id
        ):
            found.append(copy.guild_id)
    return tuple(found)


def server_name(bot: SpeakBack, guild_id: int) -> str:
    guild = bot.get_guild(guild_id)
    return guild.name if guild else "your server"


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


async def answering_member(
    interaction: discord.Interaction, opp: Opportunity, dm_guild_id: int | None = None
) -> tuple[int, int]:
    """(guild_id, user_id) of the member answering, re-checked now (rule 7).

    In a server, the usual member guard (it shows a changed notice first); in a
    DM (the invitation), membership of the server the button names (`dm_guild_id`,
    else the opportunity's own). Either way that server must still be allowed to
    answer: the home server, or a server still linked to the item's network.
    """
    bot = _bot(interaction)
    if interaction.guild_id is not None:
        if opp.guild_id != interaction.guild_id and opp.network_id is None:
            raise Refusal(text.NOT_FOUND)
        member = await require_member(interaction)
        await require_answerable_from(bot.db, opp.guild_id, opp.network_id, member.guild_id)
        return member.guild_id, member.user_id
    guild_id = dm_guild_id or opp.guild_id
    member_ = await members_db.get_member(bot.db, guild_id, interaction.user.id)
    if member_ is None:
        raise NotAllowed(strings.JOIN_FIRST)
    settings = await get_settings(bot.db, guild_id)
    if not notice_is_current(member_, settings.notice_version):
        raise Refusal(text.NOTICE_CHANGED)
    await require_answerable_from(bot.db, opp.guild_id, opp.network_id, guild_id)
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


def name_question(opp: Opportunity, home: str, guild_id: int | None) -> discord.ui.View:
    """Two equal grey buttons: share my name with the home organisers, or just count me."""
    view = DynamicView()
    view.add_item(NameButton(opp.id, "share", guild_id))
    view.add_item(NameButton(opp.id, "keep", guild_id))
    return view


async def record_answer(
    interaction: discord.Interaction, opp_id: int, said: str, dm_guild_id: int | None = None
) -> None:
    bot = _bot(interaction)
    opp = await repo.get(bot.db, opp_id)
    if opp is None:
        raise Refusal(text.NOT_FOUND)
    guild_id, user_id = await answering_member(interaction, opp, dm_guild_id)
    if (
        opp.message_id is None
        and interaction.guild_id == opp.guild_id
        and interaction.message is not None
    ):
        await repo.set_message_id(bot.db, opp.id, interaction.message.id)
    try:
        # A member of another server starts as a count only, until they agree (below).
        result, promoted = await repo.answer(
            bot.db,
            opp.id,
            guild_id,
            user_id,
            said,
            bot.clock.now(),
            show_name_to_host=guild_id == opp.guild_id,
        )
    except LookupError:
        raise Refusal(text.NOT_FOUND) from None
    # Committed above; only now is the member told (rule 10).
    words = thanks_for(opp, result)
    reply = result.reply
    if reply.guild_id != guild_id:
        words += "\n\n" + text.COUNTED_ELSEWHERE.format(
            server=discord.utils.escape_markdown(server_name(bot, reply.guild_id))
        )
    # Someone counted in another server is asked (on each yes press, so they can
    # change it) whether the home organisers may see their name; default: a count.
    if reply.state == INTERESTED and reply.guild_id != opp.guild_id:
        home = discord.utils.escape_markdown(server_name(bot, opp.guild_id))
        words += "\n\n" + text.NAME_QUESTION.format(home=home)
        words += " " + (text.NAME_NOW_SHARED if reply.show_name_to_host else text.NAME_NOW_KEPT)
        view = name_question(opp, home, dm_guild_id)
        await interaction.response.send_message(words, view=view, ephemeral=True)
    else:
        await interaction.response.send_message(words, ephemeral=True)
    if result.changed:
        await tell_promoted(bot, opp, promoted)
        await refresh_post(bot, opp.id)


def _guild_part(guild_id: int | None) -> str:
    return f":{guild_id}" if guild_id is not None else ""


def _guild_of(match: Any) -> int | None:
    return int(match["guild"]) if match["guild"] else None


class YesButton(
    SafeItem,
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"opp:(?P<id>[0-9]+):yes(?::(?P<guild>[0-9]+))?",
):
    def __init__(self, opp_id: int, guild_id: int | None = None) -> None:
        self.opp_id = opp_id
        self.guild_id = guild_id  # set on DM invitations: the member's server
        super().__init__(
            discord.ui.Button(
                label=strings.INTERESTED,
                style=discord.ButtonStyle.secondary,
                custom_id=f"opp:{opp_id}:yes{_guild_part(guild_id)}",
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), _guild_of(match))

    async def on_press(self, interaction: discord.Interaction) -> None:
        await record_answer(interaction, self.opp_id, INTERESTED, self.guild_id)


class NoButton(
    SafeItem,
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"opp:(?P<id>[0-9]+):no(?::(?P<guild>[0-9]+))?",
):
    """Not this time: same style as yes (rule 2). Also "step out" in /me opportunities."""

    def __init__(
        self, opp_id: int, label: str = strings.NOT_THIS_TIME, guild_id: int | None = None
    ) -> None:
        self.opp_id = opp_id
        self.guild_id = guild_id
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"opp:{opp_id}:no{_guild_part(guild_id)}",
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), guild_id=_guild_of(match))

    async def on_press(self, interaction: discord.Interaction) -> None:
        await record_answer(interaction, self.opp_id, DECLINED, self.guild_id)


class NameButton(
    SafeItem,
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"opp:(?P<id>[0-9]+):name:(?P<choice>share|keep)(?::(?P<guild>[0-9]+))?",
):
    """A member of another server chooses whether the home organisers see their name.

    Two equal grey buttons; either choice is fine. Re-checks membership (rule 7).
    """

    def __init__(self, opp_id: int, choice: str, guild_id: int | None = None) -> None:
        self.opp_id = opp_id
        self.choice = choice
        self.guild_id = guild_id
        super().__init__(
            discord.ui.Button(
                label=text.SHARE_NAME if choice == "share" else text.KEEP_COUNT,
                style=discord.ButtonStyle.secondary,
                custom_id=f"opp:{opp_id}:name:{choice}{_guild_part(guild_id)}",
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), match["choice"], _guild_of(match))

    async def on_press(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        opp = await repo.get(bot.db, self.opp_id)
        if opp is None:
            raise Refusal(text.NOT_FOUND)
        _guild_id, user_id = await answering_member(interaction, opp, self.guild_id)
        reply = await repo.reply_of_person(bot.db, opp.id, user_id)
        if reply is None or reply.state != INTERESTED:
            raise Refusal(text.NAME_NO_YES)
        await repo.set_show_name(bot.db, opp.id, user_id, self.choice == "share")
        home = discord.utils.escape_markdown(server_name(bot, opp.guild_id))
        done = text.NAME_SHARED if self.choice == "share" else text.NAME_KEPT
        await interaction.response.edit_message(
            content=done.format(home=home, title=opp.title), view=None
        )


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
        opp = await rostered_opportunity(interaction, self.opp_id)
        await interaction.response.send_message(
            embed=await roster_for(interaction, opp), ephemeral=True
        )


DYNAMIC_ITEMS = (YesButton, NoButton, NameButton, RosterButton)


# -- the roster -------------------------------------------------------------------------


def _person(entry: Any) -> str:
    mention = f"<@{entry.user_id}>"
    name = f"**{shown(entry.name, 100)}** ({mention})" if entry.name else mention
    if entry.access_needs:
        name += text.ROSTER_NEEDS.format(needs=shown(entry.access_needs, 500))
    return f"- {name}"


def roster_embed(
    opp: Opportunity,
    roster: Roster,
    by_server: list[str] | None = None,
    shared_by: str | None = None,
) -> discord.Embed:
    """Yes-sayers by name; declines and silence as totals only (rule 2).

    For a network opportunity, `by_server` is the suppressed per-server breakdown
    of yeses, and `shared_by` names the home server when the viewer is elsewhere.
    """
    lines: list[str] = []
    if shared_by is not None:
        lines += [text.ROSTER_OTHER_SERVER.format(home=shared_by), ""]
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
    if by_server:
        lines += [text.ROSTER_BY_SERVER, *by_server, ""]
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
    """One of this server's own opportunities (to edit, close or cancel)."""
    opp = await repo.get(_bot(interaction).db, opp_id, actor_guild_id(interaction))
    if opp is None:
        raise Refusal(text.NOT_FOUND)
    return opp


async def rostered_opportunity(interaction: discord.Interaction, opp_id: int) -> Opportunity:
    """This server's own, or a network opportunity shared here while still linked."""
    bot = _bot(interaction)
    guild_id = actor_guild_id(interaction)
    opp = await repo.get(bot.db, opp_id)
    if opp is None or not await may_answer_from(bot.db, opp.guild_id, opp.network_id, guild_id):
        raise Refusal(text.NOT_FOUND)
    return opp


async def roster_for(interaction: discord.Interaction, opp: Opportunity) -> discord.Embed:
    """The roster as this server's organisers may see it (names: see `may_name`)."""
    bot = _bot(interaction)
    viewer = actor_guild_id(interaction)
    reached = await reached_guilds(bot, opp)
    found = await repo.roster(bot.db, opp, viewer_guild_id=viewer, reached_guilds=reached)
    by_server = (
        await per_server_lines(bot.db, found.yes_by_server, text.BY_SERVER_UNIT)
        if opp.network_id is not None
        else None
    )
    shared_by = (
        discord.utils.escape_markdown(server_name(bot, opp.guild_id))
        if viewer != opp.guild_id
        else None
    )
    return roster_embed(opp, found, by_server, shared_by)


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


async def shared_and_own_opportunities(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[int]]:
    """For the roster: this server's, then network ones shared here (while linked)."""
    own = await rostered_opportunities(interaction, current)
    if interaction.guild_id is None:
        return own
    bot = _bot(interaction)
    shared = await repo.list_shared_with(
        bot.db, interaction.guild_id, states=(OPEN, CLOSED), search=current
    )
    for o in shared:
        if await may_answer_from(bot.db, o.guild_id, o.network_id, interaction.guild_id):
            name = f"{o.title} (from {server_name(bot, o.guild_id)})"
            own.append(app_commands.Choice(name=_cut(name, 100), value=o.id))
    return own[:25]


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
        reach = await audience(self.bot.db, settings.guild_id, network) if network else None
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
        targets, missing = [(settings.guild_id, channel_id)], []
        if reach is not None:  # home first (here, if no announcements channel), then the rest
            home_name = server_name(self.bot, settings.guild_id)
            targets += [t for t in reach.targets if t[0] != settings.guild_id]
            missing = [m for m in reach.missing if m != home_name]
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
        if reach is not None:
            opp = await self._share(opp, reach.network_id, targets, row_id)
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
        if reach is not None:
            names = [discord.utils.escape_markdown(server_name(self.bot, g)) for g, _c in targets]
            words = text.POSTED_NETWORK.format(count=len(names), servers=", ".join(names)) + words
            if missing:
                escaped = [discord.utils.escape_markdown(m) for m in missing]
                words += text.POSTED_MISSING.format(servers=", ".join(escaped))
        view = DynamicView()
        view.add_item(RosterButton(opp.id))
        await interaction.response.send_message(
            words + "\n" + text.POSTED_INVITES, view=view, ephemeral=True
        )

    async def _share(
        self,
        opp: Opportunity,
        network_id: int | None,
        targets: list[tuple[int, int]],
        home_row: int,
    ) -> Opportunity:
        """Post one copy in each other linked server and record every copy."""
        assert network_id is not None
        await network_items.set_network(self.bot.db, KIND, opp.id, network_id)
        opp = await repo.get(self.bot.db, opp.id) or opp
        await network_items.record_copy(self.bot.db, KIND, opp.id, *targets[0], home_row)
        payload = post_payload(opp, 0)  # no role ping beyond the home server
        for guild_id, channel_id in targets[1:]:
            row_id = await self.bot.delivery.post(
                guild_id=guild_id,
                channel_id=channel_id,
                payload=payload,
                dedupe_key=f"opp-post:{opp.id}:{guild_id}",
            )
            await network_items.record_copy(self.bot.db, KIND, opp.id, guild_id, channel_id, row_id)
        return opp

    @app_commands.command(name="roster", description=text.ROSTER_DESCRIPTION, extras=ORGANISER)
    @app_commands.describe(opportunity=text.OPPORTUNITY_HELP)
    @app_commands.autocomplete(opportunity=shared_and_own_opportunities)
    async def roster(self, interaction: discord.Interaction, opportunity: int) -> None:
        await require_organiser(interaction)
        opp = await rostered_opportunity(interaction, opportunity)
        await interaction.response.send_message(
            embed=await roster_for(interaction, opp), ephemeral=True
        )

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
    )
    @app_commands.choices(
        clear=[app_commands.Choice(name=n, value=v) for v, n in text.CLEAR_CHOICES.items()]
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
        clear: app_commands.Choice[str] | None = None,
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
        if clear is not None:
            changes |= clear_changes(opp, clear.value, set(changes))
        if not changes:
            raise Refusal(text.NOTHING_TO_EDIT)
        try:
            updated, promoted = await repo.edit(self.bot.db, opp.id, **changes)
        except LookupError:
            raise Refusal(text.NOT_OPEN) from None
        if "closes_at" in changes and changes["closes_at"] is None:
            await self.bot.dispatcher.cancel(close_key(opp.id))
        elif "closes_at" in changes:
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
                removed=text.EDITED_REMOVED.format(what=CLEARABLE_NAMES[clear.value])
                if clear is not None
                else "",
                promoted=text.EDITED_PROMOTED.format(
                    count=len(promoted), people=strings.people(len(promoted))
                )
                if promoted
                else "",
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
        words = (
            text.CANCELLED_NOW.format(count=len(yes), people=strings.people(len(yes)))
            if yes
            else text.CANCELLED_NOBODY
        )
        await interaction.response.send_message(words, ephemeral=True)
        await refresh_post(self.bot, cancelled.id)

    @app_commands.command(name="list", description=text.LIST_DESCRIPTION, extras=EVERYONE)
    async def list_(self, interaction: discord.Interaction) -> None:
        guild_id = actor_guild_id(interaction)
        found = await repo.list_for_guild(self.bot.db, guild_id)
        links = {opp.id: message_link(opp) for opp in found}
        for opp in await repo.list_shared_with(self.bot.db, guild_id):
            if await may_answer_from(self.bot.db, opp.guild_id, opp.network_id, guild_id):
                found.append(opp)
                links[opp.id] = await shared_link(self.bot, opp, guild_id)
        if not found:
            await interaction.response.send_message(text.LIST_EMPTY, ephemeral=True)
            return
        mine = await repo.answered_ids(self.bot.db, guild_id, interaction.user.id)
        for opp in found:  # an answer counted in another linked server is theirs too
            if opp.network_id is not None and opp.id not in mine:
                theirs = await repo.reply_of_person(self.bot.db, opp.id, interaction.user.id)
                if theirs is not None:
                    mine[opp.id] = theirs.state
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
                    link=links[opp.id],
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
    view = DynamicView()
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
        # Each server's own consent, pause and notice apply to its members. A person
        # in two linked servers is invited once, by the first server that may reach them.
        chosen: dict[int, int] = {}  # user -> the server inviting them
        members_total = 0
        for guild_id in await reached_guilds(self.bot, opp):
            settings = await get_settings(self.bot.db, guild_id)
            for user_id in await members_db.contactable_user_ids(
                self.bot.db, guild_id, PURPOSE, now, settings.notice_version
            ):
                chosen.setdefault(user_id, guild_id)
            everyone = await members_db.counts(self.bot.db, guild_id, now, settings.notice_version)
            members_total += everyone.members
        skipped = max(0, members_total - len(chosen))
        home = server_name(self.bot, opp.guild_id)
        payloads: dict[int, dict[str, Any]] = {}
        # One transaction: the batch becomes visible whole, so it cannot be
        # "finished" before its last invitation is queued.
        async with self.bot.db.transaction():
            for user_id, guild_id in chosen.items():
                if guild_id not in payloads:
                    payloads[guild_id] = invitation_payload(
                        opp,
                        server_name(self.bot, guild_id),
                        0,
                        guild_id=guild_id if opp.network_id is not None else None,
                        home=home,
                    )
                await self.bot.delivery.dm(
                    guild_id=guild_id,
                    user_id=user_id,
                    purpose=PURPOSE,
                    payload=payloads[guild_id],
                    dedupe_key=f"opp:{opp.id}:invite:{guild_id}:{user_id}",
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
