async def setup(bot):
    from cogs.reports.cog import setup as setup_cog

    await setup_cog(bot)
