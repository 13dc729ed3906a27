/*
 * batch.c -- Reader.read_many() and Writer.write_many(): many messages
 * per call of the core (mailslot_read_many(), mailslot_write_many()).
 *
 * read_many() receives into the reader's buffer, cut in MS_BATCH slices
 * of MS_SLICE bytes, and copies each message once into a bytes object of
 * its exact size, as read() does: a datagram's size is not known before
 * it is received, and the Limited API cannot shrink a bytes object.  A
 * message longer than its slice stays queued (the core says how long it
 * is) and is then received straight into a bytes object of that size, so
 * large messages are copied only once.  Like read(), it waits only with
 * the GIL released, and Ctrl-C interrupts the wait without losing
 * anything.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "binding.h"

/* read_many() stops: a Python exception is set. */
#define PYERR 1

/* Point M[0..K-1] at the slices of BUF; LEN 0, to see which the core
 * reported as too small. */
static void
aim(ReaderObject *self, char *buf, mailslot_rmsg *m, size_t k)
{
    for (size_t i = 0; i < k; i++) {
        m[i].buf = buf + i * self->slice;
        m[i].cap = self->slice;
        m[i].len = 0;
    }
}

/*
 * The first batch: look without waiting (GIL held), then wait with the
 * GIL released until TIMEOUT_MS has passed, running signal handlers when
 * a signal interrupts the wait.  Returns the core's code or PYERR.
 */
static int
first_batch(ReaderObject *self, mailslot_rmsg *m, size_t k, size_t *got,
    int32_t timeout_ms)
{
    double deadline = 0.0, now, ms;
    int32_t left = timeout_ms;
    int rc;

    rc = mailslot_read_many(self->r, m, k, got, 0);
    if (rc != MAILSLOT_ETIMEOUT || timeout_ms == 0)
        return rc;
    if (timeout_ms > 0) {
        if (ms_monotonic(self->module, &now) < 0)
            return PYERR;
        deadline = now + timeout_ms / 1000.0;
    }
    for (;;) {
        Py_BEGIN_ALLOW_THREADS
        rc = mailslot_read_many(self->r, m, k, got, left);
        Py_END_ALLOW_THREADS
        if (rc != MAILSLOT_EINTR)
            return rc;
        if (PyErr_CheckSignals() < 0 ||
            (timeout_ms > 0 && ms_monotonic(self->module, &now) < 0))
            return PYERR;
        if (timeout_ms > 0) {
            ms = ceil((deadline - now) * 1000.0);
            left = ms > 0 ? (int32_t)ms : 0;
        }
    }
}

/*
 * The next message is NEED bytes, too long for a slice: receive it into
 * a bytes object of that size and append it to OUT.  Returns 0, the
 * core's code (another thread took it meanwhile, say) or PYERR.
 */
static int
append_long(ReaderObject *self, size_t need, PyObject *out)
{
    mailslot_rmsg one;
    PyObject *msg;
    size_t got = 0;
    int rc;

    msg = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)need);
    if (msg == NULL)
        return PYERR;
    one.buf = PyBytes_AsString(msg);
    one.cap = need;
    one.len = 0;
    rc = mailslot_read_many(self->r, &one, 1, &got, 0);
    if (rc == 0 && one.len != need) {
        /* Someone else took it and a shorter one came: copy it out. */
        PyObject *copy = PyBytes_FromStringAndSize(one.buf,
            (Py_ssize_t)one.len);

        Py_DECREF(msg);
        msg = copy;
        if (msg == NULL)
            return PYERR;
    }
    if (rc == 0 && PyList_Append(out, msg) < 0)
        rc = PYERR;
    Py_DECREF(msg);
    return rc;
}

/* Append the GOT messages of M to OUT: 0 or PYERR. */
static int
append_batch(const mailslot_rmsg *m, size_t got, PyObject *out)
{
    PyObject *msg;
    int rc;

    for (size_t i = 0; i < got; i++) {
        msg = PyBytes_FromStringAndSize(m[i].buf, (Py_ssize_t)m[i].len);
        if (msg == NULL)
            return PYERR;
        rc = PyList_Append(out, msg);
        Py_DECREF(msg);
        if (rc < 0)
            return PYERR;
    }
    return 0;
}

