"""Words for ideas: /idea new, review, the idea post, /idea respond and /ideas."""

# -- buttons (labels fixed by the issue) -------------------------------------------
SUPPORT = "Support"
WITHDRAW_SUPPORT = "Withdraw my support"
PUBLISH = "Publish"
NOT_PUBLISHED = "Not published"
WHO_WROTE = "Who wrote this?"
WITHDRAW = "Withdraw"
EDIT = "Edit"
ANSWER_LABELS = {
    "forward": "We'll take this forward",
    "happening": "Already happening",
    "not_now": "Not now",
}

# -- commands ------------------------------------------------------------------
GROUP_DESCRIPTION = "Raise an idea, or answer one (organisers)"
NEW_DESCRIPTION = "Raise an idea for this community to take forward"
RESPOND_DESCRIPTION = "Answer an idea members raised (organisers)"
LIST_DESCRIPTION = "Ideas members raised: yours first, then open ones"
NETWORK_HELP = "Post it in every server of your network too (support counts once per person)"
IDEA_HELP = "The idea (start typing its title)"
ANSWER_HELP = "Your answer"
ORDER_HELP = "Newest first, or most supported first"
ORDERS = {"newest": "Newest first", "supported": "Most supported first"}
SETUP_IDEAS_DESCRIPTION = "How ideas work here: review first, threshold, days to answer"
SETUP_REVIEW_OPTION = "Moderators look at a new idea before it is posted (on unless you say)"
SETUP_THRESHOLD_OPTION = "Supporters that oblige organisers to answer (5 to 1000)"
SETUP_DAYS_OPTION = "Days organisers have to answer before they are reminded"

# -- the form ------------------------------------------------------------------
NEW_MODAL_TITLE = "Raise an idea"
EDIT_MODAL_TITLE = "Change your idea"
FIELD_TITLE = "A short title"
FIELD_BODY = "What and why"
FIELD_BODY_PLACEHOLDER = "What would you like to change, and why does it matter?"
FIELD_AFFECTS = "Who it affects (optional)"
FIELD_NOTE = "Content note (optional)"
FIELD_NOTE_PLACEHOLDER = "For example: mentions self-harm"
FIELD_SHOW_NAME = "Who raised it, as the post says"
SHOW_AS_MEMBER = "a member"
SHOW_AS_NAME = "my name: {name}"
RESPOND_MODAL_TITLE = "Answer this idea"
FIELD_REASON = "Why (needed for Not now)"
FIELD_SUMMARY = "One line for everyone to read"
FIELD_SUMMARY_PLACEHOLDER = "For example: we will add this to the training plan"
REFUSE_MODAL_TITLE = "Not published"
FIELD_REFUSAL = "The reason (the author is told this)"
FIELD_REFUSAL_PLACEHOLDER = "For example: it names someone; a complaint goes to the service"

# -- refusals ------------------------------------------------------------------
THRESHOLD_TOO_LOW = (
    "Please choose at least {minimum} supporters (you entered {asked}). With fewer, "
    "showing an idea as waiting for an answer would tell everyone exactly how few "
    "people supported it. Nothing was changed."
)
THRESHOLD_TOO_HIGH = (
    "Please choose at most {maximum} supporters (you entered {asked}). Nothing was changed."
)
ANSWER_DAYS_OUT_OF_RANGE = (
    "Please choose between {low} and {high} days (you entered {asked}). Nothing was changed."
)
TITLE_EMPTY = "The title can't be empty. Nothing was saved."
BODY_EMPTY = "Please say what the idea is and why. Nothing was saved."
TOO_LONG = "The {what} is too long; please keep it under {limit} characters. Nothing was saved."
DAILY_LIMIT = (
    "You have raised {limit} ideas today, which is the most for one day. Thank you. "
    "Please raise this one tomorrow. Nothing was saved."
)
NOT_OPEN_YET = (
    "Ideas aren't open here yet: moderators need to choose a channel to look at new ideas "
    "first. Please ask a moderator. Nothing was saved."
)
NO_ANNOUNCEMENTS = (
    "Ideas aren't open here yet: moderators need to choose an announcements channel "
    "first. Please ask a moderator. Nothing was saved."
)
DUPLICATE = (
    "There is already an idea called **{title}**. You can support it instead: {link}. "
    "Nothing new was saved."
)
DUPLICATE_IN_REVIEW = (
    "There is already an idea called **{title}**, which moderators are looking at. "
    "Once it is posted you can support it. Nothing new was saved."
)
UNKNOWN_IDEA = "I can't find that idea. Please pick one from the list as you type."
ANSWER_UNKNOWN = "Please choose one of the answers from the list. Nothing was saved."
REASON_NEEDED = (
    "Please give a reason when the answer is Not now: members who raised and "
    "supported it deserve to know why. Nothing was saved."
)
SUMMARY_NEEDED = "Please write a one-line summary for everyone to read. Nothing was saved."
REFUSAL_REASON_NEEDED = "Please give a reason; the author is told it. Nothing was changed."
ALREADY_ANSWERED = "This idea has been answered already. Nothing was changed."
NOT_OPEN_FOR_SUPPORT = "This idea is not open for support any more. Nothing was changed."
NOT_IN_REVIEW = "This idea has already been looked at. Nothing was changed."
NOT_YOURS = "Only the person who raised this idea can do that. Nothing was changed."
CANNOT_WITHDRAW = "This idea has been answered, so it can't be withdrawn now."
CANNOT_EDIT = "This idea has been posted already, so it can't be changed now."
NOT_ANSWERABLE = "Only open ideas can be answered. Nothing was changed."

