async def setup(bot):
    from cogs.status.cog import setup as setup_cog

    await setup_cog(bot)
