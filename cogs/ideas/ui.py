"""What ideas look like in Discord: the review post, the idea post, the forms, /ideas.

Support is a count on the post, never a list (rule 17). The review post says
"a member"; **Who wrote this?** answers one moderator, ephemerally. Custom ids
here are forever (tests/unit/test_custom_ids.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot import forms
from bot.delivery import message_payload
from bot.domain.ideas import (
    ANSWERED,
    FORWARD,
    MAX_AFFECTS,
    MAX_BODY,
    MAX_NOTE,
    MAX_REASON,
    MAX_SUMMARY,
    MAX_TITLE,
    OPEN,
    REFUSED,
    REVIEW,
    WITHDRAWN,
    Idea,
)
from bot.domain.suppression import count_text
from bot.domain.text import cut
from bot.guards import actor_guild_id, require_member, require_moderator, require_organiser
from bot.strings import ideas as text
from bot.strings import pages as pages_text
from bot.ui import DynamicView, SafeButton, SafeModal, embed, shown, text_field
from cogs.ideas import flows
from db.settings import get_settings

if TYPE_CHECKING:
    from bot.client import SpeakBack
    from bot.services import Services

Payload = dict[str, Any]


def services_of(interaction: discord.Interaction[SpeakBack]) -> Services:
    services = interaction.client.services
    assert services is not None
    return services


# -- words --------------------------------------------------------------------------------


def who_raised(idea: Idea, *, review: bool = False) -> str:
    """Their chosen name on the idea post; "a member" on the review post, always."""
    if review or not idea.author_name:
        return text.A_MEMBER
    return shown(idea.author_name, 80)


def answer_words(answer: str | None) -> str:
    return text.ANSWER_LABELS.get(answer or "", "")


def status_words(idea: Idea) -> str:
    if idea.state == ANSWERED:
        return text.STATUS_ANSWERED.format(answer=answer_words(idea.answer))
    if idea.state == WITHDRAWN:
        return text.STATUS_WITHDRAWN
    if idea.state == REVIEW:
        return text.STATUS_REVIEW
    if idea.state == REFUSED:
        return text.STATUS_REFUSED.format(reason=shown(idea.refusal_reason or "", 300))
    return text.STATUS_WAITING if idea.waiting_for_answer else text.STATUS_OPEN


def idea_lines(idea: Idea, *, supporters: bool) -> list[str]:
    """The idea in words; its content note comes first and its text goes behind it.
    Without `supporters` it is the review post, which never names the author."""
    lines: list[str] = [text.RAISED_BY.format(who=who_raised(idea, review=not supporters)), ""]
    body = shown(idea.body, MAX_BODY) if idea.body else ""
    if idea.content_note:
        lines += [text.CONTENT_NOTE.format(note=shown(idea.content_note, MAX_NOTE)), ""]
        if body:
            body = f"||{body}||"
    if body:
        lines += [body, ""]
    if idea.affects:
        lines.append(text.AFFECTS.format(affects=shown(idea.affects, MAX_AFFECTS)))
    if supporters:
        # The item's own post: an exact count is allowed here (rule 9, Support).
        lines.append(text.SUPPORTERS.format(count=idea.supporters))
    lines.append(text.STATUS.format(status=status_words(idea)))
    if idea.state == ANSWERED:
        lines.append(
            text.ANSWER_LINE.format(
                answer=answer_words(idea.answer), summary=shown(idea.answer_summary or "", 300)
            )
        )
        if idea.answer_reason:
            lines.append(text.ANSWER_REASON.format(reason=shown(idea.answer_reason, MAX_REASON)))
    return lines


def idea_embed(idea: Idea, *, supporters: bool = True, title: str | None = None) -> discord.Embed:
    result = embed(
        cut(title or idea.title, 256), cut("\n".join(idea_lines(idea, supporters=supporters)), 4096)
    )
    result.set_footer(text=text.FOOTER.format(id=idea.id))
    return result


def idea_post(idea: Idea, threshold: int) -> Payload:
    view = DynamicView()
    if idea.state == OPEN:
        view.add_item(SupportButton(idea.id, "support"))
        view.add_item(SupportButton(idea.id, "withdraw"))
    lines = embed_with_means(idea)
    return message_payload(embeds=[lines], view=view)


def embed_with_means(idea: Idea) -> discord.Embed:
    result = idea_embed(idea)
    if idea.state == OPEN:
        result.description = cut(f"{result.description}\n\n{text.SUPPORT_MEANS}", 4096)
    return result


def review_post(idea: Idea) -> Payload:
    view = DynamicView()
    done = None
    if idea.state == REVIEW:
        view.add_item(ReviewButton(idea.id, "publish"))
        view.add_item(ReviewButton(idea.id, "refuse"))
    elif idea.state == REFUSED:
        done = text.REVIEW_DONE_REFUSED.format(reason=shown(idea.refusal_reason or "", 300))
    else:
        done = text.REVIEW_DONE_PUBLISHED
    view.add_item(ReviewButton(idea.id, "who"))
    result = idea_embed(idea, supporters=False, title=text.REVIEW_TITLE.format(title=idea.title))
    intro = text.REVIEW_INTRO if done is None else done
    result.description = cut(f"{intro}\n\n{result.description}", 4096)
    return message_payload(embeds=[result], view=view)


class Messages:
    """The `flows.Render` the feature's flows ask for their payloads."""

    def review_post(self, idea: Idea) -> Payload:
        return review_post(idea)

    def idea_post(self, idea: Idea, threshold: int) -> Payload:
        return idea_post(idea, threshold)

    def threshold_notice(self, idea: Idea, threshold: int, days: int, link: str) -> Payload:
        body = text.THRESHOLD_NOTICE.format(
            title=shown(idea.title, MAX_TITLE), threshold=threshold, days=days, link=link
        )
        return message_payload(
            embeds=[embed(cut(text.THRESHOLD_NOTICE_TITLE.format(title=idea.title), 256), body)]
        )

    def reminder(self, idea: Idea, days: int, link: str) -> Payload:
        body = text.REMINDER.format(title=shown(idea.title, MAX_TITLE), days=days, link=link)
        return message_payload(
            embeds=[embed(cut(text.REMINDER_TITLE.format(title=idea.title), 256), body)]
        )

    def published(self, idea: Idea) -> Payload:
        body = text.TOLD_PUBLISHED.format(title=shown(idea.title, MAX_TITLE))
        return message_payload(
            embeds=[embed(cut(text.TOLD_REFUSED_TITLE.format(title=idea.title), 256), body)]
        )

    def refused(self, idea: Idea) -> Payload:
        body = text.TOLD_REFUSED.format(
            title=shown(idea.title, MAX_TITLE), reason=shown(idea.refusal_reason or "", 1000)
        )
        return message_payload(
            embeds=[embed(cut(text.TOLD_REFUSED_TITLE.format(title=idea.title), 256), body)]
        )

    def answered(self, idea: Idea, *, author: bool) -> Payload:
        words = text.TOLD_ANSWER_AUTHOR if author else text.TOLD_ANSWER_SUPPORTER
        reason = (
            text.TOLD_REASON.format(reason=shown(idea.answer_reason, MAX_REASON))
            if idea.answer_reason
            else ""
        )
        body = words.format(
            title=shown(idea.title, MAX_TITLE),
            answer=answer_words(idea.answer),
            summary=shown(idea.answer_summary or "", 300),
            reason=reason,
        )
        view = None
        if author:  # their own words on public pages: only if they agree (issue 25)
            view = DynamicView().add_item(IdeaWordsButton(idea.id, "public"))
        return message_payload(
            embeds=[embed(cut(text.TOLD_ANSWER_TITLE.format(title=idea.title), 256), body)],
            view=view,
        )


