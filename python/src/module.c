/*
 * module.c -- the _mailslot module: its state, error raising, argument
 * conversions shared by the types, and the module-level functions.
 *
 * The public package is mailslot/__init__.py; this module is its private
 * engine.  The package builds the exception classes from the core's error
 * list and hands this module a factory for them (_set_error_factory), so
 * the classes live in one place and the C code raises them by code.
 */
#include <math.h>
#include <string.h>

#include "binding.h"

module_state *
ms_state(PyObject *module)
{
    return (module_state *)PyModule_GetState(module);
}

/* ---------------------------------------------------------------------- */
/* Errors                                                                 */
/* ---------------------------------------------------------------------- */

PyObject *
ms_raise(PyObject *module, int code, PyObject *name)
{
    /* Read the OS error first: it is per thread and any call may reset it. */
    return ms_raise_os(module, code, mailslot_last_os_error(), name);
}

PyObject *
ms_raise_os(PyObject *module, int code, int os_error, PyObject *name)
{
    module_state *st = ms_state(module);
    PyObject *exc;

    /* The core reports use after close as "closed"; Python's I/O objects
     * raise ValueError for that, and so does this package. */
    if (code == MAILSLOT_ECLOSED)
        return ms_raise_closed("mailslot object");
    if (st->error_factory == NULL) {
        /* Only reachable when _mailslot is imported without the package. */
        PyErr_Format(PyExc_OSError, "%s (%s)", mailslot_strerror(code),
            mailslot_errname(code));
        return NULL;
    }
    exc = PyObject_CallFunction(st->error_factory, "iiO", code, os_error,
        name != NULL ? name : Py_None);
    if (exc == NULL)
        return NULL;
    PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
    Py_DECREF(exc);
    return NULL;
}

PyObject *
ms_raise_closed(const char *what)
{
    PyErr_Format(PyExc_ValueError, "I/O operation on closed %s", what);
    return NULL;
}

PyObject *
ms_type_error(const char *what, const char *expected, PyObject *obj)
{
    PyObject *tname;

    tname = PyObject_GetAttrString((PyObject *)Py_TYPE(obj), "__name__");
    if (tname == NULL)
        return NULL;
    PyErr_Format(PyExc_TypeError, "%s must be %s, not %U", what, expected,
        tname);
    Py_DECREF(tname);
    return NULL;
}

/* ---------------------------------------------------------------------- */
/* Conversions                                                            */
/* ---------------------------------------------------------------------- */

int
ms_timeout_setting(PyObject *value, int closed, const char *what,
    int32_t *ms)
{
    if (value == NULL) {
        PyErr_SetString(PyExc_AttributeError, "cannot delete the timeout");
        return -1;
    }
    if (ms_timeout_from_py(value, ms) < 0)
        return -1;
    if (closed) {
        ms_raise_closed(what);
        return -1;
    }
    return 0;
}

int
ms_timeout_from_py(PyObject *obj, int32_t *ms)
{
    double s, m;

    if (obj == Py_None) {
        *ms = MAILSLOT_TIMEOUT_FOREVER;
        return 0;
    }
    if (!PyFloat_Check(obj) && !PyLong_Check(obj)) {
        ms_type_error("timeout", "a number of seconds or None", obj);
        return -1;
    }
    s = PyFloat_AsDouble(obj);
    if (s == -1.0 && PyErr_Occurred())
        return -1;
    if (isnan(s) || s < 0) {
        PyErr_SetString(PyExc_ValueError,
            "timeout must be a non-negative number of seconds or None");
        return -1;
    }
    /* Round up, as the socket module does: 0.0001 s waits, it never polls. */
    m = ceil(s * 1000.0);
    if (m > (double)INT32_MAX) {
        PyErr_SetString(PyExc_OverflowError,
            "timeout too large (the limit is 2147483.647 seconds)");
        return -1;
    }
    *ms = (int32_t)m;
    return 0;
}

PyObject *
ms_timeout_to_py(int32_t ms)
{
    if (ms < 0)
        Py_RETURN_NONE;
    return PyFloat_FromDouble(ms / 1000.0);
}

