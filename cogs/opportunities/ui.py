"""What opportunities look like in Discord: the post, the invitation, the buttons, the roster.

The post (and each invitation DM) carries two equal grey buttons, **I'm
interested** and **Not this time** (rule 2). Every press re-checks membership
(rule 7). Organisers see names only of people who said yes; declines and silence
are totals (rule 2). Custom ids and class names here are forever: buttons on
month-old posts must keep working (tests/unit/test_custom_ids.py).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot import strings
from bot.commitments import Commitment
from bot.delivery import message_payload
from bot.domain.errors import Refusal
from bot.domain.opportunities import (
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
)
from bot.domain.payments import Offer, expenses_of
from bot.domain.service_messages import Told
from bot.domain.suppression import suppress_counts
from bot.domain.text import cut
from bot.domain.timefmt import discord_timestamp, full_and_relative, plain_local
from bot.guards import actor_guild_id, require_in_server, require_member, require_organiser
from bot.networks import require_answerable_from
from bot.strings import opportunities as text
from bot.strings import payments as pay_text
from bot.ui import (
    DynamicView,
    ReadbackButton,
    SafeButton,
    SafeModal,
    embed,
    readback_view,
    shown,
    text_field,
)
from cogs.opportunities import flows, pay_ui, paying
from db import opportunities as repo

if TYPE_CHECKING:
    from bot.client import SpeakBack
    from bot.services import Services

log = logging.getLogger(__name__)

Payload = dict[str, Any]


def services_of(interaction: discord.Interaction[SpeakBack]) -> Services:
    services = interaction.client.services
    assert services is not None  # built in setup_hook, before any interaction
    return services


def escaped(name: str) -> str:
    return discord.utils.escape_markdown(name)


# -- the post and the invitation --------------------------------------------------------


def details_lines(opp: Opportunity, confirmed: int) -> list[str]:
    """The opportunity in words; the content note comes first (rule 12)."""
    lines: list[str] = []
    if opp.content_note:
        # The note once; the description waits behind Show details (rule 12).
        lines += [text.CONTENT_NOTE.format(note=shown(opp.content_note, MAX_SHORT_NOTE)), ""]
        lines += [strings.HELD_BACK, ""]
    else:
        lines += [shown(opp.description, MAX_DESCRIPTION), ""]
    lines += payment_lines(opp.payment, opp.offer)
    if opp.when_at is not None:
        when = text.WHEN_AT.format(
            **full_and_relative(opp.when_at),
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
                    **full_and_relative(opp.closes_at),
                )
            )
        else:
            lines.append(text.OPEN_NO_CLOSE)
        lines.append(text.YES_MEANS)
        lines.append(text.NO_PRESSURE)
    return lines


def payment_lines(note: str | None, offer: Offer) -> list[str]:
    """The payment note as written, the offer in plain words, and a calm caution
    about benefits whenever a payment is offered."""
    lines = []
    if note:
        lines.append(text.PAYMENT.format(payment=shown(note, MAX_SHORT_NOTE)))
    described = offer.describe()
    if described:
        lines += [pay_text.OFFER_LINE.format(offer=described), pay_text.CAUTION]
    if not lines:
        lines.append(text.NO_PAYMENT)
    return lines


def opportunity_embed(opp: Opportunity, confirmed: int) -> discord.Embed:
    title = opp.title if opp.is_open else f"{opp.title} ({opp.state})"
    result = embed(cut(title, 256), cut("\n".join(details_lines(opp, confirmed)), 4096))
    result.set_footer(text=text.FOOTER.format(id=opp.id))
    return result


def answer_view(
    opp_id: int, guild_id: int | None = None, *, details: bool = False
) -> discord.ui.View:
    """The two equal buttons. In a DM they carry the member's server (`guild_id`),
    so a network invitation is answered as a member of the server that sent it.
    `details`: the post holds its description back behind **Show details**."""
    view = DynamicView()
    view.add_item(YesButton(opp_id, guild_id))
    view.add_item(NoButton(opp_id, guild_id=guild_id))
    if details:
        view.add_item(OppDetailsButton(opp_id, guild_id))
    return view


def post_payload(opp: Opportunity, confirmed: int) -> Payload:
    has_note = bool(opp.content_note)
    if opp.is_open:
        view = answer_view(opp.id, details=has_note)
    else:
        view = DynamicView()
        if has_note:
            view.add_item(OppDetailsButton(opp.id))
    return message_payload(embeds=[opportunity_embed(opp, confirmed)], view=view)


def opportunity_details_embed(opp: Opportunity) -> discord.Embed:
    """What a content note holds back on the post and the DM, for the one person who asked."""
    lines = [text.CONTENT_NOTE.format(note=shown(opp.content_note or "", MAX_SHORT_NOTE)), ""]
    lines.append(shown(opp.description, MAX_DESCRIPTION))
    return embed(cut(opp.title, 256), cut("\n".join(lines), 4096))


class OppDetailsButton(SafeButton, template=r"opp:(?P<id>[0-9]+):details(?::(?P<guild>[0-9]+))?"):
    """**Show details** on an opportunity with a content note: its description, privately.

    In a DM it carries the member's server, like the answer buttons."""

    def __init__(self, opp_id: int, guild_id: int | None = None) -> None:
        self.opp_id = opp_id
        self.guild_id = guild_id
        tail = f":{guild_id}" if guild_id is not None else ""
        super().__init__(f"opp:{opp_id}:details{tail}", label=strings.SHOW_DETAILS)

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        guild = match["guild"]
        return cls(int(match["id"]), int(guild) if guild else None)

    async def on_press(self, interaction: discord.Interaction) -> None:
        services = services_of(interaction)
        guild_id = self.guild_id or interaction.guild_id  # a DM from before: its home
        if guild_id is None:
            guild_id = (await flows.get_opportunity(services, self.opp_id)).guild_id
        opp = await flows.get_rostered_opportunity(services, self.opp_id, guild_id)
        await interaction.response.send_message(
            embed=opportunity_details_embed(opp), ephemeral=True
        )


