' A mailslot client in VBScript: writes one message to the mailslot of
' examples\server.ahk.  Any program that can write a file can write to a
' mailslot: open it by name and write; each Write is one message.
'
' FileSystemObject writes text in the ANSI code page; the server reads it
' "auto" and decodes it as ANSI, so accented letters arrive intact.
' (CreateTextFile(name, True, True) would write UTF-16, but it sends its
' byte order mark as a message of its own.)  Run: cscript client.vbs
Option Explicit

Dim fso, slot
Set fso = CreateObject("Scripting.FileSystemObject")

On Error Resume Next
Set slot = fso.CreateTextFile("\\.\mailslot\TestSlot1")
If Err.Number <> 0 Then
    WScript.Echo "The mailslot \\.\mailslot\TestSlot1 does not exist: " & _
        "start examples\server.ahk first."
    WScript.Quit 1
End If
On Error GoTo 0

slot.Write "A message from VBScript: caf" & Chr(233) & " cr" & Chr(232) & "me"
slot.Close
