"""Every user-facing string, Indonesian first, in one place."""

# --- time expressions -------------------------------------------------------------------
TIME_UNREADABLE = (
    "Waktu tidak terbaca di awal pesan: \u201c{head}\u201d.\n"
    "Contoh: besok 08:00, lusa jam 7 malam, senin depan 09:00, 25/12 08:00, "
    "25 Des jam 8 pagi, dalam 30 menit, 2 jam lagi, setiap senin 09:00."
)
ECHO_CHARS = 60  # the most of the owner's own words a reply quotes back


def echo(words: str) -> str:
    """The owner's words as a reply quotes them: cut with '…' beyond ECHO_CHARS, so a
    reply never grows with the message (WhatsApp takes at most 65,536 characters)."""
    return words if len(words) <= ECHO_CHARS else words[: ECHO_CHARS - 1].rstrip() + "\u2026"


TIME_PAST = "Waktu itu sudah lewat ({when}). Tulis waktu yang akan datang."
TIME_PAST_TODAY = "Jam {hhmm} hari ini sudah lewat. Maksudnya besok {hhmm}? ({when})"
TIME_TOO_FAR = "Waktu itu terlalu jauh ({when}); paling lama 5 tahun dari sekarang."
TIME_MISSING_CLOCK = "Jamnya belum ditulis. Contoh: besok 08:00 atau 25/12 jam 19.30."
TIME_IMPOSSIBLE_CLOCK = "Jam {hhmm} tidak ada. Jam ditulis 00:00 sampai 23:59."
TIME_IMPOSSIBLE_DATE = "Tanggal {date} tidak ada di kalender."
TIME_ZERO_DURATION = "Durasinya nol. Contoh: dalam 30 menit."
# Appended to a reason when there is a likely reading to propose.
TIME_SUGGEST = " Maksudnya {when}?"
TIME_SUGGEST_RULE = "{rule}, mulai {when}"
TIME_UNKNOWN_ZONE = "Zona waktu \u201c{zone}\u201d tidak dikenal. Tulis WIB, WITA, WIT, atau UTC."
TIME_PAST_LATER_TODAY = "Jam {hhmm} hari ini sudah lewat."
TIME_PAST_WEEKDAY = "{day} ini ({date}) sudah lewat."
TIME_DAY_NOT_IN_MONTH = "{month} {year} tidak punya tanggal {day}."
TIME_PART_MISMATCH = "Jam {hour} tidak cocok dengan \u201c{part}\u201d."
TIME_PART_CONFLICT = "Waktunya bertentangan: \u201c{first}\u201d dan \u201c{second}\u201d."
TIME_WEEKDAY_MISMATCH = "{date} jatuh pada hari {actual}, bukan {named}."
TIME_TWELVE_HOUR = (
    "\u201c{clock}\u201d bisa berarti {first} atau {second}. Tambahkan pagi, siang, sore "
    "atau malam, mis. \u201c{example}\u201d."
)
TIME_PART_OR_TEXT = (
    "\u201c{clock} {word}\u201d bisa berarti {with_part}; atau jamnya {without} dan "
    "\u201c{word}\u201d awal teks post. Untuk yang pertama tulis \u201c{hhmm}\u201d."
)
TIME_DEPAN_TOMORROW = (
    "Hari ini Minggu: \u201c{day} depan\u201d bisa berarti besok ({tomorrow}) atau "
    "{later}. Untuk besok tulis \u201cbesok\u201d."
)
TIME_MONTH_NO_DAY = "Tanggalnya belum ditulis. Contoh: tanggal 5 bulan depan jam 08:00."
TIME_DURATION_AND_CLOCK = (
    "\u201c{duration}\u201d lagi dan jamnya tidak bisa dipakai bersama. Tulis salah satu, "
    "mis. \u201c2 jam lagi\u201d atau \u201cjam 20:00\u201d."
)
TIME_DST_GAP = (
    "Jam {hhmm} tidak ada pada {day} di zona {zone}: jam dimajukan malam itu, "
    "jadi {hhmm} menjadi {moved}."
)
TIME_DST_TWICE = (
    "Jam {hhmm} terjadi dua kali pada {day} di zona {zone} (jam dimundurkan): "
    "{first} atau {second}."
)
TIME_MINGGU_DEPAN = (
    "\u201cminggu depan\u201d bisa berarti hari Minggu ({sunday}) atau pekan depan "
    "(mulai {week}). Untuk hari Minggu tulis \u201chari minggu depan\u201d; untuk hari lain "
    "sebut harinya, mis. \u201csenin depan 08:00\u201d."
)
TIME_CLOCK_BEFORE_DAY = (
    "Jam ditulis sebelum harinya, jadi bisa berarti {first} atau {second}. "
    "Tulis harinya dulu, mis. \u201cbesok 19:00 ...\u201d."
)
TIME_EVE_AFTER_CLOCK = (
    "\u201c{clock} malam {day}\u201d bisa berarti {day} malam atau malam {day} "
    "(malam sebelumnya). Tulis harinya dulu, mis. \u201c{day} jam 8 malam\u201d atau "
    "\u201cmalam {day} jam 8\u201d."
)
TIME_AFTER_MIDNIGHT = (
    "Sekarang sudah lewat tengah malam, jadi \u201c{word}\u201d bisa berarti {first} atau "
    "{second}. Untuk {later_day} tulis tanggalnya, mis. \u201c{date} {hhmm}\u201d."
)
TIME_NO_LEAP_DAY = "Tahun {year} tidak punya tanggal 29/02; yang berikutnya tahun {leap}."
TIME_DAYS_WITHOUT_EVERY = (
    "Untuk post berulang tulis \u201csetiap\u201d, mis. \u201csetiap {days} 07:00\u201d; "
    "untuk sekali kirim, tulis satu hari saja."
)
TIME_WEEKEND_WHICH = "\u201cakhir pekan\u201d bisa berarti Sabtu atau Minggu. Tulis harinya."
TIME_EVERY_MINGGU = (
    "\u201csetiap minggu\u201d bisa berarti setiap hari Minggu atau sekali seminggu. "
    "Tulis \u201csetiap hari minggu\u201d, atau sebut harinya: \u201csetiap senin 09:00\u201d."
)
TIME_REPEAT_SECONDS = "Post berulang memakai jam dan menit saja, tanpa detik."
TIME_REPEAT_NEXT_DAY = "Jam itu jatuh di hari berikutnya, jadi tanggalnya bergeser."
TIME_REPEAT_TOO_OFTEN = (
    "Post berulang paling sering setiap {minutes} menit, supaya grup tidak kebanjiran pesan "
    "dan nomor bot tidak dianggap spam. Contoh: setiap 30 menit."
)
TIME_REPEAT_DAYS_INTERVAL = (
    "Post berulang per beberapa hari belum bisa. Sebut harinya, mis. "
    "\u201csetiap senin dan kamis 08:00\u201d, atau tanggalnya: \u201csetiap tanggal 1 dan 15 "
    "08:00\u201d."
)
REPEAT_DAILY = "setiap hari {hhmm}"
REPEAT_WORKDAYS = "setiap hari kerja (Senin-Jumat) {hhmm}"
REPEAT_WEEKDAYS = "setiap {days} {hhmm}"
REPEAT_MONTHLY = "setiap tanggal {day}, {hhmm}"
REPEAT_MONTHLY_SKIP = "setiap tanggal {day}, {hhmm} (bulan tanpa tanggal {skipped} dilewati)"
REPEAT_MONTH_END = "setiap akhir bulan {hhmm}"
REPEAT_INTERVAL = "setiap {every}"