def invitation_payload(
    opp: Opportunity,
    server: str,
    confirmed: int,
    *,
    guild_id: int | None = None,
    home: str | None = None,
) -> Payload:
    """The DM: the content note before anything else, then the same post and buttons.

    For a network opportunity sent to a member of another server, `guild_id` is
    that server (carried by the buttons) and `home` names the server it comes from.
    """
    if home is not None and guild_id is not None and guild_id != opp.guild_id:
        first = text.DM_INTRO_NETWORK.format(home=escaped(home), server=escaped(server))
    else:
        first = text.DM_INTRO.format(server=escaped(server))
    # The content note is in the embed, first, once; the description waits behind
    # Show details (never the note twice, issue 29).
    intro = [first, text.DM_HOW_TO_STOP]
    return message_payload(
        "\n".join(intro),
        embeds=[opportunity_embed(opp, confirmed)],
        view=answer_view(opp.id, guild_id, details=bool(opp.content_note)),
    )


def note_payload(title: str, body: str) -> Payload:
    return message_payload(embeds=[embed(cut(title, 256), body)])


class Messages:
    """The `flows.Render` the feature's flows ask for their payloads."""

    def post(self, opp: Opportunity, confirmed: int) -> Payload:
        return post_payload(opp, confirmed)

    def invitation(
        self, opp: Opportunity, server: str, *, guild_id: int | None, home: str
    ) -> Payload:
        return invitation_payload(opp, server, 0, guild_id=guild_id, home=home)

    def note(self, title: str, body: str) -> Payload:
        return note_payload(title, body)

    def place_note(self, opp: Opportunity, title: str, body: str) -> Payload:
        if not opp.offer.offers_payment:
            return note_payload(title, body)
        ask = paying.generic_asking(opp)
        return message_payload(
            embeds=[embed(cut(title, 256), body + "\n\n" + pay_ui.ask_words(ask))],
            view=pay_ui.choice_view(ask),
        )


RENDER: flows.Render = Messages()