int
ms_monotonic(PyObject *module, double *now)
{
    PyObject *t = PyObject_CallObject(ms_state(module)->monotonic, NULL);

    if (t == NULL)
        return -1;
    *now = PyFloat_AsDouble(t);
    Py_DECREF(t);
    return *now == -1.0 && PyErr_Occurred() ? -1 : 0;
}

PyObject *
ms_name_bytes(PyObject *module, PyObject *name)
{
    PyObject *b;
    char *p;
    Py_ssize_t n;

    if (!PyUnicode_Check(name))
        return ms_type_error("mailslot name", "str", name);
    /* Lone surrogates pass through so that the core refuses them, with
     * the same error as in C: invalid_name. */
    b = PyUnicode_AsEncodedString(name, "utf-8", "surrogatepass");
    if (b == NULL || PyBytes_AsStringAndSize(b, &p, &n) < 0) {
        Py_XDECREF(b);
        return NULL;
    }
    if (memchr(p, 0, (size_t)n) != NULL) {
        Py_DECREF(b);
        return ms_raise_os(module, MAILSLOT_ENAME, 0, name);
    }
    return b;
}

/* ---------------------------------------------------------------------- */
/* Module functions                                                       */
/* ---------------------------------------------------------------------- */

/* Check that CLS is a subclass of the type in SLOT. */
static int
check_class(PyObject *cls, PyObject *base)
{
    int ok;

    if (!PyType_Check(cls)) {
        ms_type_error("cls", "a type", cls);
        return -1;
    }
    ok = PyObject_IsSubclass(cls, base);
    if (ok == 0)
        PyErr_SetString(PyExc_TypeError, "cls has the wrong base class");
    return ok == 1 ? 0 : -1;
}