# --- commands as /bantuan and "Cara pakai" show them -------------------------------------
# Named by each command's declaration (COMMANDS at the end of its handler module): *_USAGE is
# what is typed after the name, one form per line ("" when nothing is); *_EXAMPLE one whole
# command; *_SUMMARY what it does, one line of the /bantuan list; further lines are shown by
# /bantuan <perintah> only.
JADWAL_USAGE = "<kapan> <teks>"
JADWAL_EXAMPLE = "/jadwal besok 08:00 Selamat pagi semua"
JADWAL_SUMMARY = "jadwalkan post (teks atau media)."
JADWAL_PHOTO = (
    "Foto, video, dokumen: kirim/teruskan dengan caption /jadwal ..., atau balas dengan "
    "/jadwal ...\nAudio, pesan suara: balas dengan /jadwal <kapan> (tanpa teks)"
)
JADWAL_REPLY = (
    "Balas pesan apa saja (teks, foto, video, dokumen, pesan terusan) dengan /jadwal <kapan>: "
    "isinya yang dijadwalkan, berikut captionnya. Teks sesudah waktu menggantikan teks/caption itu."
)
JADWAL_LINES = "Baris sesudah baris pertama ikut menjadi isi post."
JADWAL_REPEAT = (
    "Post berulang: setiap hari 08:00 \u00b7 setiap hari kerja 07:00 \u00b7 setiap senin 09:00 "
    "\u00b7 setiap senin dan kamis 16:00 \u00b7 setiap tanggal 1 dan 15 08:00 \u00b7 "
    "setiap akhir bulan 17:00 \u00b7 setiap 2 jam. /batal <nomor> menghentikan serinya."
)
JADWAL_GROUPS = (
    "Grup lain untuk satu post: ke: sebagai kata pertama, mis. /jadwal ke:1,3 besok 08:00 Halo "
    "(nomor dari /grup) atau ke:Alumni; nama bersepasi dalam tanda kutip: "
    'ke:"Keluarga Besar". ke: dibaca tepat sesudah /jadwal atau tepat sesudah waktunya '
    "(dipisah spasi atau baris baru); di tempat lain, atau dengan spasi sesudah titik dua "
    "(ke: rumah), ia bagian dari teks. Tanpa ke:, post ke grup tujuan (/tujuan)."
)
JADWAL_MENTION_ALL = (
    "Tulis @semua (atau @all) di mana saja dalam teks: post menyebut semua anggota grup "
    "tanpa menampilkan nama mereka; kata @semua sendiri tidak ikut terkirim."
)
POLLING_USAGE = "<kapan> <pertanyaan> | <pilihan 1> | <pilihan 2> ..."
POLLING_EXAMPLE = "/polling besok 08:00 Makan di mana? | Bakso | Soto"
POLLING_SUMMARY = "jadwalkan polling WhatsApp."
POLLING_MULTIPLE = (
    "Tulis (banyak) sebelum pertanyaan agar anggota boleh memilih beberapa pilihan: "
    "/polling besok 08:00 (banyak) Bawa apa? | Nasi | Lauk | Buah (boleh juga sebelum waktunya)"
)
POLLING_LIMITS = (
    "2 sampai 12 pilihan, masing-masing berbeda. ke:1,3 dan aturan ulang seperti /jadwal."
)
POLLING_EDIT = (
    "Polling tidak bisa diubah teksnya: batalkan (/batal) lalu buat lagi; waktunya bisa "
    "dipindah dengan /ubah <nomor> <kapan>."
)
ANTRIAN_USAGE = "[halaman]"
ANTRIAN_EXAMPLE = "/antrian 2"
ANTRIAN_SUMMARY = "daftar post menunggu."
BATAL_USAGE = "<nomor post>"
BATAL_EXAMPLE = "/batal 12"
BATAL_SUMMARY = "batalkan post atau serinya."
UBAH_USAGE = "<nomor> <kapan>\n<nomor> teks <teks baru>\n<nomor> foto"
UBAH_BY_REPLY = "<kapan> | teks <teks baru> | foto"
UBAH_EXAMPLE = "/ubah 12 besok 09:00"
UBAH_SUMMARY = "pindahkan post, ganti teks atau medianya."
UBAH_MEDIA = (
    "Ganti media: kirim foto/video/dokumen/audio baru dengan caption /ubah 12 foto (juga: "
    "media); teks post tetap menjadi captionnya."
)
UBAH_REPEAT = (
    "Untuk post berulang: pindahkan kiriman berikutnya, atau ganti teks semua kiriman mendatang."
)
UBAH_TEXT_EXAMPLE = "Ganti teks: /ubah 12 teks Selamat siang semua"
KIRIM_USAGE = "<nomor post>"
KIRIM_EXAMPLE = "/kirim 12"
KIRIM_SUMMARY = "kirim post sekarang juga."
ULANG_USAGE = "<nomor post>"
ULANG_EXAMPLE = "/ulang 12"
ULANG_SUMMARY = "kirim ulang post yang gagal atau terlewat."
RIWAYAT_USAGE = "[halaman]"
RIWAYAT_EXAMPLE = "/riwayat 2"
RIWAYAT_SUMMARY = "post terkirim, gagal, terlewat."
LIHAT_USAGE = "<nomor post>"
LIHAT_EXAMPLE = "/lihat 12"
LIHAT_SUMMARY = "tampilkan post dan riwayatnya."
LIHAT_REPEAT = "Untuk post berulang: aturannya dan kiriman-kirimannya."
YA_USAGE = ""
YA_EXAMPLE = "ya"
YA_SUMMARY = "pakai waktu usulan bot (\u201cMaksudnya ...?\u201d)."
YA_REPLY = "Cukup balas ya sesudah usulannya, di chat yang sama."
STATUS_USAGE = ""
STATUS_EXAMPLE = "/status"
STATUS_SUMMARY = "koneksi, antrian, error terakhir."
GRUP_USAGE = ""
GRUP_EXAMPLE = "/grup"
GRUP_SUMMARY = "daftar grup yang diikuti."
TUJUAN_USAGE = "<nomor|nama grup>\n<nomor|nama>, <nomor|nama>, ..."
TUJUAN_EXAMPLE = "/tujuan 1,3"
TUJUAN_SUMMARY = "pilih grup tujuan (nomor dari /grup)."
TUJUAN_IN_GROUP = (
    "Kirim /tujuan di dalam grup untuk memilih grup itu; jawabannya datang ke chat Anda."
)
ZONA_USAGE = "<WIB|WITA|WIT|nama IANA>"
ZONA_EXAMPLE = "/zona WITA"
ZONA_SUMMARY = "zona waktu bot."
SENYAP_USAGE = "[<mulai>-<selesai>|mati]"
SENYAP_EXAMPLE = "/senyap 21:00-06:00"
SENYAP_SUMMARY = "jam tenang: post ke grup ditahan."
SENYAP_HOLDS = (
    "Post ke grup yang jatuh di jam tenang menunggu sampai jam tenang selesai; /jadwal ke "
    "jam itu ditolak dengan usulan jam selesainya. Pemberitahuan bot untuk Anda tetap dikirim."
)
SENYAP_FORMS = "Bisa juga 21.00-06.00 atau 21-6. /senyap saja menampilkan pengaturannya."
LANJUT_USAGE = ""
LANJUT_EXAMPLE = "/lanjut"
LANJUT_SUMMARY = "lanjutkan kiriman yang dijeda."
LANJUT_WHY = (
    "Bot menjeda kiriman ke grup sendiri kalau WhatsApp tampak membatasi nomor ini; jeda "
    "berakhir sendiri, atau lebih awal dengan /lanjut."
)
BANTUAN_USAGE = "[perintah]"
BANTUAN_EXAMPLE = "/bantuan jadwal"
BANTUAN_SUMMARY = "daftar ini, atau satu perintah."

