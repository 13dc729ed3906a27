; tap_v2.ahk -- the small test harness of the AutoHotkey v2 scripts: TAP
; lines on stdout ("ok N - ...", "not ok N - ...", "1..N" at the end), and
; any uncaught error printed as a failure with the script ending at once
; (an uncaught error would otherwise open a dialog and hang).
OnError(TapUncaught)

global TapN := 0, TapFailed := 0

TapOut(line) => FileAppend(line "`n", "*", "UTF-8")

Check(cond, what) {
    global TapN, TapFailed
    TapN += 1
    if !cond
        TapFailed += 1
    TapOut((cond ? "ok " : "not ok ") TapN " - " what)
    return cond
}

; A Windows behaviour Wine 8 does not have (ARCHITECTURE's Wine table):
; checked everywhere; under Wine only, a failure is reported as a known
; difference, never silently passed.
CheckWindows(cond, what, wine) {
    global TapN
    if cond || !UnderWine()
        return Check(cond, what)
    TapN += 1
    TapOut("ok " TapN " - " what " # SKIP known Wine difference: " wine)
}

UnderWine() => DllCall("GetProcAddress", "Ptr"
    , DllCall("GetModuleHandleW", "WStr", "ntdll", "Ptr")
    , "AStr", "wine_get_version", "Ptr") != 0

; Whether FN throws an error of class CLS whose Extra is EXTRA.
Throws(fn, cls, extra := "") {
    try {
        fn()
    } catch Any as e {
        return e is cls && (extra = "" || e.Extra = extra)
    }
    return false
}

TapDone() {
    global TapN, TapFailed
    TapOut("1.." TapN)
    ExitApp(TapFailed ? 1 : 0)
}

TapUncaught(e, mode) {
    TapOut("not ok - uncaught " Type(e) ": " e.Message " (" e.What ", line "
        . e.Line ")")
    ExitApp(2)
    return 1
}
