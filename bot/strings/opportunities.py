"""Words for opportunities. Plain, warm, short; ASCII apostrophes.

Saying no must feel as easy as saying yes (rule 2): nothing here presses,
chases or counts anyone's participation.
"""

# -- commands ---------------------------------------------------------------------
GROUP_DESCRIPTION = "Opportunities to take part: co-training, panels, reviews and more"
POST_DESCRIPTION = "Organisers: invite members to take part in something"
ROSTER_DESCRIPTION = "Organisers: who said yes (names, access needs) and totals"
EDIT_DESCRIPTION = "Organisers: change an open opportunity's details"
CANCEL_DESCRIPTION = "Organisers: cancel an opportunity (tells those who said yes)"
MESSAGE_DESCRIPTION = "Organisers: send a note to the people with a place"
CLOSE_DESCRIPTION = "Organisers: close an opportunity now (draws the lottery, if any)"
LIST_DESCRIPTION = "See the opportunities open now"
ME_DESCRIPTION = "Your answers to opportunities, and your places"

TITLE_HELP = "A short title, e.g. Co-deliver staff training on listening"
DESCRIPTION_HELP = "What it involves (leave out to write it in a form, with line breaks)"
WHEN_HELP = "When it happens, e.g. `10 Dec 2pm` or `Tuesdays in January`"
PLACES_HELP = "How many people are needed (leave out for no limit)"
ALLOCATION_HELP = "first_come: in order of replies; lottery: drawn at the closing date"
PAYMENT_HELP = "Payment or expenses, e.g. `£25 an hour plus travel` or `unpaid`"
CONTENT_NOTE_HELP = "A short content note, shown before the details"
CLOSES_HELP = "When replies close, e.g. `friday 5pm` (server time)"
CLEAR_HELP = "Remove something that was given before (the post updates)"
CLEAR_CHOICES = {
    "payment": "the payment note",
    "offer": "the fee, voucher and expenses offered",
    "content_note": "the content note",
    "when": "when it happens",
    "closes": "the closing date (replies stay open until you close it)",
}
NETWORK_HELP = "Post to every server in your network too (members answer in their own server)"
PING_HELP = "Ping the server's announcement role with this post"
OPPORTUNITY_HELP = "The opportunity (start typing its title)"

NO_CHANNEL = (
    "I can't post here. Please ask a moderator to choose an announcements channel with "
    "`/setup channel`, or run this in a text channel. Nothing was posted."
)
NOT_FOUND = "I can't find that opportunity in this server. Please pick one from the list."
NOT_OPEN = "That opportunity isn't open any more, so it can't be changed. Nothing was changed."
ALREADY_CANCELLED = "That opportunity was already cancelled. Nothing was changed."
NOTE_CANCELLED = (
    "**{title}** was cancelled, and the people who said yes were told. No note can go about it now."
)
NOTHING_TO_EDIT = "Please give at least one thing to change. Nothing was changed."
NOTICE_CHANGED = (
    "The server's membership notice has changed since you agreed to it. Please use "
    "`/join` in the server to read it first; then you can answer. Nothing was changed."
)
SEE_ROSTER = "See who said yes"
FROM_SERVER = "{title} (from {server})"  # a network opportunity in the roster's list

# -- the read-back before posting ---------------------------------------------------
POST_IT = "Post it"
CHANGE = "Change"
READBACK_INTRO = "Here is your opportunity as I read it. Please check it before posting."
READBACK_WHEN_AT = "**When:** {plain}\nThat is {when} ({relative}) in your own time."
READBACK_WHEN_WORDS = "**When:** {words} (shown as you wrote it)"
READBACK_NO_WHEN = "**When:** not given"
READBACK_CLOSES = "**Replies close:** {plain}\nThat is {when} ({relative}) in your own time."
READBACK_NO_CLOSE = "**Replies close:** no closing date: open until you use `/opportunity close`."
READBACK_AM_PM = (
    "**{what}:** {clock} could be morning or evening. Please choose:\n"
    "- **{am}**: {am_plain}\n- **{pm}**: {pm_plain}\nNothing is posted until you choose."
)
READBACK_WHAT = {"when": "When", "closes": "Replies close"}
READBACK_NOTE = "_{note}_"
READBACK_NO_NOTE = "**Content note:** none"
READBACK_WHERE = "It will be posted in <#{channel}>, and members who chose opportunity messages will be invited by DM."
READBACK_NETWORK = "It will be shared with every server in your network too."
READBACK_PING = "It will ping the server's announcement role."
READBACK_OTHER = (
    "To change places, allocation or payment, run `/opportunity post` again: "
    "the description you wrote is kept."
)
DRAFT_GONE = (
    "This opportunity was already posted, or the draft has expired. "
    "Use `/opportunity post` to start again."
)
DRAFT_ASKING = "Please choose morning or evening for the time first. Nothing was posted."
DESCRIPTION_MODAL_TITLE = "Describe the opportunity"
CHANGE_MODAL_TITLE = "Change your opportunity"
FIELD_TITLE = "Title"
FIELD_DESCRIPTION = "Description (line breaks are kept)"
FIELD_DESCRIPTION_PLACEHOLDER = "What it involves, who it suits, how much time it takes"
FIELD_WHEN = "When (a time, or words)"
FIELD_CLOSES = "Replies close (empty: no closing date)"
FIELD_CONTENT_NOTE = "Content note (optional)"

