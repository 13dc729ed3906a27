/*
 * writer.c -- _mailslot.Writer: a slot opened for writing, and the
 * writer's options.
 *
 * A write may wait (up to the writer's timeout) when the reader's queue
 * is full, so it releases the GIL; the message is always a bytes object
 * of its own by then, so no one can change it meanwhile.
 */
#include <string.h>

#include "binding.h"


/* ---------------------------------------------------------------------- */
/* Options                                                                */
/* ---------------------------------------------------------------------- */

/*
 * A text option (None: the environment, then the default) as UTF-8 in a
 * new bytes object *KEEP, *FIELD pointing into it.  MAX_LEN (0: no limit)
 * is the NetBIOS limit of 15 bytes for names.
 */
static int
text_option(const char *what, PyObject *obj, size_t max_len, PyObject **keep,
    const char **field)
{
    const char *p;
    Py_ssize_t n, i;

    *keep = NULL;
    *field = NULL;
    if (obj == Py_None)
        return 0;
    if (!PyUnicode_Check(obj)) {
        ms_type_error(what, "a str or None", obj);
        return -1;
    }
    *keep = PyUnicode_AsUTF8String(obj);
    if (*keep == NULL) {
        PyErr_Clear();
        PyErr_Format(PyExc_ValueError, "%s must be valid text", what);
        return -1;
    }
    p = PyBytes_AsString(*keep);
    n = PyBytes_Size(*keep);
    for (i = 0; i < n; i++) {
        if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
            break;
    }
    if (n == 0 || i < n || (max_len != 0 && (size_t)n > max_len)) {
        if (max_len != 0)
            PyErr_Format(PyExc_ValueError, "%s must be 1 to %d bytes of "
                "UTF-8 without control characters (a NetBIOS name), "
                "or None", what, (int)max_len);
        else
            PyErr_Format(PyExc_ValueError, "%s must be a non-empty str "
                "without control characters, or None", what);
        Py_CLEAR(*keep);
        return -1;
    }
    *field = p;
    return 0;
}

/* The UDP port for remote names: None (0: the environment, then 138). */
static int
port_option(PyObject *obj, uint32_t *port)
{
    long v;

    *port = 0;
    if (obj == Py_None)
        return 0;
    if (!PyLong_Check(obj) || PyBool_Check(obj)) {
        ms_type_error("port", "an int or None", obj);
        return -1;
    }
    v = PyLong_AsLong(obj);
    if (v == -1 && PyErr_Occurred()) {
        if (!PyErr_ExceptionMatches(PyExc_OverflowError))
            return -1;
        PyErr_Clear();
    }
    if (v < 1 || v > 65535) {
        PyErr_SetString(PyExc_ValueError,
            "port must be between 1 and 65535, or None (the default, 138)");
        return -1;
    }
    *port = (uint32_t)v;
    return 0;
}

int
ms_writer_opts_parse(writer_opts *wo, PyObject *timeout,
    PyObject *netbios_name, PyObject *workgroup, PyObject *broadcast,
    PyObject *port)
{
    mailslot_options defaults = MAILSLOT_OPTIONS_INIT;

    wo->o = defaults;
    memset(wo->strings, 0, sizeof wo->strings);
    if ((timeout != NULL &&
            ms_timeout_from_py(timeout, &wo->o.write_timeout_ms) < 0) ||
        text_option("netbios_name", netbios_name, 15, &wo->strings[0],
            &wo->o.netbios_name) < 0 ||
        text_option("workgroup", workgroup, 15, &wo->strings[1],
            &wo->o.workgroup) < 0 ||
        text_option("broadcast", broadcast, 0, &wo->strings[2],
            &wo->o.broadcast) < 0 ||
        port_option(port, &wo->o.remote_port) < 0) {
        ms_writer_opts_clear(wo);
        return -1;
    }
    return 0;
}

void
ms_writer_opts_clear(writer_opts *wo)
{
    for (size_t i = 0; i < sizeof wo->strings / sizeof wo->strings[0]; i++)
        Py_CLEAR(wo->strings[i]);
}

/* ---------------------------------------------------------------------- */
/* Writer                                                                 */
/* ---------------------------------------------------------------------- */

int
ms_write(mailslot_writer *w, const char *data, size_t len)
{
    int rc;

    do {
        Py_BEGIN_ALLOW_THREADS
        rc = mailslot_write(w, data, len);
        Py_END_ALLOW_THREADS
        /* Nothing was sent: run the signal handlers, then go on (PEP
         * 475), as reads do. */
    } while (rc == MAILSLOT_EINTR && PyErr_CheckSignals() == 0);
    return rc;
}

static PyObject *
writer_write(WriterObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = { "data", "encoding", "nul", NULL };
    PyObject *data, *msg;
    const char *encoding = "utf-8";
    char *p;
    Py_ssize_t n;
    int nul = 0, rc;

    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|$sp:write", kwlist,
            &data, &encoding, &nul))
        return NULL;
    if (self->closed)
        return ms_raise_closed("mailslot writer");
    msg = ms_message_bytes(self->module, data, encoding, nul);
    if (msg == NULL || PyBytes_AsStringAndSize(msg, &p, &n) < 0) {
        Py_XDECREF(msg);
        return NULL;
    }
    rc = ms_write(self->w, p, (size_t)n);
    Py_DECREF(msg);
    if (rc == MAILSLOT_EINTR)
        return NULL;
    if (rc == MAILSLOT_ECLOSED && self->closed)
        return ms_raise_closed("mailslot writer");
    if (rc != 0)
        return ms_raise(self->module, rc, self->name);
    return PyLong_FromSsize_t(n);
}

