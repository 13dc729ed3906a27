/*
 * reader.c -- _mailslot.Reader: the slot a process created and reads.
 *
 * A read is one core call in the common case: the message is received
 * into a per-reader buffer of the largest message size (allocated on the
 * first read) and copied once into the bytes object, as socket.recv()
 * does.  Reads take the non-blocking path first, with the GIL held; only
 * when no message is queued do they release the GIL and sleep in the
 * core, still receiving into the buffer.
 * The core returns MAILSLOT_EINTR when a signal interrupts that sleep
 * (the POSIX backend waits in poll()), so the handlers run at once:
 * Ctrl-C raises KeyboardInterrupt, any other handler that returns lets
 * the read go back to waiting for the time that is left (PEP 475).
 * Nothing is consumed by an interrupted read.
 */
#include <math.h>
#include <string.h>

#include "binding.h"


/* wait_message() result when a Python exception is set (not a core code). */
#define WAIT_PYERR 1

/* The time budget of one read() call across interrupted waits. */
typedef struct wait_clock {
    int32_t timeout_ms; /* the whole budget: -1 forever, 0 poll */
    int started;
    double deadline;    /* monotonic seconds, once started */
} wait_clock;

/* Milliseconds left on C (or -1: forever); -1 return with an exception. */
static int
time_left(ReaderObject *self, wait_clock *c, int32_t *left)
{
    double now, ms;

    *left = c->timeout_ms;
    if (c->timeout_ms <= 0)
        return 0;
    if (ms_monotonic(self->module, &now) < 0)
        return -1;
    if (!c->started) {
        c->started = 1;
        c->deadline = now + c->timeout_ms / 1000.0;
        return 0;
    }
    ms = ceil((c->deadline - now) * 1000.0);
    if (ms < c->timeout_ms)
        *left = ms > 0 ? (int32_t)ms : 0;
    return 0;
}

/*
 * Sleep, with the GIL released, until a message is queued or the time on
 * C runs out, and receive it into BUF (CAP bytes).  Returns what
 * mailslot_read_ex() returns (0 with *LEN the size of the message,
 * filling *ORIGIN when that is not NULL; MAILSLOT_EBUFFER with *LEN the
 * size of a longer one, which stays queued), or WAIT_PYERR.
 */
static int
wait_message(ReaderObject *self, wait_clock *c, char *buf, size_t cap,
    size_t *len, mailslot_origin *origin)
{
    int32_t left;
    int rc;

    for (;;) {
        if (time_left(self, c, &left) < 0)
            return WAIT_PYERR;
        Py_BEGIN_ALLOW_THREADS
        rc = mailslot_read_ex(self->r, buf, cap, len, left, origin);
        Py_END_ALLOW_THREADS
        if (rc != MAILSLOT_EINTR)
            return rc;
        if (PyErr_CheckSignals() < 0)
            return WAIT_PYERR;
    }
}

/* Turn a failed read into its exception, or None for an empty poll. */
static PyObject *
read_failed(ReaderObject *self, int rc, int none_if_empty)
{
    if (rc == WAIT_PYERR)
        return NULL;
    if (rc == MAILSLOT_ETIMEOUT && none_if_empty)
        Py_RETURN_NONE;
    if (rc == MAILSLOT_ECLOSED && self->closed)
        return ms_raise_closed("mailslot"); /* closed by another thread */
    return ms_raise(self->module, rc, self->name);
}

/* MSG holding only its first LEN bytes (LEN <= its size). */
static PyObject *
truncated(PyObject *msg, size_t len)
{
    PyObject *copy;

    if ((Py_ssize_t)len == PyBytes_Size(msg))
        return msg;
    copy = PyBytes_FromStringAndSize(PyBytes_AsString(msg), (Py_ssize_t)len);
    Py_DECREF(msg);
    return copy;
}

/*
 * The read buffer starts BUF_SKEW bytes into its allocation.  A buffer of
 * a message's maximum size is large enough for malloc() to map it on its
 * own, 16 bytes into a page, and there the kernel's copy of a large
 * datagram into it ran at a third of its speed on the benchmark machine
 * (60 KiB: 31 us instead of 10; bench/notes.md).
 */
#define BUF_SKEW 64

static void
free_buffer(char *buf)
{
    if (buf != NULL)
        PyMem_Free(buf - BUF_SKEW);
}

