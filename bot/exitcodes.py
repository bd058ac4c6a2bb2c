"""Process exit codes; a process manager can tell them apart (see README)."""

OK = 0
ERROR = 1  # unexpected failure: restart
# bad command line or settings, or a machine the bot cannot run on (disk full, read-only or
# foreign data dir, damaged or newer bot.db): the owner must fix it, do not restart
USAGE = 2
ALREADY_RUNNING = 3  # another process holds this data dir: do not restart
LOGGED_OUT = 10  # WhatsApp unlinked this device: re-pair, do not restart
REPLACED = 11  # another client took the session: do not restart (never fight it)
OUTDATED = 12  # WhatsApp rejected the client version: upgrade, do not restart
RESTART = 75  # give the process a clean restart (network gave up; leaks bounded): restart

# Codes after which a process manager must not restart the bot.
PERMANENT = (USAGE, ALREADY_RUNNING, LOGGED_OUT, REPLACED, OUTDATED)
