"""Pairing a new session: show each QR code (terminal and data/qr.png) or ask WhatsApp for a
pairing code, and say how long it lives.

whatsmeow's QR channel (qrchan.go `emitQRs`) emits the codes WhatsApp sent, normally six: the
first lives 60 s, each later one 20 s; when they run out it disconnects WITHOUT an event the
bot sees. A pairing code (`PairPhone`, goneonize main.go) belongs to that same socket and dies
with it. So one pairing attempt lasts about 160 s; when the last code's lifetime passes the
reconnect loop ends the process for a fresh start (the expired call cannot be stopped).
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any, TextIO

import segno
from loguru import logger

from bot import messages as m
from bot.transport.whatsapp.neonize_env import pair_client_type

QR_FIRST_S = 60.0  # whatsmeow qrchan.go emitQRs: `if len(codes) == 6 { timeout = 60 s }`
QR_NEXT_S = 20.0  # ... every other code: `timeout := 20 * time.Second`
QR_CODES = 6
ATTEMPT_S = QR_FIRST_S + (QR_CODES - 1) * QR_NEXT_S  # ~160 s per pairing attempt


class Pairing:
    """One object per transport; `new_attempt()` at every connect call."""

    def __init__(self, data_dir: Path, pair_phone: str | None, out: TextIO = sys.stdout) -> None:
        self._qr_file = data_dir / "qr.png"
        self._pair_phone = pair_phone
        self._out = out
        self.new_attempt()

    def new_attempt(self) -> None:
        self._lifetime = 0.0  # of the current QR code
        self._elapsed = 0.0  # from the attempt's first code to the current one
        self._code_requested = False

    def next_lifetime(self) -> float:
        """Count one more QR code of this attempt; return how long it lives."""
        first = self._lifetime == 0.0
        self._elapsed += self._lifetime
        self._lifetime = QR_FIRST_S if first else QR_NEXT_S
        return self._lifetime

    def remaining_s(self) -> float:
        """Seconds left in this attempt after the current code started."""
        return ATTEMPT_S - self._elapsed

    async def show(self, client: Any, code: bytes) -> None:
        """Show this QR code, or (once per attempt) ask for a pairing code instead."""
        if self._pair_phone and not self._code_requested:
            self._code_requested = True
            try:
                pair_code = await client.PairPhone(
                    self._pair_phone, show_push_notification=True, client_type=pair_client_type()
                )
            except Exception as exc:  # PairPhoneError: WhatsApp refused (rate limit, number)
                logger.error(
                    "could not get a pairing code for {} ({}); showing the QR code instead",
                    self._pair_phone,
                    exc,
                )
                self._pair_phone = None
            else:
                logger.warning(
                    m.PAIR_CODE.format(
                        code=pair_code, minutes=max(1, int(self.remaining_s() // 60))
                    )
                )
                return
        if self._pair_phone:
            return  # the code asked for this attempt is still valid; no QR on top of it
        qr = segno.make_qr(code)
        await asyncio.to_thread(qr.save, str(self._qr_file), scale=8, border=2)
        logger.warning(
            "not paired yet: scan the QR below (also saved to {}) in WhatsApp > "
            "Linked devices > Link a device. This code lives {:.0f} s; the pairing "
            "attempt ends in ~{:.0f} s (then the bot exits for a fresh start with a "
            "new code)",
            self._qr_file,
            self._lifetime,
            self.remaining_s(),
        )
        qr.terminal(out=self._out, compact=True)

    def paired(self) -> None:
        self._qr_file.unlink(missing_ok=True)
