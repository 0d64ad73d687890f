"""Words for meetings and reminders. Plain, warm, short; ASCII apostrophes.

Button labels Going / Maybe / Can't make it are fixed in `bot.strings`.
"""

from bot.strings import service_told

# -- commands -------------------------------------------------------------------
GROUP_DESCRIPTION = "Meetings: schedule them, and get a calendar file"
SCHEDULE_DESCRIPTION = "Organisers: schedule a meeting (you see it before it is posted)"
EDIT_DESCRIPTION = "Organisers: change a meeting (people going are told)"
CANCEL_DESCRIPTION = "Organisers: cancel a meeting, or one date of it (people going are told)"
CANCEL_DATE_HELP = "Only this date of a repeating meeting, e.g. `24 Dec` (leave out for all)"
ICS_DESCRIPTION = "Get a calendar file (.ics) for a meeting or its whole series"
LIST_DESCRIPTION = "See upcoming meetings, soonest first, with your answer"

TITLE_HELP = "What the meeting is called, e.g. `Champions catch-up`"
START_HELP = "When it starts, e.g. `3 Dec 18:00` or `next tuesday 6pm` (server time)"
DURATION_HELP = "How long, in minutes (default 60)"
PLACE_HELP = "Where: a room, an address or a video link"
REPEAT_HELP = "none (default), weekly, fortnightly, or monthly on the same weekday"
REMINDERS_HELP = "When to remind people before it, e.g. `24h,1h` (default) or `none`"
DISCORD_EVENT_HELP = "Also add it to the server's Discord events"
NETWORK_HELP = "Post to every server in your network too (members answer in their own server)"
PING_HELP = "Ping the server's announcement role with this meeting"
MEETING_HELP = "The meeting (start typing its title)"
SERIES_HELP = "For a repeating meeting: the whole series, not only the next meeting"

NO_CHANNEL = (
    "I can't post here. Please ask a moderator to choose an announcements channel with "
    "`/setup channel`, or run this in a text channel. Nothing was posted."
)
MEETING_GONE = "I can't find that meeting here. Please pick one from the list as you type."
CANCELLED_ALREADY = "That meeting was cancelled, so there is nothing to change."
NOTHING_TO_CHANGE = (
    "Please tell me what to change (title, start, duration, place, repeat or reminders). "
    "Nothing was changed."
)

# -- the echo before posting ---------------------------------------------------------
POST_IT = "Post it"
CHANGE = "Change"
ECHO_INTRO = "Here is your meeting as I read it. Please check the time before posting."
ECHO_START = "**Starts:** {plain}\nThat is {when} ({relative}) in your own time."
ECHO_REPEAT = "**Repeats:** {rule}"
ECHO_LENGTH = "**Length:** {length}"
ECHO_PLACE = "**Where:** {place}"
ECHO_REMINDERS = (
    "**Reminders:** {offsets} before, by DM, to people going or maybe who chose reminders"
)
ECHO_EVENT = "**Discord event:** yes, it will be added to the server's events too"
ECHO_WHERE = "It will be posted in <#{channel}>."
ECHO_NETWORK = (
    "It will be shared with your network too: members of every linked server answer "
    "in their own server, and each person counts once."
)
DRAFT_GONE = (
    "This meeting was already posted, or the draft has expired. "
    "Use `/meeting schedule` to start again."
)
DRAFT_ASKING = (
    "Please answer the question on the read-back first (morning or evening, or which "
    "length). Nothing was posted."
)
ECHO_NOTE = "_{note}_"
ECHO_AM_PM = (
    "**Starts:** {clock} could be morning or evening. Please choose:\n"
    "- **{am}**: {am_plain}\n- **{pm}**: {pm_plain}\nNothing is posted until you choose."
)
ECHO_TWO_LENGTHS = (
    "**Length:** the time you typed is {typed} long, but the duration you gave is "
    "{given}. Which is right? Nothing is posted until you choose."
)
PICK_RANGE = "{length}, as typed in the time"
PICK_GIVEN = "{length}, the duration given"
EDIT_TWO_LENGTHS = (
    "The time you typed is {typed} long, but the duration you gave is {given}. Please give "
    "one of them, or make them match. Nothing was changed."
)
DRAFT_PAST = (
    "The start time has passed while this was waiting. Please press **Change** and give "
    "a later time. Nothing was posted."
)
POSTED = (
    "Posted in <#{channel}>. Members can answer there; people going or maybe who chose "
    "reminders will get them by DM. Use `/meeting edit` or `/meeting cancel` if plans change."
)
POSTED_NETWORK = (
    "Posted in <#{channel}> and shared with your network, in {count} servers: {servers}. "
    "Members answer in their own server; each person counts once. Use `/meeting edit` "
    "or `/meeting cancel` if plans change."
)
POSTED_MISSING = (
    "\nNot posted in {servers}: no announcements channel is set there. A moderator there "
    "can choose one with `/setup channel`."
)
EVENT_FAILED = (
    "The meeting is posted, but I couldn't add it to the server's Discord events "
    "({reason}). It may need the **Manage Events** permission for the bot. "
    "Everything else works without it."
)
EVENT_REFUSED = "Discord said: {reason}"
EVENT_LOCATION_DEFAULT = "See the meeting post in Discord"
CHANGE_MODAL_TITLE = "Change the meeting"
FIELD_TITLE = "Title"
FIELD_START = "Starts (server time)"
FIELD_DURATION = "Length in minutes"
FIELD_PLACE = "Where (optional)"
FIELD_REMINDERS = "Reminders before it (e.g. 24h,1h or none)"
NO_REMINDERS_TYPED = "none"  # the Reminders field's value for no reminders (as typed)
DURATION_UNREADABLE = (
    "Please give the length as a number of minutes, like `90`. Nothing was changed."
)