char *
ms_reader_take_buffer(ReaderObject *self)
{
    char *buf = self->buf;

    if (buf != NULL) {
        self->buf = NULL;
        return buf;
    }
    buf = (char *)PyMem_Malloc(self->buf_cap + BUF_SKEW);
    if (buf == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    return buf + BUF_SKEW;
}

void
ms_reader_give_back_buffer(ReaderObject *self, char *buf)
{
    if (self->buf == NULL && !self->closed)
        self->buf = buf;
    else
        free_buffer(buf);
}

/*
 * A message longer than the receive buffer (NEED bytes, as the core
 * reported, keeping it queued): read it into a bytes object of that size,
 * without waiting.  Returns 0 with *MSG set, else the core's code or
 * WAIT_PYERR with *MSG NULL.
 */
static int
read_long(ReaderObject *self, size_t need, mailslot_origin *origin,
    PyObject **msg)
{
    size_t len = 0;
    int rc;

    *msg = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)need);
    if (*msg == NULL)
        return WAIT_PYERR;
    rc = mailslot_read_ex(self->r, PyBytes_AsString(*msg), need, &len, 0,
        origin);
    if (rc == 0) {
        *msg = truncated(*msg, len);
        return *msg == NULL ? WAIT_PYERR : 0;
    }
    Py_CLEAR(*msg);
    return rc;
}

/*
 * Large messages are read straight into the bytes object returned.  After
 * a message of BIG_MESSAGE bytes or more, the next read guesses that the
 * next has the same size (records of one size are common): it reads into
 * a bytes object of that size, one call as for a small message.  A guess
 * that misses costs the copy that reading through the buffer would have
 * cost (a shorter message is copied into a bytes object of its size; a
 * longer one stays queued and is read into one of its size), and the
 * reads after it ask the core for the size first (a read with no buffer,
 * which takes nothing) until a size repeats.  Smaller messages are
 * received into the reader's buffer and copied, which costs less than a
 * second call.  Measured: bench/notes.md, "Python: large messages without
 * a second copy".
 */
#define BIG_MESSAGE 16384u

/* The first read of read_message(): without releasing the GIL, then, if
 * nothing came and TIMEOUT allows, waiting. */
static int
read_once(ReaderObject *self, wait_clock *clock, char *buf, size_t cap,
    size_t *len, mailslot_origin *origin)
{
    int rc = mailslot_read_ex(self->r, buf, cap, len, 0, origin);

    if (rc == MAILSLOT_ETIMEOUT && clock->timeout_ms != 0)
        rc = wait_message(self, clock, buf, cap, len, origin);
    return rc;
}

/* Remember what the message MSG (or none, on an error) says about the
 * next one. */
static void
note_size(ReaderObject *self, PyObject *msg, int guessed)
{
    size_t n;

    if (msg == NULL || msg == Py_None)
        return;
    n = (size_t)PyBytes_Size(msg);
    self->big = n >= BIG_MESSAGE;
    /* Guess again after a hit, or when a measured size repeats. */
    self->guess = self->big && (guessed ? n == self->guess
                                        : n == self->last_big) ? n : 0;
    self->last_big = self->big ? n : 0;
}

/*
 * Read one message and return it as bytes: receive it into the reader's
 * buffer (waiting if need be), then copy it into a bytes object of its
 * exact size, or (above) read it into that bytes object.  ORIGIN, when
 * not NULL, receives where the message came from (a NULL origin makes
 * mailslot_read_ex() exactly mailslot_read()).
 */
static PyObject *
read_message(ReaderObject *self, int32_t timeout_ms, int none_if_empty,
    mailslot_origin *origin)
{
    wait_clock clock = { timeout_ms, 0, 0.0 };
    PyObject *msg = NULL;
    size_t len = 0, cap = 0, guess = self->guess;
    char *buf = NULL;
    int rc;

    if (self->closed)
        return ms_raise_closed("mailslot");
    if (guess > 0) {
        /* Straight into a bytes object of the guessed size. */
        msg = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)guess);
        if (msg == NULL)
            return NULL;
        rc = read_once(self, &clock, PyBytes_AsString(msg), guess, &len,
            origin);
        if (rc == 0) {
            msg = truncated(msg, len);
            note_size(self, msg, 1);
            return msg;
        }
        Py_CLEAR(msg);
        self->guess = 0;
        if (rc != MAILSLOT_EBUFFER)
            return read_failed(self, rc, none_if_empty);
        /* Longer than guessed: it stays queued; read it as measured. */
        rc = read_long(self, len, origin, &msg);
        if (rc == 0)
            note_size(self, msg, 0);
        if (rc == 0 || rc == WAIT_PYERR)
            return msg;
        if (rc != MAILSLOT_EBUFFER && rc != MAILSLOT_ETIMEOUT)
            return read_failed(self, rc, 0);
        /* Another thread took it: wait again, as below. */
    }
    if (!self->big) {
        buf = ms_reader_take_buffer(self);
        if (buf == NULL)
            return NULL;
        cap = self->buf_cap;
    }
    for (;;) {
        rc = read_once(self, &clock, buf, cap, &len, origin);
        if (rc == 0) {
            msg = PyBytes_FromStringAndSize(buf, (Py_ssize_t)len);
            break;
        }
        if (rc != MAILSLOT_EBUFFER) {
            msg = read_failed(self, rc, none_if_empty);
            break;
        }
        /* Longer than the buffer (where the platform allows that): read
         * it into a bytes object of the size the core reported. */
        rc = read_long(self, len, origin, &msg);
        if (rc == 0 || rc == WAIT_PYERR)
            break;
        /* Another thread that shares this reader took the message between
         * the two calls: wait again, for the time that is left. */
        if (rc != MAILSLOT_EBUFFER && rc != MAILSLOT_ETIMEOUT) {
            msg = read_failed(self, rc, 0);
            break;
        }
    }
    if (buf != NULL)
        ms_reader_give_back_buffer(self, buf);
    note_size(self, msg, 0);
    return msg;
}

