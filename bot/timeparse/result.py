"""ParseResult: what parse_schedule says about a phrase. Apart from the grammar, so that the
bot can name it without loading the grammar's patterns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.repeat import RepeatRule


@dataclass(frozen=True)
class ParseResult:
    """What a phrase says. When it is refused (`error` set, `when` None) and the error
    proposes a reading ("Maksudnya ...?"), `suggestion` is that moment, `rule` the proposed
    repeat rule when it is one (its first occurrence is `suggestion`), and `text` the post,
    so the proposal can be accepted as is."""

    when: datetime | None
    text: str
    error: str | None = None
    repeat: str | None = None  # a repeating post's rule in words: "setiap Senin 09:00"
    suggestion: datetime | None = None  # the likely reading, also proposed in `error`
    rule: RepeatRule | None = None  # a repeating post's rule; `when` is its first occurrence
    expression: str = ""  # the time expression as written: the phrase minus `text`

    @property
    def ok(self) -> bool:
        return self.when is not None and self.error is None