# -- posting ----------------------------------------------------------------------
POSTED = "Your opportunity is being posted in <#{channel}>. {closes}{lottery}"
POSTED_CLOSES = "Replies close {when} ({relative}). "
POSTED_NO_CLOSE = "It stays open until you close it with `/opportunity close`. "
POSTED_LOTTERY = "Places will be drawn by lottery when it closes. "
POSTED_INVITES = (
    "I'm also sending invitations by DM to members who chose to get them. "
    "I'll tell you here when that's done."
)

SUMMARY = (
    "Invitations for **{title}**: sent: {sent}; skipped by preference: {skipped}; "
    "undeliverable: {undeliverable}; waiting for quiet hours to end: {waiting}."
)
SUMMARY_NONE = (
    "Invitations for **{title}**: none sent. No members here have chosen to get "
    "opportunity messages ({skipped} skipped by preference). The post is still there for "
    "everyone to see."
)

# -- the post -----------------------------------------------------------------------
CONTENT_NOTE = "**Content note:** {note}"
PAYMENT = "**Payment and expenses:** {payment}"
NO_PAYMENT = "**Payment and expenses:** not stated. Please ask an organiser before you decide."
WHEN = "**When:** {when}"
WHEN_AT = "{when} ({relative})"
PLACES_FIRST_COME = "**Places:** {places}, given in the order people say yes."
PLACES_LEFT = "{left} of {places} places left."
PLACES_FULL = "All places are taken. If you say yes, you'll join the waitlist."
PLACES_LOTTERY = "**Places:** {places}, drawn by lottery when replies close (so it's fair whenever you're online)."
NO_LIMIT = "**Places:** no limit."
CLOSES = "Replies close {when} ({relative})."
OPEN_NO_CLOSE = "Open until an organiser closes it."
YES_MEANS = (
    "Saying yes shares your name, and any access needs you've given, with this server's "
    "organisers so they can plan. You can change your answer any time."
)
NO_PRESSURE = (
    "Saying no is always fine. Nobody else sees who said no, and nothing more is sent "
    "to you about this one."
)
CLOSED_LINE = "Replies have closed. Thank you to everyone who looked."
CANCELLED_LINE = "This opportunity was cancelled."
FOOTER = "Opportunity {id}"

DM_INTRO = "A new opportunity from **{server}**. You get these because you chose to."
DM_HOW_TO_STOP = "To stop these messages, use `/me settings` in the server."

# -- answering ----------------------------------------------------------------------
THANKS_CONFIRMED = (
    "Thank you for saying yes to **{title}**. You have a place. An organiser will be in "
    "touch with details."
)
THANKS_NO_LIMIT = (
    "Thank you for saying yes to **{title}**. An organiser will be in touch with details."
)
THANKS_WAITLISTED = (
    "Thank you for saying yes to **{title}**. The places are taken for now, so you're "
    "number {position} on the waitlist. If a place comes free, it's yours next."
)
THANKS_IN_DRAW = (
    "Thank you for saying yes to **{title}**. You're in the draw for the places, made {when}."
)
ACCESS_HINT = (
    "If you have access needs, you can add them with `/me settings`; only organisers of "
    "things you say yes to can see them."
)
CHANGE_HINT = (
    "You can change your mind any time: press **Not this time** or use `/me opportunities`."
)
DECLINED = "Thanks for letting us know. Nothing else will be sent about this one."
WITHDRAWN = (
    "You've stepped out of **{title}**. Thanks for letting us know. "
    "Nothing else will be sent about this one."
)

# -- DMs ----------------------------------------------------------------------------
PROMOTED_TITLE = "A place came free"
PROMOTED = (
    "A place came free on **{title}**, and it's yours. An organiser will be in touch "
    "with details. If you can't make it after all, press **Not this time** on the post "
    "or use `/me opportunities`; that's completely fine."
)
DRAW_TITLE = "The draw for {title}"
DRAW_CONFIRMED = (
    "The draw for **{title}** has been made, and you have a place. An organiser will be "
    "in touch with details. If you can't make it after all, use `/me opportunities`; "
    "that's completely fine."
)
DRAW_WAITLISTED = (
    "The draw for **{title}** has been made. You didn't get a place this time, but "
    "you're number {position} on the waitlist. If a place comes free, it's yours next."
)
CANCELLED_TITLE = "Cancelled: {title}"
CANCELLED_DM = (
    "Sorry: **{title}** has been cancelled by the organisers. You don't need to do "
    "anything. Thank you for saying yes."
)
MOVED_TITLE = "New time: {title}"
MOVED_DM = (
    "The time of **{title}** has changed. It is now: {when}.\n"
    "You said yes, so we're letting you know. Your answer stays as it is; if the new "
    "time doesn't work for you, use `/me opportunities` to step out. That's completely fine."
)
MOVED_WHEN_UNSET = "not fixed yet (the organisers will say)"
EDITED_TOLD_WHO = "who said yes"

