async def setup(bot):
    from cogs.outcomes.cog import setup as setup_cog

    await setup_cog(bot)
