"""Words for payment and expenses (issue 24). Plain, calm, never pressing.

Payment can count as earnings for benefits, so the offer always comes with a short,
calm caution and every way of being paid (or not) is equally easy to choose.
"""

# -- /opportunity post and edit ----------------------------------------------------
FEE_HELP = "A fee offered, in pounds, e.g. `25` or `12.50` (leave out for none)"
FEE_PER_HELP = "The fee is per session, hour or day (default: session)"
VOUCHER_HELP = "A voucher is offered instead of a fee, for those who prefer it"
EXPENSES_HELP = "Expenses covered: any of travel, care, other, e.g. `travel,care`"
CLEAR_OFFER = "the fee, voucher and expenses offered"

OFFER_LINE = "**Payment:** {offer}"
CAUTION = (
    "_Payments can affect benefits. You're free to choose expenses only, or no payment. "
    "`/support` has this server's advice._"
)
READBACK_NO_OFFER = "**Fee, voucher, expenses:** none offered"

# -- the member's private choice -----------------------------------------------------
CHOICE_LABELS = {
    "fee": "Fee",
    "voucher": "Voucher",
    "expenses": "Expenses only",
    "none": "No payment, thanks",
}
CHOICE_WORDS = {
    "fee": "the fee",
    "voucher": "a voucher",
    "expenses": "expenses only",
    "none": "no payment",
}
ASK_CHOICE = (
    "**How would you like to be paid for {title}?** {offer}\n"
    "Every choice is fine, and you can change it until it is marked paid. Only you and "
    "the organisers of this opportunity see it. {caution}"
)
ASK_NAME_TO_BE_PAID = (
    "**To be paid, organisers in {home} need your name.** If you'd rather they didn't "
    "see it, that's fine: choose **No payment, thanks**."
)
SHARE_TO_BE_PAID = "Share my name to be paid"
CHOICE_NOW = "Your choice now: **{choice}**."
CHOICE_SAVED = (
    "Thank you. For **{title}** you chose **{choice}**. You can change it until it is "
    "marked paid (in `/me opportunities`)."
)
CHOICE_SAVED_CLAIM = (
    " After it happens, claim expenses with `/me claim`: the organiser arranges payment."
)
CHOICE_PAID = "That has been marked paid already, so it can't be changed now. Nothing was changed."
CHOICE_NO_PLACE = (
    "Only someone with a place can choose how to be paid, and you don't have one on "
    "this. Nothing was changed."
)
CHOICE_NOT_OFFERED = "This opportunity doesn't offer a payment any more. Nothing was changed."
PAY_BUTTON = "How to be paid: {title}"
ME_CHOICE = " Payment: {choice}."
ME_CHOICE_NONE = " Payment: not chosen yet."
ME_CHOICE_PAID = " Payment: {choice}, marked paid."

# -- /opportunity happened -----------------------------------------------------------
HAPPENED_DESCRIPTION = "Organisers: confirm who took part (after the date)"
ROLE_HELP = "Their role, e.g. `interview panel member` (for their own record)"
HOURS_HELP = "How many hours it took (for their own record, and an hourly fee)"
HAPPENED_NOT_YET = (
    "**{title}** hasn't happened yet ({when}). Please confirm who took part after "
    "the date. Nothing was changed."
)
HAPPENED_NOBODY = "Nobody has a place on **{title}**, so there is nobody to confirm."
HAPPENED_CANCELLED = "**{title}** was cancelled, so nobody took part. Nothing was changed."
HAPPENED_ASK = (
    "**Who took part in {title}?** Everyone with a place is ticked. Untick anyone who "
    "didn't come, then press **Confirm who took part**.\n"
    'Only "took part" is kept, never who didn\'t come, and nothing is sent to anyone.'
)
HAPPENED_PART = "People with a place ({first} to {last})"
HAPPENED_CONFIRM = "Confirm who took part"
HAPPENED_DONE = (
    "Thank you. {count} confirmed as taking part in **{title}**: it is in their own "
    "record, and they can claim expenses with `/me claim`. Nothing was sent to anyone."
)
HAPPENED_DONE_NONE = (
    "Thank you. Nobody is confirmed as taking part in **{title}**. Nothing was sent to anyone."
)
HAPPENED_GONE = "That list has expired. Please run `/opportunity happened` again."
PERSON_UNNAMED = "Someone from {server} (name not shared)"
PERSON_NO_NAME = "no preferred name given"