USAGE_EXAMPLE = "Contoh: {example}"
# A command that acts on one post also works as a reply to the bot's message about that post.
USAGE_BY_REPLY = (
    "Atau balas pesan bot tentang post itu (mis. \u201c#12 terjadwal ...\u201d): {form}"
)
HELP_ENTRY = "{forms}{aliases} \u2014 {summary}\n   " + USAGE_EXAMPLE
HELP_HEADER = "Perintah jadwal-bot (alias dalam kurung):"
HELP_DETAIL = "/{name}{aliases} \u2014 {summary}"
USAGE_BLOCK = "Cara pakai:\n{usage}"
TIME_FORMS = (
    "Waktu: besok 08:00 \u00b7 lusa 19.30 \u00b7 hari ini 15:00 \u00b7 08:00 "
    "\u00b7 25/12 08:00 \u00b7 dalam 30 menit \u00b7 2 jam lagi"
)

# --- command replies ----------------------------------------------------------------------
UNKNOWN_COMMAND = "Perintah /{name} tidak dikenal. Ketik /bantuan untuk daftar perintah."
BAD_USAGE = "{reason}\n\n" + USAGE_BLOCK
GENERIC_ERROR = "Maaf, terjadi kesalahan saat memproses perintah itu. Sudah dicatat di log."
# When the database, not the command, failed; keyed by bot.dbfaults.Fault. The bot keeps running.
STORAGE_FAULT = {
    "locked": (
        "Database bot sedang terkunci oleh program lain, jadi /{name} belum dijalankan. "
        "Coba lagi sebentar lagi. Kalau terus begini, tutup program lain yang membuka "
        "bot.db (mis. sqlite3) atau lihat log bot."
    ),
    "corrupt": (
        "Database bot rusak, jadi /{name} tidak bisa dijalankan. Bot tetap berjalan. "
        "Lihat log bot, lalu pulihkan antrean dari cadangan `python -m bot queue "
        "--json` dengan `python -m bot restore`."
    ),
    "full": (
        "Disk server penuh, jadi /{name} tidak tersimpan. Kosongkan ruang disk, lalu coba lagi."
    ),
    "read-only": (
        "Penyimpanan bot tidak bisa ditulis (hanya-baca atau tanpa izin), jadi "
        "/{name} tidak tersimpan. Periksa izin folder data bot, lalu coba lagi; "
        "lihat log bot."
    ),
    "cannot open": (
        "Database bot tidak bisa dibuka, jadi /{name} gagal. Periksa folder data "
        "bot, lalu coba lagi; lihat log bot."
    ),
    "i/o error": (
        "Disk server menolak membaca/menulis database, jadi /{name} gagal. Coba lagi "
        "sebentar lagi; kalau terus begini, periksa disk dan lihat log bot."
    ),
}

SCHEDULE_MISSING = "Tulis kapan dan isi postnya."
SCHEDULE_EMPTY_TEXT = "Isi post kosong. Tulis teksnya setelah waktu, atau sertakan foto."
REPEAT_FIRST = "{rule}, pertama {when}"
REPEAT_TAG = "[{rule}] "
SERIES_STOPPED = "Seri berulang #{id} ({rule}) dihentikan; tidak ada kiriman berikutnya."
SCHEDULE_NO_DESTINATION = (
    "Grup tujuan belum dipilih. Ketik /grup lalu /tujuan <nomor>, "
    "atau kirim /tujuan di dalam grupnya. Post tidak dijadwalkan."
)
SCHEDULE_TOO_LONG = "Teks terlalu panjang ({length} karakter; paling banyak {limit})."
SCHEDULE_MEDIA_FAILED = (
    "{Kind} tidak bisa diambil, post tidak dijadwalkan. Coba kirim ulang {kind}nya."
)
SCHEDULED = "#{id} terjadwal {when} -> {dest}"
SCHEDULED_MEDIA = "#{id} terjadwal ({kind}) {when} -> {dest}"
IN_DELTA = "({delta} lagi)"
QUOTE = "\u201c{text}\u201d"  # the post's first line, under a confirmation

# --- accepting a proposed reading with "ya" ----------------------------------------------
PROPOSAL_HINT = "Balas ya untuk memakai waktu itu."
PROPOSAL_NONE = (
    "Tidak ada usulan yang menunggu jawaban. Usulan berlaku untuk perintah "
    "terakhir saja; kirim ulang perintahnya."
)
PROPOSAL_EXPIRED = (
    "Usulan tadi sudah kedaluwarsa (lebih dari {minutes} menit). Kirim ulang perintahnya."
)
PROPOSAL_PASSED = "Waktu yang diusulkan ({when}) sudah lewat. Kirim ulang perintahnya."

