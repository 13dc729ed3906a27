; pair_server.ahk -- examples\server.ahk as it is, with its ToolTip and
; TrayTip shown on stdout instead of the screen, so the test can see what
; the server received from examples\client.ahk.  It is copied next to the
; examples and ends after four messages (the client sends four).
;   AutoHotkeyV2.exe pair_server.ahk
#Requires AutoHotkey v2.0
OnError((e, mode) => (FileAppend("not ok - uncaught: " e.Message "`n", "*"
    , "UTF-8"), ExitApp(2)))
#Include server.ahk
SetTimer(() => (FileAppend("not ok - fewer than 4 messages`n", "*", "UTF-8")
    , ExitApp(1)), -20000)

TrayTip(text?, title?, *) {
    FileAppend("ready: " title "`n", "*", "UTF-8")
}

ToolTip(text?, *) {
    if !IsSet(text)
        return
    FileAppend(text "`n--`n", "*", "UTF-8")
    if InStr(text, "Message 4 ")
        ExitApp(0)
}

MsgBox(text := "", *) {
    FileAppend("not ok - MsgBox: " text "`n", "*", "UTF-8")
    ExitApp(2)
}
