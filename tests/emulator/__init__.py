"""A local stand-in for the part of Discord that Speak Back uses.

`World` runs the emulator and the bot (a separate process) and offers readable scenario
helpers; `Emulator` is the server alone. See tests/e2e/conftest.py for the fixtures.
"""

from tests.emulator.interactions import ScenarioError
from tests.emulator.process import ECHO_BOT, SPEAKBACK
from tests.emulator.server import Emulator
from tests.emulator.world import Choice, InteractionFailed, Person, Reply, World

__all__ = [
    "ECHO_BOT",
    "SPEAKBACK",
    "Choice",
    "Emulator",
    "InteractionFailed",
    "Person",
    "Reply",
    "ScenarioError",
    "World",
]