QUEUE_EMPTY = "Antrian kosong. Jadwalkan post dengan /jadwal besok 08:00 <teks>."
QUEUE_HEADER = "Antrian: {total} post menunggu (halaman {page}/{pages})"
QUEUE_MORE = "Halaman berikutnya: /antrian {next}"
BAD_PAGE_OF = "Halaman {page} tidak ada; {listed} punya {pages} halaman."
QUEUE_LISTED = "antrian"
MEDIA_TAG = "[{kind}] "  # a media post in lists: its kind, a document's name
MOVED = "#{id} dipindah ke {when} -> {dest}"
TEXT_CHANGED = "Teks post #{id} diganti."
MEDIA_CHANGED = "Media post #{id} diganti ({kind})."
SERIES_MEDIA_CHANGED = (
    "Media seri berulang #{id} diganti ({kind}) untuk kiriman berikutnya dan seterusnya."
)
EDIT_MEDIA_MISSING = (
    "Tidak ada media baru. Kirim foto/video/dokumen/audio dengan caption /ubah <nomor> foto, "
    "atau balas media itu dengan /ubah <nomor> foto."
)
REPLY_NAMES_NO_POST = (
    "Pesan yang Anda balas bukan pesan bot tentang satu post. Tulis nomor post-nya, atau "
    "balas pesan konfirmasi bot (mis. \u201c#12 terjadwal ...\u201d)."
)
SERIES_MOVED = "Hanya kiriman berikutnya yang dipindah; seri tetap {rule}."
SERIES_TEXT_CHANGED = "Teks seri berulang #{id} diganti untuk kiriman berikutnya dan seterusnya."
SERIES_NOTHING_PENDING = (
    "Seri berulang #{id}: kiriman terakhirnya ({ordinal}) {status} dan "
    "kiriman berikutnya belum diantrikan. Coba lagi sebentar lagi."
)
SERIES_ALREADY_STOPPED = "Seri berulang #{id} sudah dihentikan; tidak ada kiriman berikutnya."
SERIES_HEADER = "Seri berulang #{id}: {rule} -> {dest}"
SERIES_NEXT = "Berikutnya: {when} ({ordinal}, post #{post})"
SERIES_NEXT_SOON = "Berikutnya: segera diantrikan oleh bot."
SERIES_PAST = "Kiriman sebelumnya:"
SERIES_EARLIER = "  ({count} kiriman lebih awal tidak ditampilkan)"
SERIES_RETRY = " \u2014 /ulang {post}"
ORDINAL = "#{id} ke-{n}"
RULE_UNREADABLE = "aturan berulang tidak terbaca"
CANNOT_EDIT = "Post #{id} berstatus {status}; tidak bisa diubah."
EDIT_WHAT_TEXT = "teks"
EDIT_WHAT_MEDIA = "media"
EDIT_PARTLY_SENT = (
    "Post #{id} sudah diproses untuk sebagian grup ({groups}), jadi {what}nya tidak diubah: "
    "yang sudah dikirim tidak bisa diganti. Untuk grup yang masih menunggu, batalkan "
    "sisanya dengan /batal {id} lalu jadwalkan versi barunya dengan /jadwal. Waktu kirim "
    "sisanya masih bisa dipindah: /ubah {id} <kapan>."
)
SERIES_EDIT_HELD = (
    "Seri berulang #{id}: kiriman {ordinal} sudah diproses untuk sebagian grup ({groups}), "
    "jadi {what}nya tidak diubah; kiriman berikutnya disalin dari kiriman itu. Ubah lagi "
    "setelah kiriman itu selesai."
)
SERIES_EDIT_SKIPPED = "Tidak diubah karena sudah diproses untuk sebagian grup: {occurrences}."
SERIES_EDIT_SKIPPED_ONE = "{ordinal} ({groups})"
MEDIA_NOT_USED = "{Kind} yang Anda kirim bersama perintah ini tidak dipakai."
MEDIA_NOT_USED_EDIT = (
    "{Kind} yang Anda kirim bersama perintah ini tidak dipakai. Untuk mengganti media post: "
    "/ubah {id} foto."
)
EDIT_TEXT_EMPTY = (
    "Teks baru kosong. Tulis teksnya setelah 'teks', mis. /ubah {id} teks Rapat pindah ke Sabtu."
)
EDIT_AUDIO_HAS_TEXT = (
    "Post #{id} punya teks, dan WhatsApp tidak bisa menampilkan teks pada {kind}, jadi "
    "medianya tidak diganti. Hapus dulu teksnya dengan /ubah {id} teks (bisa bila post "
    "bermedia), atau batalkan dengan /batal {id} lalu jadwalkan {kind}nya sebagai post "
    "tersendiri."
)
REPLY_TO_BOT_MESSAGE = (
    "Pesan yang Anda balas adalah pesan bot sendiri, bukan pesan untuk diposting; "
    "tidak ada yang dijadwalkan. Untuk memindah post, balas konfirmasinya dengan "
    "/ubah <kapan>; untuk post baru, balas pesan Anda sendiri atau tulis /jadwal <kapan> <teks>."
)
EDIT_MISSING = "Tulis waktu baru, atau 'teks' lalu teks barunya."
EDIT_NO_REPEAT = (
    "/ubah hanya memindah satu post. Untuk aturan berulang baru: /batal lalu /jadwal setiap ..."
)
EDIT_EXTRA_TEXT = (
    "Setelah waktu ada teks lain (\u201c{extra}\u201d). Untuk mengganti teks: "
    "/ubah <nomor> teks <teks baru>."
)
ZONE_CURRENT = "Zona waktu sekarang: {zone} ({label})."
ZONE_SET = (
    "Zona waktu sekarang {zone} ({label}). Waktu yang Anda tulis mulai sekarang "
    "dibaca dalam {label}. Post yang sudah dijadwalkan tetap pada saatnya; jamnya kini "
    "ditampilkan dalam {label}."
)
ZONE_NEXT = "Berikutnya: {next}"
ZONE_SERIES = "Post berulang tetap pada jam aturannya, jadi kirimannya tetap pada saat yang sama:"
ZONE_SERIES_LINE = "#{id} {rule}, berikutnya {when}"
ZONE_SERIES_MORE = "dan {count} seri lainnya (lihat /antrian)"
ZONE_UNKNOWN = "Zona \u201c{zone}\u201d tidak dikenal. Pakai WIB, WITA, WIT atau nama IANA."
SENDING_NOW = "#{id} dikirim sekarang ke {dest}."
HELD_NOTE = "Post ke grup sedang ditahan ({why}); post ini dikirim setelahnya."

