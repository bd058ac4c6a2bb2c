"""Process exit codes; a process manager can tell them apart (see README)."""

OK = 0
ERROR = 1  # unexpected failure: restart
USAGE = 2  # bad command line or settings: fix the configuration
ALREADY_RUNNING = 3  # another process holds this data dir
NOT_AVAILABLE = 4  # the requested mode is not available in this build