def in_place(interaction: discord.Interaction) -> flows.Tell:
    """Answer the organiser's command again (its token lasts 15 minutes)."""

    async def tell(words: str) -> bool:
        try:
            await interaction.followup.send(words, ephemeral=True)
        except discord.HTTPException:
            log.info("The organiser's interaction expired; sending the summary by DM")
            return False
        return True

    return tell


# -- what the organiser is told -------------------------------------------------------


def posted_words(created: flows.Created) -> str:
    opp, published = created.opp, created.published
    closes_words = (
        text.POSTED_CLOSES.format(
            **full_and_relative(opp.closes_at),
        )
        if opp.closes_at
        else text.POSTED_NO_CLOSE
    )
    words = text.POSTED.format(
        channel=created.channel_id,
        closes=closes_words,
        lottery=text.POSTED_LOTTERY if opp.is_lottery else "",
    )
    if published.networked:
        names = [escaped(name) for name in published.servers]
        words = text.POSTED_NETWORK.format(count=len(names), servers=", ".join(names)) + words
        if published.missing:
            missing = [escaped(name) for name in published.missing]
            words += text.POSTED_MISSING.format(servers=", ".join(missing))
    return words + "\n" + text.POSTED_INVITES


def roster_button_view(opp_id: int) -> discord.ui.View:
    view = DynamicView()
    view.add_item(RosterButton(opp_id))
    return view


def edited_words(edited: flows.Edited) -> str:
    promoted = edited.promoted
    return text.EDITED.format(
        channel=edited.opp.channel_id,
        removed=text.EDITED_REMOVED.format(what=edited.removed) if edited.removed else "",
        promoted=text.EDITED_PROMOTED.format(
            count=len(promoted), people=strings.people(len(promoted))
        )
        if promoted
        else "",
    ) + (
        text.EDITED_TOLD.format(
            told=strings.service_told(edited.told.total, edited.told.split, text.EDITED_TOLD_WHO)
        )
        if edited.told is not None and edited.told.total
        else ""
    )


def closed_words(closed: flows.Closed) -> str:
    draw = ""
    if closed.drawn is not None:
        confirmed, waitlisted = closed.drawn
        draw = text.CLOSED_DRAW.format(confirmed=confirmed, waitlisted=waitlisted)
    return text.CLOSED_NOW.format(channel=closed.opp.channel_id, draw=draw)


def cancelled_words(told: Told) -> str:
    if not told.total:
        return text.CANCELLED_NOBODY
    return text.CANCELLED_NOW.format(
        told=strings.service_told(told.total, told.split, text.EDITED_TOLD_WHO)
    )


# -- answering -------------------------------------------------------------------------


async def answering_member(
    interaction: discord.Interaction[SpeakBack], opp: Opportunity, dm_guild_id: int | None = None
) -> tuple[int, int]:
    """(guild_id, user_id) of the member answering, re-checked now (rule 7).

    In a server, the usual member guard (it shows a changed notice first); in a
    DM (the invitation), membership of the server the button names (`dm_guild_id`,
    else the opportunity's own). Either way that server must still be allowed to
    answer: the home server, or a server still linked to the item's network.
    """
    services = services_of(interaction)
    if interaction.guild_id is not None:
        if opp.guild_id != interaction.guild_id and opp.network_id is None:
            raise Refusal(text.NOT_FOUND)
        member = await require_member(interaction)
        guild_id, user_id = member.guild_id, member.user_id
    else:
        guild_id, user_id = await flows.get_invited_member(
            services, dm_guild_id or opp.guild_id, interaction.user.id
        )
        await require_in_server(interaction, guild_id)  # they may have left the server
    await require_answerable_from(services.db, opp.guild_id, opp.network_id, guild_id)
    return guild_id, user_id


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


def name_question(opp_id: int, guild_id: int | None) -> discord.ui.View:
    """Two equal grey buttons: share my name with the home organisers, or just count me."""
    view = DynamicView()
    view.add_item(NameButton(opp_id, "share", guild_id))
    view.add_item(NameButton(opp_id, "keep", guild_id))
    return view


