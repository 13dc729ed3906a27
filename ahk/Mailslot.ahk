; Mailslot.ahk -- Windows mailslots for AutoHotkey v2, through mailslot.dll.
;
;   #Include Mailslot.ahk
;   inbox := Mailslot.Create("my-app\inbox")          ; the reader
;   inbox.OnMessage((reader, text) => ToolTip(text))   ; no polling
;   Mailslot.Send("my-app\inbox", "héllo ☃")           ; any script, any process
;
; Names: "\\.\mailslot\a\b" or the short form "a\b"; case-insensitive.
; Text is sent as UTF-8 unless you ask for "UTF-16LE" or "ANSI"; reading
; decodes "auto" unless the reader says what its writers send: auto weighs
; UTF-16LE, UTF-8 and ANSI and picks the most plausible text, so messages
; from the raw Win32 API, VBScript or other languages read right (a message
; of one or two characters can still fool it: name the encoding then).
; Failures throw AutoHotkey's own classes: TimeoutError when no message
; came in time, ValueError for a bad argument or name, and otherwise a
; Mailslot.Error (an OSError).  e.Message is the library's message, e.Extra
; its short name ("timeout", "not_found", "exists", "too_big", ...), e.Code
; the library's code; a Mailslot.Error's e.Number is the Windows error
; behind it (0 if none).  So `catch TimeoutError` works.
;
; mailslot.dll is looked for next to this file: x64\mailslot.dll or
; x86\mailslot.dll (by A_PtrSize), then mailslot64.dll / mailslot32.dll,
; then mailslot.dll.  Its functions use the WINAPI convention, so no
; DllCall here needs "Cdecl".
#Requires AutoHotkey v2.0

class Mailslot {
    ; What every failure that is not a TimeoutError or ValueError throws.
    class Error extends OSError {
    }

    static _module := 0
    static _ETIMEOUT := 0, _EBUFFER := 0   ; set by _Load, from the DLL
    static _readers := Map()   ; reader pointer -> ObjPtr(reader), for OnMessage
    static _notifyMsg := 0

    ; Create the mailslot NAME and become its reader.  MAXSIZE: largest
    ; message in bytes, 0 = any.  TIMEOUT: the default read timeout in ms,
    ; 0 = do not wait (Windows' default), -1 = forever.  ENCODING: what the
    ; writers send, for Read, TryRead and OnMessage: "auto" (recognise
    ; UTF-8, UTF-16LE and ANSI), "UTF-8", "UTF-16LE", "ANSI" or "CP1252";
    ; a named encoding is never second-guessed.  ACCESS: who may write,
    ; "user" or "all" (on Windows both mean the system's own rule: local
    ; processes may write); "group:NAME" is for Linux and throws
    ; not_supported here.
    static Create(name, maxSize := 0, timeout := 0, encoding := "auto"
        , access := "user") {
        this._Load()
        enc := this._EncodingCode(encoding)
        opts := Buffer(DllCall("mailslot\mailslot_options_size", "UPtr"), 0)
        DllCall("mailslot\mailslot_options_init", "Ptr", opts)
        NumPut("UInt", maxSize, opts, this._Offset("options.max_message_size"))
        NumPut("Int", timeout, opts, this._Offset("options.read_timeout_ms"))
        who := Buffer(StrPut(access, "UTF-8"))
        StrPut(access, who, "UTF-8")
        NumPut("Ptr", who.Ptr, opts, this._Offset("options.access"))
        r := 0
        rc := DllCall("mailslot\mailslot_create_w", "WStr", name, "Ptr", opts
            , "Ptr*", &r, "Int")
        this._Check(rc, "Mailslot.Create")
        return Mailslot.Reader(r, enc)
    }

    ; Open the mailslot NAME for writing ("\\host\mailslot\x" and
    ; "\\*\mailslot\x" reach other machines where Windows allows it).
    static Open(name) {
        this._Load()
        w := 0
        rc := DllCall("mailslot\mailslot_open_w", "WStr", name, "Ptr", 0
            , "Ptr*", &w, "Int")
        this._Check(rc, "Mailslot.Open")
        return Mailslot.Writer(w)
    }

    ; Open NAME, write TEXT as one message, close; returns the bytes sent.
    static Send(name, text, encoding := "UTF-8", nul := false) {
        this._Load()
        buf := this._Encode(text, encoding, nul)
        rc := DllCall("mailslot\mailslot_send_w", "WStr", name, "Ptr", buf
            , "UPtr", buf.Size, "Int")
        this._Check(rc, "Mailslot.Send")
        return buf.Size
    }

    ; The library's version, "MAJOR.MINOR.PATCH".
    static Version {
        get {
            this._Load()
            return StrGet(DllCall("mailslot\mailslot_version", "Ptr"), "UTF-8")
        }
    }

    class Reader {
        __New(ptr, enc := 0) {
            this.Ptr := ptr
            this._enc := enc
            this._callback := 0
            this.Name := StrGet(DllCall("mailslot\mailslot_reader_name"
                , "Ptr", ptr, "Ptr"), "UTF-8")
        }

        ; The next message as text, decoded in the reader's encoding (see
        ; Create) or in ENCODING.  TIMEOUT in ms: 0 do not wait, -1
        ; forever, omitted: the reader's timeout.  Throws (e.Extra =
        ; "timeout") when no message came in time.
        Read(timeout?, encoding?) {
            enc := IsSet(encoding) ? Mailslot._EncodingCode(encoding) : this._enc
            this._ReadAlloc(IsSet(timeout) ? timeout : -2, &p, &len)
            try return Mailslot._Decode(p, len, enc)
            finally DllCall("mailslot\mailslot_free", "Ptr", p)
        }

