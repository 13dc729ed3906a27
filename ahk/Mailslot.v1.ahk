; Mailslot.v1.ahk -- Windows mailslots for AutoHotkey v1.1, through
; mailslot.dll.  The same API as Mailslot.ahk (v2), in v1 syntax:
;
;   #Include Mailslot.v1.ahk
;   inbox := Mailslot.Create("my-app\inbox")
;   inbox.OnMessage(Func("Show"))          ; Show(reader, text), no polling
;   Mailslot.Send("my-app\inbox", "héllo")
;
; Correct on Unicode and ANSI builds alike: names go to the DLL's _w
; functions as "WStr" and text is converted to UTF-16 with StrPut first,
; never passed as "Str" (whose width depends on the build) or "AStr".
; Reading returns the text in the script's own string format (an ANSI
; build loses characters its code page does not have, as always).
; Failures throw an exception: e.Message is the library's message,
; e.Extra its short name ("timeout", "invalid_name", "not_found", ...),
; e.Code the library's code, e.Number the Windows error (0 if none).
; Write and Send return the bytes written; `for i, text in reader` goes
; through the messages queued now.  ReadBytes fills a variable (VarSetCapacity style) and
; returns the size, since v1 has no Buffer object.
;
; mailslot.dll is looked for next to this file: x64\mailslot.dll or
; x86\mailslot.dll (by A_PtrSize), then mailslot64.dll / mailslot32.dll,
; then mailslot.dll.

class Mailslot {
    static _module := 0
    static _ETIMEOUT := 0, _EBUFFER := 0   ; set by _Load, from the DLL
    static _readers := {}
    static _notifyMsg := 0

    ; ENCODING: what the writers send, for Read, TryRead and OnMessage:
    ; "auto" (recognise UTF-8, UTF-16LE and ANSI), "UTF-8", "UTF-16LE",
    ; "ANSI" or "CP1252"; a named encoding is never second-guessed.
    Create(name, maxSize := 0, timeout := 0, encoding := "auto") {
        Mailslot._Load()
        enc := Mailslot._EncodingCode(encoding)
        VarSetCapacity(opts, DllCall("mailslot\mailslot_options_size", "UPtr"), 0)
        DllCall("mailslot\mailslot_options_init", "Ptr", &opts)
        NumPut(maxSize, opts, Mailslot._Offset("options.max_message_size"), "UInt")
        NumPut(timeout, opts, Mailslot._Offset("options.read_timeout_ms"), "Int")
        r := 0
        rc := DllCall("mailslot\mailslot_create_w", "WStr", name, "Ptr", &opts
            , "Ptr*", r, "Int")
        Mailslot._Check(rc, "Mailslot.Create")
        return new Mailslot.Reader(r, enc)
    }

    Open(name) {
        Mailslot._Load()
        w := 0
        rc := DllCall("mailslot\mailslot_open_w", "WStr", name, "Ptr", 0
            , "Ptr*", w, "Int")
        Mailslot._Check(rc, "Mailslot.Open")
        return new Mailslot.Writer(w)
    }

    Send(name, text, encoding := "UTF-8", nul := false) {
        Mailslot._Load()
        size := Mailslot._Encode(text, encoding, nul, buf)
        rc := DllCall("mailslot\mailslot_send_w", "WStr", name, "Ptr", &buf
            , "UPtr", size, "Int")
        Mailslot._Check(rc, "Mailslot.Send")
        return size
    }

    Version() {
        Mailslot._Load()
        return StrGet(DllCall("mailslot\mailslot_version", "Ptr"), "UTF-8")
    }

    class Reader {
        __New(ptr, enc := 0) {
            this.Ptr := ptr
            this._enc := enc
            this._callback := 0
            this.Name := StrGet(DllCall("mailslot\mailslot_reader_name"
                , "Ptr", ptr, "Ptr"), "UTF-8")
        }

