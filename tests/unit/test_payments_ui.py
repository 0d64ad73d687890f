"""What /opportunity happened shows: everyone with a place, ticked, 25 to a select."""

from types import SimpleNamespace

from bot.domain.opportunities import Opportunity
from cogs.opportunities import pay_ui, paying
from db.payments import Placed


async def test_past_25_places_there_is_a_select_per_25_all_ticked():
    opp = Opportunity(id=3, guild_id=1, channel_id=2, title="Panel", description="-")
    people = [Placed(1, 100 + i, f"P{i}", True, False) for i in range(30)]
    people.append(Placed(9, 999, None, False, False))  # another server, name not shared
    found = paying.Candidates(opp, people, {1: "Here", 9: "There"})
    words, view = pay_ui.happened_message(found, "panel member", 2.5)
    selects = [c for c in view.children if isinstance(c, pay_ui.TookPartSelect)]
    assert [len(s.item.options) for s in selects] == [25, 6]
    assert all(o.default for s in selects for o in s.item.options)
    assert selects[1].item.options[-1].label == "31. Someone from There (name not shared)"
    assert "<@999>" not in words and "<@100>" in words  # no mention of an unshared name
    (confirm,) = [c for c in view.children if isinstance(c, pay_ui.ConfirmTookPartButton)]
    assert confirm.custom_id == "opp:3:took:ok:2.5:panel member"
    parsed = pay_ui.ConfirmTookPartButton.parse(confirm.custom_id)
    assert (parsed.role, parsed.hours) == ("panel member", 2.5)


def test_unnamed_people_are_told_apart_by_number():
    row = SimpleNamespace(name="no name given")
    assert pay_ui.row_label(2, row) == "no name given (2)"
    assert pay_ui.row_label(2, SimpleNamespace(name="Ana")) == "Ana"
