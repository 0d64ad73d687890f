"""Words for /report: a period's figures for commissioners (totals only)."""

# -- buttons ---------------------------------------------------------------------
OPEN_REPORT = "Open the report"
WITHDRAW_LINK = "Withdraw this link"

# -- the command -------------------------------------------------------------------
DESCRIPTION = "A period's figures for commissioners: totals only (organisers)"
PERIOD_HELP = "For example: last quarter, 2026/27, April 2026, or 2026-04-01..2027-03-31"
SCOPE_HELP = "This server, or every server in your network that allows reports"
SCOPES = {"server": "This server", "network": "The whole network"}

# -- refusals ---------------------------------------------------------------------
NOT_ALLOWED = (
    "Reports are not switched on here yet. A moderator can allow them with "
    '`/setup publish` (choose "reports"). Nothing was made.'
)
NO_NETWORK = (
    "This server is not part of a network, so there is no network report. "
    'Choose "This server" instead, or see `/network show`.'
)
TOO_MANY_PERIODS = (
    "This server has had reports for {limit} different periods today, which is as many as "
    "a day allows: many overlapping periods could be compared to pick out a single day. "
    "Any of today's periods can be asked for again, or try a new one tomorrow."
)

# -- the reply --------------------------------------------------------------------
TITLE = "Report: {label}"
INTRO_SERVER = "Figures for **{name}**, {first} to {last}."
INTRO_NETWORK = (
    "Figures for the network **{name}**, {first} to {last}: from {counted} of its "
    "{servers} servers (only those that allow reports)."
)
SO_FAR = "The period has not ended yet, so this covers the days up to today."
TOTALS_ONLY = (
    'Totals only: counts under 5 show as "fewer than 5" and members are shown in bands, '
    "so nobody can be picked out. Today's figures stay the same all day."
)
LINK = (
    "**Private page:** {url}\n"
    "It works until {expires}. Anyone with the address can read it, so share it only "
    "with the people it is for. **Withdraw this link** stops it at once."
)
CSV_ONLY = (
    "The figures are in the attached file: one table per CSV, zipped. "
    "(Pages are not set up on this bot, so there is no web link; the CSV has everything.)"
)
CSV_TOO = "The same figures are in the attached file: one table per CSV, zipped."

# -- withdrawing ------------------------------------------------------------------
WITHDRAWN = (
    "Done: that link no longer works; anyone who opens it is told it was withdrawn. "
    "You can make a new report whenever you need one."
)
ALREADY_STOPPED = "That link has already stopped working (withdrawn, or past its 7 days)."
