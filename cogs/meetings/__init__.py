"""Meetings: /meeting schedule|edit|cancel|ics and /meetings, answers and reminders.

The Discord side (`cog`, `ui`, `events`) loads only in `setup`, so importing
`cogs.meetings.flows` (the application logic) pulls in no Discord UI.
"""


async def setup(bot):
    from cogs.meetings.cog import setup as setup_cog

    await setup_cog(bot)