static PyObject *
writer_close(WriterObject *self, PyObject *unused)
{
    if (!self->closed) {
        self->closed = 1;
        Py_BEGIN_ALLOW_THREADS
        mailslot_writer_close(self->w);
        Py_END_ALLOW_THREADS
    }
    Py_RETURN_NONE;
}

static PyObject *
writer_get_name(WriterObject *self, void *closure)
{
    Py_INCREF(self->canonical);
    return self->canonical;
}

static PyObject *
writer_get_timeout(WriterObject *self, void *closure)
{
    return ms_timeout_to_py(mailslot_writer_timeout(self->w));
}

static int
writer_set_timeout(WriterObject *self, PyObject *value, void *closure)
{
    int32_t ms;
    int rc;

    if (ms_timeout_setting(value, self->closed, "mailslot writer", &ms) < 0)
        return -1;
    rc = mailslot_writer_set_timeout(self->w, ms);
    if (rc != 0) {
        ms_raise(self->module, rc, self->name);
        return -1;
    }
    return 0;
}

static PyObject *
writer_get_closed(WriterObject *self, void *closure)
{
    return PyBool_FromLong(self->closed);
}

PyObject *
ms_writer_new(PyObject *module, PyTypeObject *cls, PyObject *name,
    const mailslot_options *opts)
{
    mailslot_writer *w = NULL;
    WriterObject *self;
    PyObject *name_b, *canonical;
    allocfunc alloc;
    int rc;

    name_b = ms_name_bytes(module, name);
    if (name_b == NULL)
        return NULL;
    canonical = ms_canonical(module, PyBytes_AsString(name_b), name);
    if (canonical == NULL) {
        Py_DECREF(name_b);
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    rc = mailslot_open(PyBytes_AsString(name_b), opts, &w);
    Py_END_ALLOW_THREADS
    Py_DECREF(name_b);
    if (rc != 0) {
        Py_DECREF(canonical);
        return ms_raise(module, rc, name);
    }
    alloc = (allocfunc)PyType_GetSlot(cls, Py_tp_alloc);
    self = alloc != NULL ? (WriterObject *)alloc(cls, 0) : NULL;
    if (self == NULL) {
        Py_DECREF(canonical);
        mailslot_writer_free(w);
        return NULL;
    }
    self->canonical = canonical;
    self->w = w;
    Py_INCREF(module);
    self->module = module;
    Py_INCREF(name);
    self->name = name;
    self->closed = 0;
    return (PyObject *)self;
}

static PyObject *
writer_tp_new(PyTypeObject *cls, PyObject *args, PyObject *kwargs)
{
    PyErr_SetString(PyExc_TypeError,
        "_mailslot.Writer cannot be instantiated; use mailslot.open()");
    return NULL;
}

static int
writer_traverse(WriterObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(self->module);
    Py_VISIT(self->name);
    Py_VISIT(self->canonical);
    return 0;
}

static void
writer_dealloc(WriterObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    freefunc tp_free = (freefunc)PyType_GetSlot(tp, Py_tp_free);

    PyObject_GC_UnTrack(self);
    mailslot_writer_free(self->w);
    self->w = NULL;
    Py_CLEAR(self->module);
    Py_CLEAR(self->name);
    Py_CLEAR(self->canonical);
    tp_free(self);
    Py_DECREF(tp);
}

static PyMethodDef writer_methods[] = {
    { "write_many", (PyCFunction)(void (*)(void))ms_writer_write_many,
      METH_VARARGS | METH_KEYWORDS, ms_write_many_doc },
    { "write", (PyCFunction)(void (*)(void))writer_write,
      METH_VARARGS | METH_KEYWORDS,
      "write($self, data, /, *, encoding='utf-8', nul=False)\n--\n\n"
      "Send DATA as one message and return the number of bytes sent.\n\n"
      "DATA is any bytes-like object, sent as it is, or a str encoded\n"
      "with ENCODING ('utf-8', 'utf-16le' or 'ansi'; the core's codec),\n"
      "with a NUL terminator appended when NUL is true.  The message\n"
      "arrives whole or not at all: over the reader's limit raises\n"
      "mailslot.TooBigError, a vanished reader mailslot.ReaderGoneError." },
    { "close", (PyCFunction)writer_close, METH_NOARGS,
      "close($self, /)\n--\n\n"
      "Close the writer.  Calling close() again does nothing." },
    { NULL, NULL, 0, NULL }
};

static PyGetSetDef writer_getset[] = {
    { "name", (getter)writer_get_name, NULL,
      "The slot's canonical name (mailslot.canonical_name() of the name\n"
      "it was opened with): equal for two names of one slot.", NULL },
    { "timeout", (getter)writer_get_timeout, (setter)writer_set_timeout,
      "How long a write waits for room in a full queue, in seconds\n"
      "(None: for ever, 0: not at all); then it raises\n"
      "mailslot.FullError.  Remote names never wait.", NULL },
    { "closed", (getter)writer_get_closed, NULL,
      "True once close() was called.", NULL },
    { NULL, NULL, NULL, NULL, NULL }
};

static PyType_Slot writer_slots[] = {
    { Py_tp_doc, "The C base of mailslot.Writer (a slot to write to)." },
    { Py_tp_new, writer_tp_new },
    { Py_tp_dealloc, writer_dealloc },
    { Py_tp_traverse, writer_traverse },
    { Py_tp_methods, writer_methods },
    { Py_tp_getset, writer_getset },
    { 0, NULL }
};

PyType_Spec ms_writer_spec = {
    "_mailslot.Writer",
    sizeof(WriterObject),
    0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    writer_slots,
};