async def answer(
    interaction: discord.Interaction[SpeakBack], opp_id: int, said: str, dm_guild_id: int | None
) -> None:
    """A press of I'm interested / Not this time (on a post, an invitation or /me)."""
    services = services_of(interaction)
    opp = await flows.get_opportunity(services, opp_id)
    guild_id, user_id = await answering_member(interaction, opp, dm_guild_id)
    pressed = interaction.message if interaction.guild_id == opp.guild_id else None

    async def thank(answered: flows.Answered) -> None:
        words = thanks_for(opp, answered.result)
        if answered.counted_in is not None:
            words += "\n\n" + text.COUNTED_ELSEWHERE.format(server=escaped(answered.counted_in))
        # A place on one offering payment: how they'd like it, privately (issue 24).
        ask = await paying.asking(services, opp, answered.result.reply)
        if ask is not None and not answered.ask_name:
            words += "\n\n" + pay_ui.ask_words(ask)
            await interaction.response.send_message(
                words, view=pay_ui.choice_view(ask), ephemeral=True
            )
            return
        # Someone counted in another server is asked (on each yes press, so they can
        # change it) whether the home organisers may see their name; default: a count.
        if answered.ask_name:
            words += "\n\n" + text.NAME_QUESTION.format(home=escaped(answered.home))
            shared = answered.result.reply.show_name_to_host
            words += " " + (text.NAME_NOW_SHARED if shared else text.NAME_NOW_KEPT)
            view = name_question(opp.id, dm_guild_id)
            await interaction.response.send_message(words, view=view, ephemeral=True)
        else:
            await interaction.response.send_message(words, ephemeral=True)

    await flows.record_answer(
        services,
        RENDER,
        opp,
        guild_id,
        user_id,
        said,
        home_message_id=pressed.id if pressed is not None else None,
        thank=thank,
    )


def _guild_part(guild_id: int | None) -> str:
    return f":{guild_id}" if guild_id is not None else ""


def _guild_of(match: Any) -> int | None:
    return int(match["guild"]) if match["guild"] else None


class YesButton(SafeButton, template=r"opp:(?P<id>[0-9]+):yes(?::(?P<guild>[0-9]+))?"):
    def __init__(self, opp_id: int, guild_id: int | None = None) -> None:
        self.opp_id = opp_id
        self.guild_id = guild_id  # set on DM invitations: the member's server
        super().__init__(f"opp:{opp_id}:yes{_guild_part(guild_id)}", label=strings.INTERESTED)

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), _guild_of(match))

    async def on_press(self, interaction: discord.Interaction) -> None:
        await answer(interaction, self.opp_id, INTERESTED, self.guild_id)


class NoButton(SafeButton, template=r"opp:(?P<id>[0-9]+):no(?::(?P<guild>[0-9]+))?"):
    """Not this time: same style as yes (rule 2). Also "step out" in /me opportunities."""

    def __init__(
        self, opp_id: int, label: str = strings.NOT_THIS_TIME, guild_id: int | None = None
    ) -> None:
        self.opp_id = opp_id
        self.guild_id = guild_id
        super().__init__(f"opp:{opp_id}:no{_guild_part(guild_id)}", label=label)

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), guild_id=_guild_of(match))

    async def on_press(self, interaction: discord.Interaction) -> None:
        await answer(interaction, self.opp_id, DECLINED, self.guild_id)


class NameButton(
    SafeButton,
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
            f"opp:{opp_id}:name:{choice}{_guild_part(guild_id)}",
            label=text.SHARE_NAME if choice == "share" else text.KEEP_COUNT,
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), match["choice"], _guild_of(match))

    async def on_press(self, interaction: discord.Interaction) -> None:
        services = services_of(interaction)
        opp = await flows.get_opportunity(services, self.opp_id)
        _guild_id, user_id = await answering_member(interaction, opp, self.guild_id)
        share = self.choice == "share"
        home = await flows.choose_name(services, opp, user_id, share)
        done = text.NAME_SHARED if share else text.NAME_KEPT
        words = done.format(home=escaped(home), title=opp.title)
        reply = await repo.reply_of_person(services.db, opp.id, user_id)
        ask = await paying.asking(services, opp, reply) if reply is not None else None
        if ask is not None:  # with a place on one offering payment: how, privately
            words += "\n\n" + pay_ui.ask_words(ask)
            await interaction.response.edit_message(content=words, view=pay_ui.choice_view(ask))
            return
        await interaction.response.edit_message(content=words, view=None)