# --- quiet hours (/senyap) and a lifted pause (/lanjut) -----------------------------------
QUIET_OFF_NOW = "Jam tenang: mati. Post ke grup dikirim jam berapa pun."
QUIET_TURN_ON = "Aktifkan: /senyap 21:00-06:00"
QUIET_CURRENT = (
    "Jam tenang: {window} ({zone}). Post ke grup yang jatuh di jam itu menunggu sampai jam "
    "tenang selesai."
)
QUIET_NOW = "Sekarang jam tenang, sampai {until}."
QUIET_NOT_NOW = "Sekarang di luar jam tenang."
QUIET_CHANGE = "Ubah: /senyap 22:00-05:00 \u00b7 matikan: /senyap mati"
QUIET_SET = (
    "Jam tenang diatur: {window} ({zone}). Post ke grup yang jatuh di jam itu menunggu "
    "sampai jam tenang selesai."
)
QUIET_TURNED_OFF = "Jam tenang dimatikan. Post ke grup dikirim tepat waktu, jam berapa pun."
QUIET_BAD = (
    "Jam tenang \u201c{raw}\u201d tidak terbaca. Tulis jam mulai dan jam selesai yang "
    "berbeda, misalnya 21:00-06:00 (atau 21.00-06.00, 21-6), atau mati."
)
# A post queued or moved into the quiet hours (bot.postresults.QuietTime).
QUIET_REFUSED = (
    "Waktu itu ({when}) masuk jam tenang ({window}); post ke grup tidak dikirim di jam "
    "tenang (ubah dengan /senyap). Maksudnya {end}?"
)
QUIET_REFUSED_REPEAT = (
    "Kiriman pertama post berulang ini ({when}) masuk jam tenang ({window}), jadi tidak "
    "dijadwalkan. Pilih jam di luar jam tenang, atau ubah jam tenang dengan /senyap."
)
RESUMED = "Jeda dicabut ({reason}); post yang menunggu dikirim lagi."
NOT_PAUSED = "Pengiriman tidak sedang dijeda; tidak ada yang perlu dilanjutkan."
STILL_HELD = "Post ke grup tetap ditahan: {why}."
RETRYING = "#{id} dijadwalkan ulang; dikirim sekarang ke {dest}."
NOT_AGAIN = "Tidak dikirim lagi ke: {groups}."  # groups /ulang leaves as they are
USE_RETRY = "Post #{id} {status}; pakai /ulang {id} untuk mengirimnya lagi."
CANNOT_SEND_NOW = "Post #{id} berstatus {status}; tidak bisa dikirim sekarang."
CANNOT_RETRY = (
    "Post #{id} {status}; /ulang hanya untuk post yang gagal, terlewat atau belum pasti terkirim."
)
HISTORY_EMPTY = "Belum ada post yang terkirim, gagal atau terlewat."
HISTORY_HEADER = "Riwayat: {total} post (halaman {page}/{pages}), terbaru dulu"
HISTORY_MORE = "Halaman berikutnya: /riwayat {next}"
HISTORY_LISTED = "riwayat"
HISTORY_SERIES = " (seri #{id})"
SHOW_HEADER = "#{id} {status}: {when} -> {dest}"
SHOW_SENT = "Terkirim: {when}"
SHOW_ERROR = "Alasan: {reason}"
SHOW_GROUPS = "Grup:"
SHOW_GROUP = "  {name}: {status}"
SHOW_GROUP_AT = " {when}"
SHOW_GROUP_ERROR = " ({reason})"
SHOW_EVENTS = "Riwayat:"
EVENT_WAITING = "menunggu koneksi WhatsApp"
EVENT_REASONS = {
    "created": "dibuat",
    "due": "waktunya tiba",
    "sent now by owner": "dikirim sekarang atas perintah pemilik",
    "retry by owner": "dikirim ulang atas perintah pemilik",
    "moved by owner": "dipindah oleh pemilik",
    "text changed by owner": "teks diganti oleh pemilik",
    "media replaced by owner": "media diganti oleh pemilik",
    "cancelled by owner": "dibatalkan oleh pemilik",
    "series stopped by owner": "seri dihentikan oleh pemilik",
    "rule keeps its zone": "aturan berulang tetap pada zona waktunya (zona bot diganti)",
    "restored from backup": "dipulihkan dari cadangan",
    "overdue beyond grace": "terlambat melewati batas toleransi",
    "interrupted while sending": "bot berhenti saat mengirim",
    "shutdown during a retry wait": "bot berhenti saat menunggu kirim ulang",
}
PHOTO_GONE = "(foto post ini sudah tidak tersimpan)"

BAD_ID = "Nomor post tidak terbaca: \u201c{raw}\u201d."
POST_ID_MISSING = "Tulis nomor post-nya, mis. /{name} 12, atau balas pesan konfirmasinya."
ONE_ID_ONLY = (
    "/{name} bertindak atas satu post saja; \u201c{extra}\u201d setelahnya tidak terbaca. "
    "Tulis satu nomor, mis. /{name} 12, atau balas konfirmasinya dengan /{name} saja."
)
BAD_PAGE = "Nomor halaman tidak terbaca: \u201c{raw}\u201d. Tulis angkanya saja, misalnya 2."
POST_NOT_FOUND = "Post #{id} tidak ada."
CANCELLED = "#{id} dibatalkan ({when}, {dest})."
NOT_CANCELLED = "Tidak dibatalkan: {groups}."
CANNOT_CANCEL = "Post #{id} berstatus {status}; tidak bisa dibatalkan."
STATUS_NAMES = {
    "pending": "menunggu",
    "sending": "sedang dikirim",
    "sent": "terkirim",
    "failed": "gagal",
    "cancelled": "dibatalkan",
    "missed": "terlewat",
    "uncertain": "belum pasti terkirim",
}

STATUS_TEXT = (
    "jadwal-bot {version}\n"
    "Koneksi: {connection}\n"
    "Aktif sejak: {since} ({uptime})\n"
    "Zona waktu: {zone}\n"
    "Tujuan: {destination}\n"
    "Post: {counts}\n"
    "Berikutnya: {next}\n"
    "Error terakhir: {last_error}"
)
NONE = "-"
NO_DESTINATION = "belum dipilih (/grup lalu /tujuan <nomor>)"
# /status lines about protecting the number, each only when it applies.
STATUS_PAUSED = "Pengiriman DIJEDA: {reason}, sampai {until}. /lanjut untuk melanjutkan."
STATUS_QUIET = "Jam tenang: {window}"
STATUS_QUIET_NOW = "Jam tenang: {window}, sekarang jam tenang sampai {until}"
STATUS_CAPS = "Batas kirim: {caps}"
STATUS_CAPS_OFF = "mati"
STATUS_CAP = "{used}/{limit} {period}"
CAP_PERIODS = {"MINUTE": "per menit", "HOUR": "per jam", "DAY": "per hari"}
STATUS_WAITING = "Menunggu: {count} post jatuh tempo ({why})"
# Why posts to groups are held now (bot.sendgate.HoldKind), for /status, /kirim, /lanjut.
HOLD_WHY = {
    "pause": "dijeda sampai {until}",
    "quiet": "jam tenang sampai {until}",
    "cap": "batas {cap} penuh sampai {until}",
}

GROUPS_EMPTY = "Akun ini belum ikut grup mana pun."
GROUPS_HEADER = "Grup yang diikuti ({count}):"
GROUPS_FOOTER = "Pilih tujuan: /tujuan <nomor>, atau beberapa: /tujuan 1,3"
GROUPS_UNAVAILABLE = "Daftar grup tidak bisa diambil sekarang (belum terhubung?). Coba lagi nanti."
TARGET_SET = "Tujuan post sekarang: {name}."
TARGET_NONE = "Tujuan post belum dipilih."
TARGET_CURRENT = "Tujuan sekarang: {name}."
TARGET_NOT_FOUND = "Grup \u201c{query}\u201d tidak ditemukan. Lihat daftar dengan /grup."
TARGET_BAD_NUMBER = "Nomor {number} tidak ada; /grup menampilkan {count} grup."
TARGET_AMBIGUOUS = (
    "\u201c{query}\u201d cocok dengan beberapa grup:\n{names}\n"
    "Tulis lebih lengkap atau pakai nomornya."
)
TARGET_SET_MANY = "Tujuan post sekarang ({count} grup):\n{names}"
TARGET_CURRENT_MANY = "Tujuan sekarang ({count} grup):\n{names}"
TARGET_LINE = "- {name}"  # one group in those lists; /grup's numbers are not repeated
TARGET_QUOTES = (
    "Nama grup yang memakai spasi ditulis dalam tanda kutip: {example}. Tanpa tanda kutip "
    "hanya \u201c{word}\u201d yang dibaca sebagai grup."
)
TARGET_TWICE = "ke: ditulis dua kali ({first} dan {second}). Tulis semua grupnya dalam satu ke:."
TARGET_EMPTY = "Grup tujuannya belum ditulis. Tulis nomor dari /grup atau namanya, misalnya 1,3."
TARGET_DUPLICATE = (
    "\u201c{name}\u201d disebut dua kali (\u201c{first}\u201d dan \u201c{second}\u201d). "
    "Sebut tiap grup sekali saja."
)

