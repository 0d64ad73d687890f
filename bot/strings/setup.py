"""Words for /setup, /support and /help."""

SETUP_TITLE = "Speak Back settings"
NOT_SET = "not set"
SHOW_LINES = (
    "**Organiser role:** {organiser}\n"
    "**Role organisers may ping:** {announce}\n"
    "**Announcements channel:** {announcements}\n"
    "**Moderators channel:** {moderators}\n"
    "**Time zone:** {timezone}\n"
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
CHANNEL_SAVED = "Saved. Posts will go to {announcements}.{moderators_part}"
MODERATORS_PART = " Moderator approvals will go to {moderators}."
CHANNEL_NOT_TEXT = "Please pick a text channel in this server. Nothing was changed."
CHANNEL_NO_ACCESS = (
    "I can't post in {channel}: I need to see the channel and send messages, embeds "
    "and files there. Please check its permissions and try again. Nothing was changed."
)
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
NOTICE_SAVED = (
    "Saved as version {version}. Members will be asked to read and agree to it the next "
    "time they use Speak Back; until then they get no messages from the bot."
)

HELP_TITLE = "What Speak Back is for"
HELP_INTRO = (
    "Speak Back helps people with lived experience of services shape those services "
    "together with staff. You can vote on priorities, take up opportunities to get "
    "involved, and come to meetings. Taking part is always your choice: saying no, "
    "or not answering, costs nothing and nobody chases you."
)
HELP_SECTION_EVERYONE = "For everyone"
HELP_SECTION_MEMBER = "For members"
HELP_SECTION_ORGANISER = "For organisers"
HELP_SECTION_MODERATOR = "For moderators"
HELP_NOT_MEMBER_YET = "You haven't joined yet. Member commands appear here once you do."
