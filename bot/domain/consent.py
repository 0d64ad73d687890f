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
DEFAULT_NOTICE_EDITION = 1

DEFAULT_NOTICE = (
    "**What joining Speak Back means**\n"
    "Speak Back is how this community shapes services together with staff. "
    "Taking part is always your choice.\n\n"
    "**What we store:** your Discord ID, that you joined and when, the contact "
    "choices you make, and your answers (votes, replies to opportunities, meeting "
    "replies). If you choose, also a preferred name, a group you describe yourself "
    "as (for example lived experience or carer), access needs and quiet hours.\n"
    "**Why:** so you can vote, reply and get only the messages you asked for.\n"
    "**Who sees it:** organisers see your name only when you say yes to something "
    "(they need it to run it) or vote in a named poll, and your access needs "
    "only when you say yes. Anonymous votes "
    "cannot be linked to you once a poll closes. Nobody sees who said no.\n"
    "**Your control:** `/me pause` to step back, `/me export` for a copy of your "
    "data, `/leave` to leave and erase it at once."
)


# Paragraphs written for the next edition of the built-in notice, staged here until
# the wave of changes they describe has landed. The last change of the wave adds them
# to DEFAULT_NOTICE and raises DEFAULT_NOTICE_EDITION once, so members are asked to
# agree again once, not once per change. Keyed by topic; nobody is shown these yet.
NEXT_EDITION_PARAGRAPHS: dict[str, str] = {
    # Issue 21: what is kept, and for how long.
    "what_we_keep": (
        "**How long we keep things:** messages the bot sends you are kept for 7 days "
        "(so none is sent twice, and moderators can check messages are arriving), then "
        "deleted. If you message the bot directly, your message is not kept: only a "
        "coded note, made from your Discord ID with the bot's secret key, that it has "
        "answered you, for six hours so it answers once; `/leave` erases it. Joining "
        "and leaving are kept only as daily counts for the server, not about you. "
        "Anonymous votes are stored under a code made with the poll's key and the "
        "bot's own secret key; when the poll closes the poll's key is destroyed, so "
        "nobody can tell how you voted. Answers to things that have closed are deleted "
        "after the time moderators set (12 months unless they change it). Figures about "
        "fewer than 5 people are never shown exactly."
    ),
    "ideas": (
        "**Ideas:** if you raise an idea, we keep what you wrote and that it was you, so "
        "you can see, change or withdraw it; moderators can see who raised it, for "
        'safety, and posts say "a member" unless you choose to show your name. If you '
        "support an idea, only the count is shown: nobody else sees that it was you. "
        "Leaving erases your supports and your link to your ideas."
    ),
    # Issue 23: outcomes ("you said, we did").
    "outcomes": (
        "**What came of it:** when organisers record what was decided after a poll, an "
        "idea or an opportunity, and each time they post news of it, we tell you by DM "
        "if you voted in it, supported it or said yes to it and chose outcome messages. "
        "Each piece of news comes once. While you are stepping back it is not sent; you "
        "see it when you come back. The record of what was decided names nobody and is "
        "kept, as the community's record of what was done."
    ),
    "notice_edits": (
        "**When this notice changes:** if moderators only fix its wording, your agreement "
        "stands and nothing you asked for stops; we note which wording you last saw. If "
        "they change what it says, we ask you to agree again, and messages you chose wait "
        "until you do. If you have reminders coming, we tell you once."
    ),
    "service_messages": (
        "**Messages about what you said yes to:** when you say yes to something (Going "
        "or Maybe to a meeting, yes to an opportunity), we tell you by DM if it moves, "
        "changes or is cancelled, if you win or lose a place or move up from the "
        "waitlist, and when its organiser sends a note about it, even if you chose no "
        "other messages: saying yes includes being told. Nothing is sent while you are "
        "stepping back; you see it when you come back. Quiet hours are respected unless "
        "the thing starts before they end."
    ),
    "payments": (
        "**Payment and expenses:** if you have a place on something that offers payment, "
        "we ask you privately how you'd like it (a fee, a voucher, expenses only, or no "
        "payment); payments can affect benefits, so every choice is fine. Organisers of "
        "that one activity see your choice, that you took part, and any expenses you "
        "claim (amount, what for, date, a note: never bank details). We erase these 90 "
        "days after they are marked paid, or 12 months after the activity if never paid. "
        "If you leave with an unpaid claim, you may keep just that claim (amount, date, "
        "what for and your name) until it is paid."
    ),
    # Issue 24: the member's own record.
    "record": (
        "**Your own record:** when an organiser confirms you took part in something, we "
        "note the date, what it was, and your role and hours if they give them, so you "
        "can see it with `/me record` and make a certificate. Only you can see it. It is "
        "kept until you leave, and leaving erases it. Nothing is noted if you don't go."
    ),
    "leaving": (
        "**If you leave the server:** `/leave` also works in a DM with Speak Back. If you "
        "leave this Discord server without it, Speak Back notices within about a week "
        "and erases what it holds about you here 30 days after it first noticed, unless "
        "you come back and use it here again first. Until then you are left off "
        "organisers' lists."
    ),
    # Issue 26: calendar feeds.
    "calendar": (
        "**Your calendar address:** if you use `/me calendar`, we make a private address "
        "your calendar app can follow, showing the meetings you said Going or Maybe to "
        "(or all this server's, if you choose). We keep only a fingerprint of the "
        "address, which meetings it shows, and when you made it. Anyone who has the "
        "address can see which meetings are in it, so keep it to yourself; **Make a new "
        "link** stops the old one at once, and leaving erases it."
    ),
    # Issue 27: backups, and the note that keeps an erasure when one is restored.
    "backups": (
        "**Backups:** the bot's database is copied for safety, usually nightly, and old "
        "copies are deleted after the time its operator sets. So that restoring a copy "
        "can never bring you back after you leave, leaving also writes a coded note, "
        "made from your Discord ID with the bot's secret key, which says nothing about "
        "you to anyone without that key; it is deleted once no kept copy is older than "
        "your leaving."
    ),
    # Issue 25: pages beyond Discord.
    "pages": (
        "**Public pages:** moderators may choose to publish, on a web page anyone can read, "
        "what this community asked for and what came of it: poll results, ideas with the "
        "organisers' summary and answer, outcomes, and counts of opportunities and "
        "meetings. Pages never show your name or anything about you, and numbers under 5 "
        'are shown as "fewer than 5". The title and words of an idea you raised appear '
        "only if you press **Show my words on public pages**, and never with your name."
    ),
}


def default_notice() -> str:
    return DEFAULT_NOTICE