class RosterButton(SafeButton, template=r"opp:(?P<id>[0-9]+):roster"):
    """On the organiser's own confirmation: see the roster (organisers only, re-checked)."""

    def __init__(self, opp_id: int) -> None:
        self.opp_id = opp_id
        super().__init__(f"opp:{opp_id}:roster", label=text.SEE_ROSTER)

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]))

    async def on_press(self, interaction: discord.Interaction) -> None:
        await show_roster(interaction, self.opp_id)


# -- the read-back before posting --------------------------------------------------------


def followups_of(interaction: discord.Interaction) -> flows.Followups:
    """The cog's held interactions (to answer the fan-out summary in place)."""
    cog = interaction.client.get_cog("OpportunitiesCog")  # type: ignore[attr-defined]
    return cog.followups


def clock_words(instant: datetime, zone: str) -> str:
    """E.g. "6:30pm", in the zone the time was typed in."""
    return plain_local(instant, zone).split(", ")[-1].split(" (")[0]


def readback_embed(found: flows.Readback, zone: str) -> discord.Embed:
    """What was understood (when, places, payment, content note, closing), before posting."""
    seen = found.understood
    lines = [text.READBACK_INTRO, ""]
    lines += [text.READBACK_NOTE.format(note=note) for note in seen.notes]
    asked = seen.asked
    if asked is not None:
        lines.append(
            text.READBACK_AM_PM.format(
                what=text.READBACK_WHAT[asked.field],
                clock=clock_words(asked.morning, zone)[:-2],
                am=clock_words(asked.morning, zone),
                pm=clock_words(asked.evening, zone),
                am_plain=plain_local(asked.morning, zone),
                pm_plain=plain_local(asked.evening, zone),
            )
        )
    if asked is None or asked.field != "when":
        if seen.when_at is not None:
            lines.append(
                text.READBACK_WHEN_AT.format(
                    plain=plain_local(seen.when_at, zone), **full_and_relative(seen.when_at)
                )
            )
        elif seen.when_text:
            lines.append(text.READBACK_WHEN_WORDS.format(words=shown(seen.when_text)))
        else:
            lines.append(text.READBACK_NO_WHEN)
    if seen.places is None:
        lines.append(text.NO_LIMIT)
    elif seen.allocation == FIRST_COME:
        lines.append(text.PLACES_FIRST_COME.format(places=seen.places))
    else:
        lines.append(text.PLACES_LOTTERY.format(places=seen.places))
    offer = Offer(seen.fee_pence, seen.fee_per, seen.voucher, expenses_of(seen.expenses))
    lines += payment_lines(seen.payment, offer)
    if not offer.offers_payment:
        lines.append(pay_text.READBACK_NO_OFFER)
    lines.append(
        text.CONTENT_NOTE.format(note=shown(seen.content_note, MAX_SHORT_NOTE))
        if seen.content_note
        else text.READBACK_NO_NOTE
    )
    if asked is None or asked.field != "closes":
        if seen.closes_at is not None:
            lines.append(
                text.READBACK_CLOSES.format(
                    plain=plain_local(seen.closes_at, zone), **full_and_relative(seen.closes_at)
                )
            )
        else:
            lines.append(text.READBACK_NO_CLOSE)
    lines += ["", shown(seen.description, 1500), ""]
    lines.append(text.READBACK_WHERE.format(channel=seen.channel_id))
    if found.network:
        lines.append(text.READBACK_NETWORK)
    if found.ping:
        lines.append(text.READBACK_PING)
    lines += ["", text.READBACK_OTHER]
    return embed(cut(seen.title, 256), cut("\n".join(lines), 4096))


