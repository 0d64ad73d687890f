"""Custom ids are forever: a button on a month-old post must still reach the same item.

Each literal id below was copied from main before the feature packages (one per
template, and each variant of its arguments); templates added since add theirs. If one stops routing, or routes to
another item or other arguments, old posts break for the people who press them.
"""

from __future__ import annotations

from typing import Any

import discord
import pytest

ROUTES: list[tuple[str, str, dict[str, Any]]] = [
    (
        "meet:7:20261203T1800:going",
        "AnswerButton",
        {"meeting_id": 7, "occ_key": "20261203T1800", "status": "going"},
    ),
    (
        "meet:7:20261203T1800:maybe",
        "AnswerButton",
        {"meeting_id": 7, "occ_key": "20261203T1800", "status": "maybe"},
    ),
    (
        "meet:7:20261203T1800:no",
        "AnswerButton",
        {"meeting_id": 7, "occ_key": "20261203T1800", "status": "no"},
    ),
    ("meetall:7:going", "SeriesButton", {"meeting_id": 7, "status": "going"}),
    ("meetname:7:on", "NameButton", {"meeting_id": 7, "show": True}),
    ("meetname:7:off", "NameButton", {"meeting_id": 7, "show": False}),
    ("meetremind:7", "RemindMeButton", {"meeting_id": 7}),
    ("note:fix:12", "FixNoteButton", {"draft_id": 12}),
    ("meetdraft:12:post", "DraftButton", {"draft_id": 12, "action": "post"}),
    ("meetdraft:12:change", "DraftButton", {"draft_id": 12, "action": "change"}),
    ("meetpick:12:am", "MeetingPickButton", {"draft_id": 12, "choice": "am"}),
    ("meetpick:12:given", "MeetingPickButton", {"draft_id": 12, "choice": "given"}),
    ("member:agree:3", "AgreeButton", {"version": 3}),
    (
        "member:agree:3:poll:42:vote",
        "AgreeAndCarryOnButton",
        {"version": 3, "origin": "poll:42:vote"},
    ),
    (
        "member:agree:3:meet:7:20261203T1800:going",
        "AgreeAndCarryOnButton",
        {"version": 3, "origin": "meet:7:20261203T1800:going"},
    ),
    ("member:notnow", "NotNowButton", {}),
    ("member:prefs", "ContactSelect", {}),
    ("member:prefs:none", "NoMessagesButton", {}),
    ("member:group", "GroupSelect", {}),
    ("member:details", "DetailsButton", {}),
    ("member:dms-open", "OpenedDmsButton", {}),
    ("member:leave", "LeaveButton", {}),
    ("member:leave:42", "LeaveServerButton", {"guild_id": 42}),
    ("member:dm:show", "ServerSelect", {"action": "show", "until": None}),
    ("member:dm:pause:1 March", "ServerSelect", {"action": "pause", "until": "1 March"}),
    ("member:stay", "StayButton", {}),
    ("member:read", "ReadAboutJoiningButton", {"origin": None}),
    ("member:read:poll:42:vote", "ReadAboutJoiningButton", {"origin": "poll:42:vote"}),
    ("member:read-notice:123", "ReadNoticeButton", {"guild_id": 123}),
    ("member:agree-in:123:3", "AgreeInServerButton", {"guild_id": 123, "version": 3}),
    ("setup:notice:save:9", "SaveNoticeButton", {"revision": 9}),
    ("setup:notice:keep:9", "KeepNoticeButton", {"revision": 9}),
    ("net:req:5:approve", "DecideButton", {"request_id": 5, "decision": "approve"}),
    ("net:req:5:refuse", "DecideButton", {"request_id": 5, "decision": "refuse"}),
    ("net:4:code", "MakeCodeButton", {"network_id": 4}),
    ("idea:7:support", "SupportButton", {"idea_id": 7, "action": "support"}),
    ("record:certificate", "CertificateButton", {}),
    ("idea:7:withdraw", "SupportButton", {"idea_id": 7, "action": "withdraw"}),
    ("ideareview:7:publish", "ReviewButton", {"idea_id": 7, "action": "publish"}),
    ("ideareview:7:refuse", "ReviewButton", {"idea_id": 7, "action": "refuse"}),
    ("ideareview:7:who", "ReviewButton", {"idea_id": 7, "action": "who"}),
    ("ideaown:7:withdraw", "OwnIdeaButton", {"idea_id": 7, "action": "withdraw"}),
    ("ideaown:7:edit", "OwnIdeaButton", {"idea_id": 7, "action": "edit"}),
    ("ideawords:7:public", "IdeaWordsButton", {"idea_id": 7, "choice": "public"}),
    ("ideawords:7:private", "IdeaWordsButton", {"idea_id": 7, "choice": "private"}),
    ("setup:publish:kinds", "PublishSelect", {}),
    ("setup:publish:off", "UnpublishButton", {}),
    ("ideapoll:7", "StartPollButton", {"idea_id": 7}),
    ("outcome:poll:7:update", "UpdateNowButton", {"kind": "poll", "item_id": 7}),
    ("outcome:opportunity:3:update", "UpdateNowButton", {"kind": "opportunity", "item_id": 3}),
    ("decisions:all:2", "PageButton", {"status": "all", "page": 2}),
    ("decisions:in_progress:0", "PageButton", {"status": "in_progress", "page": 0}),
    ("decisions:filter", "StatusFilter", {}),
    ("net:4:leave", "LeaveNetworkButton", {"network_id": 4}),
    ("net:stay", "StayInNetworkButton", {}),
    ("opp:7:yes", "YesButton", {"opp_id": 7, "guild_id": None}),
    ("opp:7:yes:99", "YesButton", {"opp_id": 7, "guild_id": 99}),
    ("opp:7:no", "NoButton", {"opp_id": 7, "guild_id": None}),
    ("opp:7:no:99", "NoButton", {"opp_id": 7, "guild_id": 99}),
    ("opp:7:name:share", "NameButton", {"opp_id": 7, "choice": "share", "guild_id": None}),
    ("opp:7:name:keep:99", "NameButton", {"opp_id": 7, "choice": "keep", "guild_id": 99}),
    ("opp:7:roster", "RosterButton", {"opp_id": 7}),
    ("opp:7:details", "OppDetailsButton", {"opp_id": 7, "guild_id": None}),
    ("opp:7:details:99", "OppDetailsButton", {"opp_id": 7, "guild_id": 99}),
    ("opp:7:pay:fee", "PayChoiceButton", {"opp_id": 7, "choice": "fee", "guild_id": None}),
    ("opp:7:pay:none:99", "PayChoiceButton", {"opp_id": 7, "choice": "none", "guild_id": 99}),
    ("opp:7:pay:share", "ShareToBePaidButton", {"opp_id": 7, "guild_id": None}),
    ("opp:7:pay:ask", "PayAskButton", {"opp_id": 7}),
    ("opp:7:took:1", "TookPartSelect", {"opp_id": 7, "part": 1}),
    (
        "opp:7:took:ok:2.5:panel member",
        "ConfirmTookPartButton",
        {"opp_id": 7, "hours": 2.5, "role": "panel member"},
    ),
    ("opp:7:took:ok::", "ConfirmTookPartButton", {"opp_id": 7, "hours": None, "role": None}),
    ("opp:7:paid:42", "MarkPaidButton", {"opp_id": 7, "user_id": 42}),
    ("opp:7:paidclaim:3", "MarkKeptPaidButton", {"opp_id": 7, "claim_id": 3}),
    ("member:leave:keepclaim", "KeepClaimLeaveButton", {"guild_id": None}),
    ("member:leave:keepclaim:99", "KeepClaimLeaveButton", {"guild_id": 99}),
    ("member:leave:99:all", "EraseTooServerButton", {"guild_id": 99}),
    ("oppdraft:5:post", "OppDraftButton", {"draft_id": 5, "action": "post"}),
    ("oppdraft:5:am", "OppDraftButton", {"draft_id": 5, "action": "am"}),
    ("poll:42:vote", "VoteButton", {"poll_id": 42}),
    ("polldraft:9:post", "PollDraftButton", {"draft_id": 9, "action": "post"}),
    ("polldraft:9:pm", "PollDraftButton", {"draft_id": 9, "action": "pm"}),
    ("poll:42:single", "SingleSelect", {"poll_id": 42}),
    ("poll:42:multi", "MultiSelect", {"poll_id": 42}),
    ("poll:42:rk:1.3-2", "RankSelect", {"poll_id": 42, "state": "1.3-2"}),
    ("poll:42:rks:1.3-2", "RankSaveButton", {"poll_id": 42, "state": "1.3-2"}),
    ("poll:42:rku:1.3-2", "RankUndoButton", {"poll_id": 42, "state": "1.3-2"}),
    ("poll:42:po:0.5-2.0", "PointsOptionSelect", {"poll_id": 42, "state": "0.5-2.0"}),
    ("poll:42:pv:1:0.5-2.0", "PointsValueSelect", {"poll_id": 42, "option": 1, "state": "0.5-2.0"}),
    ("poll:42:ps:0.5-2.0", "PointsSaveButton", {"poll_id": 42, "state": "0.5-2.0"}),
    ("poll:42:p0", "PointsResetButton", {"poll_id": 42}),
    ("poll:42:why", "ReasonButton", {"poll_id": 42}),
    ("poll:42:details", "PollDetailsButton", {"poll_id": 42}),
    ("form:8:fix", "FixItButton", {"draft_id": 8}),
    ("mecal:scope:mine", "ScopeButton", {"scope": "mine"}),
    ("mecal:scope:all", "ScopeButton", {"scope": "all"}),
    ("mecal:new", "NewLinkButton", {}),
    ("report:dry33Ti90tXA-JMN:withdraw", "WithdrawLinkButton", {"link_id": "dry33Ti90tXA-JMN"}),
]


