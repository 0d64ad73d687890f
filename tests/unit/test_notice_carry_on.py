"""I agree on a notice shown instead of a press carries that press on (issue 19).

Which press can be carried (`origin_to_carry`), the id it gets, and how a carried
press answers (`bot.ui.FollowupResponse`): always by ephemeral followups, since the
interaction has had its one response.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import discord

from bot import strings
from bot.ui import MAX_CUSTOM_ID, FollowupResponse
from cogs.membership import ui

BUTTON, SELECT = discord.ComponentType.button.value, discord.ComponentType.string_select.value


def press(custom_id: str, component_type: int = BUTTON) -> Any:
    return SimpleNamespace(
        type=discord.InteractionType.component,
        data={"custom_id": custom_id, "component_type": component_type},
    )


def agree_id(view: discord.ui.View) -> str:
    return next(i.custom_id for i in view.children if i.item.label == strings.I_AGREE)


async def test_a_button_press_is_carried_on_in_the_new_agree_id():
    origin = ui.origin_to_carry(press("poll:42:vote"), 3)
    assert origin == "poll:42:vote"
    assert agree_id(ui.notice_view(3, origin)) == "member:agree:3:poll:42:vote"


async def test_an_id_that_would_not_fit_keeps_todays_plain_agree():
    fits = "poll:42:ps:" + "1" * (MAX_CUSTOM_ID - len("member:agree:3:") - len("poll:42:ps:"))
    assert ui.origin_to_carry(press(fits), 3) == fits
    too_long = fits + "0"
    assert ui.origin_to_carry(press(too_long), 3) is None
    assert ui.origin_to_carry(press(fits), 10) is None  # a longer version number
    assert agree_id(ui.notice_view(3, None)) == "member:agree:3"
    assert ui.fitting(fits, 3) == fits and ui.fitting(fits, 10) is None  # notice changed again


def test_selects_commands_and_agree_itself_are_not_carried():
    assert ui.origin_to_carry(press("poll:42:single", SELECT), 3) is None
    assert ui.origin_to_carry(press("member:agree:2:poll:42:vote"), 3) is None
    assert ui.origin_to_carry(press("member:agree:2"), 3) is None
    command = SimpleNamespace(type=discord.InteractionType.application_command, data={})
    assert ui.origin_to_carry(command, 3) is None


class Followup:
    def __init__(self) -> None:
        self.sent: list[tuple[Any, dict[str, Any]]] = []

    async def send(self, content: Any = None, **kwargs: Any) -> None:
        self.sent.append((content, kwargs))


async def test_a_carried_press_answers_only_by_ephemeral_followups():
    followup = Followup()
    response = FollowupResponse(SimpleNamespace(followup=followup))  # type: ignore[arg-type]
    assert response.is_done()
    await response.defer(ephemeral=True, thinking=True)
    shown = discord.Embed(title="Ballot")
    await response.send_message("hello", embed=shown, delete_after=5)
    await response.edit_message(content=None, embed=None, view=None)
    await response.send_modal(discord.ui.Modal(title="Why"))
    assert followup.sent == [
        ("hello", {"ephemeral": True, "embed": shown}),
        (None, {"ephemeral": True}),
        (strings.PRESS_AGAIN, {"ephemeral": True}),
    ]