/* A str from the NUL-terminated text in FIELD (at most N bytes). */
static PyObject *
origin_text(const char *field, size_t n)
{
    size_t len = 0;

    while (len < n && field[len] != '\0')
        len++;
    return PyUnicode_DecodeUTF8(field, (Py_ssize_t)len, "replace");
}

/*
 * Steal MSG and return (MSG, origin): None for a local writer, else a
 * mailslot.Origin (a plain tuple when the package did not set the type).
 */
static PyObject *
with_origin(ReaderObject *self, PyObject *msg, const mailslot_origin *o)
{
    PyObject *type = ms_state(self->module)->origin_type;
    PyObject *fields, *origin;

    if (msg == NULL || msg == Py_None)
        return msg;
    if (!o->remote)
        return Py_BuildValue("(NO)", msg, Py_None);
    fields = Py_BuildValue("(NiNiNii)",
        origin_text(o->source_name, sizeof o->source_name),
        (int)o->source_suffix,
        origin_text(o->dest_name, sizeof o->dest_name),
        (int)o->dest_suffix,
        origin_text(o->source_addr, sizeof o->source_addr),
        (int)o->source_port, (int)o->datagram_type);
    if (fields == NULL || type == NULL) {
        origin = fields;
    } else {
        origin = PyObject_CallObject(type, fields);
        Py_DECREF(fields);
    }
    if (origin == NULL) {
        Py_DECREF(msg);
        return NULL;
    }
    return Py_BuildValue("(NN)", msg, origin);
}

/* read_message() that also says where the message came from. */
static PyObject *
read_with_origin(ReaderObject *self, int32_t timeout_ms, int none_if_empty)
{
    mailslot_origin o;
    PyObject *msg;

    memset(&o, 0, sizeof o);
    o.size = sizeof o;
    msg = read_message(self, timeout_ms, none_if_empty, &o);
    return with_origin(self, msg, &o);
}

static PyObject *
reader_read(ReaderObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = { "timeout", "origin", NULL };
    PyObject *timeout = NULL;
    int32_t ms = self->timeout_ms;
    int origin = 0;

    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|Op:read", kwlist,
            &timeout, &origin))
        return NULL;
    if (timeout != NULL && ms_timeout_from_py(timeout, &ms) < 0)
        return NULL;
    if (origin)
        return read_with_origin(self, ms, 0);
    return read_message(self, ms, 0, NULL);
}

static PyObject *
reader_poll(ReaderObject *self, PyObject *unused)
{
    return read_message(self, 0, 1, NULL);
}

static PyObject *
reader_poll_origin(ReaderObject *self, PyObject *unused)
{
    return read_with_origin(self, 0, 1);
}