        ; What the writers send, as Create was told ("auto" by default).
        Encoding {
            get => StrGet(DllCall("mailslot\mailslot_encoding_name"
                , "Int", this._enc, "Ptr"), "UTF-8")
        }

        ; Like Read (in the reader's encoding), but returns false on a
        ; timeout instead of throwing and puts the text in TEXT.
        TryRead(&text, timeout?) {
            t := IsSet(timeout) ? timeout : -2
            p := 0, len := 0
            rc := DllCall("mailslot\mailslot_read_alloc", "Ptr", this._Handle()
                , "Ptr*", &p, "UPtr*", &len, "Int", t, "Int")
            if (rc = Mailslot._ETIMEOUT)
                return false
            Mailslot._Check(rc, "Mailslot.Reader.TryRead")
            try text := Mailslot._Decode(p, len, this._enc)
            finally DllCall("mailslot\mailslot_free", "Ptr", p)
            return true
        }

        ; The next message as a Buffer of its exact size (an empty message
        ; is a Buffer of size 0, not a timeout).
        ReadBytes(timeout?) {
            this._ReadAlloc(IsSet(timeout) ? timeout : -2, &p, &len)
            buf := Buffer(len)
            if (len > 0)
                DllCall("RtlMoveMemory", "Ptr", buf, "Ptr", p, "UPtr", len)
            DllCall("mailslot\mailslot_free", "Ptr", p)
            return buf
        }

        ; {MaxSize, NextSize (-1: none), Count, Timeout}
        Info() {
            info := Buffer(DllCall("mailslot\mailslot_info_size", "UPtr"), 0)
            NumPut("UPtr", info.Size, info, 0)
            rc := DllCall("mailslot\mailslot_get_info", "Ptr", this._Handle()
                , "Ptr", info, "Int")
            Mailslot._Check(rc, "Mailslot.Reader.Info")
            return { MaxSize: NumGet(info
                    , Mailslot._Offset("info.max_message_size"), "UInt")
                , NextSize: NumGet(info, Mailslot._Offset("info.next_size"), "Int64")
                , Count: NumGet(info, Mailslot._Offset("info.count"), "UInt")
                , Timeout: NumGet(info
                    , Mailslot._Offset("info.read_timeout_ms"), "Int") }
        }

        ; Number of queued messages.
        Count {
            get {
                n := DllCall("mailslot\mailslot_count", "Ptr", this._Handle()
                    , "Int64")
                return Mailslot._Check(n, "Mailslot.Reader.Count")
            }
        }

        ; The default read timeout in ms (0 do not wait, -1 forever).
        Timeout {
            get => this.Info().Timeout
            set {
                rc := DllCall("mailslot\mailslot_set_timeout"
                    , "Ptr", this._Handle(), "Int", value, "Int")
                Mailslot._Check(rc, "Mailslot.Reader.Timeout")
            }
        }

        ; Call CALLBACK(reader, text) for every message as it arrives, with
        ; no polling: the library posts a window message to this script
        ; (A_ScriptHwnd), which AutoHotkey's OnMessage dispatches.  Pass 0
        ; to stop.  Keep a reference to the reader while it listens.
        OnMessage(callback) {
            h := this._Handle()
            Mailslot._StartNotify()
            if !callback {
                rc := DllCall("mailslot\mailslot_notify_window", "Ptr", h
                    , "Ptr", 0, "UInt", 0, "Int")
                Mailslot._Forget(h)
                this._callback := 0
                return Mailslot._Check(rc, "Mailslot.Reader.OnMessage")
            }
            this._callback := callback
            Mailslot._readers[Mailslot._Key(h)] := ObjPtr(this)
            rc := DllCall("mailslot\mailslot_notify_window", "Ptr", h
                , "Ptr", A_ScriptHwnd, "UInt", Mailslot._notifyMsg, "Int")
            Mailslot._Check(rc, "Mailslot.Reader.OnMessage")
        }

        ; `for text in reader`: the messages queued now, in the reader's
        ; encoding; the loop ends when none is left (it never waits).
        __Enum(numberOfVars) => (&text) => this.TryRead(&text, 0)

        ; Close the slot: unread messages are discarded, the name is freed.
        Close() {
            if !this.Ptr
                return
            Mailslot._Forget(this.Ptr)
            DllCall("mailslot\mailslot_reader_free", "Ptr", this.Ptr)
            this.Ptr := 0
            this._callback := 0
        }

        __Delete() => this.Close()

        _Handle() {
            if !this.Ptr
                throw ValueError("the mailslot reader is closed", -2, "closed")
            return this.Ptr
        }

        _ReadAlloc(timeout, &p, &len) {
            p := 0, len := 0
            rc := DllCall("mailslot\mailslot_read_alloc", "Ptr", this._Handle()
                , "Ptr*", &p, "UPtr*", &len, "Int", timeout, "Int")
            Mailslot._Check(rc, "Mailslot.Reader.Read")
        }
    }