static int
max_size_from_py(PyObject *obj, uint32_t *out)
{
    PyObject *index = PyNumber_Index(obj);
    unsigned long long v;

    if (index == NULL)
        return -1;
    v = PyLong_AsUnsignedLongLong(index);
    Py_DECREF(index);
    if (v == (unsigned long long)-1 && PyErr_Occurred()) {
        if (!PyErr_ExceptionMatches(PyExc_OverflowError))
            return -1;
        PyErr_Clear();
        v = (unsigned long long)UINT32_MAX + 1;
    }
    if (v > UINT32_MAX) {
        PyErr_SetString(PyExc_ValueError,
            "max_size must be between 0 (any size) and 4294967295");
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

/*
 * A queue limit of create(): None (0: the core's default) or an int from
 * 1 to MAX.  The error names the option WHAT.
 */
static int
queue_limit_from_py(const char *what, const char *unit, PyObject *obj,
    unsigned long long max, unsigned long long *out)
{
    PyObject *index;
    unsigned long long v;

    *out = 0;
    if (obj == Py_None)
        return 0;
    index = PyBool_Check(obj) ? NULL : PyNumber_Index(obj);
    if (index == NULL) {
        PyErr_Clear();
        ms_type_error(what, "an int or None", obj);
        return -1;
    }
    v = PyLong_AsUnsignedLongLong(index);
    if (v == (unsigned long long)-1 && PyErr_Occurred()) {
        PyErr_Clear();
        v = 0; /* negative or too large: refused below */
    } else if (v > max) {
        v = 0;
    }
    Py_DECREF(index);
    if (v == 0) {
        PyErr_Format(PyExc_ValueError, "%s must be a number of %s from 1 "
            "to %llu, or None (the default)", what, unit, max);
        return -1;
    }
    *out = v;
    return 0;
}

/* The reader's "access" keyword: None, "user", "all" or "group:NAME".
 * *KEEP holds the UTF-8 bytes *ACCESS points into, for the caller to
 * release. */
static int
access_from_py(PyObject *obj, PyObject **keep, const char **access)
{
    const char *s;
    Py_ssize_t n;

    *access = NULL;
    *keep = NULL;
    if (obj == Py_None)
        return 0;
    if (!PyUnicode_Check(obj)) {
        PyErr_SetString(PyExc_TypeError,
            "access must be a str: \"user\", \"all\" or \"group:NAME\"");
        return -1;
    }
    *keep = PyUnicode_AsUTF8String(obj);
    if (*keep == NULL)
        return -1;
    s = PyBytes_AsString(*keep);
    n = PyBytes_Size(*keep);
    if (strcmp(s, "user") != 0 && strcmp(s, "all") != 0 &&
        (strncmp(s, "group:", 6) != 0 || n == 6 || (size_t)n != strlen(s))) {
        PyErr_Format(PyExc_ValueError,
            "access must be \"user\", \"all\" or \"group:NAME\", not %R",
            obj);
        Py_CLEAR(*keep);
        return -1;
    }
    *access = s;
    return 0;
}

static PyObject *
mod_create(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = { "cls", "name", "max_size", "timeout",
        "encoding", "queue_limit_msgs", "queue_limit_bytes", "access",
        NULL };
    PyObject *cls, *name, *max_obj = NULL, *timeout = Py_None;
    PyObject *count_obj = Py_None, *bytes_obj = Py_None;
    PyObject *access_obj = Py_None, *access_keep = NULL, *reader;
    mailslot_options opts = MAILSLOT_OPTIONS_INIT;
    const char *encoding = "auto";
    unsigned long long count, bytes;

    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO|OOs$OOO", kwlist,
            &cls, &name, &max_obj, &timeout, &encoding, &count_obj,
            &bytes_obj, &access_obj))
        return NULL;
    if (check_class(cls, ms_state(module)->reader_type) < 0 ||
        (max_obj != NULL &&
            max_size_from_py(max_obj, &opts.max_message_size) < 0) ||
        ms_timeout_from_py(timeout, &opts.read_timeout_ms) < 0 ||
        (opts.encoding = ms_encoding_code(encoding)) < 0 ||
        queue_limit_from_py("queue_limit_msgs", "messages", count_obj,
            UINT32_MAX, &count) < 0 ||
        queue_limit_from_py("queue_limit_bytes", "bytes", bytes_obj,
            UINT64_MAX, &bytes) < 0 ||
        access_from_py(access_obj, &access_keep, &opts.access) < 0)
        return NULL;
    opts.queue_limit_msgs = (uint32_t)count;
    opts.queue_limit_bytes = (uint64_t)bytes;
    reader = ms_reader_new(module, (PyTypeObject *)cls, name, &opts);
    Py_XDECREF(access_keep);
    return reader;
}

/* The writer options' keywords, after those of open() or send(). */
#define WRITER_KEYWORDS "timeout", "netbios_name", "workgroup", "broadcast", \
    "port"

static PyObject *
mod_open(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = { "cls", "name", WRITER_KEYWORDS, NULL };
    PyObject *cls, *name, *timeout = NULL, *netbios = Py_None;
    PyObject *workgroup = Py_None, *broadcast = Py_None, *port = Py_None;
    PyObject *writer;
    writer_opts wo;

    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO|$OOOOO", kwlist, &cls,
            &name, &timeout, &netbios, &workgroup, &broadcast, &port))
        return NULL;
    if (check_class(cls, ms_state(module)->writer_type) < 0 ||
        ms_writer_opts_parse(&wo, timeout, netbios, workgroup, broadcast,
            port) < 0)
        return NULL;
    writer = ms_writer_new(module, (PyTypeObject *)cls, name, &wo.o);
    ms_writer_opts_clear(&wo);
    return writer;
}

/* Open NAME_B with OPTS, write DATA (LEN bytes), close: mailslot_send()
 * with options.  Returns the core's code (EINTR: a Python exception). */
static int
send_with_options(const char *name_b, const mailslot_options *opts,
    const char *data, size_t len)
{
    mailslot_writer *w = NULL;
    int rc;

    Py_BEGIN_ALLOW_THREADS
    rc = mailslot_open(name_b, opts, &w);
    Py_END_ALLOW_THREADS
    if (rc != 0)
        return rc;
    rc = ms_write(w, data, len);
    Py_BEGIN_ALLOW_THREADS
    mailslot_writer_free(w);
    Py_END_ALLOW_THREADS
    return rc;
}

