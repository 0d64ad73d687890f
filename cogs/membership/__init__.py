async def setup(bot):
    from cogs.membership.cog import setup as setup_cog

    await setup_cog(bot)