        ; The next message as text, in the reader's encoding (see Create)
        ; or in ENCODING; TIMEOUT in ms (0 no wait, -1 forever, -2 the
        ; reader's).  Throws (e.Extra = "timeout") if none came.
        Read(timeout := -2, encoding := "") {
            enc := encoding = "" ? this._enc : Mailslot._EncodingCode(encoding)
            this._ReadAlloc(timeout, p, len)
            text := Mailslot._Decode(p, len, enc)
            DllCall("mailslot\mailslot_free", "Ptr", p)
            return text
        }

        ; What the writers send, as Create was told ("auto" by default).
        Encoding[] {
            get {
                return StrGet(DllCall("mailslot\mailslot_encoding_name"
                    , "Int", this._enc, "Ptr"), "UTF-8")
            }
        }

        ; Like Read (in the reader's encoding), but returns false on a
        ; timeout and puts the text in TEXT.
        TryRead(ByRef text, timeout := -2) {
            p := 0, len := 0
            rc := DllCall("mailslot\mailslot_read_alloc", "Ptr", this._Handle()
                , "Ptr*", p, "UPtr*", len, "Int", timeout, "Int")
            if (rc = Mailslot._ETIMEOUT)
                return false
            Mailslot._Check(rc, "Mailslot.Reader.TryRead")
            text := Mailslot._Decode(p, len, this._enc)
            DllCall("mailslot\mailslot_free", "Ptr", p)
            return true
        }

        ; The next message's bytes into DATA; returns its size (0 for an
        ; empty message).
        ReadBytes(ByRef data, timeout := -2) {
            this._ReadAlloc(timeout, p, len)
            VarSetCapacity(data, len > 0 ? len : 1, 0)
            if (len > 0)
                DllCall("RtlMoveMemory", "Ptr", &data, "Ptr", p, "UPtr", len)
            DllCall("mailslot\mailslot_free", "Ptr", p)
            return len
        }

        Info() {
            size := DllCall("mailslot\mailslot_info_size", "UPtr")
            VarSetCapacity(info, size, 0)
            NumPut(size, info, 0, "UPtr")
            rc := DllCall("mailslot\mailslot_get_info", "Ptr", this._Handle()
                , "Ptr", &info, "Int")
            Mailslot._Check(rc, "Mailslot.Reader.Info")
            return { MaxSize: NumGet(info, Mailslot._Offset("info.max_message_size"), "UInt")
                , NextSize: NumGet(info, Mailslot._Offset("info.next_size"), "Int64")
                , Count: NumGet(info, Mailslot._Offset("info.count"), "UInt")
                , Timeout: NumGet(info, Mailslot._Offset("info.read_timeout_ms"), "Int") }
        }

        Count[] {
            get {
                n := DllCall("mailslot\mailslot_count", "Ptr", this._Handle()
                    , "Int64")
                return Mailslot._Check(n, "Mailslot.Reader.Count")
            }
        }

        Timeout[] {
            get {
                return this.Info().Timeout
            }
            set {
                rc := DllCall("mailslot\mailslot_set_timeout"
                    , "Ptr", this._Handle(), "Int", value, "Int")
                Mailslot._Check(rc, "Mailslot.Reader.Timeout")
                return value
            }
        }

        ; CALLBACK(reader, text) for every message as it arrives (a function
        ; object, e.g. Func("Show")); 0 stops.  No polling: the library posts
        ; a window message to A_ScriptHwnd.
        OnMessage(callback) {
            h := this._Handle()
            Mailslot._StartNotify()
            if (!callback) {
                rc := DllCall("mailslot\mailslot_notify_window", "Ptr", h
                    , "Ptr", 0, "UInt", 0, "Int")
                Mailslot._readers.Delete(Mailslot._Key(h))
                this._callback := 0
                return Mailslot._Check(rc, "Mailslot.Reader.OnMessage")
            }
            this._callback := callback
            ; The address, not the object: the reader can still be freed.
            Mailslot._readers[Mailslot._Key(h)] := &this
            rc := DllCall("mailslot\mailslot_notify_window", "Ptr", h
                , "Ptr", A_ScriptHwnd, "UInt", Mailslot._notifyMsg, "Int")
            Mailslot._Check(rc, "Mailslot.Reader.OnMessage")
        }

        ; `for i, text in reader`: the messages queued now, in the reader's
        ; encoding; the loop ends when none is left (it never waits).
        _NewEnum() {
            return new Mailslot.Reader.Queued(this)
        }

        class Queued {
            __New(reader) {
                this.reader := reader
                this.n := 0
            }

            Next(ByRef i, ByRef text := "") {
                if !this.reader.TryRead(text, 0)
                    return false
                this.n += 1
                i := this.n
                return true
            }
        }

        Close() {
            if (!this.Ptr)
                return
            Mailslot._readers.Delete(Mailslot._Key(this.Ptr))
            DllCall("mailslot\mailslot_reader_free", "Ptr", this.Ptr)
            this.Ptr := 0
            this._callback := 0
        }

        __Delete() {
            this.Close()
        }

        _Handle() {
            if (!this.Ptr)
                throw Exception("the mailslot reader is closed", -2, "closed")
            return this.Ptr
        }

        _ReadAlloc(timeout, ByRef p, ByRef len) {
            p := 0, len := 0
            rc := DllCall("mailslot\mailslot_read_alloc", "Ptr", this._Handle()
                , "Ptr*", p, "UPtr*", len, "Int", timeout, "Int")
            Mailslot._Check(rc, "Mailslot.Reader.Read")
        }
    }