static PyObject *
mod_send(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = { "name", "data", "encoding", "nul",
        WRITER_KEYWORDS, NULL };
    PyObject *name, *data, *name_b, *msg = NULL, *timeout = NULL;
    PyObject *netbios = Py_None, *workgroup = Py_None;
    PyObject *broadcast = Py_None, *port = Py_None;
    const char *encoding = "utf-8";
    writer_opts wo;
    char *p;
    Py_ssize_t n;
    int nul = 0, rc;

    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO|$spOOOOO", kwlist,
            &name, &data, &encoding, &nul, &timeout, &netbios, &workgroup,
            &broadcast, &port))
        return NULL;
    name_b = ms_name_bytes(module, name);
    if (name_b == NULL)
        return NULL;
    if (ms_writer_opts_parse(&wo, timeout, netbios, workgroup, broadcast,
            port) < 0) {
        Py_DECREF(name_b);
        return NULL;
    }
    /* Build the whole message first: bad input must send nothing. */
    msg = ms_message_bytes(module, data, encoding, nul);
    if (msg == NULL || PyBytes_AsStringAndSize(msg, &p, &n) < 0) {
        rc = MAILSLOT_EINTR; /* an exception is set */
    } else {
        rc = send_with_options(PyBytes_AsString(name_b), &wo.o, p,
            (size_t)n);
    }
    ms_writer_opts_clear(&wo);
    Py_DECREF(name_b);
    Py_XDECREF(msg);
    if (rc == MAILSLOT_EINTR)
        return NULL;
    if (rc != 0)
        return ms_raise(module, rc, name);
    return PyLong_FromSsize_t(n);
}

static PyObject *
mod_message(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = { "data", "encoding", "nul", NULL };
    PyObject *data;
    const char *encoding = "utf-8";
    int nul = 0;

    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|$sp", kwlist, &data,
            &encoding, &nul))
        return NULL;
    return ms_message_bytes(module, data, encoding, nul);
}

static PyObject *
mod_errname(PyObject *module, PyObject *arg)
{
    int code = (int)PyLong_AsLong(arg);

    if (code == -1 && PyErr_Occurred())
        return NULL;
    return PyUnicode_FromString(mailslot_errname(code));
}

/* What the machine can say about CODE now (the slot directory, say). */
static PyObject *
mod_error_detail(PyObject *module, PyObject *arg)
{
    int code = (int)PyLong_AsLong(arg);
    char buf[1024];

    (void)module;
    if (code == -1 && PyErr_Occurred())
        return NULL;
    mailslot_error_detail(code, buf, sizeof buf);
    return PyUnicode_DecodeUTF8(buf, (Py_ssize_t)strlen(buf), "replace");
}

static PyObject *
mod_strerror(PyObject *module, PyObject *arg)
{
    int code = (int)PyLong_AsLong(arg);

    if (code == -1 && PyErr_Occurred())
        return NULL;
    return PyUnicode_FromString(mailslot_strerror(code));
}

static PyObject *
mod_set_error_factory(PyObject *module, PyObject *factory)
{
    module_state *st = ms_state(module);
    PyObject *old = st->error_factory;

    if (!PyCallable_Check(factory))
        return ms_type_error("factory", "callable", factory);
    Py_INCREF(factory);
    st->error_factory = factory;
    Py_XDECREF(old);
    Py_RETURN_NONE;
}

static PyObject *
mod_set_origin_type(PyObject *module, PyObject *type)
{
    module_state *st = ms_state(module);
    PyObject *old = st->origin_type;

    if (!PyCallable_Check(type))
        return ms_type_error("origin type", "callable", type);
    Py_INCREF(type);
    st->origin_type = type;
    Py_XDECREF(old);
    Py_RETURN_NONE;
}

