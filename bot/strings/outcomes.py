"""Words for outcomes: /outcome update|correct|export, /decisions, review reminders."""

# -- buttons and menus ----------------------------------------------------------------
UPDATE_NOW = "Update now"
PREVIOUS = "Previous"
NEXT = "Next"
FILTER_PLACEHOLDER = "Show outcomes by status"
ALL_STATUSES = "All statuses"

KIND_NAMES = {"poll": "Poll", "idea": "Idea", "opportunity": "Opportunity"}
PEOPLE = {"poll": "voted", "idea": "supported it", "opportunity": "said yes"}

# -- commands -------------------------------------------------------------------------
GROUP_DESCRIPTION = "You said, we did: outcomes of polls, ideas and opportunities"
UPDATE_DESCRIPTION = "Post an update on what was decided, or record it (organisers)"
CORRECT_DESCRIPTION = "Fix the wording of an outcome, without telling anyone (organisers)"
EXPORT_DESCRIPTION = "Outcomes and their updates as CSV files, zipped (organisers)"
DECISIONS_DESCRIPTION = "What was decided here, and how it is going"
ITEM_HELP = "The poll, idea or opportunity (start typing its title)"
STATUS_HELP = "Its new status (you can change it in the form too)"
DECISIONS_STATUS_HELP = "Only outcomes with this status"

# -- the forms ------------------------------------------------------------------------
RECORD_TITLE = "You said, we did"
UPDATE_TITLE = "Update: {told}"
TOLD_SOME = "{count} will be told"
TOLD_NONE = "posted only"
CORRECT_TITLE = "Fix the wording (nobody is told)"
FIELD_DECIDED = "What was decided"
FIELD_DECIDED_PLACEHOLDER = "We will start an evening peer support group."
FIELD_HAPPENED = "What has happened"
FIELD_HAPPENED_PLACEHOLDER = (
    "What has changed since the last update. Needed if it is delayed or not going ahead."
)
FIELD_STATUS = "Status"
FIELD_STATUS_PLACEHOLDER = "planned, in progress, done, delayed, not going ahead, reopen"
FIELD_PROGRESS = "Progress (0-100%, optional)"
FIELD_PROGRESS_PLACEHOLDER = "For example 40%"
FIELD_BY_WHEN = "By when (optional)"
FIELD_BY_WHEN_PLACEHOLDER = "by the end of March"
FIELD_REVIEW = "Next review date"
FIELD_REVIEW_PLACEHOLDER = "Empty: in three months. Or `3 March`, `in 6 weeks`, `none`"
FIELD_LATEST = "The latest update's wording"

# -- refusals -------------------------------------------------------------------------
UNKNOWN_ITEM = (
    "I couldn't find that poll, idea or opportunity here. Please pick one from the list "
    "as you type its title."
)
HOME_ONLY = (
    "Outcomes are recorded by the server that made it ({home}). Its organisers can "
    "update it; you will see their updates here."
)
NOT_READY = {
    "poll": "Please close the poll first. Then you can say what was decided.",
    "idea": "This idea is not published, so it cannot have an outcome.",
    "opportunity": "This opportunity cannot have an outcome.",
}
NO_OUTCOME_YET = (
    "Nothing is recorded for this yet, so there is nothing to correct. "
    "Use `/outcome update` to record what was decided."
)
NO_REOPEN_YET = "There is nothing to reopen yet. Please choose a status: planned, in progress, ..."
NOTHING_NEW = (
    "Nothing has changed: please write what has happened, or change the status, "
    "progress, by when or review date."
)
MOVED_ON = "Someone else updated this outcome just now. Please look at it again and retry."
NOTHING_CORRECTED = "That is the wording already, so nothing was changed."
NO_DECISIONS = (
    "Nothing has been decided here yet. When organisers record what came of a poll, "
    "an idea or an opportunity, it shows here."
)
NO_DECISIONS_WITH = "No outcomes are {status} at the moment."
NO_EXPORT = "There are no outcomes to export yet."