RENDER: flows.Render = Messages()


# -- the forms -------------------------------------------------------------------------------


class IdeaModal(SafeModal, title=text.NEW_MODAL_TITLE):
    """`/idea new` (and **Edit** before review): at most five inputs."""

    form = "idea:new"

    def form_context(self) -> dict[str, Any]:
        return {"network": self.network, "editing": self.editing.id if self.editing else None}

    @classmethod
    async def reopen(cls, interaction: discord.Interaction, context: dict[str, Any]) -> SafeModal:
        member = await require_member(interaction)
        if context.get("editing") is not None:
            services = services_of(interaction)
            idea = await flows.own_idea(
                services, member.guild_id, int(context["editing"]), member.user_id
            )
            return cls(None, editing=idea)
        return cls(member.profile.preferred_name, network=bool(context.get("network")))

    def __init__(
        self, preferred_name: str | None, editing: Idea | None = None, *, network: bool = False
    ) -> None:
        super().__init__(
            title=text.EDIT_MODAL_TITLE if editing else text.NEW_MODAL_TITLE, timeout=3600
        )
        self.editing = editing
        self.network = network
        self.title_input = text_field(
            "title", text.FIELD_TITLE, MAX_TITLE, editing.title if editing else None, required=True
        )
        self.body = text_field(
            "body", text.FIELD_BODY, MAX_BODY, editing.body if editing else None, paragraph=True,
            required=True, placeholder=text.FIELD_BODY_PLACEHOLDER,
        )  # fmt: skip
        self.affects = text_field(
            "affects", text.FIELD_AFFECTS, MAX_AFFECTS, editing.affects if editing else None
        )
        self.note = text_field(
            "content_note", text.FIELD_NOTE, MAX_NOTE,
            editing.content_note if editing else None, placeholder=text.FIELD_NOTE_PLACEHOLDER,
        )  # fmt: skip
        for item in (self.title_input, self.body, self.affects, self.note):
            self.add_item(item)
        self.show_name: discord.ui.Select | None = None
        if preferred_name and editing is None:
            self.show_name = discord.ui.Select(
                custom_id="show_name",
                options=[
                    discord.SelectOption(label=text.SHOW_AS_MEMBER, value="member", default=True),
                    discord.SelectOption(
                        label=cut(text.SHOW_AS_NAME.format(name=preferred_name), 100),
                        value="name",
                    ),
                ],
                min_values=1,
                max_values=1,
                required=False,
            )
            self.add_item(discord.ui.Label(text=text.FIELD_SHOW_NAME, component=self.show_name))

    def idea_fields(self) -> tuple[str, str, str | None, str | None]:
        return (self.title_input.value, self.body.value, self.affects.value, self.note.value)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        services = services_of(interaction)
        member = await require_member(interaction)
        if self.editing is not None:
            idea = await flows.edit(
                services,
                RENDER,
                member.guild_id,
                self.editing.id,
                member.user_id,
                self.idea_fields(),
            )
            await interaction.response.send_message(
                text.EDITED.format(title=shown(idea.title, MAX_TITLE)), ephemeral=True
            )
            return
        settings = await get_settings(services.db, member.guild_id)
        wants_name = self.show_name is not None and self.show_name.values == ["name"]
        result = await flows.raise_idea(
            services, RENDER, settings, member, self.idea_fields(), wants_name, self.network
        )
        title = shown(result.idea.title, MAX_TITLE)
        if result.outcome == "duplicate":
            words = (
                text.DUPLICATE.format(title=title, link=result.link)
                if result.link
                else text.DUPLICATE_IN_REVIEW.format(title=title)
            )
        elif result.outcome == "review":
            words = text.SENT_FOR_REVIEW.format(title=title)
        else:
            words = text.POSTED.format(title=title, channel=f"<#{result.idea.channel_id}>")
        await interaction.response.send_message(words, ephemeral=True)