static PyObject *
mod_list(PyObject *module, PyObject *unused)
{
    char *names = NULL;
    PyObject *text, *list;
    int rc;

    Py_BEGIN_ALLOW_THREADS
    rc = mailslot_list(&names, NULL);
    Py_END_ALLOW_THREADS
    if (rc != 0)
        return ms_raise(module, rc, NULL);
    text = PyUnicode_DecodeUTF8(names, (Py_ssize_t)strlen(names), "strict");
    mailslot_free(names);
    if (text == NULL)
        return NULL;
    list = PyUnicode_Splitlines(text, 0);
    Py_DECREF(text);
    return list;
}

PyObject *
ms_canonical(PyObject *module, const char *name_utf8, PyObject *name)
{
    char buf[4 * 256];
    size_t len = 0;
    int rc;

    rc = mailslot_name_canonical(name_utf8, buf, sizeof buf, &len);
    if (rc < 0)
        return ms_raise_os(module, rc, 0, name);
    return PyUnicode_DecodeUTF8(buf, (Py_ssize_t)len, "strict");
}

static PyObject *
mod_canonical_name(PyObject *module, PyObject *name)
{
    PyObject *name_b, *canonical;

    name_b = ms_name_bytes(module, name);
    if (name_b == NULL)
        return NULL;
    canonical = ms_canonical(module, PyBytes_AsString(name_b), name);
    Py_DECREF(name_b);
    return canonical;
}

static PyMethodDef module_methods[] = {
    { "list", mod_list, METH_NOARGS,
      "list($module, /)\n--\n\n"
      "The names of this user's live mailslots, as the `mailslot list`\n"
      "command prints them (POSIX; raises NotSupportedError on Windows)." },
    { "canonical_name", mod_canonical_name, METH_O,
      "canonical_name($module, name, /)\n--\n\n"
      "NAME's canonical form, upper-cased the Windows way: two names are\n"
      "one slot exactly when their canonical names are equal.  Raises\n"
      "InvalidNameError for a name the library refuses." },
    { "_create", (PyCFunction)(void (*)(void))mod_create,
      METH_VARARGS | METH_KEYWORDS,
      "_create(cls, name, max_size=0, timeout=None, encoding='auto', *,\n"
      "        queue_limit_msgs=None, queue_limit_bytes=None, access=None)"
      "\n--\n\n"
      "Create the slot NAME and return a new CLS (a Reader subclass)." },
    { "_open", (PyCFunction)(void (*)(void))mod_open,
      METH_VARARGS | METH_KEYWORDS,
      "_open(cls, name, *, timeout=5.0, netbios_name=None, workgroup=None,\n"
      "      broadcast=None, port=None)\n--\n\n"
      "Open the slot NAME for writing and return a new CLS (a Writer "
      "subclass)." },
    { "send", (PyCFunction)(void (*)(void))mod_send,
      METH_VARARGS | METH_KEYWORDS,
      "send($module, name, data, *, encoding='utf-8', nul=False,\n"
      "     timeout=5.0, netbios_name=None, workgroup=None, broadcast=None,\n"
      "     port=None)\n--\n\n"
      "Send one message to the slot NAME (open, write, close) and return\n"
      "the number of bytes sent.  The other keywords are open()'s.\n\n"
      "DATA is any bytes-like object, sent as it is, or a str encoded\n"
      "with ENCODING ('utf-8', 'utf-16le' or 'ansi'), with a NUL\n"
      "terminator appended when NUL is true.  Bad input raises before\n"
      "anything is sent." },
    { "_message", (PyCFunction)(void (*)(void))mod_message,
      METH_VARARGS | METH_KEYWORDS,
      "_message(data, *, encoding='utf-8', nul=False)\n--\n\n"
      "The bytes write(DATA, encoding=..., nul=...) would send." },
    { "encode", (PyCFunction)(void (*)(void))ms_encode,
      METH_VARARGS | METH_KEYWORDS, ms_encode_doc },
    { "decode", (PyCFunction)(void (*)(void))ms_decode,
      METH_VARARGS | METH_KEYWORDS, ms_decode_doc },
    { "detect_encoding", ms_detect_encoding, METH_O,
      ms_detect_encoding_doc },
    { "errname", mod_errname, METH_O,
      "errname($module, code, /)\n--\n\n"
      "The stable short name of a core error code ('unknown' if none)." },
    { "error_detail", mod_error_detail, METH_O,
      "error_detail(code)\n--\n\nMore about CODE, looked up now, or \"\"." },
    { "strerror", mod_strerror, METH_O,
      "strerror($module, code, /)\n--\n\n"
      "The readable message of a core error code." },
    { "_set_error_factory", mod_set_error_factory, METH_O,
      "_set_error_factory($module, factory, /)\n--\n\n"
      "Set the callable factory(code, os_error, name) that makes the\n"
      "exception raised for a core error code." },
    { "_set_origin_type", mod_set_origin_type, METH_O,
      "_set_origin_type($module, type, /)\n--\n\n"
      "Set the named tuple type read(origin=True) returns for a message\n"
      "from the network (mailslot.Origin)." },
    { NULL, NULL, 0, NULL }
};

