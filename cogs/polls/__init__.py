async def setup(bot):
    from cogs.polls.cog import setup as setup_cog

    await setup_cog(bot)