# -- the posted meeting ----------------------------------------------------------------
WHEN_LINE = "**When:** {when} ({relative})"
REPEAT_LINE = "**Repeats:** {rule}, at {wall} ({zone})"
LENGTH_LINE = "**Length:** {length}"
PLACE_LINE = "**Where:** {place}"
# Only Going and Maybe are counted on the post: declining leaves no trace others can read.
COUNTS_LINE = "**Going:** {going} - **Maybe:** {maybe}"
NAMES_LINE = "**Going or maybe** (people who chose to show their name): {names}"
HOW_TO_ANSWER = (
    "Members can answer with the buttons below and change their answer any time. "
    "Reminders come by DM to people going or maybe who chose them in `/me settings`."
)
HOW_TO_ANSWER_SERIES = (
    "Your answer is for the meeting shown; after answering you can use it for the whole series."
)
FOOTER = "Meeting {id}"
MESSAGE_DESCRIPTION = "Organisers: send a note to the people going or maybe"
MESSAGE_DATE_HELP = "Optional: which date's people, like 2026-12-10 (the next one if left out)"
PAUSE_LINE = "**{title}**, {when}: you said {status}"
STEP_OUT = "Can't make it: {title}"
NOTE_NOT_SCHEDULED = "**{title}** isn't going ahead, so no note can go about it now."
NETWORK_LINE = "Shared with the network by **{home}**. Members answer in their own server."
BY_SERVER_TITLE = "**Going or maybe, by server**"
BY_SERVER_UNIT = "answers"  # "5 answers", "1 answer"
CANCELLED_TITLE = "Cancelled: {title}"
CANCELLED_BODY = "This meeting has been cancelled. Thank you to everyone who planned to come."
FINISHED_BODY = "This meeting took place on {when}. Thank you to everyone who came."