/* ---------------------------------------------------------------------- */
/* Module definition (multi-phase init)                                   */
/* ---------------------------------------------------------------------- */

static int
add_type(PyObject *module, PyType_Spec *spec, const char *name,
    PyObject **slot)
{
    PyObject *t = PyType_FromSpec(spec);

    if (t == NULL)
        return -1;
    *slot = t;
    Py_INCREF(t);
    if (PyModule_AddObject(module, name, t) < 0) {
        Py_DECREF(t);
        return -1;
    }
    return 0;
}

static int
module_exec(PyObject *module)
{
    module_state *st = ms_state(module);
    PyObject *time;

    time = PyImport_ImportModule("time");
    if (time == NULL)
        return -1;
    st->monotonic = PyObject_GetAttrString(time, "monotonic");
    Py_DECREF(time);
    if (st->monotonic == NULL)
        return -1;
    if (add_type(module, &ms_reader_spec, "Reader", &st->reader_type) < 0 ||
        add_type(module, &ms_writer_spec, "Writer", &st->writer_type) < 0)
        return -1;
    if (PyModule_AddStringConstant(module, "VERSION", mailslot_version()) ||
        PyModule_AddIntConstant(module, "MAX_MESSAGE_SIZE",
            (long)mailslot_max_message_size()) ||
        PyModule_AddIntConstant(module, "MAX_NAME_LENGTH",
            (long)mailslot_max_name_length()) ||
        PyModule_AddObject(module, "DEFAULT_WRITE_TIMEOUT",
            PyFloat_FromDouble(MAILSLOT_DEFAULT_WRITE_TIMEOUT_MS / 1000.0)))
        return -1;
    return 0;
}

static int
module_traverse(PyObject *module, visitproc visit, void *arg)
{
    module_state *st = ms_state(module);

    Py_VISIT(st->reader_type);
    Py_VISIT(st->writer_type);
    Py_VISIT(st->error_factory);
    Py_VISIT(st->origin_type);
    Py_VISIT(st->monotonic);
    return 0;
}

static int
module_clear(PyObject *module)
{
    module_state *st = ms_state(module);

    Py_CLEAR(st->reader_type);
    Py_CLEAR(st->writer_type);
    Py_CLEAR(st->error_factory);
    Py_CLEAR(st->origin_type);
    Py_CLEAR(st->monotonic);
    return 0;
}

static void
module_free(void *module)
{
    module_clear((PyObject *)module);
}

static PyModuleDef_Slot module_slots[] = {
    { Py_mod_exec, (void *)module_exec },
    { 0, NULL }
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    "_mailslot",
    "The C engine of the mailslot package; use 'import mailslot'.",
    sizeof(module_state),
    module_methods,
    module_slots,
    module_traverse,
    module_clear,
    module_free,
};

PyMODINIT_FUNC
PyInit__mailslot(void)
{
    return PyModuleDef_Init(&module_def);
}