# -- /me claim ------------------------------------------------------------------------
CLAIM_DESCRIPTION = "Claim expenses for something you took part in"
CLAIM_OPPORTUNITY_HELP = "What you took part in (start typing its title)"
CLAIM_TITLE = "Claim expenses"
CLAIM_AMOUNT = "Amount, in pounds"
CLAIM_AMOUNT_HINT = "e.g. 6.40"
CLAIM_KIND = "What for"
CLAIM_DATE = "Date you paid"
CLAIM_DATE_HINT = "e.g. 2026-12-10 or 10 Dec"
CLAIM_NOTE = "A note for the organiser (optional)"
CLAIM_NOTE_HINT = "e.g. return bus fare. Please no bank details."
CLAIM_NOT_TAKEN_PART = (
    "You can claim expenses once an organiser has confirmed you took part in it. "
    "Please pick one from the list. Nothing was saved."
)
CLAIM_NO_EXPENSES = (
    "**{title}** doesn't cover expenses, so there is nothing to claim. Nothing was saved."
)
CLAIM_PAID_OFF = (
    "Your choice for **{title}** has been marked paid. Please talk to the organiser if "
    "something is still owed. Nothing was saved."
)
CLAIM_SAVED = (
    "Thank you. Your claim of **{amount}** for {kind} on {day} for **{title}** is with its "
    "organisers, who will arrange payment. Please don't send bank details here: they'll "
    "sort that out with you."
)
CLAIM_NOTHING = "Nobody has confirmed you took part in anything yet, so there is nothing to claim."
CLAIM_DATE_UNREAD = "I couldn't read {typed} as a date. Please write it like 2026-12-10 or 10 Dec."
CLAIM_BANK_DETAILS = (
    "That note looks like it has bank details in it. Please leave those out: the "
    "organiser will arrange payment with you."
)

# -- /opportunity payments --------------------------------------------------------------
PAYMENTS_DESCRIPTION = "Organisers: who took part, their payment choices and claims"
PAYMENTS_TITLE = "Payments: {title}"
PAYMENTS_NOBODY = (
    "Nobody is confirmed as taking part in **{title}** yet. Use `/opportunity happened` "
    "after the date."
)
PAYMENTS_BEFORE = (
    "Nobody is confirmed as taking part yet, so these are the people with a place. "
    "After the date, use `/opportunity happened`."
)
PAYMENTS_FEE_NEEDS_HOURS = "{fee} an hour: hours not recorded yet"
PAYMENTS_NEEDS_HOURS = (
    "The fee is by the hour, and {count} fee(s) need the hours before they can be "
    "worked out, so the totals leave them out. Run `/opportunity happened` again with "
    "`hours`, and the fees are worked out for you."
)
PAYMENTS_PERSON = "- {name}: {choice}{paid}"
PAYMENTS_CLAIM = "  - {amount} {kind} on {day}{note}{paid}"
PAYMENTS_PAID = " (paid)"
PAYMENTS_NOT_CHOSEN = "not chosen yet"
PAYMENTS_KEPT = " (left Speak Back; kept until paid)"
PAYMENTS_FEE = "Fee to pay: {fee}"
PAYMENTS_TOTALS = "**Totals** fees {fees}, claims {claims}, all {total}; still to pay {unpaid}."
PAYMENTS_PRIVACY = (
    "Only this opportunity's organisers see this. The finance system is the record of "
    "payment: everything here is erased 90 days after it is marked paid, and 12 months "
    "after the opportunity if it is never paid."
)
MARK_PAID = "Mark paid: {name}"
MARKED_PAID = "Marked paid{name}. {told}"
MARKED_TOLD = "They've been told (a message about something they said yes to)."
MARKED_KEPT = "They left Speak Back, so nobody was told."
NOTHING_TO_MARK = "Nothing was waiting to be paid{name}. Nothing was changed."
CSV_FILENAME = "payments-{id}.csv"
CSV_NEEDS_HOURS = "hours not recorded"
CSV_TOTAL_WITHOUT_HOURS = "without {count} hourly fee(s): hours not recorded"
CSV_HEADER = ("name", "choice", "fee", "claim", "claim date", "claim amount", "paid", "total")

PAID_TITLE = "Marked paid: {title}"
PAID_DM = (
    "The organisers of **{title}** have marked {what} as paid. Thank you for taking part. "
    "If anything doesn't look right, please talk to them."
)
PAID_WHAT_FEE = {"fee": "your fee", "voucher": "your voucher"}
PAID_WHAT_CLAIMS = "your expenses claim"
PAID_WHAT_BOTH = "{fee} and your expenses claim"
PAID_SUMMARY = "{title}: marked paid"

WARN_TITLE = "Payments for {title} will be erased soon"
WARN_BODY = (
    "Some payments for **{title}** are not marked paid. On {day} they will be erased, "
    "as Speak Back keeps them for 12 months after the opportunity. Please mark them paid "
    "with `/opportunity payments`, or make sure your finance system has them."
)

# -- leaving ------------------------------------------------------------------------------
LEAVE_CLAIM = (
    "\n\n**You have an unpaid expenses claim.** You can keep it until it is paid: then "
    "only its amount, date, what it was for and your name are kept (nothing else about "
    "you), and it goes once it is paid. Or erase it too."
)
KEEP_CLAIM = "Keep my unpaid claim until it's paid"
ERASE_TOO = "Erase it too"
LEFT_KEPT_CLAIM = (
    " Your unpaid claim is kept, with only its amount, date, what it was for and your "
    "name, until it is paid."
)
