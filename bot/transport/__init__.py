"""Transports carry messages between WhatsApp (or a stand-in) and the core."""
