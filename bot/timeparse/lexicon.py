"""The words of time phrases, Indonesian and English, as plain tables.

Each table maps what people type (lower case; one space stands for any run of spaces or tabs)
to what it means. Adding a spelling or an abbreviation is one line in one table: the patterns
(bot.timeparse.patterns) are built from these tables, and nothing else lists words.
"""

from __future__ import annotations

# Days counted from today.
DAY_WORDS = {
    "hari ini": 0,
    "today": 0,
    "besok": 1,
    "bsk": 1,
    "besuk": 1,
    "esok": 1,
    "tomorrow": 1,
    "lusa": 2,
    "the day after tomorrow": 2,
}
# Later today: "nanti jam 8" is today's next 8 o'clock.
LATER_TODAY_WORDS = ("nanti", "nnti", "ntar", "ntr", "entar")
TONIGHT_WORDS = ("tonight",)  # today, in the evening
# "this morning", "pagi ini": today, in that part of the day.
THIS_WORDS = ("this",)
INI_WORDS = ("ini",)

# Parts of the day. "pagi hari", "malam hari" mean the same as "pagi", "malam".
PART_WORDS = {
    "pagi": "pagi",
    "pgi": "pagi",
    "pg": "pagi",
    "morning": "pagi",
    "subuh": "subuh",
    "shubuh": "subuh",
    "dini hari": "dini hari",
    "siang": "siang",
    "sng": "siang",
    "afternoon": "siang",
    "sore": "sore",
    "sorean": "sore",
    "sre": "sore",
    "sr": "sore",
    "petang": "sore",
    "ptg": "sore",
    "malam": "malam",
    "mlm": "malam",
    "malem": "malam",
    "evening": "malam",
    "night": "malam",
}
PART_SUFFIX = "hari"
# The hour a part of the day means when no clock is written (for proposals).
DEFAULT_HOUR = {"pagi": 8, "subuh": 5, "dini hari": 3, "siang": 12, "sore": 16, "malam": 19}
# "malam minggu" is Saturday evening: the evening before the named day.
EVE_WORDS = ("malam", "mlm", "malem")

# Words before an hour.
CLOCK_PREFIXES = ("jam", "jm", "pukul", "pkl", "pkl.", "pk", "pk.", "at", "@")
# Clocks written as words: (hour, part of the day).
CLOCK_WORDS = {
    "tengah malam": (12, "malam"),
    "midnight": (12, "malam"),
    "tengah hari": (12, "siang"),
    "noon": (12, "siang"),
}
# "jam setengah 8" is 07:30: half an hour before 8.
HALF_BEFORE_WORDS = ("setengah", "stgh")
# "jam 8 lewat 15" is 08:15, "jam 8 kurang 15" is 07:45.
PAST_TO_WORDS = {"lewat": 1, "lebih": 1, "kurang": -1}
QUARTER_WORDS = ("seperempat", "seprapat")
MINUTE_WORDS = ("menit", "mnt")

# Numbers written as words. Indonesian tens and teens are built from the ones: "dua belas",
# "dua puluh", "dua puluh lima".
ONES = {
    "satu": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "delapan": 8,
    "sembilan": 9,
}
NUMBER_WORDS = {
    "sepuluh": 10,
    "sebelas": 11,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
}
TEENS_WORD = "belas"  # "dua belas" = 12
TENS_WORD = "puluh"  # "dua puluh" = 20
# Fractions of a unit: "setengah jam", "satu setengah jam", "seperempat jam".
FRACTION_WORDS = {"setengah": (1, 2), "stgh": (1, 2), "seperempat": (1, 4)}