/*
 * Fill OUT with up to MAX messages: the first batch may wait; later ones
 * take only what is queued.  Returns 0 or, when OUT is still empty, the
 * error of the first message (the core's code or PYERR).
 */
static int
read_into(ReaderObject *self, char *buf, Py_ssize_t max, int32_t timeout_ms,
    PyObject *out)
{
    mailslot_rmsg m[MS_BATCH];
    size_t k, got = 0;
    Py_ssize_t have;
    int rc, first = 1;

    while ((have = PyList_Size(out)) < max) {
        k = (size_t)(max - have) < MS_BATCH ? (size_t)(max - have) : MS_BATCH;
        aim(self, buf, m, k);
        if (first)
            rc = first_batch(self, m, k, &got, timeout_ms);
        else
            rc = mailslot_read_many(self->r, m, k, &got, 0);
        first = 0;
        if (rc == MAILSLOT_EBUFFER) {
            /* The next message is longer than a slice. */
            rc = append_long(self, m[0].len, out);
            if (rc != 0)
                break;
            continue;
        }
        if (rc != 0)
            break;
        if (append_batch(m, got, out) != 0)
            return PYERR;
        /* Fewer than asked, and not for a long one: nothing is queued. */
        if (got < k && m[got].len <= m[got].cap)
            break;
    }
    return PyList_Size(out) > 0 && rc != PYERR ? 0 : rc;
}

PyObject *
ms_reader_read_many(ReaderObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = { "max", "timeout", NULL };
    PyObject *timeout = NULL, *out;
    Py_ssize_t max;
    int32_t ms = self->timeout_ms;
    char *buf;
    int rc;

    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "n|O:read_many", kwlist,
            &max, &timeout))
        return NULL;
    if (max <= 0) {
        PyErr_Format(PyExc_ValueError,
            "read_many() max must be at least 1, not %zd", max);
        return NULL;
    }
    if (timeout != NULL && ms_timeout_from_py(timeout, &ms) < 0)
        return NULL;
    if (self->closed)
        return ms_raise_closed("mailslot");
    out = PyList_New(0);
    buf = out != NULL ? ms_reader_take_buffer(self) : NULL;
    if (buf == NULL) {
        Py_XDECREF(out);
        return NULL;
    }
    rc = read_into(self, buf, max, ms, out);
    ms_reader_give_back_buffer(self, buf);
    if (rc == 0)
        return out;
    Py_DECREF(out);
    if (rc == PYERR)
        return NULL;
    if (rc == MAILSLOT_ECLOSED && self->closed)
        return ms_raise_closed("mailslot"); /* closed by another thread */
    return ms_raise(self->module, rc, self->name);
}

const char ms_read_many_doc[] =
    "read_many($self, max, /, timeout=<the slot's timeout>)\n--\n\n"
    "Read up to MAX messages at once and return them as a list of bytes,\n"
    "oldest first (b'' for an empty message): the same messages, in the\n"
    "same order, as MAX calls of read() would give, in fewer calls.\n\n"
    "It waits up to TIMEOUT seconds (None: for ever, 0: not at all) for\n"
    "the first message only, then takes what is already queued, without\n"
    "waiting, up to MAX; so the list has at least one message.  When no\n"
    "message comes in time, raise mailslot.TimeoutError (a\n"
    "TimeoutError), as read() does.  The wait releases the GIL and is\n"
    "interrupted by Ctrl-C (KeyboardInterrupt); nothing is lost.";

/* ---------------------------------------------------------------------- */

/* The messages of ITEMS as bytes objects (a new list), or NULL with a
 * TypeError naming the first item that is not a message. */