# -- replies -------------------------------------------------------------------
SENT_FOR_REVIEW = (
    "Thank you. Your idea **{title}** has gone to the moderators, who check new ideas "
    "before they are posted. You will hear from me either way. `/ideas` shows it."
)
POSTED = "Thank you. Your idea **{title}** is being posted in {channel}."
SUPPORTED = "You support **{title}**. Thank you. Press again any time to withdraw."
ALREADY_SUPPORTING = "You already support **{title}**. Nothing changed."
UNSUPPORTED = "You no longer support **{title}**. That's fine."
NOT_SUPPORTING = "You weren't supporting **{title}**. Nothing changed."
PUBLISHED = "Published. It is being posted in {channel}."
REFUSED = "Not published. The author has been told the reason."
WHO_WROTE_ANSWER = "This idea was raised by <@{user_id}>. Only moderators can see this, for safety."
WHO_WROTE_GONE = "The person who raised this has left; nothing about them is kept."
WITHDRAWN = "Your idea **{title}** is withdrawn. Thank you for raising it."
EDITED = "Your idea **{title}** is changed."
ANSWERED_REPLY = "Thank you. Your answer is on the idea, and {told}."
START_A_POLL = "Start a poll"
NEXT_STEPS = (
    "Next, if you like: **Start a poll** asks members how, with the question written "
    "for you. For an opportunity or a meeting, paste:\n"
    "`/opportunity post title:{title}`\n`/meeting schedule title:{title}`"
)
POLL_QUESTION = "How should we take forward: {title}?"
ANSWERED_TOLD = "the person who raised it and supporters who asked for outcome news are being told"
SETUP_SAVED = (
    "Ideas: review first **{review}**, answer needed at **{threshold}** supporters, "
    "within **{days}** days."
)
ON = "on"
OFF = "off"

# -- the posts -----------------------------------------------------------------
A_MEMBER = "a member"
RAISED_BY = "Raised by {who}"
CONTENT_NOTE = "**Content note:** {note}"
AFFECTS = "**Who it affects:** {affects}"
SUPPORTERS = "**Supporters:** {count}"
STATUS_OPEN = "Open for support"
STATUS_WAITING = "Waiting for an answer from organisers"
STATUS_ANSWERED = "Answered: {answer}"
STATUS_WITHDRAWN = "Withdrawn by the person who raised it"
STATUS_REVIEW = "Being looked at by moderators"
STATUS_REFUSED = "Not published: {reason}"
STATUS = "**Status:** {status}"
ANSWER_LINE = "**Organisers' answer:** {answer}. {summary}"
ANSWER_REASON = "**Why:** {reason}"
SUPPORT_MEANS = "Support is counted, never listed: nobody sees who supports an idea."
FOOTER = "Idea {id}"
REVIEW_TITLE = "New idea to look at: {title}"
REVIEW_INTRO = (
    "Please publish it, or choose Not published with a reason (the author is told). "
    "For example: it names someone, or it belongs to a complaint process."
)
REVIEW_DONE_PUBLISHED = "Published."
REVIEW_DONE_REFUSED = "Not published: {reason}"
THRESHOLD_NOTICE_TITLE = "An idea is waiting for your answer: {title}"
THRESHOLD_NOTICE = (
    "**{title}** has reached {threshold} supporters, so members are waiting for an "
    "answer from organisers. Please answer with `/idea respond` within {days} days. {link}"
)
REMINDER_TITLE = "Still waiting for an answer: {title}"
REMINDER = (
    "**{title}** reached the support threshold {days} days ago and has no answer yet. "
    "Please answer with `/idea respond`. {link}"
)

# -- messages to people ------------------------------------------------------------
TOLD_REFUSED_TITLE = "About your idea: {title}"
TOLD_REFUSED = (
    "Thank you for raising **{title}**. The moderators did not publish it, and said:\n"
    "> {reason}\n\nIf this is about your own care or a complaint, `/support` shows where "
    "to get help. You are welcome to raise another idea."
)
TOLD_PUBLISHED = (
    "Thank you for raising **{title}**. The moderators have posted it, so members can "
    "support it now. `/ideas` shows how it is going."
)
TOLD_ANSWER_TITLE = "An answer to the idea: {title}"
TOLD_ANSWER_AUTHOR = (
    "Organisers have answered your idea **{title}**: **{answer}**. {summary}{reason}"
)
TOLD_ANSWER_SUPPORTER = (
    "Organisers have answered **{title}**, an idea you supported: **{answer}**. {summary}{reason}"
)
TOLD_REASON = "\nWhy: {reason}"

# -- /ideas --------------------------------------------------------------------
LIST_TITLE = "Ideas"
LIST_YOURS = "Your ideas"
LIST_OPEN = "Open ideas"
LIST_EMPTY = "No ideas have been raised here yet. Members can raise one with `/idea new`."
LIST_NONE_OPEN = "No open ideas right now."
LIST_LINE = "**{title}** ({id}): {status}. {count} supporters. {link}"
LIST_OWN_LINE = "**{title}** ({id}): {status}"
