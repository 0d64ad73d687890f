"""Words for publishing beyond Discord: /setup publish, the idea author's button, the pages."""

PUBLISH_DESCRIPTION = "Choose what this server publishes on public web pages (off by default)"
PUBLISH_TITLE = "Publishing beyond Discord"
PUBLISH_ABOUT = (
    "Staff, commissioners and boards who are not on Discord can read what this community "
    "asked for and what came of it. Nothing is published unless you choose it here. "
    "Pages show only what organisers wrote and figures, never names; every number under 5 "
    'is shown as "fewer than 5", and figures are updated once a day.'
)
PUBLISHES = "**This server publishes:** {kinds}."
PUBLISHES_NOTHING = "**This server publishes:** nothing."
PAGE_AT = "**Its page:** {url}"
NETWORK_PAGE_AT = "**The network's page:** {url} (it includes servers that publish)"
CALENDAR_AT = (
    "**Its meetings calendar:** {url} (for Apple Calendar: `{webcal}`). Anyone can "
    "subscribe to it: titles, times and places of this server's meetings, never who is going."
)
NOT_REACHABLE = (
    "The pages aren't reachable from the internet yet: whoever runs the bot needs to put its "
    'web server behind an https address and set WEB_BASE_URL to it (see "Pages" in the '
    "README). What you choose is saved, and the page will be there once they have."
)
CHOOSE_PLACEHOLDER = "Choose what to publish"
UNPUBLISH = "Unpublish everything"
SAVED = "Saved."
UNPUBLISHED = (
    "Unpublished. This server's pages now say they are no longer published, straight away. "
    "Nothing else changed: you can publish again with `/setup publish`, at the same address."
)
STALE_MENU = "That menu is out of date: please run `/setup publish` again and choose from it."

# The idea author's choice (their own words on the public ideas page).
WORDS_PUBLIC = "Show my words on public pages"
WORDS_PRIVATE = "Keep my words off public pages"
WORDS_NOW_PUBLIC = (
    "Thank you. If this server publishes its ideas, your idea's title and text can appear on "
    "its public page, never your name. You can change your mind any time with the button "
    "under your idea in `/ideas`."
)
WORDS_NOW_PRIVATE = (
    "Done. Your own words are kept off public pages; only the organisers' short summary "
    "and their answer can appear there."
)
WORDS_NOT_YOURS = "Only the person who raised this idea can choose that."

# The pages (web/templates use these through the page model).
ANSWER_WORDS = {
    "forward": "We'll take this forward",
    "happening": "Already happening",
    "not_now": "Not now",
}
STATUS_WORDS = {
    "planned": "Planned",
    "in_progress": "In progress",
    "done": "Done",
    "delayed": "Delayed",
    "not_going_ahead": "Not going ahead",
}
VALUE_WORDS = {"votes": "Votes", "points": "Points", "first choices": "First choices"}