# -- roster ---------------------------------------------------------------------------
ROSTER_TITLE = "Roster: {title}"
ROSTER_CONFIRMED = "**Have a place ({count})**"
ROSTER_SAID_YES = "**Said yes ({count})**"
ROSTER_WAITLISTED = "**Waitlist, in order ({count})**"
ROSTER_IN_DRAW = "**In the draw ({count})** - drawn when replies close"
ROSTER_NOBODY = "Nobody yet."
ROSTER_NEEDS = " - access needs: {needs}"
ROSTER_UNNAMED = "Also said yes, from other servers, without sharing their name: {count}."
ROSTER_UNNAMED_HIDDEN = (
    "Others from other servers said yes without sharing their name. How many is not "
    "shown, so the small servers' figures below can't be worked out from it."
)
ROSTER_TOTALS = "**Totals only:** not this time: {declined}; no reply: {no_reply}."
ROSTER_PRIVACY = (
    "Names are shown only for people who said yes. Please keep access needs private "
    "and use them only to make this activity work."
)
ROSTER_ERASED = "Replies were erased under this server's retention setting."

# -- close, cancel, edit ----------------------------------------------------------
CLOSED_NOW = "Closed. The post in <#{channel}> now says replies have closed.{draw}"
CLOSED_DRAW = " The lottery was drawn: {confirmed} got a place, {waitlisted} on the waitlist."
ALREADY_CLOSED = "That opportunity has already closed. Nothing was changed."
CANCELLED_NOW = "Cancelled. {told}"
CANCELLED_NOBODY = "Cancelled. Nobody had said yes, so nobody needed telling."
EDITED = "Saved. The post in <#{channel}> will show the changes shortly.{removed}{promoted}"
EDITED_REMOVED = " Removed: {what}."
EDITED_PROMOTED = " {count} {people} moved from the waitlist into the new places."
EDITED_TOLD = " About the new time: {told}"

# -- lists --------------------------------------------------------------------------
LIST_TITLE = "Open opportunities"
LIST_EMPTY = "There are no open opportunities right now."
LIST_LINE = "**{title}** - {places}{closes} {link}{mine}"
LIST_CLOSES = " Replies close {when}."
LIST_MINE = {
    "interested": " (you said yes)",
    "declined": " (you said not this time)",
    "withdrawn": " (you stepped out)",
}
LIST_JOIN = "To reply, join first with `/join`. Taking part is always your choice."

ME_TITLE = "Your opportunities"
ME_EMPTY = "You haven't answered any opportunities here. That's completely fine."
ME_STATE = {
    "confirmed": "you said yes and have a place",
    "confirmed_no_limit": "you said yes",
    "waitlisted": "you said yes; number {position} on the waitlist",
    "in_draw": "you said yes; you're in the draw",
    "declined": "you said not this time",
    "withdrawn": "you stepped out",
}
ME_ITEM_STATE = {"open": "", "closed": " (closed)", "cancelled": " (cancelled)"}
ME_LINE = "**{title}**{item_state}: {answer}"
ME_FOOTER = (
    "Only you see this. To step out of something you said yes to, press the button for it below."
)
STEP_OUT = "Step out: {title}"
PAUSE_LINE = "**{title}**: {answer}"

# -- networks ---------------------------------------------------------------------
POSTED_NETWORK = "Your opportunity is being posted to your network, in {count} servers: {servers}. "
POSTED_MISSING = (
    "Not posted in {servers}: no announcements channel is set there. A moderator there "
    "can choose one with `/setup channel`. "
)
DM_INTRO_NETWORK = (
    "A new opportunity from **{home}**, shared with your network. You get these because "
    "you chose to in **{server}**."
)
COUNTED_ELSEWHERE = (
    "You'd already answered this from **{server}**, so your answer is counted there, "
    "once. You can change it from either server."
)
NAME_QUESTION = (
    "This opportunity comes from **{home}**. May its organisers see your name and any "
    "access needs you've added? They need them to include you. If you'd rather not, "
    "they see only that one more person said yes. Either is fine, and you can change "
    "this any time by pressing **I'm interested** again."
)
NAME_NOW_SHARED = "Right now they can see your name."
NAME_NOW_KEPT = "Right now they see only a count."
SHARE_NAME = "Share my name"
KEEP_COUNT = "Just count me"
NAME_SHARED = (
    "Thank you. Organisers of **{home}** can now see your name and access needs for "
    "**{title}**, and nothing else about you."
)
NAME_KEPT = (
    "That's fine. Organisers of **{home}** see only that one more person said yes to "
    "**{title}**. Your own server's organisers see you as usual."
)
NAME_NO_YES = "You haven't said yes to this one, so there is nothing to share. Nothing was changed."
ROSTER_BY_SERVER = "**Said yes, by server**"
BY_SERVER_UNIT = "yes answers"  # "5 yes answers", "1 yes answer"
ROSTER_OTHER_SERVER = (
    "Shared by **{home}**. You see names only of this server's members; people from "
    "other servers are counted."
)
