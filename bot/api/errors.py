"""A refused request: its HTTP status and the reason in Indonesian, sent as {"error": ...}."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from bot.context import UserError


class ApiError(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@contextmanager
def refused_as(status: int) -> Iterator[None]:
    """A chat refusal (UserError) inside becomes an ApiError with `status` and its reason,
    the words the chat would answer with (its usage lines are for the chat only)."""
    try:
        yield
    except UserError as refusal:
        raise ApiError(status, refusal.reason) from None
