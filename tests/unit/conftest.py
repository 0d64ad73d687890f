"""Shared fixtures for unit tests."""

from __future__ import annotations

import pytest


@pytest.fixture
async def loaded_bot():
    from bot.client import SpeakBack, extension_names
    from bot.config import load_config

    bot = SpeakBack(
        load_config({"DISCORD_TOKEN": "MTIz.abc.defghijklmnop", "SPEAKBACK_SECRET": "s" * 40})
    )
    for name in extension_names():
        await bot.load_extension(name)
    yield bot
    await bot.close()
