/*
 * binding.h -- what the parts of the _mailslot extension share.
 *
 * The extension is built for the Limited API of Python 3.9, so one abi3
 * binary serves every later Python.  That API has no PyType_GetModule(),
 * so each object keeps a strong reference to the module that made it and
 * reaches the module state through it.
 */
#ifndef MAILSLOT_PY_BINDING_H
#define MAILSLOT_PY_BINDING_H

#ifndef Py_LIMITED_API
#define Py_LIMITED_API 0x03090000
#endif
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "mailslot.h"

/* Per-module state: everything the C code needs that Python provides. */
typedef struct module_state {
    PyObject *reader_type;   /* _mailslot.Reader */
    PyObject *writer_type;   /* _mailslot.Writer */
    PyObject *error_factory; /* factory(code, os_error, name) -> exception */
    PyObject *origin_type;   /* mailslot.Origin, a named tuple */
    PyObject *monotonic;     /* time.monotonic */
} module_state;

module_state *ms_state(PyObject *module);

/*
 * Raise the mailslot.Error subclass for CODE (a MAILSLOT_E* value) about
 * the slot NAME (may be NULL), with the OS error OS_ERROR (0: none) or,
 * for ms_raise(), the one the failing library call of this thread left.
 * MAILSLOT_ECLOSED raises ValueError (use after close), as Python's I/O
 * objects do.  They return NULL so callers can "return ms_raise(...)".
 */
PyObject *ms_raise(PyObject *module, int code, PyObject *name);
PyObject *ms_raise_os(PyObject *module, int code, int os_error,
    PyObject *name);
/* The MAILSLOT_ENC_* value for an encoding NAME in any spelling the core
 * takes, or -1 with LookupError set. */
int ms_encoding_code(const char *name);
/* Raise ValueError for an operation on a closed object; returns NULL. */
PyObject *ms_raise_closed(const char *what);
/* Raise TypeError "WHAT must be EXPECTED, not TYPE"; returns NULL. */
PyObject *ms_type_error(const char *what, const char *expected,
    PyObject *obj);

/*
 * Timeouts: Python seconds (None = forever) to C milliseconds (-1 =
 * forever) and back.  Returns 0, or -1 with TypeError, ValueError or
 * OverflowError set.
 */
int ms_timeout_from_py(PyObject *obj, int32_t *ms);
PyObject *ms_timeout_to_py(int32_t ms);
/* A value assigned to a "timeout" property: VALUE (NULL when deleted) as
 * milliseconds, for an object that is not CLOSED (else the ValueError of
 * a closed WHAT).  Returns 0, or -1 with an exception set. */
int ms_timeout_setting(PyObject *value, int closed, const char *what,
    int32_t *ms);
/* time.monotonic() in seconds; returns -1 with an exception set. */
int ms_monotonic(PyObject *module, double *now);

/*
 * A slot name as NUL-terminated UTF-8 bytes (a new reference), or NULL
 * with TypeError (not a str) or mailslot.Error invalid_name (an embedded
 * NUL, which C would silently cut off) set.
 */
PyObject *ms_name_bytes(PyObject *module, PyObject *name);

/*
 * The bytes of any bytes-like object (not str): OBJ itself when it is
 * bytes, else a copy.  A new reference, or NULL with TypeError ("WHAT
 * must be EXPECTED, not TYPE").
 */
PyObject *ms_bytes_like(PyObject *obj, const char *what,
    const char *expected);

/*
 * The bytes of a message: DATA itself when it is bytes, a copy of any
 * other bytes-like object, or a str encoded by the core (ENCODING, NUL
 * terminator when NUL is true).  A new reference, or NULL with an
 * exception (TypeError for anything else).
 */
PyObject *ms_message_bytes(PyObject *module, PyObject *data,
    const char *encoding, int nul);

/*
 * The canonical form of the slot name NAME_UTF8 (a str), or NULL with
 * mailslot.InvalidNameError about NAME set.
 */
PyObject *ms_canonical(PyObject *module, const char *name_utf8,
    PyObject *name);

