"""`/me calendar`: a member's own calendar address (or file), as they see it.

With a web address configured (`WEB_BASE_URL`) the member gets a private feed: a
link button (Discord makes buttons and links only of http/https addresses) and the
webcal:// address in a code block for Apple Calendar, with steps for Google, Apple
and Outlook. The address is shown once: only a hash of its token is kept, so later
uses of `/me calendar` say when it was made and offer **Make a new link**. Without a
web address, the member gets a calendar file instead.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import discord

from bot.domain.timefmt import discord_timestamp
from bot.guards import require_member
from bot.strings import meetings as text
from bot.ui import DynamicView, SafeButton, embed
from cogs.meetings import feeds
from db.calendar_feeds import Feed

if TYPE_CHECKING:
    from bot.client import SpeakBack
    from bot.services import Services

Interaction = discord.Interaction["SpeakBack"]
SCOPE_LABELS = {"mine": text.SCOPE_MINE, "all": text.SCOPE_ALL}
FILE_NAME = "speak-back-meetings.ics"


def base_url_of(bot: SpeakBack) -> str | None:
    """The public address of the bot's pages (`WEB_BASE_URL`), if it has one."""
    return bot.config.web_base_url


def _services(interaction: Interaction) -> Services:
    services = interaction.client.services
    assert services is not None
    return services


class ScopeButton(SafeButton, template=r"mecal:scope:(?P<scope>mine|all)"):
    """Which meetings the member's calendar shows (their address stays the same)."""

    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__(f"mecal:scope:{scope}", label=SCOPE_LABELS[scope])

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(match["scope"])

    async def on_press(self, interaction: Interaction) -> None:
        member = await require_member(interaction)
        services = _services(interaction)
        base_url = base_url_of(interaction.client)
        if base_url is None:
            await send_file(interaction, services, member.guild_id, member.user_id, self.scope)
            return
        if not await feeds.choose_scope(services.db, member.guild_id, member.user_id, self.scope):
            link = await feeds.make_link(
                services.db,
                services.clock.now(),
                base_url,
                member.guild_id,
                member.user_id,
                self.scope,
            )
            words, steps, view = link_message(link)
            await interaction.response.send_message(words, embed=steps, view=view, ephemeral=True)
            return
        await interaction.response.send_message(
            text.SCOPE_SAVED.format(scope=text.SCOPE_WORDS[self.scope]), ephemeral=True
        )


class NewLinkButton(SafeButton, template=r"mecal:new"):
    """A new address; the old one stops working at once (404)."""

    def __init__(self) -> None:
        super().__init__("mecal:new", label=text.MAKE_NEW_LINK)

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls()

    async def on_press(self, interaction: Interaction) -> None:
        member = await require_member(interaction)
        base_url = base_url_of(interaction.client)
        services = _services(interaction)
        if base_url is None:
            feed = await feeds.current_link(services.db, member.guild_id, member.user_id)
            scope = feed.scope if feed is not None else "mine"
            await send_file(interaction, services, member.guild_id, member.user_id, scope)
            return
        link = await feeds.make_link(
            services.db, services.clock.now(), base_url, member.guild_id, member.user_id
        )
        words, steps, view = link_message(link)
        await interaction.response.edit_message(content=words, embed=steps, view=view)


DYNAMIC_ITEMS = (ScopeButton, NewLinkButton)


def _view(link: str | None = None) -> DynamicView:
    view = DynamicView()
    if link is not None:
        view.add_item(discord.ui.Button(label=text.OPEN_LINK, url=link))
    view.add_item(ScopeButton("mine"))
    view.add_item(ScopeButton("all"))
    view.add_item(NewLinkButton())
    return view


def link_message(link: feeds.Link) -> tuple[str, discord.Embed, DynamicView]:
    words = text.CALENDAR_LINK.format(
        scope=text.SCOPE_WORDS[link.scope],
        webcal=link.webcal,
        https=link.https,
        open_link=text.OPEN_LINK,
        new_link=text.MAKE_NEW_LINK,
    )
    return words, embed(text.STEPS_TITLE, text.CALENDAR_STEPS), _view(link.https)


def have_link_message(feed: Feed) -> tuple[str, DynamicView]:
    words = text.CALENDAR_HAVE_LINK.format(
        made=discord_timestamp(feed.created_at, "D"),
        scope=text.SCOPE_WORDS[feed.scope],
        new_link=text.MAKE_NEW_LINK,
    )
    return words, _view()


async def send_file(
    interaction: Interaction, services: Services, guild_id: int, user_id: int, scope: str
) -> None:
    data, count = await feeds.member_file(
        services.db, services.clock.now(), guild_id, user_id, scope
    )
    scope_words = text.SCOPE_WORDS[scope]
    other = "all" if scope == "mine" else "mine"
    view = DynamicView().add_item(ScopeButton(other))
    if count == 0:
        await interaction.response.send_message(
            text.CALENDAR_FILE_EMPTY.format(scope=scope_words), view=view, ephemeral=True
        )
        return
    await interaction.response.send_message(
        text.CALENDAR_FILE.format(scope=scope_words),
        file=discord.File(io.BytesIO(data), filename=FILE_NAME),
        view=view,
        ephemeral=True,
    )


async def me_calendar(interaction: Interaction) -> None:
    """`/me calendar`."""
    if interaction.guild_id is None:
        await interaction.response.send_message(text.CALENDAR_IN_SERVER_ONLY, ephemeral=True)
        return
    member = await require_member(interaction)
    services = _services(interaction)
    base_url = base_url_of(interaction.client)
    if base_url is None:
        feed = await feeds.current_link(services.db, member.guild_id, member.user_id)
        scope = feed.scope if feed is not None else "mine"
        await send_file(interaction, services, member.guild_id, member.user_id, scope)
        return
    feed = await feeds.current_link(services.db, member.guild_id, member.user_id)
    if feed is not None:
        words, view = have_link_message(feed)
        await interaction.response.send_message(words, view=view, ephemeral=True)
        return
    link = await feeds.make_link(
        services.db, services.clock.now(), base_url, member.guild_id, member.user_id
    )
    words, steps, view = link_message(link)
    await interaction.response.send_message(words, embed=steps, view=view, ephemeral=True)
