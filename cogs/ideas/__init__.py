async def setup(bot):
    from cogs.ideas.cog import setup as setup_cog

    await setup_cog(bot)
