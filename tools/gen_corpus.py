#!/usr/bin/python3
"""Generate tests/text/corpus.tsv, the multilingual corpus of the text
detector's accuracy test (tests/test_detect.c, docs/text.md).

Sources, all Debian packages:
  - glibc's locale sources (package "locales", /usr/share/i18n/locales):
    month and day names, their abbreviations, country and language names,
    "yes"/"no" words, one locale file per language and territory;
  - the iso-codes translations (package "iso-codes",
    /usr/share/locale/*/LC_MESSAGES/iso_*.mo): country, language, script
    and currency names in each language that has them;
  - Unicode's Scripts.txt (package "unicode-data") to tell each string's
    script;
plus a hand-written set of ASCII text (commands, identifiers, paths, JSON,
numbers, English sentences) and the known traps of detectors.

Each line: LANGUAGE <tab> SCRIPT <tab> SOURCE <tab> TEXT, the text in UTF-8
with backslash, tab and newline escaped as \\\\, \\t and \\n.  Strings are
distinct; each language contributes at most PER_LANGUAGE iso-codes strings,
picked by a stable hash so that reruns give the same file.

    tools/gen_corpus.py > tests/text/corpus.tsv
"""
import gettext
import glob
import hashlib
import os
import re
import sys
from collections import Counter, defaultdict

LOCALES = "/usr/share/i18n/locales"
MO_GLOB = "/usr/share/locale/*/LC_MESSAGES/iso_%s.mo"
SCRIPTS = "/usr/share/unicode/Scripts.txt"
PER_LANGUAGE = 60
ISO_DOMAINS = ("3166-1", "3166-2", "639-2", "639-3", "15924", "4217")
LOCALE_KEYS = ("mon", "abmon", "day", "abday", "alt_mon", "ab_alt_mon",
               "country_name", "lang_name", "yesstr", "nostr")


def load_scripts():
    ranges = []
    for line in open(SCRIPTS, encoding="utf-8"):
        line = line.split("#")[0].strip()
        if not line:
            continue
        cps, script = [x.strip() for x in line.split(";")]
        lo, _, hi = cps.partition("..")
        ranges.append((int(lo, 16), int(hi or lo, 16), script))
    ranges.sort()
    return ranges


def script_of(text, ranges, cache={}):
    """The script of most of TEXT's letters (Common if none)."""
    count = Counter()
    for ch in text:
        cp = ord(ch)
        if cp not in cache:
            cache[cp] = next((s for lo, hi, s in ranges if lo <= cp <= hi),
                             "Unknown")
        if cache[cp] not in ("Common", "Inherited", "Unknown"):
            count[cache[cp]] += 1
    return count.most_common(1)[0][0] if count else "Common"


def unescape_locale(value):
    return re.sub(r"<U([0-9A-Fa-f]{4,6})>",
                  lambda m: chr(int(m.group(1), 16)), value)


def locale_strings():
    """(language, source, text) from the LC_TIME, LC_ADDRESS and
    LC_MESSAGES sections of every locale file."""
    for path in sorted(glob.glob(os.path.join(LOCALES, "*"))):
        name = os.path.basename(path)
        if not re.match(r"^[a-z]{2,3}_[A-Z]{2}", name):
            continue
        lang = name.split("_")[0]
        try:
            text = open(path, encoding="utf-8", errors="replace").read()
        except OSError:
            continue
        # Continuation lines end with "/" (the file's escape character).
        text = re.sub(r"/\n\s*", "", text)
        for line in text.splitlines():
            key = line.split(None, 1)[0] if line.strip() else ""
            if key not in LOCALE_KEYS:
                continue
            for value in re.findall(r'"([^"]*)"', line):
                value = unescape_locale(value).strip()
                if value and "%" not in value:
                    yield lang, "locale:" + key, value


def iso_strings():
    """(language, source, text) from the iso-codes translations."""
    per_lang = defaultdict(list)
    for domain in ISO_DOMAINS:
        for path in sorted(glob.glob(MO_GLOB % domain)):
            lang = path.split("/")[4].split("@")[0]
            with open(path, "rb") as f:
                catalog = gettext.GNUTranslations(f)._catalog
            for msgid, msgstr in catalog.items():
                if isinstance(msgid, str) and msgid and msgstr != msgid:
                    per_lang[lang].append(("iso:" + domain, msgstr.strip()))
    for lang in sorted(per_lang):
        items = sorted(set(per_lang[lang]), key=lambda it: hashlib.sha1(
            (lang + it[1]).encode("utf-8")).hexdigest())
        for source, text in items[:PER_LANGUAGE]:
            if text:
                yield lang, source, text