def draft_view(found: flows.Readback, zone: str) -> discord.ui.View:
    """The read-back's buttons (the one read-back view, bot.ui)."""
    asked = found.understood.asked
    labels = None
    if asked is not None:
        labels = (clock_words(asked.morning, zone), clock_words(asked.evening, zone))
    return readback_view(OppDraftButton, found.id, labels)


async def show_readback(
    interaction: discord.Interaction, found: flows.Readback, zone: str, *, edit: bool
) -> None:
    if edit:
        await interaction.response.edit_message(
            embed=readback_embed(found, zone), view=draft_view(found, zone)
        )
    else:
        await interaction.response.send_message(
            embed=readback_embed(found, zone), view=draft_view(found, zone), ephemeral=True
        )


class OppDraftButton(
    ReadbackButton, template=r"oppdraft:(?P<id>[0-9]+):(?P<action>post|change|am|pm)"
):
    """The read-back's buttons: **Post it**, **Change**, and morning or evening."""

    prefix = "oppdraft"

    async def on_press(self, interaction: discord.Interaction) -> None:
        actor, settings = await require_organiser(interaction)
        services = services_of(interaction)
        if self.action == "change":
            found = await flows.get_draft(services, self.draft_id, settings, actor.user_id)
            await interaction.response.send_modal(ChangeOpportunityModal(found))
            return
        if self.action in ("am", "pm"):
            found = await flows.pick_in_draft(
                services, self.draft_id, settings, actor.user_id, self.action
            )
            await show_readback(interaction, found, settings.timezone, edit=True)
            return
        created = await flows.publish_draft(
            services,
            RENDER,
            self.draft_id,
            settings,
            actor.user_id,
            followups=followups_of(interaction),
            tell=in_place(interaction),
        )
        await interaction.response.edit_message(
            content=posted_words(created), embed=None, view=roster_button_view(created.opp.id)
        )


class DescriptionModal(SafeModal, title=text.DESCRIPTION_MODAL_TITLE):
    """`/opportunity post` without `description:`: a form for it, line breaks kept."""

    form = "opp:description"

    def form_context(self) -> dict[str, Any]:
        return {"draft": self.draft.to_data()}

    @classmethod
    async def reopen(cls, interaction: discord.Interaction, context: dict[str, Any]) -> SafeModal:
        await require_organiser(interaction)
        return cls(flows.Draft.from_data(context["draft"]), "")

    def __init__(self, draft: flows.Draft, kept: str) -> None:
        super().__init__(timeout=3600)
        self.draft = draft
        self.description = text_field(
            "description",
            text.FIELD_DESCRIPTION,
            MAX_DESCRIPTION,
            kept,
            paragraph=True,
            required=True,
            placeholder=text.FIELD_DESCRIPTION_PLACEHOLDER,
        )
        self.add_item(self.description)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        actor, settings = await require_organiser(interaction)
        draft = replace(self.draft, description=self.description.value)
        found = await flows.start_draft(
            services_of(interaction), settings, actor.user_id, interaction.channel_id, draft
        )
        await show_readback(interaction, found, settings.timezone, edit=False)


class ChangeOpportunityModal(SafeModal, title=text.CHANGE_MODAL_TITLE):
    """**Change**: title, description, when, closes and content note (a form holds 5)."""

    form = "opp:change"

    def form_context(self) -> dict[str, Any]:
        return {"draft_id": self.draft_id}

    @classmethod
    async def reopen(cls, interaction: discord.Interaction, context: dict[str, Any]) -> SafeModal:
        actor, settings = await require_organiser(interaction)
        services = services_of(interaction)
        return cls(
            await flows.get_draft(services, int(context["draft_id"]), settings, actor.user_id)
        )

    def __init__(self, found: flows.Readback) -> None:
        super().__init__(timeout=3600)
        self.draft_id = found.id
        draft = found.draft
        self.fields = {
            "title": text_field("title", text.FIELD_TITLE, MAX_TITLE, draft.title, required=True),
            "description": text_field(
                "description",
                text.FIELD_DESCRIPTION,
                MAX_DESCRIPTION,
                draft.description,
                paragraph=True,
                required=True,
            ),
            "when": text_field("when", text.FIELD_WHEN, MAX_WHEN_TEXT, draft.when),
            "closes": text_field("closes", text.FIELD_CLOSES, 80, draft.closes),
            "content_note": text_field(
                "content_note", text.FIELD_CONTENT_NOTE, MAX_SHORT_NOTE, draft.content_note
            ),
        }
        for item in self.fields.values():
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        actor, settings = await require_organiser(interaction)
        found = await flows.change_draft(
            services_of(interaction),
            self.draft_id,
            settings,
            actor.user_id,
            **{name: item.value for name, item in self.fields.items()},
        )
        await show_readback(interaction, found, settings.timezone, edit=True)


