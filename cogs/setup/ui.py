"""/setup's screens: the settings summary, the support and notice forms, the channel check."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import discord

from bot import strings
from bot.delivery import message_payload
from bot.domain.errors import Refusal
from bot.domain.notice_edits import EDIT_CHANGE, EDIT_WORDING
from bot.domain.publishing import CALENDAR, CALENDAR_PATH, KINDS, label_of
from bot.domain.settings import (
    MAX_NOTICE_LENGTH,
    MAX_SUPPORT_LENGTH,
    GuildSettings,
    validate_long_text,
)
from bot.domain.suppression import count_text
from bot.guards import require_moderator
from bot.strings import outcomes as outcome_text
from bot.strings import pages as pages_text
from bot.strings import setup as text
from bot.ui import (
    DynamicView,
    ReadAboutJoiningButton,
    SafeButton,
    SafeItem,
    SafeModal,
    embed,
    shown,
)
from cogs.setup import flows
from db import guilds
from db.settings import update_settings

if TYPE_CHECKING:
    from bot.client import SpeakBack
    from bot.services import Services


def describe_settings(settings: GuildSettings) -> str:
    def mention(kind: str, value: int | None) -> str:
        if value is None:
            return text.NOT_SET
        return f"<@&{value}>" if kind == "role" else f"<#{value}>"

    lines = text.SHOW_LINES.format(
        organiser=mention("role", settings.organiser_role_id)
        if settings.organiser_role_id
        else text.ORGANISER_FALLBACK,
        announce=mention("role", settings.announce_role_id),
        announcements=mention("channel", settings.announcements_channel_id),
        moderators=mention("channel", settings.moderators_channel_id),
        timezone=settings.timezone,
        date_order=text.DATE_ORDERS.get(settings.date_order, settings.date_order),
        split=text.YES if settings.split_by_group else text.NO,
        retention=settings.retention_months,
        notice_version=settings.notice_version,
        notice_kind=text.CUSTOM if settings.notice_text else text.DEFAULT,
        support_kind=text.CUSTOM if settings.support_text else text.DEFAULT,
    )
    lines += text.SHOW_IDEAS.format(
        organisers=mention("channel", settings.organisers_channel_id)
        if settings.organisers_channel_id
        else text.ORGANISERS_FALLBACK,
        review=text.YES if settings.ideas_review else text.NO,
        threshold=settings.ideas_threshold,
        days=settings.ideas_answer_days,
    )
    return lines


def settings_embed(settings: GuildSettings, attention: list[str] | None = None) -> discord.Embed:
    """The settings, ending with what needs attention (or that nothing does)."""
    body = describe_settings(settings)
    if attention is not None:
        if attention:
            lines = "\n".join(f"- {line}" for line in attention)
            body = f"{body}\n\n{text.NEEDS_ATTENTION_TITLE}\n{lines}"
        else:
            body = f"{body}\n\n{text.NOTHING_NEEDS_ATTENTION}"
    return embed(text.SETUP_TITLE, body)


def can_ping(role: discord.Role, channel: discord.abc.GuildChannel | None) -> bool:
    """Whether a ping of `role` by the bot notifies anyone (in `channel`, if chosen)."""
    me = role.guild.me
    if role.mentionable or me is None:
        return True
    perms = channel.permissions_for(me) if channel is not None else me.guild_permissions
    return perms.mention_everyone


def check_can_ping(role: discord.Role, channel: discord.abc.GuildChannel | None) -> None:
    """A Refusal saying how to fix it, if the bot's ping of `role` would notify nobody."""
    if not can_ping(role, channel):
        where = channel.mention if channel is not None else text.THE_ANNOUNCEMENTS_CHANNEL
        raise Refusal(text.ROLE_NOT_PINGABLE.format(role=role.mention, where=where))


def needs_attention(
    guild: discord.Guild, settings: GuildSettings, network_name: str | None, *, reviews: int = 0
) -> list[str]:
    """What is missing for Speak Back to work here, each with how to fix it."""
    found = []
    if settings.organiser_role_id is None:
        found.append(text.NEEDS_NO_ORGANISER_ROLE)
    channel = None
    if settings.announcements_channel_id is None:
        found.append(text.NEEDS_NO_ANNOUNCEMENTS)
    else:
        channel = guild.get_channel(settings.announcements_channel_id)
        if channel is None:
            found.append(text.NEEDS_ANNOUNCEMENTS_GONE)
        elif guild.me is not None:
            perms = channel.permissions_for(guild.me)
            missing = [
                name for flag, name in text.PERMISSION_NAMES.items() if not getattr(perms, flag)
            ]
            if missing:
                found.append(
                    text.NEEDS_CHANNEL_PERMISSIONS.format(
                        channel=channel.mention, missing=", ".join(missing)
                    )
                )
    if network_name is not None and settings.moderators_channel_id is None:
        found.append(text.NEEDS_NO_MODERATORS_IN_NETWORK.format(network=shown(network_name, 100)))
    role = guild.get_role(settings.announce_role_id) if settings.announce_role_id else None
    if role is not None and not can_ping(role, channel):
        found.append(text.NEEDS_ROLE_NOT_PINGABLE.format(role=role.mention))
    if settings.ideas_review and settings.moderators_channel_id is None:
        found.append(text.IDEAS_NEED_MODERATORS)
    if reviews and (settings.organisers_channel_id or settings.moderators_channel_id) is None:
        found.append(outcome_text.ATTENTION_NO_REVIEW_CHANNEL)
    return found