# -- answers to organisers --------------------------------------------------------------
RECORDED = "Recorded, and posted as a reply to {what}: {where}\n{told}"
UPDATED = "Update posted as a reply to {what}: {where}\n{told}"
REPLIED_TO = {"poll": "the results", "idea": "the idea", "opportunity": "the opportunity"}
TOLD = "{count} people who asked for outcome messages will be told (by DM, or when they come back)."
TOLD_NOBODY = "Nobody who took part asked for outcome messages, so it was posted only."
TOLD_ERASED = "Who took part was erased after the retention period, so it was posted only (no DMs)."
REVIEW_ON = "Next review: {day}."
NO_REVIEW = "No review date."
CORRECTED = "Corrected. Nobody was told; the earlier wording stays on the record, dated today."
EXPORTED = "Outcomes and updates, one table per file, dates in {zone}."

# -- posts and DMs ----------------------------------------------------------------------
POST_TITLE = "You said, we did: {title}"
DECIDED_LINE = "**What was decided:** {statement}"
HAPPENED_LINE = "**What has happened:** {body}"
REOPENED_LINE = "**Reopened:** back to planned."
STATUS_LINE = "**Status:** {status}"
BY_WHEN_LINE = "**By when:** {by_when}"
REVIEW_LINE = "**Next review:** {day}"
RESULTS_LINK = {
    "poll": "The results: {link}",
    "idea": "The idea: {link}",
    "opportunity": "The opportunity: {link}",
}
DM_INTRO = {
    "poll": "Thank you for voting. Here is news of what came of the poll you took part in.",
    "idea": "Thank you for supporting this idea. Here is news of what came of it.",
    "opportunity": "Thank you for saying yes to this. Here is news of what came of it.",
}
DM_FOOTER = "You get these because you chose outcome messages. /me settings changes that."
FIELD_NAME = "You said, we did"
ITEM_STATUS_LINE = "{status}, last update {day}. `/decisions` has them all."

# -- review reminders -------------------------------------------------------------------
REMINDER_TITLE = "Time to update members"
REMINDER_BODY = (
    "It's time to update members on {title}: last update {ago}, status {status}.\n"
    "Members who took part are waiting to hear how it is going. {link}"
)

# -- /decisions -------------------------------------------------------------------------
DECISIONS_TITLE = "Decisions: you said, we did"
DECISIONS_INTRO = "{shown}, newest update first. Page {page} of {pages}."
DECISIONS_ALL = "All outcomes"
DECISIONS_SOME = "Outcomes that are {status}"
DECISION_VALUE = "{statement}\n{status} · last update {last} · {review}{link}"
DECISION_REVIEW = "next review {day}"
DECISION_NO_REVIEW = "no review date"
DECISION_LINK = "\n{link}"

# -- the timeline (export and corrections) -------------------------------------------------
CORRECTED_ON = "corrected on {day}"

# -- /status and /setup show ------------------------------------------------------------------
STATUS_OVERDUE_HEADING = "Outcome reviews due"
STATUS_OVERDUE_LINE = "{title}: review was due {day}{undeliverable}"
STATUS_UNDELIVERABLE = " (reminder undeliverable: no organisers or moderators channel)"
STATUS_NONE_DUE = "No outcome reviews are due."
ATTENTION_NO_REVIEW_CHANNEL = (
    "Outcome review reminders have nowhere to go: set `/setup channel organisers:` "
    "(or a moderators channel)."
)

# -- /me show --------------------------------------------------------------------------------
ME_FIELD = "What came of things you took part in"
ME_FOLLOWING = (
    "Outcome messages are on: you hear by DM when there is news of a poll you voted in, "
    "an idea you supported or an opportunity you said yes to. `/decisions` lists them all."
)
ME_NOT_FOLLOWING = (
    "Outcome messages are off. To hear what came of things you took part in, choose "
    "them in `/me settings`. `/decisions` lists them all, whenever you like."
)