class RefuseModal(SafeModal, title=text.REFUSE_MODAL_TITLE):
    form = "idea:refuse"

    def form_context(self) -> dict[str, Any]:
        return {"idea_id": self.idea_id}

    @classmethod
    async def reopen(cls, interaction: discord.Interaction, context: dict[str, Any]) -> SafeModal:
        require_moderator(interaction)
        return cls(int(context["idea_id"]))

    def __init__(self, idea_id: int) -> None:
        super().__init__(timeout=3600)
        self.idea_id = idea_id
        self.reason = text_field(
            "reason", text.FIELD_REFUSAL, MAX_REASON, paragraph=True, required=True,
            placeholder=text.FIELD_REFUSAL_PLACEHOLDER,
        )  # fmt: skip
        self.add_item(self.reason)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        require_moderator(interaction)
        await flows.refuse_reviewed(
            services_of(interaction),
            RENDER,
            actor_guild_id(interaction),
            self.idea_id,
            self.reason.value,
        )
        await interaction.response.send_message(text.REFUSED, ephemeral=True)


class RespondModal(SafeModal, title=text.RESPOND_MODAL_TITLE):
    form = "idea:respond"

    def form_context(self) -> dict[str, Any]:
        return {"idea_id": self.idea_id, "answer": self.answer}

    @classmethod
    async def reopen(cls, interaction: discord.Interaction, context: dict[str, Any]) -> SafeModal:
        await require_organiser(interaction)
        return cls(int(context["idea_id"]), str(context["answer"]))

    def __init__(self, idea_id: int, answer: str) -> None:
        super().__init__(timeout=3600)
        self.idea_id = idea_id
        self.answer = answer
        self.reason = text_field("reason", text.FIELD_REASON, MAX_REASON, paragraph=True)
        self.summary = text_field(
            "summary", text.FIELD_SUMMARY, MAX_SUMMARY, required=True,
            placeholder=text.FIELD_SUMMARY_PLACEHOLDER,
        )  # fmt: skip
        self.add_item(self.reason)
        self.add_item(self.summary)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await require_organiser(interaction)
        answered = await flows.respond(
            services_of(interaction),
            RENDER,
            actor_guild_id(interaction),
            self.idea_id,
            self.answer,
            self.reason.value,
            self.summary.value,
        )
        words = text.ANSWERED_REPLY.format(told=text.ANSWERED_TOLD)
        view = DynamicView()
        if answered.idea.answer == FORWARD:
            title = cut(" ".join(answered.idea.title.replace("`", "'").split()), 90)
            words += "\n\n" + text.NEXT_STEPS.format(title=title)
            view.add_item(StartPollButton(answered.idea.id))
        await interaction.response.send_message(words, view=view, ephemeral=True)


