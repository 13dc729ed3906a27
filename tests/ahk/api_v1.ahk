; api_v1.ahk -- Mailslot.v1.ahk under a real AutoHotkey v1.1: every call
; the README documents, in v1 terms, the shared text table, and OnMessage
; fed by other processes.  The runner saves this file and the include both
; with and without a UTF-8 BOM (v1 reads a file without one as ANSI), so
; every non-ASCII string here is built with Chr() to mean the same either
; way.
;   AutoHotkey.exe api_v1.ahk TAG MAILSLOT_EXE TEXT_TABLE AUTOHOTKEY_V2_EXE
#NoEnv
#NoTrayIcon
#SingleInstance Off
#Include %A_ScriptDir%\Mailslot.v1.ahk
OnError("Uncaught")

global TapN := 0, TapFailed := 0
tag := A_Args[1], cli := A_Args[2], table := A_Args[3], ahkV2 := A_Args[4]
global seq := 0

Out(line) {
    FileAppend, %line%`n, *, UTF-8
}

Check(cond, what) {
    TapN += 1
    if !cond
        TapFailed += 1
    Out((cond ? "ok " : "not ok ") TapN " - " what)
    return cond
}

UnderWine() {
    return DllCall("GetProcAddress", "Ptr", DllCall("GetModuleHandleW", "WStr"
        , "ntdll", "Ptr"), "AStr", "wine_get_version", "Ptr") != 0
}

CheckWindows(cond, what, wine) {
    if (cond || !UnderWine())
        return Check(cond, what)
    TapN += 1
    Out("ok " TapN " - " what " # SKIP known Wine difference: " wine)
}

Uncaught(e) {
    Out("not ok - uncaught: " e.Message " (" e.What ", line " e.Line ")")
    ExitApp, 2
}

NewName() {
    global tag
    seq += 1
    return "ahk\" tag "\v1-" seq
}

Hex(ByRef data, size) {
    out := ""
    Loop % size
        out .= Format("{:02x}", NumGet(data, A_Index - 1, "UChar"))
    return out
}

; Table text: \\ \t \n \r \u{HEX}; "-" is empty.  (v1 strings cannot hold
; a NUL, so rows with \0 are left to the v2 test.)
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
        d := SubStr(s, i + 1, 1)
        if (d == "u") {
            j := InStr(s, "}", true, i)
            out .= Chr("0x" SubStr(s, i + 3, j - i - 3))
            i := j + 1
            continue
        }
        out .= d == "t" ? "`t" : d == "n" ? "`n" : d == "r" ? "`r" : d
        i += 2
    }
    return out
}

Extra(fn, args*) {
    try {
        fn.Call(args*)
    } catch e {
        return e.Extra
    }
    return ""
}

; ---------------------------------------------------------------------

Check(RegExMatch(Mailslot.Version(), "^\d+\.\d+\.\d+$"), "Version")
name := NewName()
r := Mailslot.Create(name, 100, 250)
i := r.Info()
Check(i.MaxSize = 100 && i.Timeout = 250 && i.NextSize = -1
    , "Create and Info of an empty slot")
Check(Mailslot.Send(name, "abc") = 3, "Send returns the bytes sent")
i := r.Info()
Check(i.NextSize = 3, "Info: the next message's size (got " i.NextSize ")")
c := r.Count
CheckWindows(c = 1, "Count: one queued (got " c ")"
    , "a queue count of at most one, not always up to date")
size := r.ReadBytes(data)
Check(size = 3 && Hex(data, size) = "616263", "ReadBytes")
Check(Extra(ObjBindMethod(r, "Read", 0)) = "timeout", "Read on an empty"
    . " slot throws timeout")
text := "unchanged"
Check(r.TryRead(text, 0) = false && text = "unchanged", "TryRead on a timeout")
r.Timeout := 0
Check(r.Timeout = 0, "Timeout can be set")
r.Close()
r.Close()
Check(Extra(ObjBindMethod(r, "Read", 0)) = "closed", "a closed reader throws")

name := NewName()
r := Mailslot.Create(name, 0, 1000)
Check(Extra(ObjBindMethod(Mailslot, "Create", name)) = "exists"
    , "a second reader: exists")
Check(Extra(ObjBindMethod(Mailslot, "Open", NewName())) = "not_found"
    , "Open of a missing slot: not_found")
Check(Extra(ObjBindMethod(Mailslot, "Create", "bad|name")) = "invalid_name"
    , "a bad name: invalid_name")
