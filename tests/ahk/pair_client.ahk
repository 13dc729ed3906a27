; pair_client.ahk -- examples\client.ahk as it is, with its MsgBox shown
; on stdout instead of the screen: an error it reports then ends the test
; with its message rather than a dialog nobody can close.
;   AutoHotkeyV2.exe pair_client.ahk
#Requires AutoHotkey v2.0
OnError((e, mode) => (FileAppend("not ok - uncaught: " e.Message "`n", "*"
    , "UTF-8"), ExitApp(2)))
#Include client.ahk

MsgBox(text := "", *) {
    FileAppend("not ok - client MsgBox: " text "`n", "*", "UTF-8")
    ExitApp(2)
}
