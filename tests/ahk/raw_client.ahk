; raw_client.ahk -- a mailslot writer that uses only the Win32 API
; (CreateFileW + WriteFile), as Unicode AutoHotkey scripts, VBScript and "W"
; programs write, never mailslot.dll:
;   AutoHotkeyV2.exe raw_client.ahk NAME KIND TEXT
; KIND: utf16 (UTF-16LE, no terminator), utf16nul (with its 2-byte NUL),
; ansinul (the active code page plus a NUL, like a C string), utf8.
#Requires AutoHotkey v2.0
#NoTrayIcon
OnError((e, mode) => (FileAppend("raw_client: " e.Message "`n", "*", "UTF-8"), ExitApp(2)))

name := A_Args[1], kind := A_Args[2], text := A_Args[3]
switch kind {
    case "utf16":    enc := "UTF-16", nul := 0
    case "utf16nul": enc := "UTF-16", nul := 2
    case "ansinul":  enc := "CP0", nul := 1
    case "utf8":     enc := "UTF-8", nul := 0
    default: throw ValueError("unknown kind " kind)
}
; StrPut counts its own terminator: take the text's bytes, then NUL bytes.
size := StrPut(text, enc) - (enc = "UTF-16" ? 2 : 1)
buf := Buffer(size + nul, 0)
StrPut(text, buf, enc)
h := DllCall("CreateFileW", "WStr", "\\.\mailslot\" name, "UInt", 0x40000000
    , "UInt", 3, "Ptr", 0, "UInt", 3, "UInt", 0, "Ptr", 0, "Ptr")
if (h = -1)
    throw OSError(A_LastError, "CreateFileW")
written := 0
ok := DllCall("WriteFile", "Ptr", h, "Ptr", buf, "UInt", buf.Size
    , "UInt*", &written, "Ptr", 0)
DllCall("CloseHandle", "Ptr", h)
if !ok || written != buf.Size
    throw OSError(A_LastError, "WriteFile")
ExitApp(0)
