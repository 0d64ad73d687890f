async def setup(bot):
    from cogs.records.cog import setup as setup_cog

    await setup_cog(bot)
