/*
 * codec.c -- the core's text codec for Python: encode(), decode(),
 * detect_encoding(), and turning write() arguments into message bytes.
 *
 * Python never re-implements the conversions (its own codecs differ from
 * the core in the details: BOMs, terminators, cp1252's undefined bytes,
 * the auto-detection), so Python agrees byte for byte with C, Lua and
 * AutoHotkey.  Text crosses into C as UTF-8 and comes back as UTF-8.
 */
#include <string.h>

#include "binding.h"

int
ms_encoding_code(const char *name)
{
    int enc = mailslot_encoding_from_name(name);

    if (enc < 0) {
        PyErr_Format(PyExc_LookupError,
            "unknown mailslot encoding: '%s' (use 'auto', 'utf-8', "
            "'utf-16le', 'ansi' or 'cp1252')", name);
        return -1;
    }
    return enc;
}

/* The str index of byte offset OFF in its UTF-8 form UTF8: the number of
 * characters that start before OFF. */
static Py_ssize_t
str_index(const char *utf8, size_t off)
{
    Py_ssize_t index = 0;

    for (size_t i = 0; i < off; i++)
        index += ((unsigned char)utf8[i] & 0xC0) != 0x80;
    return index;
}

/* Raise UnicodeEncodeError for the str TEXT (UTF8: its UTF-8 form, N
 * bytes) that ENC cannot hold; returns NULL. */
static PyObject *
raise_encode_error(PyObject *text, const char *utf8, size_t n, int enc)
{
    size_t start = 0, end = 0;
    PyObject *exc;

    if (mailslot_encode_error(utf8, n, enc, &start, &end) !=
            MAILSLOT_EENCODING)
        start = end = 0;
    exc = PyObject_CallFunction(PyExc_UnicodeEncodeError, "sOnns",
        mailslot_encoding_name(enc), text, str_index(utf8, start),
        str_index(utf8, end), "character not representable in this encoding");
    if (exc != NULL) {
        PyErr_SetObject(PyExc_UnicodeEncodeError, exc);
        Py_DECREF(exc);
    }
    return NULL;
}

PyObject *
ms_bytes_like(PyObject *obj, const char *what, const char *expected)
{
    PyObject *view, *copy;

    if (PyBytes_Check(obj)) {
        Py_INCREF(obj);
        return obj;
    }
    /* A memoryview accepts exactly the bytes-like objects (not str, not
     * int, not lists); copying through it keeps the data stable while
     * the GIL is released. */
    view = PyUnicode_Check(obj) ? NULL : PyMemoryView_FromObject(obj);
    if (view == NULL) {
        PyErr_Clear();
        return ms_type_error(what, expected, obj);
    }
    copy = PyBytes_FromObject(view);
    Py_DECREF(view);
    return copy;
}

/* Encode the str TEXT with the core; a new bytes object or NULL. */
static PyObject *
encode_text(PyObject *module, PyObject *text, const char *encoding,
    int flags)
{
    PyObject *utf8, *out = NULL;
    char *p;
    Py_ssize_t n;
    size_t need = 0;
    int enc, rc;

    enc = ms_encoding_code(encoding);
    if (enc < 0)
        return NULL;
    /* Lone surrogates go through as the core's UTF-8 input would carry
     * them (ED A0 80 ...), so the core refuses them as it does in C. */
    utf8 = PyUnicode_AsEncodedString(text, "utf-8", "surrogatepass");
    if (utf8 == NULL || PyBytes_AsStringAndSize(utf8, &p, &n) < 0)
        goto done;
    rc = mailslot_encode(p, (size_t)n, enc, flags, NULL, 0, &need);
    if (rc == MAILSLOT_EENCODING) {
        raise_encode_error(text, p, (size_t)n, enc);
        goto done;
    }
    if (rc != 0 && rc != MAILSLOT_EBUFFER) {
        ms_raise_os(module, rc, 0, NULL);
        goto done;
    }
    out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)need);
    if (out == NULL)
        goto done;
    rc = mailslot_encode(p, (size_t)n, enc, flags, PyBytes_AsString(out),
        need, &need);
    if (rc != 0) {
        Py_CLEAR(out);
        ms_raise_os(module, rc, 0, NULL);
    }
done:
    Py_XDECREF(utf8);
    return out;
}

PyObject *
ms_message_bytes(PyObject *module, PyObject *data, const char *encoding,
    int nul)
{
    if (PyUnicode_Check(data))
        return encode_text(module, data, encoding,
            nul ? MAILSLOT_TEXT_NUL : 0);
    return ms_bytes_like(data, "message", "a bytes-like object or str");
}

const char ms_encode_doc[] =
    "encode($module, /, text, encoding='utf-8', nul=False)\n--\n\n"
    "Encode TEXT (a str) into message bytes, exactly as the C library\n"
    "does.\n\n"
    "ENCODING is 'utf-8' (the default), 'utf-16le' (what Windows \"W\"\n"
    "programs and Unicode AutoHotkey expect) or 'ansi' (windows-1252 on\n"
    "POSIX).  No BOM is written.  With NUL true a terminator is appended\n"
    "(two bytes for UTF-16LE) for readers that expect a C string.\n\n"
    "Raises UnicodeEncodeError when TEXT has a lone surrogate or a\n"
    "character with no ANSI form, mailslot.InvalidArgumentError (a\n"
    "ValueError) for ENCODING 'auto', and LookupError for an unknown\n"
    "encoding name.";

