"""What /support and /help show."""

from __future__ import annotations

import discord

from bot import strings
from bot.strings import support as text
from bot.ui import embed

SECTION_TITLES = {
    "everyone": text.HELP_SECTION_EVERYONE,
    "member": text.HELP_SECTION_MEMBER,
    "organiser": text.HELP_SECTION_ORGANISER,
    "moderator": text.HELP_SECTION_MODERATOR,
}


def support_embed(support_text: str | None, *, moderator: bool) -> discord.Embed:
    """The server's own support text, or the built-in one (with a set-up hint for moderators)."""
    body = strings.DEFAULT_SUPPORT
    if support_text:
        body = support_text
    elif moderator:
        body = f"{body}\n\n{strings.SUPPORT_MODERATOR_HINT}"
    return embed(strings.SUPPORT_TITLE, body)


def help_embed(
    sections: dict[str, list[str]], shown: list[str], *, member: bool, in_dm: bool = False
) -> discord.Embed:
    """/help: the commands for each audience the person belongs to, in order.

    In a direct message nobody is a member of anything: membership is per server,
    so the member section says where to look instead of "you haven't joined".
    """
    message = embed(text.HELP_TITLE, text.HELP_INTRO)
    for audience in shown:
        if sections[audience]:
            message.add_field(
                name=SECTION_TITLES[audience],
                value="\n".join(sections[audience])[:1024],
                inline=False,
            )
        if audience == "everyone" and not member:
            message.add_field(
                name=SECTION_TITLES["member"],
                value=text.HELP_IN_DM if in_dm else text.HELP_NOT_MEMBER_YET,
                inline=False,
            )
    return message