    class Writer {
        __New(ptr) {
            this.Ptr := ptr
        }

        ; Returns the bytes written.
        Write(text, encoding := "UTF-8", nul := false) {
            size := Mailslot._Encode(text, encoding, nul, buf)
            return this.WriteBytes(&buf, size)
        }

        ; Write SIZE bytes at the address ADDR as one message; returns SIZE.
        WriteBytes(addr, size) {
            rc := DllCall("mailslot\mailslot_write", "Ptr", this._Handle()
                , "Ptr", addr, "UPtr", size, "Int")
            Mailslot._Check(rc, "Mailslot.Writer.Write")
            return size
        }

        Close() {
            if (!this.Ptr)
                return
            DllCall("mailslot\mailslot_writer_free", "Ptr", this.Ptr)
            this.Ptr := 0
        }

        __Delete() {
            this.Close()
        }

        _Handle() {
            if (!this.Ptr)
                throw Exception("the mailslot writer is closed", -2, "closed")
            return this.Ptr
        }
    }

    ; ------------------------------------------------------------------
    ; Internals
    ; ------------------------------------------------------------------

    _Load() {
        if (Mailslot._module)
            return
        SplitPath, A_LineFile, , dir
        bits := A_PtrSize * 8
        paths := [dir (A_PtrSize = 8 ? "\x64" : "\x86") "\mailslot.dll"
            , dir "\mailslot" bits ".dll", dir "\mailslot.dll"]
        for i, path in paths {
            if FileExist(path) {
                Mailslot._module := DllCall("LoadLibraryW", "WStr", path, "Ptr")
                if (Mailslot._module)
                    break
            }
        }
        if (!Mailslot._module)
            throw Exception("the " bits "-bit mailslot.dll was not found next to "
                . A_LineFile, -2, "not_found")
        Mailslot._ETIMEOUT := Mailslot._Code("timeout")
        Mailslot._EBUFFER := Mailslot._Code("buffer_too_small")
    }

    ; The library's code for the short error NAME, and the offset of a
    ; struct FIELD: runtime twins, so no number or layout is written here.
    _Code(name) {
        VarSetCapacity(buf, StrPut(name, "UTF-8"), 0)
        StrPut(name, &buf, "UTF-8")
        return DllCall("mailslot\mailslot_errcode", "Ptr", &buf, "Int")
    }

