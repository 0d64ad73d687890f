"""Every user-facing word lives in this package, ready for translation.

`bot.strings` holds button labels (fixed by DESIGN.md) and text shared by many
features; each feature keeps its own sentences in a sibling module
(`bot.strings.setup`, `bot.strings.polls`, ...). ASCII apostrophes only.
Plain language: short sentences, no jargon, nothing that shames or pressures.
"""

# -- Button labels (fixed) ------------------------------------------------
I_AGREE = "I agree"
NOT_NOW = "Not now"
INTERESTED = "I'm interested"
NOT_THIS_TIME = "Not this time"
VOTE = "Vote"
GOING = "Going"
MAYBE = "Maybe"
CANT_MAKE_IT = "Can't make it"
LEAVE_AND_ERASE = "Leave and erase my data"
OPENED_MY_DMS = "I've opened my DMs"

# -- Shared replies -------------------------------------------------------
UNEXPECTED_ERROR = (
    "Sorry, something went wrong on our side. Nothing you did caused this. It may "
    "not have gone through, so please check and try again. If it keeps happening, "
    "please tell a moderator and mention this reference: `{reference}`."
)
NEEDS_SERVER = "This only works inside a server. Please use it in your community's server."
NEEDS_MODERATOR = (
    "Only moderators can change this. You need the **Manage Server** permission. "
    "Nothing was changed."
)
NEEDS_ORGANISER_ROLE = (
    "Only organisers can do this. You need the **{role}** role. "
    "Please ask a moderator if you think you should have it. Nothing was changed."
)
NEEDS_ORGANISER_NO_ROLE = (
    "Only organisers can do this. This server has not chosen an organiser role yet, "
    "so for now that means people with the **Manage Server** permission. "
    "Nothing was changed."
)
JOIN_FIRST = (
    "This is for members of Speak Back in this server. Taking part is always your "
    "choice. If you'd like to, use `/join` to read what joining means first."
)
SHOW_DETAILS = "Show details"
HELD_BACK = (
    "The details are held back because of the content note. "
    "Press **Show details** to read them privately, only if and when you want to."
)
POST_IT = "Post it"
CHANGE = "Change"
READ_ABOUT_JOINING = "Read about joining"
FIX_IT = "Fix it"
FORM_KEPT = (
    "Nothing was saved yet. Press **Fix it** to open the form again with everything "
    "as you typed it (kept for 15 minutes), change that one thing, and send it."
)
FORM_GONE = (
    "That form has gone: what was typed is kept only for a short while (15 minutes for "
    "most forms). Nothing was saved. Please open it again from where you started."
)
PRESS_AGAIN = "Thank you. Please press that button again to carry on."
COOLDOWN = "That was quick! Please try again in {seconds} {unit}."

DM_AUTO_REPLY = (
    "Hello, I'm Speak Back, a bot. Nobody reads messages sent to me here, "
    "so I can't pass this on.\n"
    "- For support, use `/support` in your server: it lists people you can talk to.\n"
    "- To reach a person, message one of your server's moderators.\n"
    "- If you are in danger right now, call **999** (UK) or your local emergency number."
)

DEFAULT_SUPPORT = (
    "**If you are in danger or might harm yourself, call 999 now** "
    "(or your local emergency number).\n\n"
    "**Talk to someone, any time (UK):**\n"
    "- Samaritans: call **116 123** (free, 24 hours, every day)\n"
    "- Shout: text **SHOUT** to **85258** (free, 24 hours)\n"
    "- NHS 111: call **111** and choose the option for mental health (England)\n\n"
    "**In this server:** you can message a moderator. This bot is not watched, "
    "so please don't rely on it in an emergency."
)
# Added below the built-in text for moderators only: a member looking for help
# should not have to read set-up instructions meant for somebody else.
SUPPORT_MODERATOR_HINT = (
    "_Only moderators see this line: add local services with `/setup support`._"
)
SUPPORT_TITLE = "Support"


def noun(count: int, one: str, many: str) -> str:
    """The word for `count` things: noun(1, "person", "people") is "person"."""
    return one if count == 1 else many


def people(count: int) -> str:
    """The word "person" or "people", for `count` of them."""
    return noun(count, "person", "people")


SMALL_FIGURES = "Figures under 5 show as fewer than 5, so nobody can be picked out."
SMALL_FIGURES_AND_ONE_MORE = (
    "Figures under 5 show as fewer than 5, and then the largest is not shown either, "
    "so the small ones can't be worked out from what else you know."
)


def small_figures_note(shown: dict[str, str], counts: dict[str, int]) -> str:
    """What an organiser is told about figures from `suppression.suppress_counts`:
    nothing when every figure is exact."""
    if all(shown[name] == str(n) for name, n in counts.items()):
        return ""
    return SMALL_FIGURES_AND_ONE_MORE if "not shown" in shown.values() else SMALL_FIGURES


# What a typed time zone was read as (bot/domain/settings.read_timezone), servers and
# members alike.
ZONE_NOTES = {
    "uk_time": ("Read as UK time, which moves to BST in summer; for fixed GMT choose `Etc/GMT`."),
    "fixed_offset": (
        "Saved as you asked, but **{zone}** is a fixed offset: it never moves for summer "
        "time, so if your clocks change, times will be an hour out for part of the year. "
        "For local time choose a place name such as `Europe/London`."
    ),
}


# Service messages (rule 15): what an organiser is told about who was told. A true
# count that singles nobody out: a split only when both parts are 5 or more.
SERVICE_TOLD_ONE = (
    "Sent to the person {who}: by DM if their DMs are open now, otherwise when they can."
)
SERVICE_TOLD = (
    "Sent to the {count} people {who}: by DM where their DMs are open now, "
    "the others when they can."
)
SERVICE_TOLD_SPLIT = (
    "Sent to the {count} people {who}: {now} by DM now (or when their quiet hours end), "
    "the other {later} when they can."
)


def service_told(total: int, split: tuple[int, int] | None, who: str) -> str:
    """`who`: "who said yes", "with a place", "who said Going or Maybe"..."""
    if split is not None:
        return SERVICE_TOLD_SPLIT.format(count=total, who=who, now=split[0], later=split[1])
    if total == 1:
        return SERVICE_TOLD_ONE.format(who=who)
    return SERVICE_TOLD.format(count=total, who=who)
