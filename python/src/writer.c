/*
 * writer.c -- _mailslot.Writer: a slot opened for writing.
 *
 * A write may wait (up to the core's write timeout) when the reader's
 * queue is full, so it releases the GIL; the message is always a bytes
 * object of its own by then, so no one can change it meanwhile.
 */
#include "binding.h"

typedef struct WriterObject {
    PyObject_HEAD
    mailslot_writer *w; /* freed only in dealloc */
    PyObject *module;   /* the _mailslot module, for its state */
    PyObject *name;     /* the str the slot was opened with */
    int closed;
} WriterObject;

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
    do {
        Py_BEGIN_ALLOW_THREADS
        rc = mailslot_write(self->w, p, (size_t)n);
        Py_END_ALLOW_THREADS
        /* Nothing was sent: run the signal handlers, then go on (PEP
         * 475), as reads do. */
    } while (rc == MAILSLOT_EINTR && PyErr_CheckSignals() == 0);
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
    Py_INCREF(self->name);
    return self->name;
}

static PyObject *
writer_get_closed(WriterObject *self, void *closure)
{
    return PyBool_FromLong(self->closed);
}

PyObject *
ms_writer_new(PyObject *module, PyTypeObject *cls, PyObject *name)
{
    mailslot_writer *w = NULL;
    WriterObject *self;
    PyObject *name_b;
    allocfunc alloc;
    int rc;

    name_b = ms_name_bytes(module, name);
    if (name_b == NULL)
        return NULL;
    rc = mailslot_open(PyBytes_AsString(name_b), NULL, &w);
    Py_DECREF(name_b);
    if (rc != 0)
        return ms_raise(module, rc, name);
    alloc = (allocfunc)PyType_GetSlot(cls, Py_tp_alloc);
    self = alloc != NULL ? (WriterObject *)alloc(cls, 0) : NULL;
    if (self == NULL) {
        mailslot_writer_free(w);
        return NULL;
    }
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
    tp_free(self);
    Py_DECREF(tp);
}

static PyMethodDef writer_methods[] = {
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
      "The name the slot was opened with.", NULL },
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
