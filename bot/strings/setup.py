"""Words for /setup (moderators set Speak Back up)."""

SETUP_TITLE = "Speak Back settings"
NOT_SET = "not set"
SHOW_LINES = (
    "**Organiser role:** {organiser}\n"
    "**Role organisers may ping:** {announce}\n"
    "**Announcements channel:** {announcements}\n"
    "**Moderators channel:** {moderators}\n"
    "**Time zone:** {timezone}\n"
    "**Dates in numbers:** {date_order}\n"
    "**Results split by group:** {split}\n"
    "**Keep answers to closed items for:** {retention} months\n"
    "**Membership notice:** version {notice_version} ({notice_kind})\n"
    "**Support text:** {support_kind}"
)
ORGANISER_FALLBACK = "not set, so people with Manage Server organise"
CUSTOM = "written for this server"
DEFAULT = "the default"

ROLES_SAVED = "Saved. Organisers are now people with {organiser}.{announce_part}"
ANNOUNCE_PART = " Organisers may ping {announce} when they post."
NO_ANNOUNCE_PART = " Posts won't ping anyone."
EVERYONE_ROLE = (
    "The @everyone role can't be the organiser or announcement role. "
    "Please pick a role that only some people have. Nothing was changed."
)
ROLE_NOT_PINGABLE = (
    "I can't ping {role}, so `ping:true` would notify nobody. To fix it, either turn on "
    "**Allow anyone to @mention this role** for {role} (Server Settings > Roles), or give "
    "Speak Back the **Mention @everyone, @here and All Roles** permission in {where}. "
    "Then run `/setup roles` again. Nothing was changed."
)
THE_ANNOUNCEMENTS_CHANNEL = "the announcements channel"
NEEDS_ATTENTION_TITLE = "**Needs attention**"
NOTHING_NEEDS_ATTENTION = "**Needs attention:** nothing. Everything Speak Back needs is set up."
NEEDS_NO_ORGANISER_ROLE = (
    "No organiser role: everyone with Manage Server organises. Choose one with `/setup roles`."
)
NEEDS_NO_ANNOUNCEMENTS = (
    "No announcements channel: polls, meetings and opportunities have nowhere to go. "
    "Choose one with `/setup channel`."
)
NEEDS_ANNOUNCEMENTS_GONE = (
    "The announcements channel no longer exists. Choose another with `/setup channel`."
)
NEEDS_NO_MODERATORS_IN_NETWORK = (
    "This server is in the network **{network}** but has no moderators channel, so "
    "requests to join the network and network notices reach nobody here. "
    "Choose one with `/setup channel moderators:`."
)
NEEDS_CHANNEL_PERMISSIONS = (
    "In {channel} I'm missing: {missing}. Posts there will fail until a moderator "
    "gives Speak Back these in the channel's permissions."
)
NEEDS_ROLE_NOT_PINGABLE = (
    "I can't ping {role}, so `ping:true` notifies nobody: turn on **Allow anyone to "
    "@mention this role**, or give Speak Back **Mention @everyone, @here and All Roles** "
    "in the announcements channel."
)
PERMISSION_NAMES = {
    "view_channel": "View Channel",
    "send_messages": "Send Messages",
    "embed_links": "Embed Links",
    "attach_files": "Attach Files",
    "read_message_history": "Read Message History",
}
CHANNEL_SAVED = "Saved. Posts will go to {announcements}.{moderators_part}"
MODERATORS_PART = " Moderator approvals will go to {moderators}."
ORGANISERS_PART = " Ideas waiting for an answer will be noted in {organisers}."
CHANNEL_ORGANISERS_OPTION = "Optional: where organisers are told an idea awaits their answer"
SHOW_IDEAS = (
    "\n**Organisers channel (ideas):** {organisers}\n"
    "**Ideas:** review first: {review}; an answer is needed at {threshold} supporters, "
    "within {days} days"
)
ORGANISERS_FALLBACK = "the moderators channel"
IDEAS_NEED_MODERATORS = (
    "Ideas are reviewed first, but there is no moderators channel: members can't raise "
    "ideas until you choose one with `/setup channel moderators:`."
)
CHANNEL_NOT_TEXT = "Please pick a text channel in this server. Nothing was changed."
CHANNEL_NO_ACCESS = (
    "I can't post in {channel}: I need to see the channel and send messages, embeds "
    "and files there. Please check its permissions and try again. Nothing was changed."
)
UK_TIME_CHOICE = "Europe/London (UK time, moves to BST in summer)"
TIMEZONE_SAVED = (
    "Saved. This server's time zone is now **{zone}**. Times people type are read in it."
)
RESULTS_SAVED_ON = (
    "Saved. Poll results will show a breakdown by self-described group. "
    "Groups with fewer than 5 answers are always hidden."
)
RESULTS_SAVED_OFF = "Saved. Poll results will show totals only."
RETENTION_SAVED = "Saved. Answers to closed items will be erased {months} months after they close."

SUPPORT_MODAL_TITLE = "Support information"
SUPPORT_FIELD_LABEL = "What should people see with /support?"
SUPPORT_FIELD_PLACEHOLDER = "Crisis lines, local services, who to message here..."
SUPPORT_SAVED = "Saved. This is what people now see with `/support`:"

NOTICE_MODAL_TITLE = "Membership notice"
NOTICE_FIELD_LABEL = "What joining means (stored, why, who sees)"

YES = "yes"
NO = "no"
# what a field is called in "please shorten your ..."
WHAT_SUPPORT = "support text"
WHAT_NOTICE = "notice"