# -- buttons -----------------------------------------------------------------------------------


class SupportButton(SafeButton, template=r"idea:(?P<id>[0-9]+):(?P<action>support|withdraw)"):
    """On the idea post: Support / Withdraw my support (each idempotent)."""

    def __init__(self, idea_id: int, action: str) -> None:
        self.idea_id = idea_id
        self.action = action
        label = text.SUPPORT if action == "support" else text.WITHDRAW_SUPPORT
        style = (
            discord.ButtonStyle.primary if action == "support" else discord.ButtonStyle.secondary
        )
        super().__init__(f"idea:{idea_id}:{action}", label=label, style=style)

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), match["action"])

    async def on_press(self, interaction: discord.Interaction) -> None:
        member = await require_member(interaction)
        wants = self.action == "support"
        result = await flows.set_support(
            services_of(interaction), RENDER, self.idea_id, member.guild_id, member.user_id, wants
        )
        title = shown(result.idea.title, MAX_TITLE)
        if wants:
            words = text.SUPPORTED if result.changed else text.ALREADY_SUPPORTING
        else:
            words = text.UNSUPPORTED if result.changed else text.NOT_SUPPORTING
        await interaction.response.send_message(words.format(title=title), ephemeral=True)


class ReviewButton(
    SafeButton, template=r"ideareview:(?P<id>[0-9]+):(?P<action>publish|refuse|who)"
):
    """On the review post in the moderators channel (moderators only, re-checked)."""

    LABELS = {"publish": text.PUBLISH, "refuse": text.NOT_PUBLISHED, "who": text.WHO_WROTE}

    def __init__(self, idea_id: int, action: str) -> None:
        self.idea_id = idea_id
        self.action = action
        super().__init__(f"ideareview:{idea_id}:{action}", label=self.LABELS[action])

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), match["action"])

    async def on_press(self, interaction: discord.Interaction) -> None:
        require_moderator(interaction)
        services = services_of(interaction)
        guild_id = actor_guild_id(interaction)
        if self.action == "who":
            author = await flows.who_wrote(services, guild_id, self.idea_id)
            words = (
                text.WHO_WROTE_ANSWER.format(user_id=author)
                if author is not None
                else text.WHO_WROTE_GONE
            )
            await interaction.response.send_message(words, ephemeral=True)
            return
        if self.action == "refuse":
            await interaction.response.send_modal(RefuseModal(self.idea_id))
            return
        settings = await get_settings(services.db, guild_id)
        idea = await flows.publish_reviewed(services, RENDER, settings, self.idea_id)
        await interaction.response.send_message(
            text.PUBLISHED.format(channel=f"<#{idea.channel_id}>"), ephemeral=True
        )


class OwnIdeaButton(SafeButton, template=r"ideaown:(?P<id>[0-9]+):(?P<action>withdraw|edit)"):
    """In /ideas, on the author's own ideas: Withdraw (until answered), Edit (before review)."""

    def __init__(self, idea_id: int, action: str) -> None:
        self.idea_id = idea_id
        self.action = action
        label = text.WITHDRAW if action == "withdraw" else text.EDIT
        super().__init__(f"ideaown:{idea_id}:{action}", label=label)

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), match["action"])

    async def on_press(self, interaction: discord.Interaction) -> None:
        member = await require_member(interaction, allow_outdated_notice=True)
        services = services_of(interaction)
        if self.action == "edit":
            idea = await flows.own_idea(services, member.guild_id, self.idea_id, member.user_id)
            if idea.state != REVIEW:
                await interaction.response.send_message(text.CANNOT_EDIT, ephemeral=True)
                return
            await interaction.response.send_modal(IdeaModal(None, editing=idea))
            return
        idea = await flows.withdraw(services, RENDER, member.guild_id, self.idea_id, member.user_id)
        await interaction.response.send_message(
            text.WITHDRAWN.format(title=shown(idea.title, MAX_TITLE)), ephemeral=True
        )