    _Offset(field) {
        VarSetCapacity(buf, StrPut(field, "UTF-8"), 0)
        StrPut(field, &buf, "UTF-8")
        return Mailslot._Check(DllCall("mailslot\mailslot_field_offset"
            , "Ptr", &buf, "Int"), "Mailslot field " field)
    }

    _Check(code, what) {
        if (code >= 0)
            return code
        os := DllCall("mailslot\mailslot_last_os_error", "Int")
        name := StrGet(DllCall("mailslot\mailslot_errname", "Int", code
            , "Ptr"), "UTF-8")
        msg := StrGet(DllCall("mailslot\mailslot_strerror", "Int", code
            , "Ptr"), "UTF-8")
        e := Exception(msg, what, name)
        e.Code := code
        e.Number := os
        throw e
    }

    ; The library's number for the encoding NAME (any spelling it takes).
    _EncodingCode(name) {
        VarSetCapacity(ename, StrPut(name, "UTF-8"), 0)
        StrPut(name, &ename, "UTF-8")
        enc := DllCall("mailslot\mailslot_encoding_from_name", "Ptr", &ename
            , "Int")
        return Mailslot._Check(enc, "Mailslot encoding '" name "'")
    }

    ; TEXT as message bytes in ENCODING, into BUF; returns the size.
    _Encode(text, encoding, nul, ByRef buf) {
        enc := Mailslot._EncodingCode(encoding)
        ; UTF-16 first, whatever the build's own string format is.
        VarSetCapacity(wide, StrPut(text, "UTF-16") * 2, 0)
        units := StrPut(text, &wide, "UTF-16") - 1
        flags := nul ? 1 : 0
        need := 0
        rc := DllCall("mailslot\mailslot_encode_w", "Ptr", &wide, "UPtr", units
            , "Int", enc, "Int", flags, "Ptr", 0, "UPtr", 0, "UPtr*", need
            , "Int")
        if (rc != Mailslot._EBUFFER)   ; measured
            Mailslot._Check(rc, "Mailslot encode")
        VarSetCapacity(buf, need > 0 ? need : 1, 0)
        rc := DllCall("mailslot\mailslot_encode_w", "Ptr", &wide, "UPtr", units
            , "Int", enc, "Int", flags, "Ptr", &buf, "UPtr", need, "UPtr*", need
            , "Int")
        Mailslot._Check(rc, "Mailslot encode")
        return need
    }

    ; The LEN message bytes at P as text, decoded in ENC (0: "auto").
    _Decode(p, len, enc := 0) {
        units := 0
        rc := DllCall("mailslot\mailslot_decode_w", "Ptr", p, "UPtr", len
            , "Int", enc, "Int", 0, "Ptr", 0, "UPtr", 0, "UPtr*", units, "Int")
        if (rc != Mailslot._EBUFFER)   ; measured
            Mailslot._Check(rc, "Mailslot decode")
        VarSetCapacity(wide, units * 2 + 2, 0)
        rc := DllCall("mailslot\mailslot_decode_w", "Ptr", p, "UPtr", len
            , "Int", enc, "Int", 0, "Ptr", &wide, "UPtr", units + 1, "UPtr*", units
            , "Int")
        Mailslot._Check(rc, "Mailslot decode")
        return StrGet(&wide, units, "UTF-16")
    }

    _Key(p) {
        return A_PtrSize = 4 ? p & 0xFFFFFFFF : p
    }

    _StartNotify() {
        if (Mailslot._notifyMsg)
            return
        Mailslot._notifyMsg := DllCall("RegisterWindowMessageW"
            , "WStr", "mailslot.dll notify", "UInt")
        OnMessage(Mailslot._notifyMsg, ObjBindMethod(Mailslot, "_Dispatch"))
    }

    _Dispatch(wParam, lParam, msg, hwnd) {
        key := Mailslot._Key(lParam)
        if (!Mailslot._readers.HasKey(key))
            return
        reader := Object(Mailslot._readers[key])
        while (reader.Ptr && reader._callback && reader.TryRead(text, 0))
            reader._callback.Call(reader, text)
        return 0
    }
}
