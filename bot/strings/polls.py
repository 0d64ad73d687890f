"""Words for polls. Plain, warm, short; ASCII apostrophes."""

# -- commands ------------------------------------------------------------------
CREATE_DESCRIPTION = "Organisers: ask members a question (opens a form)"
CLOSE_DESCRIPTION = "Organisers: close a poll now and post its results"
RESULTS_DESCRIPTION = "See a poll's results (live polls while open, any poll once closed)"
EXPORT_DESCRIPTION = "Organisers: download a closed poll's results as a CSV file"
OUTCOME_DESCRIPTION = "Organisers: say what was decided after a poll (you said, we did)"
LIST_DESCRIPTION = "See the polls open now, and how to vote"
GROUP_DESCRIPTION = "Polls on what matters to members"

KIND_HELP = "single: choose one; multi: choose several; ranked: put in order; points: share 10"
MAX_CHOICES_HELP = "multi only: how many options each person may choose"
ANONYMOUS_HELP = "Anonymous (default): once it closes, nobody can tell how anyone voted"
RESULTS_HELP = "Show counts while open (named polls only), or only at close (default)"
CLOSES_HELP = "When it closes, e.g. `friday 5pm` or `3 Dec 18:00` (server time)"
CONTENT_NOTE_HELP = "A short content note shown before the poll"
REASONS_HELP = "Let people add a reason with their vote"
NETWORK_HELP = "Post to every server in your network; members vote in their own server"
PING_HELP = "Ping the server's announcement role with this poll"
POLL_HELP = "The poll (start typing its question)"

NO_CHANNEL = (
    "I can't post here. Please ask a moderator to choose an announcements channel with "
    "`/setup channel`, or run this in a text channel. Nothing was posted."
)

# -- the create form -----------------------------------------------------------
MODAL_TITLE = "New poll"
QUESTION_LABEL = "Question"
QUESTION_PLACEHOLDER = "What should we improve first?"
OPTIONS_LABEL = "Options, one per line (2 to 25)"
OPTIONS_PLACEHOLDER = "Waiting times\nPeer support groups\nOut-of-hours help"
CREATED_NEXT = "{closes}Afterwards, use `/poll outcome` to tell people what came of it."
CREATED = "Your poll is being posted in <#{channel}>. " + CREATED_NEXT
CREATED_NETWORK = (
    "Your poll is being posted to your network, in {count} servers: {servers} "
    "(here in <#{channel}>). "
)
CREATED_MISSING = (
    "Not posted in {servers}: no announcements channel is set there. A moderator there "
    "can choose one with `/setup channel`. "
)
CREATED_CLOSES = "It closes {when} ({relative}); `/poll close` closes it sooner. "
CREATED_NO_CLOSE = "It stays open until you close it with `/poll close`. "
CLOSES_PASSED = (
    "The closing time passed while the form was open. Please start again "
    "with a later time. Nothing was posted."
)

# -- the read-back before posting ------------------------------------------------
POST_IT = "Post it"
CHANGE = "Change"
READBACK_INTRO = "Here is your poll as I read it. Please check it before posting."
READBACK_CLOSES = "**Closes:** {plain}\nThat is {when} ({relative}) in your own time."
READBACK_NO_CLOSE = "**Closes:** no closing time: it stays open until you use `/poll close`."
READBACK_AM_PM = (
    "**Closes:** {clock} could be morning or evening. Please choose:\n"
    "- **{am}**: {am_plain}\n- **{pm}**: {pm_plain}\nNothing is posted until you choose."
)
READBACK_NOTE = "_{note}_"
READBACK_CONTENT_NOTE = "**Content note:** {note}"
READBACK_WHERE = "It will be posted in <#{channel}>."
READBACK_NETWORK = "It will be shared with every server in your network too."
READBACK_PING = "It will ping the server's announcement role."
DRAFT_GONE = (
    "This poll was already posted, or the draft has expired. Use `/poll create` to start again."
)
DRAFT_ASKING = "Please choose morning or evening for the closing time first. Nothing was posted."
DRAFT_CLOSES_PASSED = (
    "The closing time has passed while this was waiting. Please press **Change** and give "
    "a later time. Nothing was posted."
)
CHANGE_MODAL_TITLE = "Change your poll"
START_KIND_LABEL = "Kind: single, multi, ranked or points"
START_ANONYMOUS_LABEL = "Anonymous? yes or no"
START_ANONYMOUS_UNCLEAR = (
    "Please write yes (anonymous) or no (named) for Anonymous. Nothing was saved."
)
CLOSES_LABEL = "Closes (leave empty for no closing time)"
CONTENT_NOTE_LABEL = "Content note (optional)"
CONTENT_NOTE_PLACEHOLDER = "e.g. mentions of self-harm"

