"""Words for /join, /leave, /me and /members. Plain, warm, nothing shaming."""

# -- labels ------------------------------------------------------------------------
NO_MESSAGES = "No messages, thanks"
KEEP_MEMBERSHIP = "Keep my membership"
EDIT_DETAILS = "Edit my details"
CONTACT_PLACEHOLDER = "Choose the messages you'd like (or none)"
GROUP_PLACEHOLDER = "How would you describe yourself? (optional)"

PURPOSE_LABELS = {
    "dm_opportunities": "New opportunities to get involved",
    "dm_reminders": "Reminders for meetings I'm going or might go to",
    "dm_outcomes": "What came of polls I voted in",
}
PURPOSE_SHORT = {
    "dm_opportunities": "opportunities",
    "dm_reminders": "meeting reminders",
    "dm_outcomes": "poll outcomes",
}
GROUP_LABELS = {
    "lived_experience": "Lived experience",
    "carer": "Carer",
    "staff": "Staff",
    "prefer_not_to_say": "Prefer not to say",
    "not_given": "Not given",
}
GROUP_CLEAR = "Not given (clear my answer)"

# -- /join ---------------------------------------------------------------------------
NOTICE_TITLE = "Joining Speak Back"
NOTICE_FOOTER = "Notice version {version}. Press I agree to join, or Not now. Both are fine."
NOTICE_UPDATED_TITLE = "Our notice has changed"
NOTICE_UPDATED_INTRO = (
    "This server has updated what it says about your data (version {version}). "
    "Please read it. Until you agree, Speak Back won't message you."
)
NOTICE_CHANGED_WHILE_READING = (
    "The notice was updated while you were reading it. Here is the new version."
)
NOT_NOW_NEW = "That's fine. Nothing about you was stored. You're welcome to `/join` any time."
NOT_NOW_MEMBER = (
    "That's fine. Until you agree to the new notice, Speak Back won't message you. "
    "You can still see your data with `/me export` or leave with `/leave` at any time."
)
WELCOME = (
    "**Welcome, you've joined.** Thank you.\n\n"
    "Would you like any messages from Speak Back? Each is off unless you choose it, "
    "and you can change your mind any time with `/me settings`."
)
RECONFIRMED = (
    "**Thank you, that's saved.** Here are your message choices; change them now "
    "if you like, or any time with `/me settings`."
)
ALREADY_MEMBER = "You're already a member here. Here's how things are:"
AFTER_NOTICE_RETRY = "Once you've agreed, please try again."
AFTER_NOTICE_CARRY_ON = "Once you've agreed, we'll carry on with what you pressed."

PREFS_SAVED = "Saved. You'll get messages about: {chosen}."
PREFS_SAVED_NONE = "Saved. Speak Back won't send you any messages. You can still take part here."
PREFS_PAUSED_NOTE = " (You're stepping back at the moment, so nothing is sent until you resume.)"

# -- /me show ------------------------------------------------------------------------
SHOW_TITLE = "Your membership"
FIELD_MEMBER_SINCE = "Member since"
FIELD_MESSAGES = "Messages you chose"
FIELD_STEPPING_BACK = "Stepping back"
FIELD_PROFILE = "What you've told us"
FIELD_DMS = "Direct messages"
FIELD_NOTICE = "Notice"
NONE_CHOSEN = "None"
NOT_PAUSED = "No"
PAUSED_UNTIL = "Yes, until {when}. `/me resume` to come back sooner."
PAUSED_OPEN = "Yes, until you use `/me resume`."
NOTICE_CURRENT = "You agreed to version {version}."
NOTICE_OUTDATED = (
    "There's a new version ({version}). Use `/join` to read it; "
    "until then Speak Back won't message you."
)
PROFILE_EMPTY = "Nothing yet. You can add things with `/me settings` if you want to."
PROFILE_NAME = "Preferred name"
PROFILE_GROUP = "Group"
PROFILE_ACCESS = "Access needs"
PROFILE_TIMEZONE = "Time zone"
PROFILE_QUIET = "Quiet hours"
PROFILE_REMINDERS = "Your reminder times"
REMINDERS_MEETING_DEFAULT = "each meeting's own"
DMS_OK = "No problems found."
DMS_CLOSED = (
    "Our last message couldn't reach you (since {since}): your DMs from this server "
    "seem to be closed. To get messages, allow direct messages from server members "
    "in this server's privacy settings, then press **I've opened my DMs**."
)

