"""Words for /support and /help (the support text itself is shared: `bot.strings`)."""

SUPPORT_DESCRIPTION = "People and services you can talk to"
HELP_DESCRIPTION = "What Speak Back is for, and what you can do"

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
HELP_IN_DM = (
    "Member commands are listed when you use `/help` in the server you belong to: "
    "each server keeps its own membership, so a direct message can't show them."
)