# -- /poll edit -----------------------------------------------------------------
EDIT_DESCRIPTION = "Organisers: move an open poll's closing time or change its content note"
EDIT_CLOSES_HELP = "The new closing time, e.g. `friday 5pm` (server time)"
EDIT_CONTENT_NOTE_HELP = "A new content note; `none` removes it"
EDIT_CLEAR_WORDS = ("none", "-", "remove", "clear")
EDIT_NOTHING = "Please give a new `closes`, a `content_note`, or both. Nothing was changed."
EDIT_TOO_SOON = (
    "Please give a closing time at least 10 minutes from now, so people who are voting "
    "can finish. To close it now, use `/poll close`. Nothing was changed."
)
EDITED = "Saved. The poll's post now shows the change; nobody was sent a message."
EDITED_CLOSES = " It closes {when} ({relative})."

# -- the poll message ----------------------------------------------------------
KIND_LINES = {
    "single": "Choose one option.",
    "multi": "Choose as many options as you like.",
    "multi_limited": "Choose up to {n} options.",
    "ranked": "Put options in order of preference. Rank as many as you like (at least one).",
    "points": "Share up to 10 points between the options you care about most.",
}
CONTENT_NOTE = "**Content note:** {note}"
ANONYMOUS_LINE = (
    "Anonymous: organisers only see totals, and once the poll closes, nobody can tell "
    "how you voted. If fewer than 5 people vote, no results are shown, only how many voted."
)
NAMED_LINE = "Named poll: organisers will see your name with your vote."
OPEN_CLOSES = "Closes {when} ({relative})."
OPEN_NO_CLOSE = "Open until an organiser closes it."
TURNOUT = "{count} {people} voted so far."
TURNOUT_NONE = "Nobody has voted yet."
LIVE_HEADING = "Counts so far"
HIDDEN_RESULTS = "Results will be shown when the poll closes."
HOW_TO_VOTE = (
    "Members: press **Vote** to choose privately. You can change your vote until it closes."
)
CLOSED_LINE = "This poll has closed. {turnout} The results are posted below."
POLL_FOOTER = "Poll {id}"
REASONS_LINE = "You can add a reason with your vote if you like."
NETWORK_LINE = (
    "Shared with every server in the network. Members vote in their own server; "
    "each person has one vote."
)

# -- the ballot ------------------------------------------------------------------
BALLOT_TITLE = "Your vote: {question}"
BALLOT_ANONYMOUS = (
    "This poll is **anonymous**: once the poll closes, nobody can tell how you voted. "
    "Organisers only see totals. If fewer than 5 people vote, no results are shown at all, "
    "only how many voted."
)
BALLOT_NAMED = "This poll is **named**: organisers will see your name with your vote."
BALLOT_CURRENT = "Your vote now: {choice}. Choosing again replaces it."
SELECT_SINGLE = "Choose one option"
SELECT_MULTI = "Choose your options"
SELECT_RANK = "Your {ordinal} choice"
SELECT_POINTS_OPTION = "Choose an option to give points to"
SELECT_POINTS_VALUE = "Points for option {n}"
RANK_SO_FAR = "Your ranking so far:"
RANK_NONE_YET = "Pick your 1st choice below. You can stop after any number."
RANK_DONE_ALL = "You've ranked every option."
POINTS_SO_FAR = "Points given: {total} of 10."
POINTS_NONE_YET = "Pick an option, then how many points to give it."
POINTS_FOR = "How many points for **{option}**? (You have {left} left.)"
SAVE_RANKING = "Save my ranking"
SAVE_POINTS = "Save my points"
UNDO = "Undo last"
START_AGAIN = "Start again"
ADD_REASON = "Add a reason"
SAVED = "Your vote is saved: {choice}."
SAVED_CHANGED = "Your vote is changed: {choice}."
SAVED_ANONYMOUS = ANONYMOUS_LINE
SAVED_NAMED = "Organisers will see your name with this vote."
SAVED_CHANGE_HINT = "You can change it until the poll closes by pressing **Vote** again."
REASON_MODAL_TITLE = "Why did you vote this way?"
REASON_LABEL = "Your reason (optional)"
REASON_SAVED = "Thank you. Your reason is saved with your vote."
REASON_CLEARED = "Your reason is removed. Your vote is still saved."
REASON_NO_BALLOT = "Please vote first, then add a reason."
REASON_ANONYMOUS_HINT = (
    "Organisers see reasons without names. Leave out anything that would identify you."
)
REASONS_OFF = "This poll doesn't collect reasons."
POLL_GONE = "I can't find that poll any more. It may have been removed."
HOME_ONLY = (
    "This poll was shared by **{home}**, so only organisers there can close it or say "
    "what came of it. You can see its results here with `/poll results`."
)
COUNTED_ELSEWHERE = (
    "You'd already voted in this poll from **{server}**, so your vote is counted there, "
    "once. You can change it from either server."
)
NONE_CHOSEN = "Please choose at least one option."
ANOTHER_SERVER = "another server"  # a server the bot no longer sees