def check_can_post(interaction: discord.Interaction, channel: discord.abc.GuildChannel) -> None:
    """A text channel in this server where the bot can post (a Refusal says what is missing)."""
    if not isinstance(channel, discord.TextChannel) or channel.guild.id != interaction.guild_id:
        raise Refusal(text.CHANNEL_NOT_TEXT)
    me = channel.guild.me
    if me is None:
        return
    perms = channel.permissions_for(me)
    if not (
        perms.view_channel and perms.send_messages and perms.embed_links and perms.attach_files
    ):
        raise Refusal(text.CHANNEL_NO_ACCESS.format(channel=channel.mention))


class SupportModal(SafeModal, title=text.SUPPORT_MODAL_TITLE):
    form = "setup:support"

    @classmethod
    async def reopen(cls, interaction: discord.Interaction, context: dict[str, Any]) -> SafeModal:
        require_moderator(interaction)
        return cls("")

    def __init__(self, current: str) -> None:
        super().__init__()
        self.body = discord.ui.TextInput(
            custom_id="body",
            label=text.SUPPORT_FIELD_LABEL,
            style=discord.TextStyle.paragraph,
            default=current[:MAX_SUPPORT_LENGTH],
            placeholder=text.SUPPORT_FIELD_PLACEHOLDER,
            max_length=MAX_SUPPORT_LENGTH,
        )
        self.add_item(self.body)

    async def on_submit(self, interaction: discord.Interaction[SpeakBack]) -> None:
        require_moderator(interaction)
        body = validate_long_text(self.body.value, what=text.WHAT_SUPPORT, limit=MAX_SUPPORT_LENGTH)
        bot = interaction.client
        await update_settings(bot.db, interaction.guild_id, bot.clock.now(), support_text=body)
        await interaction.response.send_message(
            text.SUPPORT_SAVED, embed=embed(strings.SUPPORT_TITLE, body), ephemeral=True
        )


class NoticeModal(SafeModal, title=text.NOTICE_MODAL_TITLE):
    """The notice, and what the edit changes: a wording fix or a real change."""

    form = "setup:notice"

    @classmethod
    async def reopen(cls, interaction: discord.Interaction, context: dict[str, Any]) -> SafeModal:
        require_moderator(interaction)
        return cls("")

    def __init__(self, current: str) -> None:
        super().__init__()
        self.body = discord.ui.TextInput(
            custom_id="body",
            label=text.NOTICE_FIELD_LABEL,
            style=discord.TextStyle.paragraph,
            default=current[:MAX_NOTICE_LENGTH],
            max_length=MAX_NOTICE_LENGTH,
        )
        self.add_item(self.body)
        self.kind = discord.ui.Select(
            custom_id="setup:notice:kind",
            placeholder=text.NOTICE_KIND_PLACEHOLDER,
            options=[
                discord.SelectOption(
                    label=text.NOTICE_KIND_WORDING,
                    value=EDIT_WORDING,
                    description=text.NOTICE_KIND_WORDING_HINT,
                ),
                discord.SelectOption(
                    label=text.NOTICE_KIND_CHANGE,
                    value=EDIT_CHANGE,
                    description=text.NOTICE_KIND_CHANGE_HINT,
                ),
            ],
            min_values=1,
            max_values=1,
            required=True,
        )
        self.add_item(discord.ui.Label(text=text.NOTICE_KIND_LABEL, component=self.kind))

    async def on_submit(self, interaction: discord.Interaction[SpeakBack]) -> None:
        require_moderator(interaction)
        body = validate_long_text(self.body.value, what=text.WHAT_NOTICE, limit=MAX_NOTICE_LENGTH)
        kind = self.kind.values[0] if self.kind.values else ""
        bot = interaction.client
        result = await flows.edit_notice(services_of(bot), interaction.guild_id, body, kind)
        if isinstance(result, flows.WordingSaved):
            await interaction.response.send_message(
                text.NOTICE_WORDING_SAVED.format(version=result.settings.notice_version),
                ephemeral=True,
            )
            return
        await interaction.response.send_message(
            embed=change_embed(result), view=confirm_view(result.revision), ephemeral=True
        )


