"""Words for the member's own record: /me record and the certificate."""

# -- buttons -------------------------------------------------------------------
GET_CERTIFICATE = "Get a certificate"

# -- the command ---------------------------------------------------------------
RECORD_DESCRIPTION = "Your own record of what you took part in, and a certificate"

# -- /me record ----------------------------------------------------------------
RECORD_TITLE = "Your record"
RECORD_INTRO = (
    "Only you can see this. It lists what organisers confirmed you took part in, "
    "and meetings you said Going to that have taken place."
)
SAID_GOING = "said going"
SAID_GOING_NOTE = (
    "Meetings marked *said going* are the ones you said Going to: nobody checks who "
    "came. They are shown for {months} (how long this server keeps answers), then "
    "they drop off. What organisers confirmed stays until you leave."
)
TOOK_PART_HEADING = "What you took part in"
SAID_GOING_HEADING = "Meetings you said Going to"
TOTAL_HOURS = "Hours you gave, where organisers noted them: {hours}."
MORE_LINES = "…and {count} more (all of them are in the certificate and in `/me export`)."
RECORD_EMPTY = (
    "Your record is empty for now. When an organiser confirms you took part in "
    "something, it appears here, only for you. Meetings you say Going to appear "
    "once they have taken place."
)
RECORD_FOOTER = "Get a certificate makes a one-page PDF of this, with the name you choose."

# -- the certificate form ------------------------------------------------------
CERTIFICATE_MODAL_TITLE = "Your certificate"
FIELD_NAME = "The name to print"
FIELD_NAME_PLACEHOLDER = "As you'd like it to appear. It is not stored."
NAME_EMPTY = (
    "**The name to print**: that came through empty. Type the name you'd like on the "
    "certificate (any letters or script are fine)."
)
NAME_TOO_LONG = "**The name to print**: please keep it to 80 characters or fewer."
NAME_NOT_KEPT = (
    "The name isn't kept, so press **Get a certificate** to type it again. Nothing was stored."
)
CERTIFICATE_READY = (
    "Here is your certificate. The name you typed is printed on it and was not stored."
)
CERTIFICATE_EMPTY = (
    "There's nothing on your record to put on a certificate yet. When an organiser "
    "confirms you took part in something, you can make one."
)
CERTIFICATE_FILENAME = "speak-back-certificate.pdf"

# -- on the certificate itself (plain, printed words) --------------------------
PDF_TITLE = "Certificate of involvement"
PDF_THIS_IS_TO_SAY = "This is to say that"
PDF_TOOK_PART = "took part in the work of {server}:"
PDF_TOTAL_HOURS = "Hours given, where organisers noted them: {hours}"
PDF_MORE = "…and {count} earlier activities, not shown here to keep to one page."
PDF_ISSUED = "Issued on {day} by Speak Back, for {server}."
PDF_SAID_GOING_NOTE = (
    '"said going" marks a meeting the person said they would go to; everything else '
    "was confirmed by its organisers."
)
UNPRINTED = (
    "The fonts have no letters for {characters}, so that part of the name is left blank. "
    "Press **Get a certificate** again to type it another way if you like."
)
