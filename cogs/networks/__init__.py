async def setup(bot):
    from cogs.networks.cog import setup as setup_cog

    await setup_cog(bot)
