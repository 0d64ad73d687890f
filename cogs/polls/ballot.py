"""The private ballot behind a poll's **Vote** button, for every kind and up to 25 options.

single and multi: one select (25 options fit one; `max_choices` limits multi).
ranked: one select per place ("Your 1st choice", ...), each screen showing the
ranking so far, with Undo last and Save my ranking; partial rankings are fine.
points: an option select, then a points select offering only what is left
(never more than 10 in all), with a running total and Save my points.

Screens carry their progress in their custom ids (`poll:7:rk:3.0.12`,
`poll:7:ps:0-6.3-4`), so nothing is held in memory and an open ballot keeps
working after a restart. Every step re-checks membership and that the poll is
open (rule 7); a vote is committed before "Your vote is saved" (rule 10). After
a vote, `poll_vote` is dispatched so the cog can update the turnout shown.
What a vote does is in `cogs.polls.flows`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from bot import strings
from bot.domain.ballots import (
    Ballot,
    BallotError,
    MultiBallot,
    PointsBallot,
    PollKind,
    RankedBallot,
    SingleBallot,
    option_indices,
)
from bot.domain.errors import Refusal
from bot.domain.polls import (
    MAX_REASON,
    Poll,
    clean_reason,
    decode_points,
    decode_ranking,
    encode_points,
    encode_ranking,
    give_points,
)
from bot.domain.text import cut
from bot.errors import JoinFirst
from bot.guards import actor_guild_id, require_member
from bot.strings import polls as text
from bot.ui import DynamicView, NumberedButton, SafeButton, SafeItem, SafeModal, embed
from cogs.polls import flows
from cogs.polls.flows import amount, describe_ballot, kind_line, title_of

if TYPE_CHECKING:
    from bot.client import SpeakBack

log = logging.getLogger(__name__)

EMBED_DESCRIPTION = 4096


def bot_of(interaction: discord.Interaction) -> SpeakBack:
    return interaction.client  # type: ignore[return-value]


def server_name(bot: SpeakBack, guild_id: int) -> str:
    """A server's name as shown in a message (markdown escaped)."""
    guild = bot.get_guild(guild_id)
    return discord.utils.escape_markdown(guild.name) if guild else text.ANOTHER_SERVER


def counted_line(bot: SpeakBack, counted_in: int | None) -> str | None:
    """A kind line if this person's one vote is counted in another linked server."""
    if counted_in is None:
        return None
    return text.COUNTED_ELSEWHERE.format(server=server_name(bot, counted_in))


async def open_poll_for(interaction: discord.Interaction, poll_id: int) -> Poll:
    """The poll, if this member may vote in it now (re-checked on every step, rule 7)."""
    bot = bot_of(interaction)
    member = await require_member(interaction)
    return await flows.get_open_poll(bot.services, poll_id, member.guild_id)


def ballot_intro(poll: Poll, current: Ballot | None) -> list[str]:
    lines = []
    if poll.content_note:
        lines.append(text.CONTENT_NOTE.format(note=poll.content_note))
    lines.append(text.BALLOT_ANONYMOUS if poll.anonymous else text.BALLOT_NAMED)
    lines.append(kind_line(poll))
    if current is not None:
        lines.append(cut(text.BALLOT_CURRENT.format(choice=describe_ballot(poll, current)), 1500))
    return lines


def _select_options(
    poll: Poll,
    chosen: set[int] = frozenset(),
    skip: set[int] = frozenset(),  # type: ignore[assignment]
) -> list[discord.SelectOption]:
    return [
        discord.SelectOption(label=cut(f"{n + 1}. {o}", 100), value=str(n), default=n in chosen)
        for n, o in enumerate(poll.options)
        if n not in skip
    ]