# -- answering ----------------------------------------------------------------------
STATUS_WORDS = {"going": "Going", "maybe": "Maybe", "no": "Can't make it"}
SAVED = "Saved: **{status}** for the meeting on {when}. You can change it any time."
SAVED_SERIES = "Saved: **{status}** for every meeting in this series. You can change it any time."
SAVED_REMINDERS = "You'll get a reminder by DM {offsets} before."
SAVED_NO_REMINDERS = (
    "Reminders are off for you. To get them, choose *meeting reminders* in `/me settings`."
)
REMIND_ME = "Remind me before meetings"
SAVED_OFFER_REMINDERS = (
    "Would you like a reminder by DM? **Remind me before meetings** turns on meeting "
    "reminders for every meeting you say Going or Maybe to; change it in `/me settings`. "
    "It's fine to leave them off."
)
REMINDERS_TURNED_ON = (
    "Reminders are on. This turns on meeting reminders for every meeting you say Going "
    "or Maybe to; change it in `/me settings`."
)
REMINDERS_TURNED_ON_NO_TIMES = (
    " You chose no reminder times in `/me settings`, so none will be sent until you add some."
)
SAVED_NO_REMINDER_TIMES = "You chose no reminder times in `/me settings`, so none will be sent."
ALL_IN_SERIES = "Use this answer for the whole series"
SHOW_MY_NAME = "Show my name on the list"
HIDE_MY_NAME = "Hide my name"
NAME_SHOWN = "Your name now shows on the meeting post for people going or maybe."
NAME_SHOWN_NETWORK = (
    "Your name now shows on the meeting post, for people going or maybe, in every "
    "server it was shared with ({servers}). You can hide it again any time."
)
NAME_HIDDEN = "Your name is hidden. The post shows only the counts."
NAME_NETWORK_HINT = (
    "This meeting is shared with your network. If you show your name, it shows on "
    "the post in every server it was shared with; if not, you're only counted."
)
COUNTED_ELSEWHERE = (
    "You'd already answered this meeting from **{server}**, so your answer is counted "
    "there, once. You can change it from either server."
)
ANSWER_FIRST = "Please answer Going, Maybe or Can't make it first."
ALREADY_STARTED = (
    "That meeting has already started, so answers are closed. "
    "Use `/meetings` to see what's coming up."
)
MEETING_CANCELLED = "This meeting was cancelled, so there is nothing to answer."

# -- reminders and notices by DM ----------------------------------------------------------
REMINDER_TITLE = "Reminder: {title}"
REMINDER_BODY = "Hello! You said **{status}** to this meeting. It starts {when} ({relative})."
REMINDER_CHANGE = (
    "If your plans have changed, that's fine: you can change your answer on the "
    "meeting post ({link}). To change when reminders come, or to stop them, use "
    "`/me settings`."
)
CHANGED_TITLE = "Changed: {title}"
CHANGED_BODY = (
    "A meeting you said you might come to has changed. Here it is now. "
    "Your answer stays as it was; you can change it on the meeting post ({link})."
)
CANCELLED_DM_TITLE = "Cancelled: {title}"
CANCELLED_DM_BODY = (
    "A meeting you said you might come to has been cancelled: **{title}**, "
    "which was {when}. Nothing else is needed from you."
)

DATE_CANCELLED_DM_TITLE = "Not on {day}: {title}"
DATE_CANCELLED_DM_BODY = (
    "The meeting you said you might come to on {when} will not happen that day: "
    "**{title}**. The other dates stay as they are{next}. Nothing else is needed from you."
)
DATE_CANCELLED_DM_NEXT = " (the next one is {when})"

# -- organiser replies --------------------------------------------------------------------
EDITED = "Saved. The meeting post is updated.{told}"
EDITED_START = "\nIt now starts {plain}, that is {when} in your own time."
TOLD_WHO = "who said Going or Maybe"
CANCELLED = "The meeting is cancelled and its reminders are off.{told}"
NOBODY_TOLD = " Nobody had said Going or Maybe yet."
DATE_CANCELLED = (
    "The meeting on {day} is cancelled, and its reminders are off. The other dates stay"
    "{next}.{told}"
)
DATE_CANCELLED_NEXT = "; the next one is {when}"
DATE_NOT_HELD = (
    "**{title}** has no meeting still to come on {day}. Its next dates are {dates}. "
    "Nothing was changed."
)
DATE_NONE_LEFT = "**{title}** has no meetings still to come. Nothing was changed."
DATE_ONE_OFF = (
    "**{title}** happens once, so there is no single date to take out. To cancel it, use "
    "`/meeting cancel` without a date. Nothing was changed."
)

# -- calendar files and the list ---------------------------------------------------------
ICS_READY = "Here is a calendar file for **{title}** ({what}). Open it to add it to your calendar."
ICS_ONE = "the meeting on {when}"
ICS_SERIES = "the whole series, {rule}"
ICS_NO_UPCOMING = "That meeting has no upcoming dates, so there is no calendar file to give."
LIST_TITLE = "Upcoming meetings"
LIST_EMPTY = "No meetings are coming up in this server right now."
LIST_LINE = "**{title}** - {when} ({relative}){repeat}\n{answer} - [the post]({link})"
LIST_REPEAT = ", {rule}"
LIST_FROM = " - shared by {server}"
LIST_YOUR_ANSWER = "Your answer: **{status}**"
LIST_NO_ANSWER = "You haven't answered"
LIST_JOIN = "To answer and get reminders, `/join` first (it's always your choice)."
LIST_MORE = "...and {count} more. Use `/meeting ics` for a calendar file of any of them."