    class Writer {
        __New(ptr) {
            this.Ptr := ptr
        }

        ; Write TEXT as one message: "UTF-8" (default), "UTF-16LE" or
        ; "ANSI" (the active code page); NUL appends a terminator for
        ; readers that expect a C string.  Returns the bytes written.
        Write(text, encoding := "UTF-8", nul := false) {
            buf := Mailslot._Encode(text, encoding, nul)
            return this.WriteBytes(buf)
        }

        ; Write SIZE bytes of BUF (a Buffer or an address) as one message;
        ; returns SIZE.
        WriteBytes(buf, size?) {
            if !IsSet(size)
                size := buf.Size
            rc := DllCall("mailslot\mailslot_write", "Ptr", this._Handle()
                , "Ptr", buf, "UPtr", size, "Int")
            Mailslot._Check(rc, "Mailslot.Writer.Write")
            return size
        }

        Close() {
            if !this.Ptr
                return
            DllCall("mailslot\mailslot_writer_free", "Ptr", this.Ptr)
            this.Ptr := 0
        }

        __Delete() => this.Close()

        _Handle() {
            if !this.Ptr
                throw ValueError("the mailslot writer is closed", -2, "closed")
            return this.Ptr
        }
    }

    ; ------------------------------------------------------------------
    ; Internals
    ; ------------------------------------------------------------------

    static _Load() {
        if this._module
            return
        dir := RegExReplace(A_LineFile, "\\[^\\]*$")
        bits := A_PtrSize * 8
        for path in [dir (A_PtrSize = 8 ? "\x64" : "\x86") "\mailslot.dll"
                , dir "\mailslot" bits ".dll", dir "\mailslot.dll"] {
            if FileExist(path) {
                this._module := DllCall("LoadLibraryW", "Str", path, "Ptr")
                if this._module
                    break
            }
        }
        if !this._module
            throw Error("the " bits "-bit mailslot.dll was not found next to "
                . A_LineFile, -2, "not_found")
        this._ETIMEOUT := this._Code("timeout")
        this._EBUFFER := this._Code("buffer_too_small")
    }

    ; STR as a NUL-terminated UTF-8 Buffer, for the DLL's char* parameters.
    static _Utf8(str) {
        buf := Buffer(StrPut(str, "UTF-8"))
        StrPut(str, buf, "UTF-8")
        return buf
    }

    ; The library's code for the short error NAME (mailslot_errcode), and
    ; the offset of a struct FIELD (mailslot_field_offset): runtime twins,
    ; so no number or layout is written down here.
    static _Code(name) => DllCall("mailslot\mailslot_errcode"
        , "Ptr", this._Utf8(name), "Int")
    static _Offset(field) => this._Check(DllCall("mailslot\mailslot_field_offset"
        , "Ptr", this._Utf8(field), "Int"), "Mailslot field " field)