@pytest.fixture
async def dynamic_items(loaded_bot):
    return dict(loaded_bot._connection._view_store._dynamic_items)


@pytest.mark.parametrize(("custom_id", "item", "arguments"), ROUTES, ids=[r[0] for r in ROUTES])
async def test_an_old_custom_id_routes_to_the_same_item_with_the_same_arguments(
    dynamic_items, custom_id, item, arguments
):
    matches = [(t, cls) for t, cls in dynamic_items.items() if t.fullmatch(custom_id)]
    assert len(matches) == 1, f"{custom_id!r} is routed to {len(matches)} items"
    template, cls = matches[0]
    assert cls.__name__ == item
    component: discord.ui.Item[Any] = (
        discord.ui.Select(custom_id=custom_id)
        if issubclass(cls, discord.ui.DynamicItem) and "Select" in cls.__name__
        else discord.ui.Button(custom_id=custom_id)
    )
    made = await cls.from_custom_id(None, component, template.fullmatch(custom_id))
    found = {name: getattr(made, name) for name in arguments}
    assert found == arguments
    assert made.custom_id == custom_id, "the item would draw a different id on a new post"


def test_every_template_has_a_literal_id_here(dynamic_items):
    routed = {cls.__name__ for t, cls in dynamic_items.items() for r in ROUTES if t.fullmatch(r[0])}
    everything = {cls.__name__ for cls in dynamic_items.values()}
    assert everything <= routed, f"add a literal id for: {sorted(everything - routed)}"
