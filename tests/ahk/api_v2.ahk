; api_v2.ahk -- Mailslot.ahk under a real AutoHotkey v2: every call the
; README documents, AutoHotkey's error classes, the shared text table in
; each encoding, and OnMessage fed by other processes.
;   AutoHotkeyV2.exe api_v2.ahk TAG MAILSLOT_EXE TEXT_TABLE AUTOHOTKEY_EXE
; TAG makes the slot names unique; the script prints TAP (tap_v2.ahk).
#Requires AutoHotkey v2.0
#SingleInstance Off
#NoTrayIcon
#Include tap_v2.ahk
#Include Mailslot.ahk

tag := A_Args[1], cli := A_Args[2], table := A_Args[3], ahkExe := A_Args[4]
seq := 0
NewName() {
    global seq, tag
    seq += 1
    return "ahk\" tag "\v2-" seq
}

Hex(buf) {
    out := ""
    Loop buf.Size
        out .= Format("{:02x}", NumGet(buf, A_Index - 1, "UChar"))
    return out
}

Unhex(s) {
    buf := Buffer(s = "-" ? 0 : StrLen(s) // 2)
    Loop buf.Size
        NumPut("UChar", Integer("0x" SubStr(s, 2 * A_Index - 1, 2)), buf
            , A_Index - 1)
    return buf
}

; The text a table field stands for: \\ \t \n \r \0 \u{HEX}; "-" is empty.
Unescape(s) {
    if (s = "-")
        return ""
    out := "", i := 1
    while (i <= StrLen(s)) {
        c := SubStr(s, i, 1)
        if (c != "\") {
            out .= c, i += 1
            continue
        }
        switch SubStr(s, i + 1, 1), true {
            case "\": out .= "\"
            case "t": out .= "`t"
            case "n": out .= "`n"
            case "r": out .= "`r"
            case "0": out .= Chr(0)
            case "u":
                j := InStr(s, "}", true, i)
                out .= Chr(Integer("0x" SubStr(s, i + 3, j - i - 3)))
                i := j + 1
                continue
        }
        i += 2
    }
    return out
}

; ---------------------------------------------------------------------
; The documented calls

Check(Mailslot.Version ~= "^\d+\.\d+\.\d+$", "Version " Mailslot.Version)

name := NewName()
r := Mailslot.Create(name, 100, 250)
Check(r.Name = "\\.\mailslot\" name, "Create: the reader's name")
i := r.Info()
Check(i.MaxSize = 100 && i.Timeout = 250 && i.NextSize = -1 && i.Count = 0
    , "Info of an empty slot")
Check(Mailslot.Send(StrUpper(name), "abc") = 3, "Send returns the bytes sent")
i := r.Info()
Check(i.NextSize = 3, "Info: the next message's size")
CheckWindows(i.Count = 1 && r.Count = 1, "Info and Count: one queued"
    , "a queue count of at most one")
b := r.ReadBytes()
Check(b.Size = 3 && Hex(b) = "616263", "ReadBytes: the exact bytes")
Check(Throws(() => r.Read(0), TimeoutError, "timeout")
    , "Read on an empty slot throws TimeoutError")
text := "unchanged"
Check(r.TryRead(&text, 0) = false && text = "unchanged"
    , "TryRead returns false on a timeout")
r.Timeout := 0
Check(r.Timeout = 0, "Timeout can be set")
CheckWindows(Throws(() => Mailslot.Send(name, "x" StrRepeat("y", 100))
    , Mailslot.Error, "too_big"), "over the reader's max size: Mailslot.Error"
    . " too_big", "writers neither see nor enforce the reader's max size")
r.Close()
r.Close()
Check(Throws(() => r.Read(0), ValueError, "closed"), "a closed reader throws"
    . " ValueError")

StrRepeat(s, n) {
    out := ""
    Loop n
        out .= s
    return out
}

; Errors are AutoHotkey's classes, with the library's short name and code.
name := NewName()
r := Mailslot.Create(name)
try {
    Mailslot.Create(name)
    Check(false, "a second reader of one name fails")
} catch OSError as e {
    Check(e is Mailslot.Error && e.Extra = "exists" && e.Code < 0
        , "a second reader: Mailslot.Error (an OSError), Extra exists")
}
try {
    Mailslot.Open(NewName())
    Check(false, "Open of a missing slot fails")
} catch Mailslot.Error as e {
    Check(e.Extra = "not_found" && IsInteger(e.Number)
        , "Open of a missing slot: not_found, .Number " e.Number)
}
Check(Throws(() => Mailslot.Create("bad|name"), ValueError, "invalid_name")
    , "a bad name throws ValueError")
Check(Throws(() => Mailslot.Create(NewName(), 0, 0, "klingon"), ValueError)
    , "an unknown encoding throws ValueError")
; access: "all" is Windows' own rule; a group is for Linux.
sname := NewName()
shared := Mailslot.Create(sname, 0, 250, "auto", "all")
Mailslot.Send(sname, "to all")
Check(shared.Read() = "to all", "Create with access all: a working slot")
shared.Close()
Check(Throws(() => Mailslot.Create(NewName(), 0, 0, "auto", "group:staff")
    , Mailslot.Error, "not_supported"), "access group: throws not_supported")
Check(Throws(() => Mailslot.Create(NewName(), 0, 0, "auto", "everyone")
    , ValueError, "invalid_argument"), "a bad access throws ValueError")

; A writer: Write and WriteBytes return the bytes, Close, then ValueError.
w := Mailslot.Open(name)
Check(w.Write("hé", "UTF-16LE") = 4, "Write returns the bytes written")
Check(r.Read() = "hé", "Read decodes UTF-16LE")
buf := Buffer(2), NumPut("UShort", 0x6968, buf)
Check(w.WriteBytes(buf) = 2 && r.Read() = "hi", "WriteBytes")
w.Close()
Check(Throws(() => w.Write("x"), ValueError, "closed"), "a closed writer"
    . " throws ValueError")

; `for text in reader` goes through what is queued now.
Loop 3
    Mailslot.Send(name, "m" A_Index)
got := ""
for text in r
    got .= text ";"
Check(got = "m1;m2;m3;", "for text in reader: " got)
r.Close()

; The reader's encoding: named, it is never second-guessed.
name := NewName()
r := Mailslot.Create(name, 0, 1000, "UTF-16LE")
Check(r.Encoding = "UTF-16LE", "Encoding as Create was told")
Mailslot.Send(name, "ab"), Mailslot.Send(name, "ab")
Check(r.Read() = Chr(0x6261), "Read in the reader's encoding")
Check(r.Read(, "auto") = "ab", "Read with an encoding of its own")
r.Close()

; ---------------------------------------------------------------------
; The shared text table through the DLL, in each encoding

acp := DllCall("GetACP", "UInt")
rows := 0, name := NewName()
r := Mailslot.Create(name, 0, 1000)
w := Mailslot.Open(name)
Loop Read table {
    f := StrSplit(A_LoopReadLine, "`t")
    if (f.Length < 5 || SubStr(f[1], 1, 1) = "#")
        continue
    op := f[1], enc := f[2], flags := f[3], given := f[4], want := f[5]
    if (InStr(flags, "strict") || (enc = "ansi" && acp != 1252))
        continue
    rows += 1
    label := "table line " A_Index ": " op " " enc " " given
    empty := (op = "decode" ? given : want) = "-"
    ok := false
    try {
        if (op = "decode") {
            w.WriteBytes(Unhex(given))
            ok := r.Read(, enc) == Unescape(want)
        } else if (SubStr(want, 1, 1) = "!") {
            ok := Throws(() => w.Write(Unescape(given), enc, InStr(flags, "nul"))
                , Error, SubStr(want, 2))
        } else {
            n := w.Write(Unescape(given), enc, InStr(flags, "nul"))
            b := r.ReadBytes()
            ok := n = b.Size && Hex(b) = (want = "-" ? "" : want)
        }
    }
    if empty
        CheckWindows(ok, label, "0-byte messages fail")
    else
        Check(ok, label)
}
Check(rows > 100, rows " table rows")
w.Close(), r.Close()

; ---------------------------------------------------------------------
; OnMessage fed by other processes

name := NewName()
r := Mailslot.Create(name)
got := []
r.OnMessage((reader, text) => got.Push(text))
sent := []
Writer(cmd, text) {
    global sent
    sent.Push(text)
    return RunWait(cmd, , "Hide")
}
Raw(kind, text) => Writer(Format('"{1}" "{2}\raw_client.ahk" "{3}" {4} "{5}"'
    , ahkExe, A_ScriptDir, name, kind, text), text)
Check(Raw("utf16", "こんにちは") = 0, "a raw Win32 client: UTF-16LE, no NUL")
Check(Raw("utf16nul", "Ελληνικά") = 0, "a raw Win32 client: UTF-16LE + NUL")
if (acp = 1252)
    Check(Raw("ansinul", "naïve café") = 0, "a raw Win32 client: ANSI + NUL")
Check(Raw("utf8", "héllo ☃ 😀") = 0, "a raw Win32 client: UTF-8")
Check(Writer(Format('"{1}" send "{2}" "Grüße, 世界"', cli, name)
    , "Grüße, 世界") = 0, "mailslot.exe send")
Check(Writer(Format('"{1}" "{2}\send_v2.ahk" "{3}" "Привет, мир" UTF-16LE'
    , ahkExe, A_ScriptDir, name), "Привет, мир") = 0
    , "a second AutoHotkey script")
deadline := A_TickCount + 10000
while (got.Length < sent.Length && A_TickCount < deadline)
    Sleep(20)
Check(got.Length = sent.Length, "OnMessage got " got.Length " of "
    . sent.Length)
for i, text in sent
    Check(got.Length >= i && got[i] == text, "OnMessage: " text)
r.OnMessage(0)
r.Close()

TapDone()