# -- results ---------------------------------------------------------------------
RESULTS_TITLE = "Results: {question}"
RESULTS_TURNOUT = "{count} {people} voted. Closed {when}."
RESULTS_ROUNDS = "How the count went"
RESULTS_BREAKDOWN = "By self-described group"
RESULTS_BY_SERVER = "Voters by server"
BY_SERVER_UNIT = "voters"  # "5 voters", "1 voter"
RESULTS_SHARED_BY = "Shared by **{home}** with the network."
RESULTS_ROUNDS_CUT = "(More rounds in `/poll export`.)"
RESULTS_ROUNDS_SHORT = "(Options by number. The full explanation is in `/poll export`.)"
ROUND_WINNER = "Round {n}: {option} wins, with {votes} of the {continuing} ballots still counting."
ROUND_OUT = "Round {n}: no option has more than half. Out: {options}."
ROUND_OUT_ONE = "option {n}"
ROUND_OUT_MANY = "options {numbers} and {last}"
BREAKDOWN_LINE = "{group}: {count} {people}, most {unit}: {top}"
BREAKDOWN_NO_TOP = "{group}: {count} {people}"
BREAKDOWN_SMALL = "{group}: fewer than {threshold}"
BREAKDOWN_HIDDEN = "{group}: hidden"
BREAKDOWN_TOTAL = "Total: {total}"
BREAKDOWN_NOTE = (
    "Groups with fewer than {threshold} people are not shown, so nobody can be "
    "picked out. Another group may be hidden too, so those numbers can't be worked out."
)
GROUP_LABELS = {
    "lived_experience": "Lived experience",
    "carer": "Carer",
    "staff": "Staff",
    "not_said": "Didn't say",
}
CHART_NOTE = "{count} {people} voted"
TOO_FEW_TO_SHOW = (
    "{count} {people} voted; too few to show results without revealing how people voted."
)
NOT_CLOSED_HIDDEN = "Results for this poll will be shown when it closes, {when}."
NOT_CLOSED_HIDDEN_NO_TIME = "Results for this poll will be shown when an organiser closes it."
LIVE_TITLE = "Counts so far: {question}"
ANSWERS_ERASED = (
    "The individual answers were erased after the server's retention period; "
    "these totals were kept."
)

# -- closing, export, outcome -----------------------------------------------------
CLOSED_NOW = "The poll is closed. The results are being posted in <#{channel}>."
ALREADY_CLOSED = "That poll is already closed. Use `/poll results` to see its results."
EXPORT_OPEN = "The export is ready once the poll closes, so results stay hidden until then."
EXPORT_READY = "Here are the results of **{question}** as a CSV file."
EXPORT_ANONYMOUS_NOTE = "It is anonymous, so the file has no names."
EXPORT_NETWORK_NOTE = "Names are shown only for this server's own members."
EXPORT_OTHER_SERVER = "(a member of another server)"
EXPORT_FEWER_THAN = "fewer than {threshold}"
EXPORT_HIDDEN = "hidden"
CHOICE_CLOSED = " (closed)"  # autocomplete: after a closed poll's question
CHOICE_FROM = " (from {server})"  # autocomplete: a network poll shared here
OUTCOME_OPEN = "Please close the poll first. Then you can say what was decided."
OUTCOME_EXISTS = (
    "An outcome is already recorded for this poll: {text}\n"
    "To post news of how it is going, use `/outcome update`; to fix its wording, "
    "`/outcome correct`."
)

# -- /polls -------------------------------------------------------------------------
LIST_TITLE = "Open polls"
LIST_EMPTY = "There are no open polls right now."
LIST_LINE = "**{question}** ({kind}) - {closes} {voted}\n{link}"
LIST_CLOSES = "closes {when}"
LIST_NO_CLOSE = "open until closed"
LIST_FROM = " (shared by {server})"
LIST_VOTED = "(you've voted)"
LIST_HOW = "To vote, open a poll and press **Vote**. Only you see your ballot."
LIST_JOIN = "Voting is for members. Use `/join` first if you'd like to take part."
KIND_NAMES = {
    "single": "choose one",
    "multi": "choose several",
    "ranked": "ranked",
    "points": "points",
}

ORDINALS = ("1st", "2nd", "3rd")


def ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20 or n % 10 not in (1, 2, 3):
        return f"{n}th"
    return f"{n}{('st', 'nd', 'rd')[n % 10 - 1]}"


def people_have(n: int) -> str:
    return "person has" if n == 1 else "people have"
