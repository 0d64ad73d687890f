"""Words for /status (moderators)."""

STATUS_DESCRIPTION = "Moderators: is Speak Back delivering and on time?"
STATUS_TITLE = "Speak Back status"
STATUS_BODY = (
    "**Messages waiting to send:** {backlog} now, {deferred} waiting for quiet hours or a retry\n"
    "**Messages waiting until the person can receive them:** {waiting}\n"
    "**DMs that could not be delivered** (closed DMs, this server): {undeliverable}\n"
    "**Timed work last checked:** {last_run}\n"
    "**Next timed work:** {next_wake}\n"
    "**Timed work waiting:** {pending_jobs}\n"
    "**Timed work recorded as missed** (too late to be useful, e.g. the bot was down): {missed_jobs}"
)
NEVER = "not yet"
NOTHING_SCHEDULED = "nothing scheduled"
PROBLEMS_TITLE = "Needs attention"
PROBLEM_LINE = "`{kind}` ({state}, {attempts} tries): {error}"
NO_PROBLEMS = "Nothing is failing."