def ballot_screen(poll: Poll, current: Ballot | None) -> tuple[discord.Embed, discord.ui.View]:
    """The first ballot screen for this poll's kind."""
    if poll.kind is PollKind.RANKED:
        start = current.ranking if isinstance(current, RankedBallot) else ()
        return ranked_screen(poll, start, current)
    if poll.kind is PollKind.POINTS:
        start = dict(current.points) if isinstance(current, PointsBallot) else {}
        return points_screen(poll, start, current)
    view = DynamicView()
    if poll.kind is PollKind.SINGLE:
        chosen = {current.choice} if isinstance(current, SingleBallot) else set()
        view.add_item(SingleSelect(poll.id, _select_options(poll, chosen)))
    else:
        chosen = set(current.choices) if isinstance(current, MultiBallot) else set()
        limit = poll.max_choices or len(poll.options)
        view.add_item(MultiSelect(poll.id, _select_options(poll, chosen), limit))
    body = "\n".join(ballot_intro(poll, current))
    return embed(title_of(poll.question), body), view


def ranked_screen(
    poll: Poll, ranking: tuple[int, ...], current: Ballot | None = None
) -> tuple[discord.Embed, discord.ui.View]:
    lines = ballot_intro(poll, current)
    lines.append("")
    if ranking:
        lines.append(text.RANK_SO_FAR)
        lines += [f"{n}. {poll.options[i]}" for n, i in enumerate(ranking, start=1)]
    else:
        lines.append(text.RANK_NONE_YET)
    view = DynamicView()
    state = encode_ranking(ranking)
    if len(ranking) < len(poll.options):
        placeholder = text.SELECT_RANK.format(ordinal=text.ordinal(len(ranking) + 1))
        view.add_item(
            RankSelect(poll.id, state, _select_options(poll, skip=set(ranking)), placeholder)
        )
    else:
        lines.append(text.RANK_DONE_ALL)
    view.add_item(RankSaveButton(poll.id, state, disabled=not ranking))
    view.add_item(RankUndoButton(poll.id, state, disabled=not ranking))
    return embed(title_of(poll.question), cut("\n".join(lines), EMBED_DESCRIPTION)), view


def points_screen(
    poll: Poll, points: dict[int, int], current: Ballot | None = None
) -> tuple[discord.Embed, discord.ui.View]:
    lines = ballot_intro(poll, current)
    lines.append("")
    total = sum(points.values())
    if points:
        lines.append(text.POINTS_SO_FAR.format(total=total))
        lines += [f"{poll.options[i]}: {amount(p, 'points')}" for i, p in sorted(points.items())]
    else:
        lines.append(text.POINTS_NONE_YET)
    view = DynamicView()
    state = encode_points(points)
    options = [
        discord.SelectOption(
            label=cut(f"{n + 1}. {o}", 100),
            value=str(n),
            description=amount(points[n], "points") if n in points else None,
        )
        for n, o in enumerate(poll.options)
    ]
    view.add_item(PointsOptionSelect(poll.id, state, options))
    view.add_item(PointsSaveButton(poll.id, state, disabled=not points))
    view.add_item(PointsResetButton(poll.id, disabled=not points))
    return embed(title_of(poll.question), cut("\n".join(lines), EMBED_DESCRIPTION)), view


def points_value_screen(
    poll: Poll, points: dict[int, int], option: int
) -> tuple[discord.Embed, discord.ui.View]:
    others = sum(p for i, p in points.items() if i != option)
    left = 10 - others
    lines = ballot_intro(poll, None)
    lines += ["", text.POINTS_FOR.format(option=poll.options[option], left=left)]
    choices = [
        discord.SelectOption(
            label=amount(n, "points"), value=str(n), default=points.get(option, 0) == n
        )
        for n in range(left + 1)
    ]
    view = DynamicView()
    view.add_item(
        PointsValueSelect(
            poll.id,
            option,
            encode_points(points),
            choices,
            text.SELECT_POINTS_VALUE.format(n=option + 1),
        )
    )
    return embed(title_of(poll.question), "\n".join(lines)), view