# -- I've opened my DMs ------------------------------------------------------------------
TEST_DM = (
    "Hello from Speak Back. This is a test message, to check that our messages reach you: "
    "your DMs are open, so messages you chose will reach you here. "
    "Nobody reads replies to this bot."
)
HOW_TO_OPEN_DMS = (
    "To open them:\n"
    "- **On a computer:** right-click this server's icon, choose **Privacy Settings**, "
    "and turn on **Direct Messages**.\n"
    "- **On a phone:** tap this server's name at the top, scroll down and turn on "
    "**Allow Direct Messages**.\n"
    "Then press **I've opened my DMs** in `/me show`."
)
DM_CHECK_OPEN = "That worked: our test message reached you, so messages will get through."
DM_CHECK_CLOSED = (
    "Our test message didn't get through: your DMs from this server seem to be closed, "
    "so Speak Back can't message you. Nothing else changes.\n" + HOW_TO_OPEN_DMS
)
DM_CHECK_CLOSED_RECENTLY = (
    "We sent you a test message a few minutes ago and it didn't get through: your DMs "
    "from this server still seem to be closed. To keep Discord happy we send at most one "
    "test every 10 minutes, so you can try again from {again}.\n" + HOW_TO_OPEN_DMS
)
DM_CHECK_WAITING = (
    "We've sent you a test message and are still checking whether it arrived. "
    "`/me show` will tell you if there's a problem."
)

# -- /me settings ------------------------------------------------------------------------
SETTINGS_INTRO = (
    "**Your settings.** Everything here is optional.\n"
    "- Use the first list for the messages you'd like.\n"
    "- Use the second for a group you describe yourself as. It's only ever "
    "counted, never shown with your name, and small groups are hidden.\n"
    "- **Edit my details** for a preferred name, access needs, time zone, quiet "
    "hours and your own reminder times."
)
DETAILS_MODAL_TITLE = "My details (all optional)"
DETAILS_NAME = "Preferred name"
DETAILS_ACCESS = "Access needs (seen only when you say yes)"
DETAILS_ACCESS_PLACEHOLDER = "For example: step-free access, a quiet room, captions"
DETAILS_TIMEZONE = "Time zone (e.g. Europe/London)"
DETAILS_QUIET = "Quiet hours (e.g. 22:00-08:00, or none)"
DETAILS_REMINDERS = "Reminders before meetings (e.g. 24h,1h)"
DETAILS_REMINDERS_PLACEHOLDER = "Leave empty to use each meeting's own; 'none' for no reminders"
DETAILS_SAVED = "Saved. Here's what you've told us now:"
GROUP_SAVED = "Saved: {group}."
GROUP_CLEARED = "Saved: no group. Nothing is recorded about this."

# -- /me pause, /me resume -------------------------------------------------------------
PAUSE_OPTION = "Optional: a date to come back, like 2027-01-15 or 15 Jan"
PAUSED_UNTIL_DATE = (
    "You're stepping back until **{date}**. Speak Back won't send you any messages "
    "until then, and you're off every reminder list. Nothing else changes, and "
    "nobody is told. Take care. `/me resume` brings you back sooner."
)
PAUSED_NO_DATE = (
    "You're stepping back. Speak Back won't send you any messages, and you're off "
    "every reminder list. Nothing else changes, and nobody is told. Take care. "
    "When you're ready, `/me resume` brings you back."
)
PAUSE_STILL_DOWN_FOR = (
    "You're still down for these. Nothing changes unless you want it to: keep them, "
    "or step out of any with its button below. Nobody is told why."
)
PAUSE_MORE = "- and {count} more (see `/me opportunities` and `/meetings`)"
RESUMED = "Welcome back. Messages you chose will reach you again: {chosen}."
RESUMED_NONE = "Welcome back. You haven't chosen any messages; `/me settings` if you'd like some."
NOT_PAUSED_NOW = "You aren't stepping back at the moment, so there's nothing to resume."