DYNAMIC_ITEMS = (
    YesButton,
    NoButton,
    NameButton,
    RosterButton,
    OppDraftButton,
    OppDetailsButton,
)


# -- the roster -------------------------------------------------------------------------


def _person(entry: Any) -> str:
    mention = f"<@{entry.user_id}>"
    name = f"**{shown(entry.name, 100)}** ({mention})" if entry.name else mention
    if entry.access_needs:
        name += text.ROSTER_NEEDS.format(needs=shown(entry.access_needs, 500))
    return f"- {name}"


def roster_embed(seen: flows.RosterSeen) -> discord.Embed:
    """Yes-sayers by name; declines and silence as totals only (rule 2).

    For a network opportunity, `seen.by_server` is the suppressed per-server
    breakdown of yeses, and `seen.shared_by` names the home server when the
    viewer is elsewhere.
    """
    opp, roster = seen.opp, seen.roster
    lines: list[str] = []
    if seen.shared_by is not None:
        lines += [text.ROSTER_OTHER_SERVER.format(home=escaped(seen.shared_by)), ""]
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
    if seen.unnamed:
        lines += [seen.unnamed, ""]
    if seen.by_server:
        lines += [text.ROSTER_BY_SERVER, *seen.by_server, ""]
    if opp.answers_erased_at is not None:
        lines.append(text.ROSTER_ERASED)
    else:
        figures = {"declined": roster.declined, "no_reply": roster.no_reply}
        totals = suppress_counts(figures)
        lines.append(text.ROSTER_TOTALS.format(**totals))
        if note := strings.small_figures_note(totals, figures):
            lines.append(note)
    lines += ["", text.ROSTER_PRIVACY]
    title = text.ROSTER_TITLE.format(title=opp.title)
    if not opp.is_open:
        title += f" ({opp.state})"
    result = embed(cut(title, 256), cut("\n".join(lines), 4096))
    result.set_footer(text=text.FOOTER.format(id=opp.id))
    return result


async def show_roster(interaction: discord.Interaction[SpeakBack], opp_id: int) -> None:
    """The roster, for this server's organisers (the command and the button)."""
    await require_organiser(interaction)
    seen = await flows.roster_of(services_of(interaction), opp_id, actor_guild_id(interaction))
    await interaction.response.send_message(embed=roster_embed(seen), ephemeral=True)


# -- /opportunity list and /me opportunities ------------------------------------------


def list_embed(listing: flows.Listing) -> discord.Embed:
    lines = []
    for item in listing.items:
        opp = item.opp
        if opp.places is None:
            places = text.NO_LIMIT.replace("**", "")
        elif opp.is_lottery:
            places = text.PLACES_LOTTERY.format(places=opp.places).replace("**", "")
        else:
            left = max(0, opp.places - item.confirmed)
            places = (
                text.PLACES_LEFT.format(left=left, places=opp.places) if left else text.PLACES_FULL
            )
        closes = (
            text.LIST_CLOSES.format(when=discord_timestamp(opp.closes_at, "R"))
            if opp.closes_at
            else ""
        )
        lines.append(
            text.LIST_LINE.format(
                title=cut(opp.title, 200),
                places=places,
                closes=closes,
                link=item.link,
                mine=text.LIST_MINE.get(item.mine, ""),
            )
        )
    if not listing.is_member:
        lines += ["", text.LIST_JOIN]
    return embed(text.LIST_TITLE, cut("\n".join(lines), 4096))