w := Mailslot.Open(name)
hi := "h" Chr(0xE9)
Check(w.Write(hi, "UTF-16LE") = 4, "Write returns the bytes written")
Check(r.Read() == hi, "Read decodes UTF-16LE")
w.Close()
Loop 3
    Mailslot.Send(name, "m" A_Index)
got := ""
for i, text in r
    got .= text ";"
Check(got = "m1;m2;m3;", "for i, text in reader: " got)
r.Close()

name := NewName()
r := Mailslot.Create(name, 0, 1000, "UTF-16LE")
Check(r.Encoding = "UTF-16LE", "Encoding as Create was told")
Mailslot.Send(name, "ab"), Mailslot.Send(name, "ab")
Check(r.Read() == Chr(0x6261), "Read in the reader's encoding")
Check(r.Read(-2, "auto") == "ab", "Read with an encoding of its own")
r.Close()

; The shared text table.
acp := DllCall("GetACP", "UInt")
rows := 0, name := NewName()
r := Mailslot.Create(name, 0, 1000)
w := Mailslot.Open(name)
Loop, Read, %table%
{
    f := StrSplit(A_LoopReadLine, "`t")
    if (f.Length() < 5 || SubStr(f[1], 1, 1) = "#")
        continue
    op := f[1], enc := f[2], flags := f[3], given := f[4], want := f[5]
    if (InStr(flags, "strict") || (enc = "ansi" && acp != 1252)
        || InStr(given want, "\0") || InStr(op == "decode" ? "" : given, "\u{D8")
        || InStr(op == "decode" ? "" : given, "\u{DC"))
        continue
    rows += 1
    label := "table line " A_Index ": " op " " enc " " given
    empty := (op = "decode" ? given : want) = "-"
    ok := false
    try {
        if (op = "decode") {
            VarSetCapacity(bytes, StrLen(given) // 2 + 1, 0)
            n := given = "-" ? 0 : StrLen(given) // 2
            Loop % n
                NumPut("0x" SubStr(given, 2 * A_Index - 1, 2), bytes
                    , A_Index - 1, "UChar")
            w.WriteBytes(&bytes, n)
            ok := r.Read(-2, enc) == Unescape(want)
        } else if (SubStr(want, 1, 1) = "!") {
            ok := Extra(ObjBindMethod(w, "Write", Unescape(given), enc
                , InStr(flags, "nul"))) = SubStr(want, 2)
        } else {
            n := w.Write(Unescape(given), enc, InStr(flags, "nul"))
            size := r.ReadBytes(data)
            ok := n = size && Hex(data, size) = (want = "-" ? "" : want)
        }
    }
    if empty
        CheckWindows(ok, label, "0-byte messages fail")
    else
        Check(ok, label)
}
Check(rows > 80, rows " table rows")
w.Close(), r.Close()

; OnMessage fed by other processes.
global got := []
Received(reader, text) {
    got.Push(text)
}
name := NewName()
r := Mailslot.Create(name)
r.OnMessage(Func("Received"))
sent := []
greek := Chr(0x395) Chr(0x3BB) Chr(0x3BB) Chr(0x3B7) Chr(0x3BD) Chr(0x3B9)
    . Chr(0x3BA) Chr(0x3AC)
kana := Chr(0x3053) Chr(0x3093) Chr(0x306B) Chr(0x3061) Chr(0x306F)
for i, m in [["utf16", kana], ["utf16nul", greek], ["utf8", "h" Chr(0xE9)
    . "llo " Chr(0x2603)]] {
    RunWait, % """" ahkV2 """ """ A_ScriptDir "\raw_client.ahk"" """ name
        . """ " m[1] " """ m[2] """", , Hide UseErrorLevel
    Check(ErrorLevel = 0, "a raw Win32 client: " m[1])
    sent.Push(m[2])
}
RunWait, % """" cli """ send """ name """ """ greek """", , Hide UseErrorLevel
Check(ErrorLevel = 0, "mailslot.exe send")
sent.Push(greek)
deadline := A_TickCount + 10000
while (got.Length() < sent.Length() && A_TickCount < deadline)
    Sleep, 20
Check(got.Length() = sent.Length(), "OnMessage got " got.Length() " of "
    . sent.Length())
for i, text in sent
    Check(got.Length() >= i && got[i] == text, "OnMessage: message " i)
r.OnMessage(0)
r.Close()

Out("1.." TapN)
ExitApp, % TapFailed ? 1 : 0
