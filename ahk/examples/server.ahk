; The mailslot server of the AutoHotkey forum thread "Interprocess
; communication using Mailslots", done right (AutoHotkey v2):
; - event-driven: no loop, no Sleep, no polling.  The library posts a
;   window message to this script when mail arrives (OnMessage);
; - every message is read whole: the library asks Windows for the size of
;   the next message first, so nothing is cut at 500 bytes, and an empty
;   message is a message, not "nothing there";
; - the text reads right whatever the client sent: UTF-8, UTF-16 (Unicode
;   AutoHotkey, W functions) or ANSI (VBScript, ANSI AutoHotkey), with or
;   without the trailing NUL, in any script: the reader's "auto" encoding
;   weighs the three readings and picks the most plausible text.  A message
;   of one or two characters can still fool it; if you know what your
;   clients send, say so: Mailslot.Create(slotName, 0, 0, "UTF-16LE");
; - failures are exceptions with a clear message, e.g. "a mailslot of that
;   name already exists (exists)" when the server runs twice.
; Stop it from the tray icon; closing the script closes the mailslot.
#Requires AutoHotkey v2.0
#SingleInstance Force
Persistent
#Include ..\Mailslot.ahk

slotName := "TestSlot1"   ; the short form of \\.\mailslot\TestSlot1

try {
    inbox := Mailslot.Create(slotName)
} catch Error as e {
    MsgBox "Cannot create the mailslot " slotName ":`n`n" e.Message,
        "Mailslot server", "Iconx"
    ExitApp 1
}
inbox.OnMessage(ShowMessage)
TrayTip "Listening on " inbox.Name, "Mailslot server"

; Called once per message, in arrival order.
ShowMessage(reader, text) {
    static count := 0
    count++
    ToolTip "Message " count " on " reader.Name ":`n`n" text
    SetTimer () => ToolTip(), -5000
}