# -- commands -----------------------------------------------------------------------
GROUP_DESCRIPTION = "Moderators: set Speak Back up"
SHOW_DESCRIPTION = "See this server's Speak Back settings"
ROLES_DESCRIPTION = "Choose who organises, and the one role they may ping"
ROLES_ORGANISER_OPTION = "People with this role can post polls, opportunities and meetings"
ROLES_ANNOUNCE_OPTION = "Optional: the one role organisers may ping when they post"
CHANNEL_DESCRIPTION = "Choose where posts and moderator approvals go"
CHANNEL_ANNOUNCEMENTS_OPTION = "Polls, opportunities and meetings are posted here"
CHANNEL_MODERATORS_OPTION = "Optional: where requests that need a moderator's approval go"
TIMEZONE_DESCRIPTION = "Set the time zone that typed times are read in"
TIMEZONE_ZONE_OPTION = "A time zone name such as Europe/London (pick from the list)"
DATE_ORDER_OPTION = "How people here write dates in numbers: 01/02 as 1 February, or as 2 January"
DATE_ORDERS = {
    "day_first": "day first (01/02 is 1 February)",
    "month_first": "month first (01/02 is 2 January)",
}
TIMEZONE_NOTHING = "Please choose a `zone`, a `date_order`, or both. Nothing was changed."
DATE_ORDER_SAVED = {
    "day_first": "Saved. Dates in numbers are read day first: 01/02 is 1 February.",
    "month_first": "Saved. Dates in numbers are read month first: 01/02 is 2 January.",
}
SUPPORT_DESCRIPTION = "Write what people see with /support"
NOTICE_DESCRIPTION = "Edit the membership notice (you say whether members re-confirm)"
RESULTS_DESCRIPTION = "Show poll results by self-described group"
RESULTS_SPLIT_OPTION = "Add a breakdown by group (small groups are always hidden)"
RETENTION_DESCRIPTION = "How long answers to closed items are kept"
RETENTION_MONTHS_OPTION = "Months after an item closes before its answers are erased (1-120)"

# -- getting in without typing (issue 29) ----------------------------------------------
WELCOME_DESCRIPTION = "Post an introduction to pin, with a button to read about joining"
WELCOME_CHANNEL_OPTION = "Where to post it (default: this channel)"
WELCOME_TITLE = "Speak Back is here"
WELCOME_BODY = (
    "Speak Back helps this community shape services together: polls on what matters, "
    "opportunities to take part (paid or not), and meetings.\n\n"
    "Anyone can read the posts. To vote, say you're interested or get reminders, you "
    "join first. Joining is always your choice, and so is every reply after it: saying "
    "no, or nothing, costs nothing. You can step back or leave at any time, and leaving "
    "erases what is held about you.\n\n"
    "Press **Read about joining** to see, privately, what is stored, why, who sees it "
    "and how to leave. Nobody else sees that you looked."
)
WELCOME_POSTED = (
    "Posted in {channel}. Pin it (⋯ on the message, then **Pin Message**) so newcomers "
    "find it. Its button keeps working, after restarts too."
)
CHECKLIST = (
    "**Setting up Speak Back** (shown once, to the first moderator here):\n"
    "1. `/setup roles organiser:` who posts polls, opportunities and meetings.\n"
    "2. `/setup channel announcements:` where posts go (and `moderators:` for approvals).\n"
    "3. `/setup timezone zone:` the time zone typed times are read in.\n"
    "4. `/setup welcome` an introduction to pin, so people can join without typing.\n"
    "5. `/setup show` to check what is set and what still needs attention."
)

# -- notice edits say what they change (issue 19) -----------------------------------
NOTICE_KIND_LABEL = "What does this change?"
NOTICE_KIND_PLACEHOLDER = (
    "A wording fix keeps everyone's agreement; a real change asks members to agree again"
)
NOTICE_KIND_WORDING = "A wording fix (nothing new for members)"
NOTICE_KIND_WORDING_HINT = "Typos, clearer words. Members' agreement stands."
NOTICE_KIND_CHANGE = "A real change (members agree again)"
NOTICE_KIND_CHANGE_HINT = "What is kept, why, who sees it or how to leave."
NOTICE_WORDING_SAVED = (
    "Saved as a wording fix of version {version}. Members' agreement stands, so every "
    "message they asked for (reminders too) keeps coming. Members see the new wording "
    "when they next open the notice, and `/me show` tells them it was corrected."
)
NOTICE_CONFIRM_TITLE = "Check this change before saving it"
NOTICE_CONFIRM_INTRO = (
    "This is a real change, so it becomes version {version} of the notice. "
    "Nothing is saved until you press **{save}**."
)
NOTICE_REMOVED = "**Taken out**"
NOTICE_ADDED = "**Added**"
NOTICE_NOTHING_LISTED = "_(nothing)_"
NOTICE_MORE = "...and more (the full text is what you typed)"
NOTICE_EFFECT = (
    "**What happens:** {members} members will get no optional messages until they agree "
    "again. Members with reminders planned get one message asking them to read the "
    "new notice, so they can keep their reminders."
)
NOTICE_EFFECT_NOBODY = "**What happens:** nobody has joined yet, so nobody is asked again."
NOTICE_SAVE = "Save the new version"
NOTICE_KEEP = "Keep the current notice"
NOTICE_CHANGE_SAVED = (
    "Saved as version {version}. Members will be asked to read and agree to it the next "
    "time they use Speak Back; until then they get no optional messages. Members with "
    "reminders planned are sent one message asking them to read it."
)
NOTICE_KEPT = "Nothing was changed. The notice stays as it was."
NOTICE_CHANGE_GONE = (
    "This change can't be saved now: it was saved or set aside already, or the notice "
    "was edited since you wrote it. Please use `/setup notice` again. Nothing was changed."
)
