#!/usr/bin/env python3
"""Write the README's AutoHotkey quick start as a test script.

    quickstart.py README.md v2|v1 TAG > quickstart.ahk

The ```autohotkey block under "### AutoHotkey v2 quick start" (v2) or the
one that starts with "; AutoHotkey v1.1 quick start" (v1), as it stands,
with the slot name made unique by TAG, between a prologue that turns an
uncaught error into a TAP failure and an epilogue that takes over the
reader's OnMessage callback to print whether the quick start's message
arrived (TAP, one check).  Written with a UTF-8 BOM, as v1 needs for
non-ASCII text.
"""
import re
import sys

MESSAGE = "héllo ☃ 😀"

V2_PROLOGUE = '''\
OnError((e, mode) => (FileAppend("not ok 1 - uncaught: " e.Message "`n1..1`n"
    , "*", "UTF-8"), ExitApp(2)))
'''
V2_EPILOGUE = '''
; --- the test's epilogue (tests/ahk/quickstart.py) ---
inbox.OnMessage(QuickstartGot)
QuickstartGot(reader, text) {
    good := text == "{msg}"
    FileAppend((good ? "ok" : "not ok") " 1 - the message arrived through "
        . "OnMessage: " text "`n1..1`n", "*", "UTF-8")
    ExitApp(good ? 0 : 1)
}
SetTimer(() => (FileAppend("not ok 1 - nothing arrived`n1..1`n", "*"
    , "UTF-8"), ExitApp(1)), -10000)
'''
V1_PROLOGUE = '''\
OnError("QuickstartError")
'''
V1_EPILOGUE = '''
; --- the test's epilogue (tests/ahk/quickstart.py) ---
inbox.OnMessage(Func("QuickstartGot"))
SetTimer, QuickstartTimeout, -10000
return

QuickstartGot(reader, text) {
    good := text == "{msg}"
    FileAppend, % (good ? "ok" : "not ok") " 1 - the message arrived through "
        . "OnMessage: " text "`n1..1`n", *, UTF-8
    ExitApp, % good ? 0 : 1
}

QuickstartError(e) {
    FileAppend, % "not ok 1 - uncaught: " e.Message "`n1..1`n", *, UTF-8
    ExitApp, 2
}

QuickstartTimeout:
FileAppend, not ok 1 - nothing arrived`n1..1`n, *, UTF-8
ExitApp, 1
'''


def block(readme, version):
    blocks = re.findall(r"^```autohotkey\n(.*?)^```", readme, re.S | re.M)
    if version == "v2":
        start = readme.index("### AutoHotkey v2 quick start")
        code = next(b for b in blocks if readme.index(b) > start)
    else:
        code = next(b for b in blocks
                    if b.startswith("; AutoHotkey v1.1 quick start"))
    assert MESSAGE in code and "OnMessage" in code and "inbox" in code
    return code


def main():
    readme_path, version, tag = sys.argv[1:4]
    readme = open(readme_path, encoding="utf-8").read()
    code = block(readme, version)
    code = re.sub(r"my-app", "my-app-" + tag, code, flags=re.I)
    pro, epi = ((V2_PROLOGUE, V2_EPILOGUE) if version == "v2"
                else (V1_PROLOGUE, V1_EPILOGUE))
    out = "\ufeff" + pro + code + epi.replace("{msg}", MESSAGE)
    sys.stdout.buffer.write(out.replace("\n", "\r\n").encode("utf-8"))


if __name__ == "__main__":
    main()