ASCII = [
    # commands
    "ls -la /tmp", "git status", "git commit -m \"fix the build\"",
    "make -j4 install", "ping -c 3 10.0.0.1", "sudo apt-get update",
    "cd ..", "exit", "quit", "stop", "start", "reload", "restart now",
    "shutdown /s /t 0", "notepad.exe C:\\temp\\log.txt", "dir /b *.ahk",
    "echo hello", "cat /etc/hostname", "tail -f /var/log/syslog",
    "kill -9 1234", "ps aux | grep python", "python3 -m venv .venv",
    "pip install -r requirements.txt", "npm run build", "cargo test",
    "docker ps -a", "ssh user@host", "scp file.txt host:/srv/",
    "curl -s http://localhost:8080/status", "Send, {Enter}",
    "WinActivate, Untitled - Notepad", "MsgBox Hello", "Run calc.exe",
    "Volume_Up", "Media_Play_Pause", "reload config", "set volume 50",
    "play", "pause", "next", "prev", "mute", "unmute", "open", "close",
    # identifiers
    "user_id", "userName", "MAX_BUFFER_SIZE", "getValue", "set_timeout",
    "HttpRequest", "parse_args", "__init__", "mailslot_create", "x", "i",
    "tmp", "foo", "bar", "baz", "foo_bar", "FooBar", "camelCaseName",
    "snake_case_name", "SCREAMING_CASE", "kebab-case-name", "v2", "id42",
    "node_modules", "README", "Makefile", "CMakeLists", "config.json",
    # paths
    "C:\\Program Files\\AutoHotkey\\AutoHotkey.exe", "/usr/local/bin",
    "/home/user/Documents/report.pdf", "..\\lib\\Mailslot.ahk",
    "\\\\.\\mailslot\\inbox", "\\\\server\\share\\file.txt", "./run.sh",
    "~/.config/app/settings.ini", "D:\\Games\\save01.dat", "/dev/null",
    "https://example.org/path?query=1&x=2", "file:///C:/temp/a.txt",
    # JSON and data
    '{"cmd": "play", "id": 7}', '{"ok":true}', '[1, 2, 3]', '{}', '[]',
    '{"name": "Alice", "age": 30, "tags": ["a", "b"]}', 'null', 'true',
    'false', '{"x":1.5,"y":-2.25}', 'key=value', 'a=1;b=2;c=3',
    'temp=21.5C hum=40%', 'status: ready', 'level:3 score:1200',
    '<msg to="overlay">hit</msg>', 'HP 100/100 MP 40/50',
    # numbers
    "0", "1", "42", "3.14159", "-17", "1e10", "0xFF", "2026-12-02",
    "12:30:45", "100%", "1,000,000", "255.255.255.0", "192.168.1.10",
    "+49 30 1234567", "$19.99", "7", "13", "2048", "65535", "123456",
    # English sentences
    "Hello, world!", "The quick brown fox jumps over the lazy dog.",
    "Player 2 joined the game.", "Build finished in 12.3 seconds.",
    "Low battery: 15% remaining", "Meeting moved to 3 pm.",
    "Please restart the application.", "All tests passed.",
    "Connection lost, retrying in 5 s", "File saved.", "Done",
    "Error: file not found", "Warning: disk almost full",
    "New message from Bob", "Your order has shipped.",
    "It was the best of times, it was the worst of times.",
    "To be or not to be, that is the question.",
    "Lab PC 3 status: idle, temperature 42 C", "Backup completed at 02:00",
    "score", "level up", "game over", "you win", "try again",
    "The server will reboot at midnight.", "I will be late today.",
    "Can you hear me now?", "Copy that.", "Roger", "Over and out",
    "Status OK", "ready", "busy", "idle", "online", "offline", "away",
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit.",
]

# Known traps: text that fooled other detectors (Windows' IsTextUnicode
# took these ASCII strings for UTF-16), and short even-length words.
TRAPS = [
    "Bush hid the facts", "this app can break", "hhhh hhh hhh hhhhh",
    "this is a test", "Bush hid the truth", "acre vai saber",
    "hi there", "OK", "PING", "PONG", "ok", "hi", "go", "no", "yes!",
    "test", "data", "ping", "pong", "help", "info", "ACK!", "NACK",
    "STOP", "QUIT", "EXIT", "quit", "save", "load", "play", "wait",
    "done", "fail", "true", "null", "None", "HELO", "EHLO", "RSET",
    "abcd", "aa", "AB", "zz", "12", "1234", "ab12", "Hi", "Yo",
]


def main():
    ranges = load_scripts()
    seen = set()
    rows = []

    def add(lang, source, text):
        if text in seen or "\x00" in text:
            return
        seen.add(text)
        rows.append((lang, script_of(text, ranges), source, text))

    for lang, source, text in locale_strings():
        add(lang, source, text)
    for lang, source, text in iso_strings():
        add(lang, source, text)
    for text in ASCII:
        add("en", "ascii", text)
    for text in TRAPS:
        seen.discard(text)
        add("en", "trap", text)
    out = sys.stdout
    out.write("# language\tscript\tsource\ttext (tools/gen_corpus.py)\n")
    for lang, script, source, text in rows:
        esc = (text.replace("\\", "\\\\").replace("\t", "\\t")
               .replace("\n", "\\n"))
        out.write(f"{lang}\t{script}\t{source}\t{esc}\n")
    langs = {r[0] for r in rows}
    scripts = {r[1] for r in rows}
    print(f"{len(rows)} strings, {len(langs)} languages, "
          f"{len(scripts)} scripts", file=sys.stderr)


if __name__ == "__main__":
    main()