    ; Throw for a negative library code (TimeoutError, ValueError or
    ; Mailslot.Error); return CODE otherwise.
    static _Check(code, what) {
        if (code >= 0)
            return code
        os := DllCall("mailslot\mailslot_last_os_error", "Int")
        name := StrGet(DllCall("mailslot\mailslot_errname", "Int", code
            , "Ptr"), "UTF-8")
        msg := StrGet(DllCall("mailslot\mailslot_strerror", "Int", code
            , "Ptr"), "UTF-8")
        if (name = "timeout") {
            e := TimeoutError(msg, what, name)
        } else if (name = "invalid_argument" || name = "invalid_name") {
            e := ValueError(msg, what, name)
        } else {
            e := Mailslot.Error(os, what, name)
            e.Message := msg
        }
        e.Code := code
        throw e
    }

    ; The library's number for the encoding NAME (any spelling it takes).
    static _EncodingCode(name) {
        ename := Buffer(StrPut(name, "UTF-8"))
        StrPut(name, ename, "UTF-8")
        enc := DllCall("mailslot\mailslot_encoding_from_name", "Ptr", ename
            , "Int")
        if (enc < 0)
            throw ValueError("unknown encoding '" name "' (use auto, UTF-8, "
                . "UTF-16LE, ANSI or CP1252)", -2, "invalid_argument")
        return enc
    }

    ; TEXT as message bytes in ENCODING, in a Buffer of the exact size.
    static _Encode(text, encoding, nul) {
        enc := this._EncodingCode(encoding)
        flags := nul ? 1 : 0   ; MAILSLOT_TEXT_NUL
        units := StrLen(text)
        need := 0
        rc := DllCall("mailslot\mailslot_encode_w", "WStr", text, "UPtr", units
            , "Int", enc, "Int", flags, "Ptr", 0, "UPtr", 0, "UPtr*", &need
            , "Int")
        if (rc != this._EBUFFER)   ; measured
            this._Check(rc, "Mailslot encode")
        buf := Buffer(need)
        rc := DllCall("mailslot\mailslot_encode_w", "WStr", text, "UPtr", units
            , "Int", enc, "Int", flags, "Ptr", buf, "UPtr", need, "UPtr*", &need
            , "Int")
        this._Check(rc, "Mailslot encode")
        return buf
    }

    ; The LEN message bytes at P as text, decoded in ENC (0: "auto").
    static _Decode(p, len, enc := 0) {
        units := 0
        rc := DllCall("mailslot\mailslot_decode_w", "Ptr", p, "UPtr", len
            , "Int", enc, "Int", 0, "Ptr", 0, "UPtr", 0, "UPtr*", &units, "Int")
        if (rc != this._EBUFFER)   ; measured
            this._Check(rc, "Mailslot decode")
        buf := Buffer(units * 2 + 2)
        rc := DllCall("mailslot\mailslot_decode_w", "Ptr", p, "UPtr", len
            , "Int", enc, "Int", 0, "Ptr", buf, "UPtr", units + 1, "UPtr*", &units
            , "Int")
        this._Check(rc, "Mailslot decode")
        ; StrGet stops at a NUL; a NUL inside the text is text, so keep it.
        text := "", pos := 0
        while (pos < units) {
            part := StrGet(buf.Ptr + 2 * pos, units - pos, "UTF-16")
            text .= part
            pos += StrLen(part)
            if (pos < units)
                text .= Chr(0), pos += 1
        }
        return text
    }

    ; A pointer as a map key: lParam and "Ptr*" may differ in sign on x86.
    static _Key(p) => A_PtrSize = 4 ? p & 0xFFFFFFFF : p

    static _Forget(p) {
        if this._readers.Has(this._Key(p))
            this._readers.Delete(this._Key(p))
    }

    static _StartNotify() {
        if this._notifyMsg
            return
        this._notifyMsg := DllCall("RegisterWindowMessageW"
            , "Str", "mailslot.dll notify", "UInt")
        OnMessage(this._notifyMsg, ObjBindMethod(this, "_Dispatch"))
    }

    ; The library posted "messages queued" for the reader at LPARAM: read
    ; them all (timeout 0) and hand each one to the reader's callback.
    static _Dispatch(wParam, lParam, msg, hwnd) {
        key := this._Key(lParam)
        if !this._readers.Has(key)
            return
        reader := ObjFromPtrAddRef(this._readers[key])
        while (reader.Ptr && reader._callback && reader.TryRead(&text, 0))
            reader._callback.Call(reader, text)
        return 0
    }
}