# -- getting in without typing (issue 29) ----------------------------------------------


def welcome_payload() -> dict[str, Any]:
    """The introduction to pin: what Speak Back is for, and **Read about joining**."""
    view = DynamicView().add_item(ReadAboutJoiningButton())
    return message_payload(embeds=[embed(text.WELCOME_TITLE, text.WELCOME_BODY)], view=view)


async def post_welcome(
    interaction: discord.Interaction[SpeakBack], channel: discord.TextChannel
) -> None:
    """Through the outbox, like every post (rule 10); each /setup welcome posts once."""
    bot = interaction.client
    await bot.delivery.post(
        guild_id=interaction.guild_id,
        channel_id=channel.id,
        payload=welcome_payload(),
        dedupe_key=f"welcome:{interaction.guild_id}:{interaction.id}",
    )


async def maybe_checklist(interaction: discord.Interaction[SpeakBack]) -> None:
    """After the first command a person with Manage Server runs in a server: the set-up
    checklist, once per server, as a private followup to that reply."""
    if interaction.guild_id is None or not interaction.permissions.manage_guild:
        return
    response = interaction.response
    if not response.is_done() or response.type is discord.InteractionResponseType.modal:
        return  # a form's reply comes later; the checklist waits for a command that replies
    bot = interaction.client
    if not await guilds.first_checklist(bot.db, interaction.guild_id, bot.clock.now()):
        return
    try:
        await interaction.followup.send(text.CHECKLIST, ephemeral=True)
    except discord.HTTPException:
        return


def services_of(bot: SpeakBack) -> Services:
    return bot.services


def _quoted(lines: tuple[str, ...], room: int) -> tuple[str, bool]:
    """Each sentence as a quote line, within `room` characters (True: some left out)."""
    out: list[str] = []
    used = 0
    for line in lines:
        quoted = f"> {line}"
        if used + len(quoted) + 1 > room:
            return "\n".join(out), True
        out.append(quoted)
        used += len(quoted) + 1
    return "\n".join(out) or text.NOTICE_NOTHING_LISTED, False


def change_embed(proposed: flows.ChangeProposed) -> discord.Embed:
    """What a real change changes, in words (no meaning by colour, rule 13), and its effect."""
    removed, cut_removed = _quoted(proposed.diff.removed, 1500)
    added, cut_added = _quoted(proposed.diff.added, 1500)
    effect = (
        text.NOTICE_EFFECT.format(members=count_text(proposed.members_asked))
        if proposed.members_asked
        else text.NOTICE_EFFECT_NOBODY
    )
    parts = [
        text.NOTICE_CONFIRM_INTRO.format(version=proposed.version, save=text.NOTICE_SAVE),
        f"{text.NOTICE_REMOVED}\n{removed}",
        f"{text.NOTICE_ADDED}\n{added}",
    ]
    if cut_removed or cut_added:
        parts.append(f"_{text.NOTICE_MORE}_")
    parts.append(effect)
    return embed(text.NOTICE_CONFIRM_TITLE, "\n\n".join(parts))


def confirm_view(revision: int) -> discord.ui.View:
    view = DynamicView()
    view.add_item(SaveNoticeButton(revision))
    view.add_item(KeepNoticeButton(revision))
    return view


class NoticeChoiceButton(SafeButton, template=r"(?!)"):
    """**Save** or **Keep** under a proposed notice change (`confirm_view`).

    Each subclass gives its `ACTION`, label and style, its `template`
    (`setup:notice:<action>:<revision>`, never changed) and `choose`. The revision it
    answers is in its id; only a moderator's press counts, re-checked on every press
    (rule 7)."""

    ACTION: ClassVar[str] = ""
    LABEL: ClassVar[str] = ""
    STYLE: ClassVar[discord.ButtonStyle] = discord.ButtonStyle.secondary

    def __init__(self, revision: int) -> None:
        super().__init__(
            f"setup:notice:{self.ACTION}:{revision}", label=self.LABEL, style=self.STYLE
        )
        self.revision = revision

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["revision"]))

    async def on_press(self, interaction: discord.Interaction) -> None:
        require_moderator(interaction)
        bot: SpeakBack = interaction.client  # type: ignore[assignment]
        await self.choose(interaction, services_of(bot))

    async def choose(self, interaction: discord.Interaction, services: Services) -> None:
        raise NotImplementedError