# --- notices to the owner -----------------------------------------------------------------
MISSED_SUMMARY = (
    "{count} post terlewat (terlambat lebih dari {grace}, bot tidak aktif atau tidak "
    "terhubung) dan TIDAK dikirim:\n{lines}\nKirim semuanya sekarang: /terlewat kirim \u00b7 "
    "buang semuanya: /terlewat buang \u00b7 satu per satu: /ulang <nomor>."
)
TERLEWAT_USAGE = "[kirim|buang]"
TERLEWAT_EXAMPLE = "/terlewat kirim"
TERLEWAT_SUMMARY = "kirim/buang post terlewat."
TERLEWAT_NONE = "Tidak ada post terlewat dalam {days} hari terakhir."
TERLEWAT_LIST = (
    "{count} post terlewat (dalam {days} hari terakhir):\n{lines}\n"
    "Kirim semuanya sekarang: /terlewat kirim \u00b7 buang semuanya: /terlewat buang"
)
TERLEWAT_LINE = "#{id} {due} -> {groups}"
TERLEWAT_SENT = "{count} post terlewat dikirim sekarang: {ids}."
TERLEWAT_DROPPED = "{count} post terlewat dibuang dan tidak akan dikirim: {ids}."
TERLEWAT_BAD = "Tulis /terlewat kirim atau /terlewat buang (tanpa kata lain: {word})."
MISSED_MORE = "juga: {ids}"
# Protecting the number (bot.sendgate, bot.restriction).
PAUSE_REASONS = {
    "rate_limited": "WhatsApp membatasi laju kiriman (kode 429)",
    "reachout_timelock": "WhatsApp membatasi perangkat tertaut ini (kode 463)",
    "failure_burst": "beberapa kiriman gagal berturut-turut",
    "disconnect_storm": "koneksi WhatsApp putus-sambung berulang kali",
}
QUIET_HOLDING = (
    "Jam tenang ({window}): post yang jatuh tempo sekarang menunggu dan dikirim mulai "
    "{until}. Ubah jam tenang dengan /senyap."
)
LATE_SUMMARY = "{count} post terkirim terlambat dari jadwalnya:\n{lines}"
LATE_LINE = "#{id} (dijadwalkan {due})"
SENDING_PAUSED = (
    "Pengiriman ke grup DIJEDA: {reason} ({detail}). Tidak ada post yang hilang; semuanya "
    "menunggu dan dikirim lagi otomatis mulai {until}. Lanjutkan lebih awal dengan /lanjut."
)
SEND_FAILED = "Post #{id} gagal dikirim ke {dest}: {reason}\nKirim ulang dengan /ulang {id}"
UNCERTAIN_NOTICE = (
    "Bot berhenti tepat saat mengirim post berikut; belum pasti sampai, jadi TIDAK dikirim "
    "ulang otomatis. Periksa grupnya; bila belum ada, kirim dengan perintahnya:\n{lines}"
)
UNCERTAIN_LINE = "#{id} -> {dest}: /ulang {id}"
SEND_UNEXPECTED = "{error} saat mengirim"
DISK_FULL = "disk penuh"
UNEXPECTED_ERROR = "kesalahan tak terduga ({name})"
# A storage fault in a few words, keyed by bot.dbfaults.Fault (faults.describe).
STORAGE_ERRORS = {
    "full": DISK_FULL,
    "locked": "database terkunci oleh program lain",
    "corrupt": "database rusak",
    "read-only": "penyimpanan tidak bisa ditulis (hanya-baca atau tanpa izin)",
    "cannot open": "database tidak bisa dibuka",
    "i/o error": "disk menolak membaca/menulis",
}
# Faults of the bot itself, told once while they last and once when they end.
FAULT_NAMES = {"storage": "penyimpanan (database/disk)", "scheduler": "penjadwal"}
FAULT_NOTICE = (
    "Masalah pada {what} bot: {error}. Post yang jatuh tempo tertunda, tidak hilang; bot "
    "terus mencoba dan memberi tahu lagi saat pulih.{hint}"
)
FAULT_HINT_DISK = " Kosongkan ruang disk di server bot, mis. hapus file besar yang tidak perlu."
# What to do about a storage fault, keyed by bot.dbfaults.Fault (faults.advice).
FAULT_HINTS = {
    "full": FAULT_HINT_DISK,
    "locked": (
        " Tutup program lain yang membuka bot.db (mis. `sqlite3` yang masih terbuka); "
        "bot mencoba lagi sendiri."
    ),
    "corrupt": (
        " File yang rusak tidak pulih sendiri: hentikan bot, pindahkan bot.db (mis. "
        "`mv bot.db bot.db.rusak`), lalu pulihkan antrean dari cadangan `python -m bot "
        "queue --json` dengan `python -m bot restore`; lihat log bot."
    ),
    "read-only": (
        " Pastikan folder data bot bisa ditulis oleh pengguna bot dan disknya tidak "
        "terpasang hanya-baca."
    ),
    "cannot open": " Periksa bahwa folder data bot ada dan bisa ditulis oleh pengguna bot.",
    "i/o error": " Periksa ruang disk (df -h) dan kesehatan disk (dmesg); lihat log bot.",
}
FAULT_RECOVERED = (
    "Pulih: {what} bot berfungsi lagi. Post yang tertunda dikirim sekarang; yang terlambat "
    "melewati batas toleransi tidak dikirim dan dilaporkan sebagai terlewat."
)
FAULT_LAST_ERROR = {"storage": "penyimpanan: {error}", "scheduler": "penjadwal: {error}"}

