import logging

from discord import app_commands

from bot import strings
from bot.domain.errors import Refusal
from bot.errors import NotAllowed, user_message_for


def _invoke_error(original: Exception) -> app_commands.CommandInvokeError:
    command = app_commands.Command(name="x", description="x", callback=_noop)
    return app_commands.CommandInvokeError(command, original)


async def _noop(interaction) -> None:  # pragma: no cover - never called
    pass


def test_refusals_are_shown_as_written_without_a_reference():
    text, reference = user_message_for(_invoke_error(Refusal("Please pick a date in the future.")))
    assert text == "Please pick a date in the future."
    assert reference is None


def test_permission_failures_say_which_role():
    text, reference = user_message_for(
        NotAllowed(strings.NEEDS_ORGANISER_ROLE.format(role="Organisers"))
    )
    assert "Organisers" in text and reference is None


def test_unexpected_errors_get_a_reference_code_and_no_traceback():
    text, reference = user_message_for(_invoke_error(KeyError("secret internals")))
    assert reference is not None and reference in text
    assert "KeyError" not in text and "secret internals" not in text
    assert "Traceback" not in text


def test_logging_never_prints_the_token(caplog):
    from bot.log import setup_logging

    token = "MTIz.secret-token-value"
    setup_logging("INFO", token)
    handler = logging.getLogger().handlers[0]
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "token is %s", (token,), None)
    handler.filter(record)
    assert token not in record.getMessage()


def test_a_cooldown_says_how_long_in_plain_words():
    one, _ = user_message_for(app_commands.CommandOnCooldown(app_commands.Cooldown(1, 60), 0.4))
    many, _ = user_message_for(app_commands.CommandOnCooldown(app_commands.Cooldown(1, 60), 12.2))
    assert one.endswith("try again in 1 second.")  # never "0 seconds", never "1 seconds"
    assert many.endswith("try again in 12 seconds.")
