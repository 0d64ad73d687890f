async def setup(bot):
    from cogs.support.cog import setup as setup_cog

    await setup_cog(bot)