class SaveNoticeButton(NoticeChoiceButton, template=r"setup:notice:save:(?P<revision>[0-9]+)"):
    ACTION, LABEL, STYLE = "save", text.NOTICE_SAVE, discord.ButtonStyle.primary

    async def choose(self, interaction: discord.Interaction, services: Services) -> None:
        saved = await flows.confirm_change(services, interaction.guild_id, self.revision)
        await interaction.response.edit_message(
            content=text.NOTICE_CHANGE_SAVED.format(version=saved.notice_version),
            embed=None,
            view=None,
        )


class KeepNoticeButton(NoticeChoiceButton, template=r"setup:notice:keep:(?P<revision>[0-9]+)"):
    ACTION, LABEL, STYLE = "keep", text.NOTICE_KEEP, discord.ButtonStyle.secondary

    async def choose(self, interaction: discord.Interaction, services: Services) -> None:
        await flows.keep_notice(services, interaction.guild_id, self.revision)
        await interaction.response.edit_message(content=text.NOTICE_KEPT, embed=None, view=None)


DYNAMIC_ITEMS = (SaveNoticeButton, KeepNoticeButton)


# -- /setup publish (issue 25) -----------------------------------------------------------------


def publish_message(published: flows.Published | None, lead: str | None = None) -> dict[str, Any]:
    """What this server publishes, its page's address (or why there is none), and the menu."""
    kinds = published.publication.kinds if published is not None else ()
    lines = [lead] if lead else []
    lines.append(pages_text.PUBLISH_ABOUT)
    lines.append(
        pages_text.PUBLISHES.format(kinds=", ".join(label_of(k) for k in kinds))
        if kinds
        else pages_text.PUBLISHES_NOTHING
    )
    if published is not None and kinds:
        if published.page_url is None:
            lines.append(pages_text.NOT_REACHABLE)
        else:
            lines.append(pages_text.PAGE_AT.format(url=published.page_url))
            if published.network_url is not None:
                lines.append(pages_text.NETWORK_PAGE_AT.format(url=published.network_url))
            if CALENDAR in kinds:
                feed = published.page_url + CALENDAR_PATH
                webcal = "webcal://" + feed.split("://", 1)[1]
                lines.append(pages_text.CALENDAR_AT.format(url=feed, webcal=webcal))
    view = DynamicView()
    view.add_item(PublishSelect(frozenset(kinds)))
    if kinds:
        view.add_item(UnpublishButton())
    return {"embed": embed(pages_text.PUBLISH_TITLE, "\n\n".join(lines)), "view": view}


def base_url_of(interaction: discord.Interaction) -> str | None:
    bot: SpeakBack = interaction.client  # type: ignore[assignment]
    return bot.config.web_base_url


class PublishSelect(
    SafeItem, discord.ui.DynamicItem[discord.ui.Select], template=r"setup:publish:kinds"
):
    """The kinds this server publishes (`bot.domain.publishing.KINDS`); none = unpublish."""

    def __init__(self, chosen: frozenset[str] = frozenset()) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id="setup:publish:kinds",
                placeholder=pages_text.CHOOSE_PLACEHOLDER,
                min_values=0,
                max_values=len(KINDS),
                options=[
                    discord.SelectOption(
                        label=kind.label,
                        value=kind.key,
                        description=kind.description,
                        default=kind.key in chosen,
                    )
                    for kind in KINDS
                ],
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls()

    async def on_press(self, interaction: discord.Interaction) -> None:
        require_moderator(interaction)  # rule 7: re-checked on every press
        bot: SpeakBack = interaction.client  # type: ignore[assignment]
        published = await flows.publish(
            services_of(bot), interaction.guild_id, list(self.item.values), base_url_of(interaction)
        )
        lead = pages_text.SAVED if published.publication.published else pages_text.UNPUBLISHED
        await interaction.response.send_message(**publish_message(published, lead), ephemeral=True)


class UnpublishButton(SafeButton, template=r"setup:publish:off"):
    def __init__(self) -> None:
        super().__init__(
            "setup:publish:off", label=pages_text.UNPUBLISH, style=discord.ButtonStyle.danger
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls()

    async def on_press(self, interaction: discord.Interaction) -> None:
        require_moderator(interaction)
        bot: SpeakBack = interaction.client  # type: ignore[assignment]
        published = await flows.unpublish(
            services_of(bot), interaction.guild_id, base_url_of(interaction)
        )
        await interaction.response.send_message(
            **publish_message(published, pages_text.UNPUBLISHED), ephemeral=True
        )


DYNAMIC_ITEMS = (*DYNAMIC_ITEMS, PublishSelect, UnpublishButton)