class StartPollButton(SafeButton, template=r"ideapoll:(?P<id>[0-9]+)"):
    """After taking an idea forward: the poll form, its question written already."""

    def __init__(self, idea_id: int) -> None:
        self.idea_id = idea_id
        super().__init__(f"ideapoll:{idea_id}", label=text.START_A_POLL)

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]))

    async def on_press(self, interaction: discord.Interaction) -> None:
        await require_organiser(interaction)
        idea = await flows.own_server_idea(
            services_of(interaction), actor_guild_id(interaction), self.idea_id
        )
        question = text.POLL_QUESTION.format(title=cut(idea.title, 200))
        await forms.open_form(POLL_FORM, interaction, {"question": question})


class IdeaWordsButton(SafeButton, template=r"ideawords:(?P<id>[0-9]+):(?P<choice>public|private)"):
    """The author's own choice, after submitting: may the public pages show their title and
    text (never their name)? Works from the DM telling them of the answer, and in /ideas."""

    def __init__(self, idea_id: int, choice: str) -> None:
        self.idea_id = idea_id
        self.choice = choice
        label = pages_text.WORDS_PUBLIC if choice == "public" else pages_text.WORDS_PRIVATE
        super().__init__(f"ideawords:{idea_id}:{choice}", label=f"{label} ({idea_id})")

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), match["choice"])

    async def on_press(self, interaction: discord.Interaction) -> None:
        public = self.choice == "public"
        await flows.set_words_public(
            services_of(interaction), self.idea_id, interaction.user.id, public
        )
        words = pages_text.WORDS_NOW_PUBLIC if public else pages_text.WORDS_NOW_PRIVATE
        await interaction.response.send_message(words, ephemeral=True)


POLL_FORM = "poll"  # opened through bot/forms.py (the polls feature registers it)
DYNAMIC_ITEMS = (SupportButton, ReviewButton, OwnIdeaButton, StartPollButton, IdeaWordsButton)


# -- /ideas ------------------------------------------------------------------------------------


def list_message(listing: flows.Listing) -> tuple[discord.Embed, discord.ui.View]:
    message = embed(text.LIST_TITLE)
    view = DynamicView()
    buttons = 0
    if listing.own:
        lines = []
        for idea in listing.own[:10]:
            lines.append(
                text.LIST_OWN_LINE.format(
                    title=shown(idea.title, MAX_TITLE), id=idea.id, status=status_words(idea)
                )
            )
            for action, allowed in (
                ("edit", idea.state == REVIEW),
                ("withdraw", idea.state in (REVIEW, OPEN)),
            ):
                if allowed and buttons < 25:
                    view.add_item(OwnIdeaButton(idea.id, action))
                    buttons += 1
            if idea.state in (OPEN, ANSWERED) and buttons < 25:
                choice = "private" if idea.words_public_at is not None else "public"
                view.add_item(IdeaWordsButton(idea.id, choice))
                buttons += 1
        message.add_field(name=text.LIST_YOURS, value=cut("\n".join(lines), 1024), inline=False)
    lines = [
        text.LIST_LINE.format(
            title=shown(idea.title, MAX_TITLE),
            id=idea.id,
            status=status_words(idea),
            count=count_text(idea.supporters),
            link=listing.links.get(idea.id, ""),
        )
        for idea in listing.open[:15]
    ]
    message.add_field(
        name=text.LIST_OPEN, value=cut("\n".join(lines) or text.LIST_NONE_OPEN, 1024), inline=False
    )
    return message, view


# -- autocomplete ------------------------------------------------------------------------------


async def open_ideas(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[int]]:
    if interaction.guild_id is None:
        return []
    found = await flows.titles(services_of(interaction), interaction.guild_id, (OPEN,))
    needle = current.strip().casefold()
    return [
        app_commands.Choice(name=cut(title, 100), value=idea_id)
        for idea_id, title in found
        if needle in title.casefold()
    ][:25]