def my_answer_words(item: repo.MyAnswer) -> str:
    reply, opp = item.reply, item.opportunity
    if reply.state != INTERESTED:
        return text.ME_STATE[reply.state]
    if reply.place == WAITLISTED:
        return text.ME_STATE["waitlisted"].format(position=item.position)
    if reply.place == CONFIRMED:
        return text.ME_STATE["confirmed" if opp.places is not None else "confirmed_no_limit"]
    return text.ME_STATE["in_draw"]


def _pays(item: repo.MyAnswer) -> bool:
    """A place on one offering payment, not cancelled: the member chooses how."""
    return (
        item.opportunity.offer.offers_payment
        and item.opportunity.state != CANCELLED
        and item.reply.state == INTERESTED
        and item.reply.place == CONFIRMED
    )


def _choice_words(item: repo.MyAnswer, choices: dict[int, Any]) -> str:
    if not _pays(item):
        return ""
    chosen = choices.get(item.opportunity.id)
    if chosen is None:
        return pay_text.ME_CHOICE_NONE
    words = pay_text.CHOICE_WORDS[chosen.choice]
    if chosen.paid_at is not None:
        return pay_text.ME_CHOICE_PAID.format(choice=words)
    return pay_text.ME_CHOICE.format(choice=words)


def my_answers_message(
    found: list[repo.MyAnswer], choices: dict[int, Any] | None = None
) -> tuple[discord.Embed, discord.ui.View]:
    """Each answer and place, with a "step out" button for each yes still standing,
    and **How to be paid** for each place on one offering payment (for people whose
    DMs are closed, this is where they are asked)."""
    choices = choices or {}
    lines = [
        text.ME_LINE.format(
            title=cut(item.opportunity.title, 200),
            item_state=text.ME_ITEM_STATE[item.opportunity.state],
            answer=my_answer_words(item),
        )
        + _choice_words(item, choices)
        for item in found
    ]
    view = DynamicView()
    for item in found:
        if _pays(item) and len(view.children) < 25:
            view.add_item(pay_ui.PayAskButton(item.opportunity.id, item.opportunity.title))
    for item in found:
        if item.reply.state == INTERESTED and item.opportunity.state != CANCELLED:
            label = text.STEP_OUT.format(title=item.opportunity.title)
            if len(view.children) < 25:
                view.add_item(NoButton(item.opportunity.id, label=cut(label, 80)))
    if view.children:
        lines += ["", text.ME_FOOTER]
    return embed(text.ME_TITLE, cut("\n".join(lines), 4096)), view


async def still_down_for(services: Services, guild_id: int, user_id: int) -> list[Commitment]:
    """For /me pause: each yes still standing (a place, the waitlist, the draw), with
    the same step-out button as /me opportunities."""
    found = await flows.my_answers(services, guild_id, user_id)
    return [
        Commitment(
            text.PAUSE_LINE.format(
                title=cut(item.opportunity.title, 200), answer=my_answer_words(item)
            ),
            NoButton(
                item.opportunity.id,
                label=cut(text.STEP_OUT.format(title=item.opportunity.title), 80),
            ),
        )
        for item in found
        if item.reply.state == INTERESTED
        and (
            item.opportunity.state == OPEN
            or (item.opportunity.state == CLOSED and item.reply.place == CONFIRMED)
        )
    ]


# -- autocomplete -----------------------------------------------------------------------


async def _choices(
    interaction: discord.Interaction[SpeakBack], current: str, states: tuple[str, ...]
) -> list[app_commands.Choice[int]]:
    if interaction.guild_id is None:
        return []
    found = await flows.find_opportunities(
        services_of(interaction), interaction.guild_id, states, current
    )
    return [
        app_commands.Choice(
            name=cut(o.title + ("" if o.is_open else f" ({o.state})"), 100), value=o.id
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
    shared = await flows.find_shared_opportunities(
        services_of(interaction), interaction.guild_id, current
    )
    for opp, home in shared:
        name = text.FROM_SERVER.format(title=opp.title, server=home)
        own.append(app_commands.Choice(name=cut(name, 100), value=opp.id))
    return own[:25]