static PyObject *
reader_close(ReaderObject *self, PyObject *unused)
{
    if (!self->closed) {
        self->closed = 1;
        /* Closing wakes blocked reads and joins the core's thread. */
        Py_BEGIN_ALLOW_THREADS
        mailslot_reader_close(self->r);
        Py_END_ALLOW_THREADS
        /* A read still waiting frees its own buffer when it wakes. */
        free_buffer(self->buf);
        self->buf = NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *
reader_fileno(ReaderObject *self, PyObject *unused)
{
    intptr_t fd;
    int rc;

    if (self->closed)
        return ms_raise_closed("mailslot");
    rc = mailslot_reader_fd(self->r, &fd);
    if (rc != 0)
        return ms_raise(self->module, rc, self->name);
    return PyLong_FromLongLong((long long)fd);
}

static PyObject *
reader_info(ReaderObject *self, PyObject *unused)
{
    mailslot_info info = { sizeof info, 0, 0, 0, 0 };
    PyObject *next, *timeout;
    int rc;

    if (self->closed)
        return ms_raise_closed("mailslot");
    rc = mailslot_get_info(self->r, &info);
    if (rc != 0)
        return ms_raise(self->module, rc, self->name);
    if (info.next_size < 0) {
        Py_INCREF(Py_None);
        next = Py_None;
    } else {
        next = PyLong_FromLongLong((long long)info.next_size);
    }
    timeout = ms_timeout_to_py(info.read_timeout_ms);
    if (next == NULL || timeout == NULL) {
        Py_XDECREF(next);
        Py_XDECREF(timeout);
        return NULL;
    }
    return Py_BuildValue("(kNkN)", (unsigned long)info.max_message_size,
        next, (unsigned long)info.count, timeout);
}

static PyObject *
reader_get_timeout(ReaderObject *self, void *closure)
{
    return ms_timeout_to_py(self->timeout_ms);
}

static int
reader_set_timeout(ReaderObject *self, PyObject *value, void *closure)
{
    int32_t ms;
    int rc;

    if (ms_timeout_setting(value, self->closed, "mailslot", &ms) < 0)
        return -1;
    rc = mailslot_set_timeout(self->r, ms);
    if (rc != 0) {
        ms_raise(self->module, rc, self->name);
        return -1;
    }
    self->timeout_ms = ms;
    return 0;
}

static PyObject *
reader_get_name(ReaderObject *self, void *closure)
{
    Py_INCREF(self->canonical);
    return self->canonical;
}

static PyObject *
reader_get_display_name(ReaderObject *self, void *closure)
{
    return PyUnicode_FromString(mailslot_reader_name(self->r));
}

static PyObject *
reader_get_encoding(ReaderObject *self, void *closure)
{
    return PyUnicode_FromString(
        mailslot_encoding_name(mailslot_reader_encoding(self->r)));
}

static PyObject *
reader_get_closed(ReaderObject *self, void *closure)
{
    return PyBool_FromLong(self->closed);
}

PyObject *
ms_reader_new(PyObject *module, PyTypeObject *cls, PyObject *name,
    const mailslot_options *opts)
{
    uint32_t max_size = opts->max_message_size;
    mailslot_reader *r = NULL;
    ReaderObject *self;
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
    rc = mailslot_create(PyBytes_AsString(name_b), opts, &r);
    Py_DECREF(name_b);
    if (rc != 0) {
        Py_DECREF(canonical);
        return ms_raise(module, rc, name);
    }
    alloc = (allocfunc)PyType_GetSlot(cls, Py_tp_alloc);
    self = alloc != NULL ? (ReaderObject *)alloc(cls, 0) : NULL;
    if (self == NULL) {
        Py_DECREF(canonical);
        mailslot_reader_free(r);
        return NULL;
    }
    self->canonical = canonical;
    self->r = r;
    Py_INCREF(module);
    self->module = module;
    Py_INCREF(name);
    self->name = name;
    self->timeout_ms = opts->read_timeout_ms;
    self->closed = 0;
    self->buf = NULL;
    /* Room for the largest message the slot takes (allocated on the first
     * read); a longer one, if the platform allows it, is read apart. */
    self->buf_cap = mailslot_max_message_size();
    if (max_size != 0 && max_size < self->buf_cap)
        self->buf_cap = max_size;
    if (self->buf_cap == 0)
        self->buf_cap = 1;
    /* read_many() shares the buffer out in slices (batch.c). */
    self->slice = self->buf_cap < MS_SLICE ? self->buf_cap : MS_SLICE;
    if (self->buf_cap < MS_BATCH * self->slice)
        self->buf_cap = MS_BATCH * self->slice;
    return (PyObject *)self;
}

static PyObject *
reader_tp_new(PyTypeObject *cls, PyObject *args, PyObject *kwargs)
{
    PyErr_SetString(PyExc_TypeError,
        "_mailslot.Reader cannot be instantiated; use mailslot.create()");
    return NULL;
}

static int
reader_traverse(ReaderObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(self->module);
    Py_VISIT(self->name);
    Py_VISIT(self->canonical);
    return 0;
}

static void
reader_dealloc(ReaderObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    freefunc tp_free = (freefunc)PyType_GetSlot(tp, Py_tp_free);

    PyObject_GC_UnTrack(self);
    if (self->r != NULL) {
        Py_BEGIN_ALLOW_THREADS
        mailslot_reader_free(self->r);
        Py_END_ALLOW_THREADS
        self->r = NULL;
    }
    free_buffer(self->buf);
    self->buf = NULL;
    Py_CLEAR(self->module);
    Py_CLEAR(self->name);
    Py_CLEAR(self->canonical);
    tp_free(self);
    Py_DECREF(tp);
}

static PyMethodDef reader_methods[] = {
    { "read", (PyCFunction)(void (*)(void))reader_read,
      METH_VARARGS | METH_KEYWORDS,
      "read($self, /, timeout=<the slot's timeout>, origin=False)\n--\n\n"
      "Read the next message and return its bytes (b'' for an empty\n"
      "message).\n\n"
      "TIMEOUT is in seconds: None waits for ever, 0 only looks.  When\n"
      "no message comes in time, raise mailslot.TimeoutError (a\n"
      "TimeoutError).\n"
      "The wait releases the GIL and is interrupted by Ctrl-C\n"
      "(KeyboardInterrupt); nothing is lost when it is.\n\n"
      "With ORIGIN true, return (data, origin): origin is None for a\n"
      "message from a local writer, or a mailslot.Origin for one that\n"
      "'mailslot bridge' took off the network (the sender's NetBIOS\n"
      "name and address, as the sender claimed them)." },
    { "read_many", (PyCFunction)(void (*)(void))ms_reader_read_many,
      METH_VARARGS | METH_KEYWORDS, ms_read_many_doc },
    { "_poll", (PyCFunction)reader_poll, METH_NOARGS,
      "_poll($self, /)\n--\n\n"
      "The next message if one is queued, else None; never waits." },
    { "_poll_origin", (PyCFunction)reader_poll_origin, METH_NOARGS,
      "_poll_origin($self, /)\n--\n\n"
      "(data, origin) for the next message if one is queued, else None;\n"
      "never waits." },
    { "close", (PyCFunction)reader_close, METH_NOARGS,
      "close($self, /)\n--\n\n"
      "Close the slot: unread messages are discarded and the name is\n"
      "freed.  A read blocked in another thread raises ValueError.\n"
      "Calling close() again does nothing." },
    { "fileno", (PyCFunction)reader_fileno, METH_NOARGS,
      "fileno($self, /)\n--\n\n"
      "A descriptor that is readable while a message is queued, for\n"
      "select, selectors and asyncio.  It belongs to the slot: do not\n"
      "close it or read from it." },
    { "_info", (PyCFunction)reader_info, METH_NOARGS,
      "_info($self, /)\n--\n\n"
      "(max_size, next_size or None, count, timeout) as a tuple." },
    { NULL, NULL, 0, NULL }
};

static PyGetSetDef reader_getset[] = {
    { "name", (getter)reader_get_name, NULL,
      "The slot's canonical name, as mailslot.canonical_name() gives it\n"
      "('\\\\.\\mailslot\\INBOX' for 'inbox'): equal for two names of\n"
      "one slot.", NULL },
    { "display_name", (getter)reader_get_display_name, NULL,
      "The slot's full name with the case kept as given\n"
      "('\\\\.\\mailslot\\inbox' for 'inbox'), as mailslot.list() shows\n"
      "it.", NULL },
    { "closed", (getter)reader_get_closed, NULL,
      "True once close() was called.", NULL },
    { "encoding", (getter)reader_get_encoding, NULL,
      "What the slot's writers send, as create() was told: 'auto' (the\n"
      "default: recognise UTF-8, UTF-16LE and ANSI), 'utf-8', 'utf-16le',\n"
      "'ansi' or 'cp1252'.  read_text() uses it unless told otherwise.",
      NULL },
    { "timeout", (getter)reader_get_timeout, (setter)reader_set_timeout,
      "The default read timeout in seconds (None: wait for ever).", NULL },
    { NULL, NULL, NULL, NULL, NULL }
};

static PyType_Slot reader_slots[] = {
    { Py_tp_doc, "The C base of mailslot.Mailslot (a slot to read)." },
    { Py_tp_new, reader_tp_new },
    { Py_tp_dealloc, reader_dealloc },
    { Py_tp_traverse, reader_traverse },
    { Py_tp_methods, reader_methods },
    { Py_tp_getset, reader_getset },
    { 0, NULL }
};

PyType_Spec ms_reader_spec = {
    "_mailslot.Reader",
    sizeof(ReaderObject),
    0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    reader_slots,
};
