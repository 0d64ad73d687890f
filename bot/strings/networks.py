"""Words for /network (moderators link servers into a champion network)."""

GROUP_DESCRIPTION = "Moderators: link this server with others in a champion network"
CREATED = (
    "Done: **{name}** is a new network, with this server as its first member.\n\n"
    "To invite another server, give one of its moderators this one-time link code "
    "(it works once, for 7 days):\n`{code}`\n\n"
    "They use `/network join code:` in their server; then a moderator here approves it "
    "in {moderators}. Need another code later? `/network show` has a button."
)
CREATED_NO_MOD_CHANNEL = (
    "the moderators channel (set one with `/setup channel moderators:` so requests reach you)"
)
ALREADY_IN_NETWORK = (
    "This server is already in the network **{name}**. A server can be in one network at a "
    "time; use `/network leave` first if you want to change. Nothing was changed."
)
NOT_IN_NETWORK = "This server isn't in a network yet. Start one with `/network create`."
CODE_NOT_VALID = (
    "That link code doesn't work: it may have been used already, or be more than 7 days old. "
    "Please ask a moderator of the network for a new one (`/network show` has a button). "
    "Nothing was changed."
)
JOIN_ASKED = (
    "Asked. Moderators of **{name}** will approve or refuse in their moderators channel. "
    "You'll hear back in {moderators}. Nothing is shared until they approve."
)
JOIN_NOBODY_TO_ASK = (
    "Asked, but none of the servers in **{name}** has a moderators channel set, so nobody "
    "has seen the request yet. Please ask their moderators to run `/setup channel` with a "
    "moderators channel; the request will wait."
)
NEW_CODE = "Here is a one-time link code for **{name}** (it works once, for 7 days):\n`{code}`"

REQUEST_TITLE = "A server asks to join {name}"
REQUEST_BODY = (
    "**{server}** asks to join the network **{name}**.\n\n"
    "If approved, organisers in any server of the network can post polls, opportunities "
    "and meetings to all of them. Members always answer in their own server. Names of "
    "members cross between servers only when a member agrees; otherwise organisers see counts."
)
APPROVE = "Approve"
REFUSE = "Refuse"
DECIDED = "{decision} by a moderator of **{server}**."
APPROVED_WORD = "Approved"
REFUSED_WORD = "Refused"
ALREADY_DECIDED = "This request was already dealt with, so nothing changed."
NOT_A_NETWORK_MODERATOR = (
    "Only moderators of a server in this network can decide. Nothing was changed."
)
TOLD_APPROVED = "**{server}** has joined the network **{name}**. Welcome!"
TOLD_REFUSED = "The request from **{server}** to join **{name}** was refused."
TOLD_YOU_APPROVED = "Your server is now in the network **{name}**, with: {servers}."
TOLD_YOU_REFUSED = (
    "The network **{name}** did not accept this server's request this time. "
    "You can talk to its moderators and ask again with a new code."
)

SHOW_TITLE = "Network: {name}"
SHOW_SERVERS = "Servers"
SHOW_PENDING = "Waiting for approval"
SHOW_NONE_PENDING = "Nothing waiting."
MAKE_CODE = "Make a link code"

LEFT = (
    "This server has left **{name}**. New network posts will no longer reach it. "
    "Past anonymous counts stay in the network's results; no names crossed over."
)
LEAVE_CONFIRM_TITLE = "Leave the network {name}?"
LEAVE_CONFIRM = (
    "If this server leaves **{name}**, at once:\n"
    "- new network polls, meetings and opportunities stop reaching this server;\n"
    "- answers from here to network items already posted here close;\n"
    "- the other servers' moderators are told that this server has left.\n\n"
    "Past anonymous counts stay in the network's results; no names crossed over. "
    "To link again later, a moderator of the network will need to give you a new code."
)
LEAVE_NETWORK = "Leave the network"
STAY_IN_NETWORK = "Stay in the network"
STAYING_IN_NETWORK = "Nothing was changed: this server stays in the network."
LEAVE_OUT_OF_DATE = (
    "This server is no longer in that network, so there was nothing to leave. Nothing was changed."
)
TOLD_LEFT = "**{server}** has left the network **{name}**."

# -- network-wide items (polls, opportunities, meetings posted with network:true) --
NOT_IN_A_NETWORK = (
    "This server isn't in a network, so there is nowhere else to post it. Leave out "
    "`network`, or ask a moderator about `/network create`. Nothing was posted."
)
LEFT_THE_NETWORK = (
    "This was shared by a network this server is no longer part of, so answers from here "
    "are closed. Nothing was changed."
)
UNKNOWN_SERVER = "server {guild_id}"

# -- commands ---------------------------------------------------------------------
CREATE_DESCRIPTION = "Start a network with this server as its first member"
CREATE_NAME_OPTION = "A name people will recognise, e.g. 'Yorkshire champions'"
JOIN_DESCRIPTION = "Ask to join a network with a link code from it"
JOIN_CODE_OPTION = "The one-time code a moderator of the network gave you"
SHOW_DESCRIPTION = "See this server's network and who is in it"
LEAVE_DESCRIPTION = "Unlink this server from its network (you confirm first)"
HEAR_BACK_IN_SHOW = "`/network show`"  # where a server hears back without a moderators channel
