"""Words for organisers' notes (/opportunity message, /meeting message). Plain and kind."""

MODAL_TITLE = "A note to the people who said yes"
FIELD_NOTE = "Your note"
FIELD_NOTE_PLACEHOLDER = "For example: where to meet, what to bring, who to ask for"
FIELD_CONTACT = "How people can reply to you"
FIELD_CONTACT_PLACEHOLDER = "For example: an email address or phone number"
FIX_IT = "Fix it"

PROBLEMS = {
    "empty": "Your note is empty, so nothing was sent. Press **Fix it** to write it.",
    "too_long": (
        "Your note is {length} characters; please keep it to {limit:,}, so it reads well "
        "on a phone. Nothing was sent. Press **Fix it**: what you typed is kept."
    ),
    "no_contact": (
        "Please say how people can reply to you (the bot's DMs aren't read). Nothing was "
        "sent. Press **Fix it**: what you typed is kept."
    ),
    "contact_too_long": (
        "How to reply is {length} characters; please keep it to {limit}. Nothing was sent. "
        "Press **Fix it**: what you typed is kept."
    ),
    "too_many": (
        "This {what} has had {limit} notes in the last 24 hours, which is as many as we "
        "send in a day, so people aren't flooded. Nothing was sent. Your note is kept: "
        "press **Fix it** tomorrow, or add this to your next note."
    ),
}
WHAT = {"opportunity": "opportunity", "meeting": "meeting"}
NOBODY = {
    "opportunity": (
        "Nobody has a place on **{title}** yet, so there's no one to send a note to. "
        "Nothing was sent."
    ),
    "meeting": (
        "Nobody has said Going or Maybe to **{title}** on {when} yet, so there's no one "
        "to send a note to. Nothing was sent."
    ),
}
DRAFT_GONE = (
    "That note isn't kept any more (notes not sent are kept for two days). "
    "Please run the command again."
)
WHO = {"opportunity": "with a place", "meeting": "who said Going or Maybe for that date"}
BECAUSE = {
    "opportunity": (
        "You're getting this because you have a place on {title}. Replies to this bot "
        "aren't read; please use the contact above."
    ),
    "meeting": (
        "You're getting this because you said Going or Maybe to {title}. Replies to this "
        "bot aren't read; please use the contact above."
    ),
}

# The DM
DM_TITLE = "A note about {title}"
DM_WHEN = "Date"
DM_FROM = "From"
DM_FROM_VALUE = "The organisers of **{server}**"
DM_REPLY = "To reply"