/*
 * A writer's options from Python (open() and send()): the core's struct
 * and the UTF-8 bytes objects its string fields point into.  Fill with
 * ms_writer_opts_parse(), which names the option in its TypeError or
 * ValueError (and then holds nothing), and release with
 * ms_writer_opts_clear().
 */
typedef struct writer_opts {
    mailslot_options o;
    PyObject *strings[3];
} writer_opts;

int ms_writer_opts_parse(writer_opts *wo, PyObject *timeout,
    PyObject *netbios_name, PyObject *workgroup, PyObject *broadcast,
    PyObject *port);
void ms_writer_opts_clear(writer_opts *wo);

/*
 * mailslot_write() with the GIL released that runs the signal handlers
 * and tries again when a signal interrupted it (PEP 475).  Returns the
 * core's code, or MAILSLOT_EINTR with the handler's exception set.
 */
int ms_write(mailslot_writer *w, const char *data, size_t len);

/* A _mailslot.Reader. */
typedef struct ReaderObject {
    PyObject_HEAD
    mailslot_reader *r; /* freed only in dealloc: close() keeps the memory */
    PyObject *module;   /* the _mailslot module, for its state */
    PyObject *name;     /* the str the slot was created with (for errors) */
    PyObject *canonical; /* its canonical form, the name property */
    int32_t timeout_ms; /* the default read timeout, as given to the core */
    int closed;
    /*
     * The receive buffer (BUF_CAP bytes), NULL until the first read.  A
     * read takes it out of the object for its duration, so a read in
     * another thread (while this one waits with the GIL released) gets a
     * buffer of its own; the first to finish puts its buffer back.
     * read_many() receives into MS_BATCH slices of SLICE bytes of it.
     */
    char *buf;
    size_t buf_cap;
    size_t slice;
    int big;            /* the last message read was large (reader.c) */
    size_t guess;       /* the size the next read guesses, or 0 */
    size_t last_big;    /* the last message's size, if it was large */
} ReaderObject;

/* read_many(): messages per core call, and the buffer's slice for each
 * (a longer message is read into its own bytes object). */
#define MS_BATCH 64u
#define MS_SLICE 4096u

/* The receive buffer for one read (taken out of SELF), or NULL with
 * MemoryError; give it back after the read (kept unless another read
 * already gave one back or the slot is closed).  GIL held. */
char *ms_reader_take_buffer(ReaderObject *self);
void ms_reader_give_back_buffer(ReaderObject *self, char *buf);

/* A _mailslot.Writer. */
typedef struct WriterObject {
    PyObject_HEAD
    mailslot_writer *w; /* freed only in dealloc */
    PyObject *module;   /* the _mailslot module, for its state */
    PyObject *name;     /* the str the slot was opened with (for errors) */
    PyObject *canonical; /* its canonical form, the name property */
    int closed;
} WriterObject;

/* Batch methods (batch.c). */
PyObject *ms_reader_read_many(ReaderObject *self, PyObject *args,
    PyObject *kwargs);
PyObject *ms_writer_write_many(WriterObject *self, PyObject *args,
    PyObject *kwargs);
extern const char ms_read_many_doc[];
extern const char ms_write_many_doc[];

/* Types and the factories that create their instances. */
extern PyType_Spec ms_reader_spec;
extern PyType_Spec ms_writer_spec;
PyObject *ms_reader_new(PyObject *module, PyTypeObject *cls, PyObject *name,
    const mailslot_options *opts);
PyObject *ms_writer_new(PyObject *module, PyTypeObject *cls, PyObject *name,
    const mailslot_options *opts);

/* Module functions defined in codec.c. */
PyObject *ms_encode(PyObject *module, PyObject *args, PyObject *kwargs);
PyObject *ms_decode(PyObject *module, PyObject *args, PyObject *kwargs);
PyObject *ms_detect_encoding(PyObject *module, PyObject *data);
extern const char ms_encode_doc[];
extern const char ms_decode_doc[];
extern const char ms_detect_encoding_doc[];

#endif