# What came while someone was stepping back: shown on /me resume, or sent as one DM
# when a pause ends by its date. Only what is still useful (nothing already over).
THIS_SERVER = "this server"
CATCH_UP_NOTHING = "Nothing came up while you were away."
CATCH_UP_HELD = (
    "**News about things you said yes to** (kept for you, not sent while you were away):"
)
CATCH_UP_POSTED = "**Posted while you were away** (still open):"
CATCH_UP_LINE = "- {line}"
CATCH_UP_POSTED_LINE = "- {kind}: [{title}]({link})"
CATCH_UP_POSTED_NO_LINK = "- {kind}: **{title}** in <#{channel}>"
CATCH_UP_KINDS = {"opportunity": "Opportunity", "poll": "Poll", "meeting": "Meeting"}
CATCH_UP_MORE = "- ...and {count} more."
PAUSE_ENDED_DM = (
    "**Welcome back to {server}.** Your break from Speak Back ended today, as you chose. "
    "Here is what came while you were away:"
)
PAUSE_ENDED_OUTRO = "Take your time with any of it; nothing needs an answer today."

# -- /me export ------------------------------------------------------------------------
EXPORT_DONE = (
    "Here is everything Speak Back holds about you in this server, as a file you can "
    "keep (JSON, which opens in any text editor or browser). Only you can see this message."
)
EXPORT_FILENAME = "speak-back-my-data.json"
EXPORT_ABOUT = (
    "Everything Speak Back holds about you in one server. 'tables' has every row about "
    "you, by table; consents are listed with the time and notice version of each choice. "
    "'notice_wording_last_seen' is the wording of the notice you last saw: its version, "
    "revision and when it was saved (revision null: the first wording). "
    "'dm_channel_id' is the ID of your direct-message chat with the bot, kept so its "
    "messages to you need one request to Discord, not two; it goes when you leave. "
    "'anonymous_votes_counted_after_leaving' lists open anonymous polls you voted in "
    "before leaving: your vote still counts there, and only a note that you voted (not "
    "how, and not under your Discord ID) is kept until each poll closes."
)
NOTHING_HELD = "Speak Back holds nothing about you in this server."

# -- /leave and /me used in a DM with the bot ---------------------------------------------
DM_NO_SERVER = (
    "I can't find a server where you're a member of Speak Back, so there's nothing "
    "for me to do from here. This works inside your community's server. If you have "
    "left that server, anything I held about you there is erased automatically."
)
DM_WHICH_SERVER = "You're a member of Speak Back in more than one server. Which one is this for?"
DM_SERVER_PLACEHOLDER = "Choose a server"
DM_FOR_SERVER = "For **{server}**:"
DM_NOT_THAT_SERVER = (
    "You're no longer a member of Speak Back in that server, so nothing has changed. "
    "Use the command again to see where you are a member."
)
DM_ONLY_IN_SERVER = (
    "**/me settings** works inside your community's server, so your choices are saved "
    "for the right place. Please use it there. (From here you can still use "
    "`/me show`, `/me export`, `/me pause`, `/me resume` and `/leave`.)"
)
DM_PAUSE_DATE_TOO_LONG = (
    "That date is too long for me to carry across. Please try a shorter one, such as "
    "`1 March`, or use `/me pause` inside your community's server."
)

# -- leaving the Discord server (issue 19) ---------------------------------------------
LEFT_THE_SERVER = (
    "It looks like you're no longer in that server, so this can't go ahead from here. "
    "Nothing has changed. If you come back to the server, it will work again; if not, "
    "what Speak Back holds about you there is erased 30 days after it noticed you left."
)

