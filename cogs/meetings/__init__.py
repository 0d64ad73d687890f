async def setup(bot):
    from cogs.meetings.cog import setup as setup_cog

    await setup_cog(bot)