# --- /kalender: the month as an image, and its caption ---------------------------------------
KALENDER_USAGE = "[bulan] [tahun]\ndepan"
KALENDER_EXAMPLE = "/kalender des 2026"
KALENDER_SUMMARY = "gambar kalender sebulan."
KALENDER_MONTHS = (
    "Bulan: nama (desember, des) atau nomor (12), boleh dengan tahun; tanpa bulan: bulan ini."
)
CALENDAR_TOTAL = "{count} kiriman"  # a delivery: one post to one group
CALENDAR_OTHERS = "lainnya: {groups} grup"
CALENDAR_KEY_TODAY = "hari ini"
CALENDAR_KEY_CLASH = "jauh lebih ramai dari biasa"
CALENDAR_KEY_COUNT = "kiriman hari itu"
CALENDAR_NOTHING = "Tidak ada kiriman di bulan ini."
CALENDAR_CAPTION = "{month}: {count} kiriman ke {groups} grup."
CALENDAR_CAPTION_POSTS = "{month}: {posts} post, {count} kiriman ke {groups} grup."
CALENDAR_CAPTION_EMPTY = "{month}: belum ada post terjadwal."
CALENDAR_BUSIEST = "Tersibuk: {day} ({count} kiriman)."
CALENDAR_CLASHES = "Jauh lebih ramai dari biasa: {days}."
CALENDAR_EMPTY_AHEAD = "Hari tanpa kiriman, mulai hari ini: {count} ({days})."
CALENDAR_EMPTY_AHEAD_ALL = "Belum ada kiriman dari hari ini sampai akhir bulan."
CALENDAR_FULL_AHEAD = "Setiap hari sampai akhir bulan ada kiriman."
CALENDAR_COUNTED = "Dihitung: kiriman yang menunggu, sedang dikirim, dan yang sudah terkirim."
CALENDAR_BAD_MONTH = (
    "Bulan \u201c{raw}\u201d tidak terbaca. Tulis nama bulan (desember, des), nomornya (12), "
    "bisa dengan tahun (des 2026), atau: depan."
)
CALENDAR_BAD_YEAR = "Kalender tersedia untuk tahun {first} sampai {last}, bukan {year}."
CALENDAR_YEAR_ONLY = "Tahun saja belum cukup: tulis bulannya juga, mis. /kalender jan {year}."

# --- the WhatsApp link ----------------------------------------------------------------------
LINK_CONNECTED = "terhubung ke WhatsApp sejak {since}"
LINK_RECONNECTING = "tidak terhubung; mencoba lagi (percobaan {attempt}, berikutnya {wait} lagi)"
LINK_DROPPED = "terputus sejak {since}; WhatsApp sedang menyambung ulang"
LINK_BANNED = "diblokir sementara oleh WhatsApp sampai {until}"
LINK_LAST_DISCONNECT = "Putus terakhir: {reason} ({at})"
LINK_PHASES = {
    "starting": "sedang memulai",
    "pairing": "menunggu dipasangkan (pindai QR atau masukkan kode di HP)",
    "connecting": "sedang menyambung",
    "connected": "terhubung",
    "reconnecting": "tidak terhubung; mencoba lagi",
    "dropped": "terputus; WhatsApp sedang menyambung ulang",
    "banned": "diblokir sementara oleh WhatsApp",
    "logged_out": "keluar dari WhatsApp (perangkat dilepas); perlu dipasangkan ulang",
    "replaced": "sesi diambil alih oleh proses lain",
    "outdated": "versi klien ditolak WhatsApp; perbarui neonize",
    "refused": "koneksi ditolak WhatsApp",
    "stopped": "berhenti",
}
BACK_AFTER_BAN = "Bot tersambung lagi setelah diblokir sementara oleh WhatsApp ({reason})."
PAIR_CODE = (
    "Kode pemasangan WhatsApp: {code}  "
    "(HP: Perangkat tertaut > Tautkan dengan nomor telepon). "
    "Berlaku sekitar {minutes} menit; setelah itu jalankan bot lagi untuk kode baru "
    "(PM2/systemd melakukannya sendiri)."
)
UNSUPPORTED_MEDIA = (
    "Jenis media ini ({kind}) belum bisa dijadwalkan; kirim foto, video, dokumen, audio atau teks."
)

# --- where commands are read, and commands that arrive late -------------------------------
COMMANDS_WHERE_SELF = "chat \u201cKirim pesan ke diri sendiri\u201d (Message yourself)"
COMMANDS_WHERE_OWNERS = "chat pribadi Anda dengan nomor bot ini"
NOT_IN_THIS_CHAT = (
    "/{name} tidak dijalankan dan tidak dibalas di chat itu: perintah hanya "
    "dibaca di {where}. Ketik ulang di sana."
)
NOT_IN_GROUP = (
    "/{name} tidak dijalankan di grup; di dalam grup hanya {allowed} yang dibaca "
    "dan balasannya datang ke sini. Ketik ulang /{name} di {where}."
)
LATE_COMMAND = "Catatan: perintah ini diketik {typed} dan baru sampai ke bot {delay} kemudian."

# --- send outcomes, group flags, photos (WhatsApp specifics) -------------------------------
SEND_UNCERTAIN = (
    "Post #{id} ke {dest} belum pasti terkirim: {reason}.\n"
    "Bot TIDAK mengirim ulang otomatis (bisa jadi dobel). Periksa grupnya; bila belum ada, "
    "kirim dengan /ulang {id}"
)
GROUP_ADMIN_ONLY = "(hanya admin bisa kirim \u2014 bot bukan admin)"
TARGET_ADMIN_ONLY = (
    "Perhatian: di \u201c{name}\u201d hanya admin yang bisa mengirim, dan akun bot bukan admin. "
    "WhatsApp bisa menerima post dari bot tetapi tidak pernah menampilkannya di grup. "
    "Jadikan akun bot admin grup itu dulu, atau pilih grup lain dengan /tujuan."
)
MEDIA_VIEW_ONCE = (
    "Foto/video/pesan suara sekali lihat tidak bisa dijadwalkan (WhatsApp tidak mengizinkan "
    "menyimpannya). Kirim fotonya sebagai foto biasa dengan caption /jadwal ..."
)
MEDIA_EXPIRED = (
    "{Kind} itu sudah tidak tersedia di WhatsApp (terlalu lama), jadi post tidak dijadwalkan. "
    "Kirim ulang {kind}nya ke chat ini, lalu jadwalkan dengan /jadwal ..."
)
# Names of the media kinds (bot.models.MediaKind values), as a reply says them.
MEDIA_NAMES = {
    "image": "foto",
    "video": "video",
    "document": "dokumen",
    "audio": "audio",
    "voice": "pesan suara",
}
MEDIA_EMPTY = "{Kind} ini kosong (0 byte): tidak ada yang bisa dikirim. Post tidak dijadwalkan."
MEDIA_TOO_BIG = (
    "{Kind} ini {size} MB, padahal WhatsApp menerima {kind} paling besar {limit} MB. "
    "Post tidak dijadwalkan."
)
MEDIA_WRONG_TYPE = (
    "WhatsApp tidak menerima {kind} berformat {type} (yang diterima: {accepted}). "
    "Post tidak dijadwalkan. Kirim file itu sebagai dokumen bila ingin tetap dibagikan."
)
MEDIA_UNKNOWN_TYPE = "tidak dikenal"
MEDIA_NO_CAPTION = (
    "WhatsApp tidak bisa menampilkan teks pada {kind}, jadi post tidak dijadwalkan. "
    "Jadwalkan {kind}nya tanpa teks (balas dengan /jadwal <kapan> saja), "
    "dan teksnya sebagai post tersendiri."
)
MEDIA_FILE_MISSING = "file {kind} post ini tidak ada lagi di penyimpanan"
MEMBERS_UNREADABLE = "daftar anggota grup tidak terbaca dari WhatsApp ({error}); dicoba lagi"