# -- /leave, /me delete ----------------------------------------------------------------
LEAVE_CONFIRM = (
    "**Leaving Speak Back in this server**\n"
    "If you press **Leave and erase my data**, I'll erase at once everything held "
    "about you here: your profile, your choices, your replies, RSVPs and named votes. "
    "Anonymous votes stay only as counts; in polls still open, only a note that you "
    "voted (not how) is kept until they close. This can't be undone, but you're "
    "welcome to `/join` again any time.\n"
    "If you'd like a copy first, use `/me export`."
)
LEFT = (
    "Done. You've left Speak Back in this server and your data has been erased. "
    "Thank you for everything you gave. You're welcome back any time with `/join`."
)
LEFT_NOT_MEMBER = (
    "You weren't a member here, so there was nothing of yours to keep. "
    "Anything we held (such as a message waiting to be sent) has been erased."
)
NOT_A_MEMBER_NOTHING_HELD = (
    "You aren't a member here, and Speak Back holds nothing about you in this server."
)
NOT_A_MEMBER_ONLY_A_NOTE = (
    "You aren't a member here, so there's nothing of yours to erase. An anonymous vote "
    "you gave before leaving still counts in a poll that's open: until it closes, only a "
    "note that you voted (not how, and not under your Discord ID) is kept. `/me export` "
    "shows it."
)
STAYING = "No problem, nothing has changed. You're still a member."

# -- /members count --------------------------------------------------------------------
COUNT_TITLE = "Members in this server"
COUNT_LINES = (
    "**Members:** {members}\n"
    "**Stepping back right now:** {paused}\n"
    "**Still to agree to the new notice:** {awaiting}\n"
    "**Joined in the last 30 days:** {joined}\n"
    "**Left in the last 30 days:** {left}"
)
COUNT_GROUPS = "By self-described group"
COUNT_HIDDEN = "fewer than 5"
COUNT_HIDDEN_EXTRA = "hidden, so a small group can't be worked out"
COUNT_ALL_SMALL = "Every group has fewer than 5 members, so no breakdown is shown."
COUNT_NOTE = (
    "Totals only: Speak Back never shows who is stepping back or who said no. "
    "Groups under 5 are hidden, and so is the largest, so they can't be worked out. "
    "Any total under 5 shows as fewer than 5. Figures are taken once a day, so looking "
    "again today shows the same; changes show tomorrow."
)

# -- commands ------------------------------------------------------------------------
JOIN_DESCRIPTION = "Read what joining means, and join if you like"
LEAVE_DESCRIPTION = "Leave Speak Back here and erase your data"
SHOW_DESCRIPTION = "What Speak Back holds about you, and your choices"
SETTINGS_DESCRIPTION = "Messages, group, access needs, quiet hours"
PAUSE_DESCRIPTION = "Step back: no messages until a date or until you resume"
RESUME_DESCRIPTION = "Come back from stepping back"
EXPORT_DESCRIPTION = "A file of everything held about you here"
DELETE_DESCRIPTION = "Leave and erase your data (the same as /leave)"
MEMBERS_DESCRIPTION = "Organisers: totals about members"
COUNT_DESCRIPTION = "How many members, stepping back, by group (totals only)"

# -- the details form: what a field is called in "please shorten your ..." -----------
WHAT_PREFERRED_NAME = "preferred name"
WHAT_ACCESS_NEEDS = "access needs"
REMINDERS_NONE_TYPED = "none"  # the reminders field when someone chose no reminders

# -- notice edits say what they change (issue 19) -------------------------------------
READ_THE_NOTICE = "Read the notice"
NOTICE_CHANGED_DM = "Our notice has changed; read it to keep your reminders."
NOTICE_WORDING_OF = " Its wording is the one of {when}."
NOTICE_WORDING_FIXED = (
    " Its wording was corrected on {when}; what it says about your data did not change. "
    "**Read the notice** shows it."
)
NOTICE_WORDING_LATER = "a later date"
READ_IN_SERVER = (
    "You're not a member in that server any more, so there is nothing to agree to here. "
    "If you'd like to join again, use `/join` there."
)
RECONFIRMED_IN_DM = (
    "**Thank you, that's saved.** Your reminders and the other messages you chose keep "
    "coming. You can change your choices any time with `/me settings` in the server."
)