async def save_vote(interaction: discord.Interaction, poll_id: int, ballot: Ballot) -> None:
    """Commit, then say so (rule 10); then the cog updates the turnout on the poll."""
    bot = bot_of(interaction)
    member = await require_member(interaction)
    try:
        vote = await flows.save_vote(
            bot.services,
            poll_id,
            member,
            ballot,
            voter_name=interaction.user.display_name,
            secret=bot.config.secret,
        )
    except flows.NotAMember:
        raise JoinFirst() from None
    poll = vote.poll
    saved = text.SAVED_CHANGED if vote.changed else text.SAVED
    lines = [
        cut(saved.format(choice=describe_ballot(poll, vote.ballot)), 3000),
        text.SAVED_ANONYMOUS if poll.anonymous else text.SAVED_NAMED,
        text.SAVED_CHANGE_HINT,
    ]
    elsewhere = counted_line(bot, vote.counted_in)
    if elsewhere:
        lines.append(elsewhere)
    view = DynamicView()
    if poll.reasons:
        view.add_item(ReasonButton(poll.id))
    await interaction.response.edit_message(
        content=None, embed=embed(title_of(poll.question), "\n".join(lines)), view=view
    )
    bot.dispatch("poll_vote", poll.id)  # the cog updates the turnout shown


class VoteButton(NumberedButton, template=r"poll:(?P<id>[0-9]+):vote"):
    id_format = "poll:{}:vote"
    LABEL = strings.VOTE

    @property
    def poll_id(self) -> int:
        return self.number

    async def on_press(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        # Everyone may press at once when a poll is announced: one read re-checks it all.
        read = await flows.vote_press(
            bot.services,
            self.poll_id,
            actor_guild_id(interaction),
            interaction.user.id,
            bot.config.secret,
        )
        member = await require_member(interaction, found=(read.member, read.notice_version))
        opened = await flows.open_ballot(
            bot.services,
            read,
            self.poll_id,
            member,
            pressed_in=interaction.guild_id,
            message_id=interaction.message.id if interaction.message is not None else None,
        )
        shown, view = ballot_screen(opened.poll, opened.current)
        elsewhere = counted_line(bot, opened.counted_in)
        await interaction.response.send_message(
            content=elsewhere, embed=shown, view=view, ephemeral=True
        )


class SingleSelect(
    SafeItem, discord.ui.DynamicItem[discord.ui.Select], template=r"poll:(?P<id>[0-9]+):single"
):
    def __init__(self, poll_id: int, options: list[discord.SelectOption] | None = None) -> None:
        self.poll_id = poll_id
        super().__init__(
            discord.ui.Select(
                custom_id=f"poll:{poll_id}:single",
                placeholder=text.SELECT_SINGLE,
                min_values=1,
                max_values=1,
                options=options or [],
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]))

    async def on_press(self, interaction: discord.Interaction) -> None:
        chosen = option_indices(self.item.values)
        if not chosen:
            raise BallotError(text.NONE_CHOSEN)
        await save_vote(interaction, self.poll_id, SingleBallot(chosen[0]))


class MultiSelect(
    SafeItem, discord.ui.DynamicItem[discord.ui.Select], template=r"poll:(?P<id>[0-9]+):multi"
):
    def __init__(
        self, poll_id: int, options: list[discord.SelectOption] | None = None, limit: int = 1
    ) -> None:
        self.poll_id = poll_id
        super().__init__(
            discord.ui.Select(
                custom_id=f"poll:{poll_id}:multi",
                placeholder=text.SELECT_MULTI,
                min_values=1,
                max_values=max(1, min(limit, len(options or []) or 1)),
                options=options or [],
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]))

    async def on_press(self, interaction: discord.Interaction) -> None:
        chosen = option_indices(self.item.values)
        await save_vote(interaction, self.poll_id, MultiBallot(frozenset(chosen)))


