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

# Knowing it was down (bot/heartbeat.py): one line per server, in its moderators channel.
OUTAGE = "I was offline from {start} to {end}."
OUTAGE_NOTHING_DUE = "No meeting reminders were due meanwhile."
OUTAGE_LATE = "{late} went out late"
OUTAGE_SKIPPED = "{skipped} skipped because their meeting had started"
OUTAGE_REMINDERS_ONE = "1 meeting reminder"
OUTAGE_REMINDERS_MANY = "{n} meeting reminders"
OUTAGE_SKIPPED_ONE = "1 was"
OUTAGE_SKIPPED_MANY = "{n} were"
OUTAGE_TITLE = "Last time I was offline"
OUTAGE_NO_CHANNEL = (
    "This server has no moderators channel, so I could not say this there. "
    "A moderator can choose one with `/setup channel`."
)
OUTAGE_NEVER_NO_CHANNEL = (
    "Not offline that I know of. If I am, I will tell moderators in their channel "
    "afterwards, but this server has none yet: a moderator can choose one with `/setup channel`."
)
