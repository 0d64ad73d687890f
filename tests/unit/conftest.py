"""Shared fixtures for unit tests."""

from __future__ import annotations

import pytest


@pytest.fixture
async def loaded_bot():
    from bot.client import SpeakBack, extension_names
    from bot.config import load_config

    config = load_config({"DISCORD_TOKEN": "MTIz.abc.defghijklmnop", "SPEAKBACK_SECRET": "s" * 40})
    # `async with` sets the client up as `bot.start` would (without logging in), so that
    # closing the sharded client finds its event queue.
    async with SpeakBack(config) as bot:
        for name in extension_names():
            await bot.load_extension(name)
        yield bot
