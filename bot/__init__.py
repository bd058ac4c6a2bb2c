"""jadwal-bot: a self-hosted WhatsApp post scheduler driven from chat."""

__version__ = "0.1.0"
