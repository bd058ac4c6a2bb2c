"""Everything WhatsApp-only: the neonize client, event conversion, error mapping, pairing, the
reconnect loop, link state and the network probe. The core never imports this package."""
