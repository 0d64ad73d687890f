async def setup(bot):
    from cogs.setup.cog import setup as setup_cog

    await setup_cog(bot)
