// PM2 process file for jadwal-bot: `pm2 start ecosystem.config.js`, then `pm2 save`.
// One fork-mode instance per WhatsApp account: two processes on one session make WhatsApp
// drop both ("stream replaced"), and the lock file in the data dir refuses a second one anyway.

// Exit codes after which restarting cannot help (see README, "Exit codes"):
// 2 bad settings, 3 data dir already in use, 10 logged out (re-pair),
// 11 session replaced by another client, 12 client outdated.
const PERMANENT_EXIT_CODES = [2, 3, 10, 11, 12];

function bot(name, dataDir) {
  return {
    name,
    script: "./.venv/bin/python",
    args: ["-m", "bot", "run", "--data-dir", dataDir],
    interpreter: "none",
    cwd: __dirname,
    exec_mode: "fork",
    instances: 1,
    autorestart: true,
    stop_exit_codes: PERMANENT_EXIT_CODES,
    kill_timeout: 15000, // SIGTERM: the bot is gone within 10 s; PM2 kills after 15 s
    min_uptime: "60s", // a process that dies sooner counts as a crash...
    max_restarts: 10, // ...and ten of those in a row stop the restarts
    exp_backoff_restart_delay: 2000, // 2 s, 3 s, 4.5 s, ... up to 15 s between restarts
    merge_logs: true,
    time: false, // the bot stamps its own log lines
    env: {
      PYTHONUNBUFFERED: "1",
      // No "bot" marker on 1:1 sends; neonize's Go side reads this only at start-up.
      NEONIZE_BOT_TAG: "off",
      JADWAL_TIMEZONE: "Asia/Jakarta",
    },
  };
}

module.exports = {
  apps: [
    bot("jadwal-bot", "data"),
    // A second WhatsApp account is a second entry with its own name and data dir:
    // bot("jadwal-bot-toko", "data-toko"),
  ],
};
