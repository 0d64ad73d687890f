async def setup(bot):
    from cogs.opportunities.cog import setup as setup_cog

    await setup_cog(bot)