static PyObject *
messages_of(WriterObject *self, PyObject *items, const char *encoding,
    int nul)
{
    PyObject *it, *item, *msg, *list = PyList_New(0);
    Py_ssize_t i = 0;

    it = list != NULL ? PyObject_GetIter(items) : NULL;
    if (it == NULL) {
        if (list != NULL && PyErr_ExceptionMatches(PyExc_TypeError)) {
            PyErr_Clear();
            ms_type_error("write_many() messages", "an iterable", items);
        }
        Py_XDECREF(list);
        return NULL;
    }
    while ((item = PyIter_Next(it)) != NULL) {
        msg = ms_message_bytes(self->module, item, encoding, nul);
        if (msg == NULL && PyErr_ExceptionMatches(PyExc_TypeError)) {
            char what[64];

            PyErr_Clear();
            snprintf(what, sizeof what, "write_many() item %zd", i);
            ms_type_error(what, "bytes-like or str", item);
        }
        Py_DECREF(item);
        if (msg == NULL || PyList_Append(list, msg) < 0) {
            Py_XDECREF(msg);
            break;
        }
        Py_DECREF(msg);
        i++;
    }
    Py_DECREF(it);
    if (PyErr_Occurred()) {
        Py_DECREF(list);
        return NULL;
    }
    return list;
}

/* Set "written" on the exception being raised (it stays raised). */
static void
note_written(size_t written)
{
    PyObject *type, *value, *tb, *n;

    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    n = PyLong_FromSize_t(written);
    if (value != NULL && n != NULL &&
        PyObject_SetAttrString(value, "written", n) < 0)
        PyErr_Clear();
    Py_XDECREF(n);
    PyErr_Restore(type, value, tb);
}

/* Write the N messages of M, the GIL released, going on after a signal
 * whose handler returned (PEP 475).  Returns the core's code (EINTR with
 * the handler's exception set); *WRITTEN how many went. */
static int
write_all(WriterObject *self, mailslot_wmsg *m, size_t n, size_t *written)
{
    size_t done = 0, k;
    int rc;

    do {
        k = 0;
        Py_BEGIN_ALLOW_THREADS
        rc = mailslot_write_many(self->w, m + done, n - done, &k);
        Py_END_ALLOW_THREADS
        done += k;
    } while (rc == MAILSLOT_EINTR && PyErr_CheckSignals() == 0);
    *written = done;
    return rc;
}

PyObject *
ms_writer_write_many(WriterObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = { "messages", "encoding", "nul", NULL };
    const char *encoding = "utf-8";
    PyObject *items, *list;
    mailslot_wmsg *m;
    Py_ssize_t n, len, i;
    size_t written = 0;
    char *p;
    int nul = 0, rc = 0;

    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|$sp:write_many",
            kwlist, &items, &encoding, &nul))
        return NULL;
    if (self->closed)
        return ms_raise_closed("mailslot writer");
    list = messages_of(self, items, encoding, nul);
    if (list == NULL)
        return NULL;
    n = PyList_Size(list);
    m = PyMem_Malloc((size_t)(n > 0 ? n : 1) * sizeof *m);
    if (m == NULL) {
        Py_DECREF(list);
        return PyErr_NoMemory();
    }
    for (i = 0; i < n; i++) {
        PyBytes_AsStringAndSize(PyList_GetItem(list, i), &p, &len);
        m[i].data = p;
        m[i].len = (size_t)len;
    }
    if (n > 0)
        rc = write_all(self, m, (size_t)n, &written);
    PyMem_Free(m);
    Py_DECREF(list);
    if (rc == 0)
        return PyLong_FromSize_t(written);
    if (rc == MAILSLOT_EINTR)
        ; /* the handler's exception */
    else if (rc == MAILSLOT_ECLOSED && self->closed)
        ms_raise_closed("mailslot writer");
    else
        ms_raise(self->module, rc, self->name);
    note_written(written);
    return NULL;
}

const char ms_write_many_doc[] =
    "write_many($self, messages, /, *, encoding='utf-8', nul=False)\n--\n\n"
    "Write every message of the iterable MESSAGES (each bytes-like, or a\n"
    "str encoded as write() does), in order, each one whole: the same as\n"
    "one write() per message, in fewer calls.  Return how many were\n"
    "written.\n\n"
    "Every item is checked before anything is sent: one that is not a\n"
    "message raises TypeError naming its index, and nothing is written.\n"
    "When a write fails (too big, full, reader gone), the messages before\n"
    "it have been written and it and the rest have not: the exception\n"
    "raised (a mailslot.Error, as write() raises) has the attribute\n"
    "'written', how many were.";