class RankSelect(
    SafeItem,
    discord.ui.DynamicItem[discord.ui.Select],
    template=r"poll:(?P<id>[0-9]+):rk:(?P<state>[0-9.-]+)",
):
    def __init__(
        self,
        poll_id: int,
        state: str,
        options: list[discord.SelectOption] | None = None,
        placeholder: str | None = None,
    ) -> None:
        self.poll_id, self.state = poll_id, state
        super().__init__(
            discord.ui.Select(
                custom_id=f"poll:{poll_id}:rk:{state}",
                placeholder=placeholder,
                min_values=1,
                max_values=1,
                options=options or [],
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), match["state"])

    async def on_press(self, interaction: discord.Interaction) -> None:
        poll = await open_poll_for(interaction, self.poll_id)
        ranking = decode_ranking(self.state, len(poll.options))
        picked = option_indices(self.item.values)
        if picked and 0 <= picked[0] < len(poll.options) and picked[0] not in ranking:
            ranking = (*ranking, picked[0])
        shown, view = ranked_screen(poll, ranking)
        await interaction.response.edit_message(embed=shown, view=view)


class RankSaveButton(SafeButton, template=r"poll:(?P<id>[0-9]+):rks:(?P<state>[0-9.-]+)"):
    def __init__(self, poll_id: int, state: str, disabled: bool = False) -> None:
        self.poll_id, self.state = poll_id, state
        super().__init__(
            f"poll:{poll_id}:rks:{state}",
            label=text.SAVE_RANKING,
            style=discord.ButtonStyle.primary,
            disabled=disabled,
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), match["state"])

    async def on_press(self, interaction: discord.Interaction) -> None:
        poll = await open_poll_for(interaction, self.poll_id)
        ranking = decode_ranking(self.state, len(poll.options))
        await save_vote(interaction, poll.id, RankedBallot(ranking))


class RankUndoButton(SafeButton, template=r"poll:(?P<id>[0-9]+):rku:(?P<state>[0-9.-]+)"):
    def __init__(self, poll_id: int, state: str, disabled: bool = False) -> None:
        self.poll_id, self.state = poll_id, state
        super().__init__(
            f"poll:{poll_id}:rku:{state}",
            label=text.UNDO,
            style=discord.ButtonStyle.secondary,
            disabled=disabled,
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), match["state"])

    async def on_press(self, interaction: discord.Interaction) -> None:
        poll = await open_poll_for(interaction, self.poll_id)
        ranking = decode_ranking(self.state, len(poll.options))[:-1]
        shown, view = ranked_screen(poll, ranking)
        await interaction.response.edit_message(embed=shown, view=view)


class PointsOptionSelect(
    SafeItem,
    discord.ui.DynamicItem[discord.ui.Select],
    template=r"poll:(?P<id>[0-9]+):po:(?P<state>[0-9.-]+)",
):
    def __init__(
        self, poll_id: int, state: str, options: list[discord.SelectOption] | None = None
    ) -> None:
        self.poll_id, self.state = poll_id, state
        super().__init__(
            discord.ui.Select(
                custom_id=f"poll:{poll_id}:po:{state}",
                placeholder=text.SELECT_POINTS_OPTION,
                min_values=1,
                max_values=1,
                options=options or [],
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), match["state"])

    async def on_press(self, interaction: discord.Interaction) -> None:
        poll = await open_poll_for(interaction, self.poll_id)
        points = decode_points(self.state, len(poll.options))
        picked = option_indices(self.item.values)
        if not picked or not 0 <= picked[0] < len(poll.options):
            raise BallotError(text.NONE_CHOSEN)
        shown, view = points_value_screen(poll, points, picked[0])
        await interaction.response.edit_message(embed=shown, view=view)


class PointsValueSelect(
    SafeItem,
    discord.ui.DynamicItem[discord.ui.Select],
    template=r"poll:(?P<id>[0-9]+):pv:(?P<option>[0-9]+):(?P<state>[0-9.-]+)",
):
    def __init__(
        self,
        poll_id: int,
        option: int,
        state: str,
        choices: list[discord.SelectOption] | None = None,
        placeholder: str | None = None,
    ) -> None:
        self.poll_id, self.option, self.state = poll_id, option, state
        super().__init__(
            discord.ui.Select(
                custom_id=f"poll:{poll_id}:pv:{option}:{state}",
                placeholder=placeholder,
                min_values=1,
                max_values=1,
                options=choices or [],
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), int(match["option"]), match["state"])

    async def on_press(self, interaction: discord.Interaction) -> None:
        poll = await open_poll_for(interaction, self.poll_id)
        points = decode_points(self.state, len(poll.options))
        if not 0 <= self.option < len(poll.options):
            raise Refusal(text.POLL_GONE)
        chosen = option_indices(self.item.values)
        points = give_points(points, self.option, chosen[0] if chosen else 0)
        shown, view = points_screen(poll, points)
        await interaction.response.edit_message(embed=shown, view=view)