# -- calendar feeds (/me calendar) ------------------------------------------------------------
CALENDAR_DESCRIPTION = "Add meetings to your own calendar app, kept up to date"
CALENDAR_IN_SERVER_ONLY = (
    "`/me calendar` works inside a server, because each server has its own meetings. "
    "Please use it there."
)
FEED_NAME = "Speak Back meetings ({server})"
PUBLIC_FEED_NAME = "Meetings of {server}"
FEED_SERVER_UNKNOWN = "your server"
SCOPE_MINE = "Meetings I'm going to"
SCOPE_ALL = "All meetings here"
SCOPE_WORDS = {
    "mine": "the meetings you said **Going** or **Maybe** to",
    "all": "**all** the meetings in this server",
}
MAKE_NEW_LINK = "Make a new link"
OPEN_LINK = "Open the calendar link"
CALENDAR_LINK = (
    "Here is your own calendar address. Add it to your calendar app once, and changes "
    "to meetings (a new time, a cancelled date) follow by themselves.\n\n"
    "It shows {scope}. You can change that with the buttons below, any time.\n\n"
    "**Apple Calendar** (webcal address):\n```\n{webcal}\n```\n"
    "**Google Calendar or Outlook** (https address; **{open_link}** below is the same "
    "one):\n```\n{https}\n```\n"
    "The steps for each app are below.\n\n"
    "This address is private to you: anyone who has it can see which meetings are in "
    "it. If it gets shared by mistake, press **{new_link}**; the old "
    "address stops working at once. This is the only time I can show it: I keep only "
    "a fingerprint of it, not the address itself."
)
STEPS_TITLE = "How to add it to your calendar"
CALENDAR_STEPS = (
    "- **Google Calendar** (on a computer, at calendar.google.com): next to "
    "*Other calendars* press **+**, choose *From URL*, paste the https address and "
    "press *Add calendar*. Google can take up to a day to show a change.\n"
    "- **Apple Calendar**: on an iPhone or iPad, open Settings, then Calendar (in newer "
    "versions Apps, then Calendar), Accounts, Add Account, Other, *Add Subscribed "
    "Calendar*, and paste the webcal address. On a Mac, in Calendar choose File, "
    "*New Calendar Subscription*.\n"
    "- **Outlook** (on the web or Outlook.com): in Calendar choose *Add calendar*, "
    "*Subscribe from web*, paste the https address and press *Import*."
)
CALENDAR_HAVE_LINK = (
    "You made your calendar address on {made}. It shows {scope}.\n\n"
    "I can't show that address again: for your privacy I keep only a fingerprint of "
    "it. If it is already in your calendar app, there is nothing more to do. If you've "
    "lost it, or it was shared by mistake, press **{new_link}**: you get a new address "
    "and the old one stops working at once."
)
SCOPE_SAVED = (
    "Saved: your calendar now shows {scope}. Your calendar app shows the change the "
    "next time it checks (Google can take up to a day)."
)
CALENDAR_FILE = (
    "Here is a calendar file of {scope}. Open it to add them to your calendar.\n\n"
    "This file is a copy of today's plans: it won't change by itself if a meeting "
    "moves or is cancelled. Use `/me calendar` again for an up-to-date file."
)
CALENDAR_FILE_EMPTY = (
    "There are no meetings to put in a calendar yet: {scope}. When there are, "
    "`/me calendar` gives you a file of them."
)


def told(total: int, split: tuple[int, int] | None) -> str:
    """The end of an organiser's reply: who is told of the change (a service message)."""
    return " " + service_told(total, split, TOLD_WHO) if total else NOBODY_TOLD


def length(minutes: int) -> str:
    hours, mins = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if mins:
        parts.append(f"{mins} minute{'s' if mins != 1 else ''}")
    return " ".join(parts)
