; The mailslot client of the AutoHotkey forum thread, done right
; (AutoHotkey v2): it sends Unicode text correctly.  The forum's client
; passed StrLen(text)+1 as the byte count, which on Unicode AutoHotkey is
; half the bytes of the UTF-16 string: the server got the first half.
; Here the library counts the bytes of the encoded text itself.
; Run examples\server.ahk first.
#Requires AutoHotkey v2.0
#Include ..\Mailslot.ahk

; Another computer: "\\OtherPC\mailslot\TestSlot1"; every computer of the
; domain: "\\*\mailslot\TestSlot1" (at most 424 bytes, may be disabled
; on Windows 11 24H2 and later: the error message says how to enable it).
slotName := "TestSlot1"

try {
    ; One call: open, write one message (UTF-8), close.
    Mailslot.Send(slotName, "This is a test message sent to a mailslot. "
        . "The last character is a star. *")

    ; Several messages through one writer, without waiting for the reader.
    out := Mailslot.Open(slotName)
    out.Write("This is`na multiline message`nwith Unicode: Grüße, 日本, ☃ 😀`n"
        . "sent without waiting for the first one to be read.")
    ; For an old server that expects a C string in the ANSI code page.
    out.Write("For a legacy ANSI reader: café", "ANSI", true)
    ; For a program that reads UTF-16 (what Unicode AutoHotkey's "Str" is).
    out.Write("For a UTF-16 reader: Grüße", "UTF-16LE")
    out.Close()
} catch Error as e {
    MsgBox "Sending to " slotName " failed:`n`n" e.Message,
        "Mailslot client", "Iconx"
    ExitApp 1
}
