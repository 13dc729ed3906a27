; send_v2.ahk -- a second AutoHotkey v2 process that writes through
; Mailslot.ahk:  AutoHotkeyV2.exe send_v2.ahk NAME TEXT ENCODING
#Requires AutoHotkey v2.0
#NoTrayIcon
#Include Mailslot.ahk
OnError((e, mode) => (FileAppend("send_v2: " e.Message "`n", "*", "UTF-8"), ExitApp(2)))
Mailslot.Send(A_Args[1], A_Args[2], A_Args[3])
ExitApp(0)