# Duration units in seconds.
UNITS = {
    "detik": 1,
    "dtk": 1,
    "second": 1,
    "seconds": 1,
    "sec": 1,
    "secs": 1,
    "menit": 60,
    "mnt": 60,
    "minute": 60,
    "minutes": 60,
    "min": 60,
    "mins": 60,
    "jam": 3600,
    "jm": 3600,
    "hour": 3600,
    "hours": 3600,
    "hr": 3600,
    "hrs": 3600,
    "hari": 86400,
    "day": 86400,
    "days": 86400,
    "minggu": 604800,
    "pekan": 604800,
    "week": 604800,
    "weeks": 604800,
}
# One word, one amount: "sejam lagi".
ONE_WORD_AMOUNTS = {
    "sejam": 3600,
    "semenit": 60,
    "sehari": 86400,
    "seminggu": 604800,
    "sepekan": 604800,
}
DURATION_BEFORE = ("dalam", "dlm", "in")  # "dalam 2 jam"
DURATION_AFTER = ("lagi", "lg", "from now")  # "2 jam lagi"
AND_WORDS = ("dan", "and", "&")

WEEKDAYS = {
    "senin": 0,
    "selasa": 1,
    "rabu": 2,
    "kamis": 3,
    "jumat": 4,
    "jum'at": 4,
    "jumaat": 4,
    "sabtu": 5,
    "minggu": 6,
    "ahad": 6,
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tue": 1,
    "tues": 1,
    "wednesday": 2,
    "wed": 2,
    "thursday": 3,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}
WEEKDAY_BEFORE = ("hari", "on")  # "hari senin", "on monday"
# "next monday", "senin depan": next week's; "this friday", "jumat ini": this week's.
WEEK_BEFORE = {"next": "depan", "this": "ini"}
WEEK_AFTER = {"depan": "depan", "dpn": "depan", "ini": "ini"}
# "senin minggu depan", "pekan depan senin": the week named with a word for "week".
WEEK_WORDS = ("minggu", "pekan", "week")

MONTHS = {
    "januari": 1,
    "january": 1,
    "jan": 1,
    "februari": 2,
    "pebruari": 2,
    "february": 2,
    "feb": 2,
    "peb": 2,
    "maret": 3,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "may": 5,
    "juni": 6,
    "june": 6,
    "jun": 6,
    "juli": 7,
    "july": 7,
    "jul": 7,
    "agustus": 8,
    "august": 8,
    "agu": 8,
    "agt": 8,
    "ags": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "oktober": 10,
    "october": 10,
    "okt": 10,
    "oct": 10,
    "november": 11,
    "nopember": 11,
    "nov": 11,
    "nop": 11,
    "desember": 12,
    "december": 12,
    "des": 12,
    "dec": 12,
}
DATE_PREFIXES = ("tanggal", "tgl", "tgl.")
MONTH_WORDS = ("bulan",)
# "bulan ini" / "bulan depan": months after this one.
MONTH_AFTER = {"ini": 0, "depan": 1, "dpn": 1}
# "awal bulan" is the 1st, "akhir bulan" the last day (0 stands for the last).
MONTH_EDGE_WORDS = {"awal": 1, "akhir": 0}
# "setiap tanggal terakhir (bulan)": the last day of each month, as "setiap akhir bulan".
LAST_DAY_WORDS = (
    "tanggal terakhir",
    "tgl terakhir",
    "tgl. terakhir",
    "hari terakhir",
    "last day",
    "last day of the month",
    "last day of month",
)

# Zones that can be written after a clock: "08:00 WITA".
ZONES = {
    "wib": "Asia/Jakarta",
    "wita": "Asia/Makassar",
    "wit": "Asia/Jayapura",
    "utc": "UTC",
    "gmt": "UTC",
}

# Repeats.
EVERY_WORDS = ("setiap", "tiap", "tiap-tiap", "saban", "every", "each")
DAILY_WORDS = ("daily",)
EVERY_DAY_WORDS = ("hari", "day")
WORKDAY_WORDS = ("hari kerja", "weekday", "weekdays", "workday", "workdays")
WEEKEND_WORDS = ("akhir pekan", "akhir minggu", "weekend", "weekends")
RANGE_WORDS = ("-", "sampai", "s/d", "s.d", "s.d.", "hingga", "to", "through", "until")
HOUR_WORDS = ("jam", "hour")  # "setiap jam": hourly
START_WORDS = ("mulai", "dari", "starting", "from")  # "setiap 2 jam mulai besok 08:00"
