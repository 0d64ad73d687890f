"""Consent: the membership notice and the purposes a member can agree to (rule 1)."""

from __future__ import annotations

PURPOSE_MEMBERSHIP = "membership"
PURPOSE_DM_OPPORTUNITIES = "dm_opportunities"
PURPOSE_DM_REMINDERS = "dm_reminders"
PURPOSE_DM_OUTCOMES = "dm_outcomes"
OPTIONAL_PURPOSES = (PURPOSE_DM_OPPORTUNITIES, PURPOSE_DM_REMINDERS, PURPOSE_DM_OUTCOMES)
ALL_PURPOSES = (PURPOSE_MEMBERSHIP, *OPTIONAL_PURPOSES)

# Which edition of DEFAULT_NOTICE this is. Raise it by one whenever the built-in
# notice changes what it tells people: at start-up every server still on the
# built-in notice then moves to a new notice version, and its members are asked to
# read and agree again before Speak Back messages them (rule 1). A test pins the
# text of the current edition, so the words cannot change without that decision.
DEFAULT_NOTICE_EDITION = 2

DEFAULT_NOTICE = (
    "**What joining Speak Back means**\n"
    "Speak Back is how this community shapes services together with staff. "
    "Taking part is always your choice: saying no, or not answering, is never held "
    "against you.\n\n"
    "**What we store:** your Discord ID, that you joined and when, the contact "
    "choices you make, and your answers (votes, replies to opportunities and meetings, "
    "ideas you raise or support). If you choose, also a preferred name, a group you "
    "describe yourself as (for example lived experience or carer), access needs, quiet "
    "hours, and how you'd like to be paid.\n"
    "**Why:** so you can take part and get only the messages you asked for.\n"
    "**Who sees it:** organisers see your name only when you say yes to something "
    "(they need it to run it) or vote in a named poll, and your access needs only when you say yes. Nobody sees "
    "who said no. Anonymous votes are stored under a code whose key is destroyed when "
    "the poll closes, so nobody can tell how you voted. Support for an idea shows only "
    'as a count. Moderators can see who raised an idea, for safety; posts say "a '
    'member" unless you choose to show your name. Figures about fewer than 5 people '
    "are never shown exactly.\n\n"
    "**Messages:** only the kinds you chose. Saying yes to something (Going or Maybe, "
    "yes to an opportunity) also means we tell you if it moves, changes or is "
    "cancelled, about your place, and notes from its organiser. If you chose outcome "
    "messages, we tell you what came of things you voted in, supported or said yes to. "
    "Nothing is sent while you step back; you see it when you come back. Quiet hours "
    "are kept unless something starts before they end.\n"
    "**Payment:** if something you have a place on is paid, we ask you privately how "
    "you'd like it (a fee, a voucher, expenses only, or none). Payments can affect "
    "benefits, so every choice is fine. Its organisers see your choice, that you took "
    "part, and expenses you claim (never bank details), so they can arrange payment.\n"
    "**Your record:** when an organiser confirms you took part, we note the date, what "
    "it was, and any role and hours, for you alone to see with `/me record`. Nothing "
    "is noted if you don't go.\n"
    "**Your calendar address:** `/me calendar` makes a private address your calendar "
    "app can follow, with your meetings; we keep a fingerprint of it, not the address "
    "itself. Anyone with the address can see "
    "its meetings, so keep it to yourself; **Make a new link** stops the old one.\n"
    "**Public pages:** moderators may publish a web page of what this community asked "
    "for and what came of it. It never shows your name or anything about you. The "
    "words of an idea you raised appear only if you press **Show my words on public "
    "pages**.\n\n"
    "**How long we keep things:** messages the bot sends you, for 7 days. If you "
    "message the bot directly, your message is not kept: only a coded note that it "
    "answered you, for six hours. Joining and leaving, only as daily counts, not about "
    "you. Answers to things that have closed, for the time moderators set (12 months "
    "unless they change it). Payment details, until 90 days after you are paid, or 12 "
    "months after the activity if unpaid. Backup copies, for the time the bot's "
    "operator sets. The record of what was decided names nobody and is kept as the "
    "community's record.\n"
    "**When this notice changes:** if only its wording is fixed, your agreement "
    "stands (we note which wording you last saw). If what it says changes, we ask you to agree again, and messages you "
    "chose wait until you do.\n"
    "**Your control:** `/me pause` to step back, `/me export` for a copy of your "
    "data, `/leave` (here or in a DM with Speak Back) to leave and erase it at once. "
    "A coded note that you left is kept so a restored backup cannot bring you back. "
    "If you leave this Discord server without `/leave`, we erase what we hold about "
    "you here 30 days after we notice, unless you come back first. If you have an "
    "unpaid claim, you may keep just that claim until it is paid."
)


# Paragraphs written for the next edition of the built-in notice, staged here until
# the wave of changes they describe has landed. The last change of the wave adds them
# to DEFAULT_NOTICE and raises DEFAULT_NOTICE_EDITION once, so members are asked to
# agree again once, not once per change. Keyed by topic; nobody is shown these yet.
# Edition 2 (December 2026) took in the paragraphs staged for that wave: ideas, messages about
# what you said yes to, outcomes, payment, your record, calendar addresses, public
# pages, how long things are kept, notice changes, leaving and backups.
NEXT_EDITION_PARAGRAPHS: dict[str, str] = {}


def default_notice() -> str:
    return DEFAULT_NOTICE