class PointsSaveButton(SafeButton, template=r"poll:(?P<id>[0-9]+):ps:(?P<state>[0-9.-]+)"):
    def __init__(self, poll_id: int, state: str, disabled: bool = False) -> None:
        self.poll_id, self.state = poll_id, state
        super().__init__(
            f"poll:{poll_id}:ps:{state}",
            label=text.SAVE_POINTS,
            style=discord.ButtonStyle.primary,
            disabled=disabled,
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]), match["state"])

    async def on_press(self, interaction: discord.Interaction) -> None:
        poll = await open_poll_for(interaction, self.poll_id)
        points = decode_points(self.state, len(poll.options))
        await save_vote(interaction, poll.id, PointsBallot(points))


class PointsResetButton(SafeButton, template=r"poll:(?P<id>[0-9]+):p0"):
    def __init__(self, poll_id: int, disabled: bool = False) -> None:
        self.poll_id = poll_id
        super().__init__(
            f"poll:{poll_id}:p0",
            label=text.START_AGAIN,
            style=discord.ButtonStyle.secondary,
            disabled=disabled,
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]))

    async def on_press(self, interaction: discord.Interaction) -> None:
        poll = await open_poll_for(interaction, self.poll_id)
        shown, view = points_screen(poll, {})
        await interaction.response.edit_message(embed=shown, view=view)


class ReasonModal(SafeModal, title=text.REASON_MODAL_TITLE):
    form = "poll:reason"

    def form_context(self) -> dict[str, Any]:
        return {"poll_id": self.poll_id}

    @classmethod
    async def reopen(cls, interaction: discord.Interaction, context: dict[str, Any]) -> SafeModal:
        return cls(await open_poll_for(interaction, int(context["poll_id"])), None)

    def __init__(self, poll: Poll, current: str | None) -> None:
        super().__init__()
        self.poll_id = poll.id
        self.reason = discord.ui.TextInput(
            custom_id="reason",
            label=text.REASON_LABEL,
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=MAX_REASON,
            default=current,
            placeholder=cut(text.REASON_ANONYMOUS_HINT, 100) if poll.anonymous else None,
        )
        self.add_item(self.reason)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        poll = await open_poll_for(interaction, self.poll_id)
        reason = clean_reason(self.reason.value)
        await flows.save_reason(bot.services, poll, interaction.user.id, reason, bot.config.secret)
        await interaction.response.send_message(
            text.REASON_SAVED if reason else text.REASON_CLEARED, ephemeral=True
        )


class ReasonButton(SafeButton, template=r"poll:(?P<id>[0-9]+):why"):
    def __init__(self, poll_id: int) -> None:
        self.poll_id = poll_id
        super().__init__(
            f"poll:{poll_id}:why", label=text.ADD_REASON, style=discord.ButtonStyle.secondary
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["id"]))

    async def on_press(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        poll = await open_poll_for(interaction, self.poll_id)
        mine = await flows.current_reason(
            bot.services, poll, interaction.user.id, bot.config.secret
        )
        await interaction.response.send_modal(ReasonModal(poll, mine))


BALLOT_ITEMS = (
    VoteButton,
    SingleSelect,
    MultiSelect,
    RankSelect,
    RankSaveButton,
    RankUndoButton,
    PointsOptionSelect,
    PointsValueSelect,
    PointsSaveButton,
    PointsResetButton,
    ReasonButton,
)