# --- the console (the terminal standing in for WhatsApp) -----------------------------------
CONSOLE_NOT_TEXT = (
    "(konsol) baris itu bukan teks UTF-8 yang sah, jadi tidak diproses: "
    "\u201c{line}\u201d. Ketik ulang baris itu."
)
# The bad line belongs to a message of several lines (ending in \): none of it was processed.
CONSOLE_NOT_TEXT_CONTINUED = (
    "(konsol) baris itu bukan teks UTF-8 yang sah: \u201c{line}\u201d. Baris itu bagian dari "
    "pesan bersambung (baris diakhiri \\) yang dimulai dengan \u201c{first}\u201d, jadi "
    "SELURUH pesan itu tidak diproses. Ketik ulang seluruh pesannya."
)
CONSOLE_WAIT_USAGE = "(konsol) !tunggu <detik>: angka 0 sampai {limit}, mis. !tunggu 2"
CONSOLE_MENTIONED = "(menyebut semua anggota: {count})"

# --- polls ------------------------------------------------------------------------------
POLL_HEADER = "\U0001f4ca {question} ({kind})"
POLL_SINGLE = "pilih satu"
POLL_MULTIPLE = "boleh pilih beberapa"
POLL_NO_QUESTION = (
    "Pertanyaan polling belum ditulis. Contoh: /polling besok 08:00 Makan di mana? | Bakso | Soto"
)
POLL_QUESTION_TOO_LONG = (
    "Pertanyaan polling terlalu panjang ({length} karakter, paling banyak {limit})."
)
POLL_TOO_FEW = (
    "Polling perlu paling sedikit {minimum} pilihan, dipisah dengan |, ada {count}. "
    "Contoh: Makan di mana? | Bakso | Soto"
)
POLL_TOO_MANY = "WhatsApp menerima paling banyak {limit} pilihan; ada {count}."
POLL_OPTION_TOO_LONG = (
    "Pilihan \u201c{option}\u201d terlalu panjang (paling banyak {limit} karakter)."
)
POLL_KIND = "polling"
POLL_TAG = "[polling] "
POLL_MEDIA_REFUSED = (
    "#{id} adalah polling; polling tidak bisa diberi foto atau media. Batalkan dengan "
    "/batal {id} lalu jadwalkan medianya dengan /jadwal (waktunya bisa dipindah: "
    "/ubah {id} <kapan>)."
)
POLL_TEXT_REFUSED = (
    "#{id} adalah polling; teksnya tidak bisa diubah. Batalkan dengan /batal {id} lalu buat "
    "lagi dengan /polling (waktunya bisa dipindah: /ubah {id} <kapan>)."
)
POLL_NO_MENTION_ALL = "@semua tidak bisa dipakai pada polling; hapus kata @semua."
MENTION_ALL_NOTE = "Menyebut semua anggota grup (@semua)."
MENTION_ALL_DROPPED = "Tidak lagi menyebut semua anggota grup (tanpa @semua)."
MENTION_ALL_TAG = "[@semua] "
POLL_DUPLICATE = (
    "Pilihan \u201c{option}\u201d ditulis dua kali; WhatsApp menolak pilihan yang sama."
)

# --- HTTP API (bot/api): errors as {"error": ...}; the refusals are the chat's own -----------
API_UNAUTHORIZED = (
    "Token tidak ada atau salah. Kirim header Authorization: Bearer <JADWAL_API_TOKEN>."
)
API_NOT_FOUND = "Alamat {path} tidak ada. Daftar alamat: /openapi.json"
API_METHOD = "{method} tidak bisa dipakai untuk {path}; yang bisa: {allowed}."
API_TOO_LARGE = "Permintaan terlalu besar: paling banyak {limit}."
API_BAD_JSON = "Isi permintaan bukan JSON yang benar."
API_BAD_JSON_AT = "Isi permintaan bukan JSON yang benar (baris {line}, kolom {column})."
API_NOT_UTF8 = "Isi permintaan harus teks UTF-8."
API_NOT_OBJECT = "Isi permintaan harus satu objek JSON, mis. {example}"
API_CONTENT_TYPE = (
    "Kirim Content-Type application/json, atau multipart/form-data dengan bagian "
    "\u201cpost\u201d (JSON) dan \u201cmedia\u201d (berkas)."
)
API_BAD_MULTIPART = "Isi multipart/form-data tidak terbaca."
API_PART_UNKNOWN = (
    "Bagian \u201c{name}\u201d tidak dikenal; yang diterima: post (JSON) dan media (berkas)."
)
API_PART_TWICE = "Bagian \u201c{name}\u201d dikirim dua kali."
API_PART_MISSING = "Bagian \u201cpost\u201d (JSON) tidak ada."
API_UNKNOWN_FIELDS = "Kolom tidak dikenal: {names}. Yang diterima: {known}."
API_FIELD_MISSING = "Kolom \u201c{field}\u201d wajib diisi."
API_FIELD_TYPE = "Kolom \u201c{field}\u201d harus {kind}."
API_KIND_TEXT = "teks"
API_KIND_GROUPS = "daftar nomor grup (dari /grup) atau nama grup, paling banyak {limit}"
API_KIND_MEDIA = "salah satu dari: {kinds}"
API_WHEN_REST = (
    "Kolom \u201cwhen\u201d hanya berisi waktu; \u201c{rest}\u201d tidak terbaca sebagai waktu. "
    "Teks post ditulis di kolom \u201ctext\u201d."
)
API_REPEAT_UNREAD = (
    "\u201c{repeat}\u201d tidak terbaca sebagai aturan ulang. Contoh: repeat \u201csetiap senin"
    "\u201d dengan when \u201c09:00\u201d, atau repeat \u201csetiap 2 jam\u201d."
)
API_BAD_STATE = "Status \u201c{state}\u201d tidak dikenal; pilih salah satu: {states}."
API_BAD_NUMBER = "{name} harus bilangan bulat dari {low} sampai {high}."
API_UNKNOWN_PARAMS = "Parameter tidak dikenal: {names}. Yang diterima: {known}."
API_NOT_RUNNING = "Bot belum siap atau sedang berhenti."
API_INTERNAL = "Maaf, terjadi kesalahan saat memproses permintaan itu. Sudah dicatat di log."
API_BAD_REQUEST = "Permintaan tidak bisa dibaca."
API_PARAM_TWICE = "Parameter ditulis lebih dari sekali: {names}. Tulis masing-masing sekali."
API_FIELD_NOT_TEXT = "Kolom \u201c{field}\u201d berisi karakter yang bukan teks (surrogate)."
