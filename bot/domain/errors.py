"""Errors the domain raises when a request cannot be carried out."""


class Refusal(Exception):
    """A request was refused; the message is kind, specific and safe to show the person.

    Raising it means nothing was changed. Adapters show `str(refusal)` ephemerally.
    """