PyObject *
ms_encode(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = { "text", "encoding", "nul", NULL };
    PyObject *text;
    const char *encoding = "utf-8";
    int nul = 0;

    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|sp", kwlist, &text,
            &encoding, &nul))
        return NULL;
    if (!PyUnicode_Check(text))
        return ms_type_error("text", "str", text);
    return encode_text(module, text, encoding, nul ? MAILSLOT_TEXT_NUL : 0);
}

/* The MAILSLOT_TEXT_STRICT flag for ERRORS, or -1 with LookupError. */
static int
errors_flags(const char *errors)
{
    if (strcmp(errors, "replace") == 0)
        return 0;
    if (strcmp(errors, "strict") == 0)
        return MAILSLOT_TEXT_STRICT;
    PyErr_Format(PyExc_LookupError,
        "unsupported error handler for mailslot text: '%s' (use "
        "'replace' or 'strict')", errors);
    return -1;
}

/* Raise UnicodeDecodeError for the bytes object DATA that strict
 * decoding with ENC refused; returns NULL. */
static PyObject *
raise_decode_error(PyObject *data, int enc)
{
    size_t start = 0, end = 0;
    int used = enc;
    char reason[48];
    PyObject *exc;

    if (mailslot_decode_error(PyBytes_AsString(data),
            (size_t)PyBytes_Size(data), enc, &start, &end, &used) !=
            MAILSLOT_EENCODING)
        start = end = 0;
    snprintf(reason, sizeof reason, "invalid %s data",
        mailslot_encoding_name(used));
    exc = PyObject_CallFunction(PyExc_UnicodeDecodeError, "sOnns",
        mailslot_encoding_name(used), data, (Py_ssize_t)start, (Py_ssize_t)end,
        reason);
    if (exc != NULL) {
        PyErr_SetObject(PyExc_UnicodeDecodeError, exc);
        Py_DECREF(exc);
    }
    return NULL;
}

/* Decode the bytes object DATA with the core into a str, or NULL. */
static PyObject *
decode_bytes(PyObject *module, PyObject *data, int enc, int flags)
{
    const char *p = PyBytes_AsString(data);
    size_t len = (size_t)PyBytes_Size(data);
    PyObject *text = NULL;
    size_t need = 0;
    char *buf;
    int rc;

    rc = mailslot_decode(p, len, enc, flags, NULL, 0, &need);
    if (rc == MAILSLOT_EENCODING)
        return raise_decode_error(data, enc);
    if (rc != 0 && rc != MAILSLOT_EBUFFER)
        return ms_raise_os(module, rc, 0, NULL);
    buf = PyMem_Malloc(need + 1);
    if (buf == NULL)
        return PyErr_NoMemory();
    rc = mailslot_decode(p, len, enc, flags, buf, need + 1, &need);
    if (rc != 0)
        ms_raise_os(module, rc, 0, NULL);
    else
        text = PyUnicode_DecodeUTF8(buf, (Py_ssize_t)need, "strict");
    PyMem_Free(buf);
    return text;
}

const char ms_decode_doc[] =
    "decode($module, /, data, encoding='auto', errors='replace')\n--\n\n"
    "Decode message bytes (any bytes-like object) into a str, exactly as\n"
    "the C library does.\n\n"
    "ENCODING 'auto' (the default) picks UTF-16LE when there is a UTF-16\n"
    "BOM or the bytes look like UTF-16LE text, else UTF-8 when the bytes\n"
    "are valid UTF-8 (a UTF-8 BOM is dropped), else ANSI (windows-1252\n"
    "on POSIX).  'utf-8', 'utf-16le' and 'ansi' force an encoding.\n"
    "Trailing NUL terminators are dropped; NULs inside the text stay.\n\n"
    "ERRORS 'replace' (the default) turns invalid input into U+FFFD;\n"
    "'strict' raises UnicodeDecodeError instead (its .object is DATA,\n"
    ".start and .end point at the first invalid bytes).  Other handlers\n"
    "and unknown encodings raise LookupError.";

PyObject *
ms_decode(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = { "data", "encoding", "errors", NULL };
    PyObject *data, *b, *text;
    const char *encoding = "auto", *errors = "replace";
    int enc, flags;

    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|ss", kwlist, &data,
            &encoding, &errors))
        return NULL;
    enc = ms_encoding_code(encoding);
    flags = enc < 0 ? -1 : errors_flags(errors);
    if (flags < 0)
        return NULL;
    b = ms_bytes_like(data, "data", "a bytes-like object");
    if (b == NULL)
        return NULL;
    text = decode_bytes(module, b, enc, flags);
    Py_DECREF(b);
    return text;
}

const char ms_detect_encoding_doc[] =
    "detect_encoding($module, data, /)\n--\n\n"
    "The encoding decode(DATA) picks with 'auto': 'utf-8', 'utf-16le' or\n"
    "'ansi'; the same choice as the C library, Lua and AutoHotkey make.";

PyObject *
ms_detect_encoding(PyObject *module, PyObject *data)
{
    PyObject *b;
    char *p;
    Py_ssize_t n;
    int enc;

    b = ms_bytes_like(data, "data", "a bytes-like object");
    if (b == NULL || PyBytes_AsStringAndSize(b, &p, &n) < 0) {
        Py_XDECREF(b);
        return NULL;
    }
    enc = mailslot_detect_encoding(p, (size_t)n);
    Py_DECREF(b);
    if (enc < 0)
        return ms_raise_os(module, enc, 0, NULL);
    return PyUnicode_FromString(mailslot_encoding_name(enc));
}
