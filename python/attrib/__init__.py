"""Quote attribution and entity extraction for English news (ctypes binding).

    import attrib
    result = attrib.analyze(text)          # the JSON of docs/output.md, as a dict
    for q in result["quotes"]:
        print(q["speaker"]["name"] if q["speaker"] else "?", q["text"])

    results = attrib.analyze_batch(texts)  # threads sharing one model, order kept

    with attrib.Model("models/") as m:     # rules and word lists from a directory
        result = m.analyze(text)

Offsets ("start", "end") are byte offsets into the UTF-8 encoding of the
text, exactly as in the C library: text.encode()[start:end] is the quote.

The shared library (libattrib.so) is found, in this order, at:
  1. the path in the environment variable ATTRIB_LIBRARY;
  2. ctypes.util.find_library("attrib") (the system's library path);
  3. next to this package (libattrib.so* copied into this directory).

Threads: a Model is immutable once loaded and may be used from any number of
threads at once; ctypes releases the GIL during each call into the library,
so analyze_batch() runs the analyses in parallel.
"""

import ctypes
import ctypes.util
import glob
import json
import os
import threading
from concurrent.futures import ThreadPoolExecutor

__all__ = [
    "AttribError",
    "Model",
    "analyze",
    "analyze_batch",
    "library_path",
    "library_version",
]

__version__ = "0.1.0"

# attrib_status codes (include/attrib.h); codes are only ever appended.
OK = 0
ERR_NOMEM = 1
ERR_ARG = 2
ERR_UTF8 = 3
ERR_BINARY = 4
ERR_TOO_LARGE = 5
ERR_MODEL = 6
ERR_IO = 7
ERR_LIMIT = 8

_STATUS_NAMES = {
    OK: "ok",
    ERR_NOMEM: "out of memory",
    ERR_ARG: "invalid argument",
    ERR_UTF8: "invalid UTF-8",
    ERR_BINARY: "binary data",
    ERR_TOO_LARGE: "input too large",
    ERR_MODEL: "malformed model",
    ERR_IO: "I/O error",
    ERR_LIMIT: "processing limit",
}

_JSON_PRETTY = 1


class AttribError(Exception):
    """A failure reported by the library (or an input it cannot be given).

    code:    the attrib_status code (attrib.ERR_UTF8, ...)
    message: the library's one-line message
    offset:  byte offset in the UTF-8 input, for ERR_UTF8 and ERR_BINARY (else 0)
    file, line: the model file and line, for model errors ("" and 0 otherwise)
    """

    def __init__(self, code, message, offset=0, file="", line=0):
        super().__init__(code, message, offset, file, line)
        self.code = code
        self.message = message
        self.offset = offset
        self.file = file
        self.line = line

    @property
    def status(self):
        """The library's name of the status code (attrib_status_str())."""
        if _lib is not None:
            return _lib.attrib_status_str(self.code).decode("utf-8", "replace")
        return _STATUS_NAMES.get(self.code, "status %d" % self.code)

    def __str__(self):
        s = self.message or self.status
        if self.code in (ERR_UTF8, ERR_BINARY):
            s += " (byte %d)" % self.offset
        return "%s [code %d]" % (s, self.code)


class _Error(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_int),
        ("message", ctypes.c_char * 256),
        ("offset", ctypes.c_size_t),
        ("file", ctypes.c_char * 256),
        ("line", ctypes.c_uint),
    ]


class _Options(ctypes.Structure):
    _fields_ = [("max_input_bytes", ctypes.c_size_t), ("indirect", ctypes.c_int)]


def _raise(status, err):
    raise AttribError(
        status,
        err.message.decode("utf-8", "replace"),
        err.offset,
        err.file.decode("utf-8", "replace"),
        err.line,
    )


# ---- loading the shared library ------------------------------------------

_lib = None
_lib_path = None
_lib_lock = threading.Lock()


def _candidates():
    env = os.environ.get("ATTRIB_LIBRARY")
    if env:
        # An explicit choice: no fallback that could hide a wrong path.
        return [env]
    out = []
    found = ctypes.util.find_library("attrib")
    if found:
        out.append(found)
    here = os.path.dirname(os.path.abspath(__file__))
    for pattern in ("libattrib.so", "libattrib.so.*", "libattrib.dylib", "attrib.dll"):
        out.extend(sorted(glob.glob(os.path.join(here, pattern))))
    return out


def _load():
    global _lib, _lib_path
    with _lib_lock:
        if _lib is not None:
            return _lib
        tried = []
        lib = None
        for cand in _candidates():
            try:
                lib = ctypes.CDLL(cand)
            except OSError as e:
                tried.append("%s (%s)" % (cand, e))
                continue
            _lib_path = cand
            break
        if lib is None:
            raise OSError(
                "attrib: cannot load the shared library libattrib; set ATTRIB_LIBRARY to its "
                "full path (e.g. build/libattrib.so), install it on the library path, or "
                "copy it next to the attrib package. Tried: %s" % (", ".join(tried) or "nothing")
            )
        P, S = ctypes.POINTER, ctypes.c_size_t
        lib.attrib_version.argtypes = []
        lib.attrib_status_str.argtypes = [ctypes.c_int]
        lib.attrib_status_str.restype = ctypes.c_char_p
        lib.attrib_version.restype = ctypes.c_char_p
        lib.attrib_model_load.argtypes = [ctypes.c_char_p, P(ctypes.c_void_p), P(_Error)]
        lib.attrib_model_load.restype = ctypes.c_int
        lib.attrib_model_free.argtypes = [ctypes.c_void_p]
        lib.attrib_model_free.restype = None
        lib.attrib_options_init.argtypes = [P(_Options)]
        lib.attrib_options_init.restype = None
        lib.attrib_analyze.argtypes = [
            ctypes.c_void_p, ctypes.c_char_p, S, P(_Options), P(ctypes.c_void_p), P(_Error)
        ]
        lib.attrib_analyze.restype = ctypes.c_int
        lib.attrib_doc_free.argtypes = [ctypes.c_void_p]
        lib.attrib_doc_free.restype = None
        lib.attrib_doc_to_json.argtypes = [
            ctypes.c_void_p, ctypes.c_char_p, ctypes.c_uint, P(ctypes.c_void_p), P(S), P(_Error)
        ]
        lib.attrib_doc_to_json.restype = ctypes.c_int
        lib.attrib_free.argtypes = [ctypes.c_void_p]
        lib.attrib_free.restype = None
        _lib = lib
        return lib


def library_path():
    """The path or name the shared library was loaded from."""
    _load()
    return _lib_path


def library_version():
    """The version of the loaded shared library, e.g. "0.1.0"."""
    return _load().attrib_version().decode()


# ---- models and analysis --------------------------------------------------

# attrib_model_load() is documented thread-safe, but the loader uses strtok()
# (engine/model.c): loads are serialised here until that is fixed.
_load_lock = threading.Lock()


def _encode(text):
    if isinstance(text, (bytes, bytearray, memoryview)):
        return bytes(text)
    if not isinstance(text, str):
        raise TypeError("attrib: text must be str or bytes, not %s" % type(text).__name__)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as e:
        # A lone surrogate: the same verdict the library gives bad UTF-8,
        # at the byte offset the character would have had.
        offset = len(text[: e.start].encode("utf-8"))
        raise AttribError(
            ERR_UTF8,
            "invalid UTF-8 at byte %d: lone surrogate U+%04X cannot be encoded"
            % (offset, ord(text[e.start])),
            offset,
        ) from None


class Model:
    """A compiled model: rules and word lists.

    Model() is the default model built into the library; Model(path) loads a
    directory holding the same files as the project's models/ folder. Raises
    AttribError (ERR_IO, ERR_MODEL with .file and .line) when it cannot.
    A model may be shared by any number of threads. close() frees it (after
    the analyses in progress have finished); it is also a context manager.
    """

    def __init__(self, path=None):
        self._lib = _load()
        self._ptr = None
        self._busy = 0
        self._cond = threading.Condition()
        self.path = None if path is None else os.fspath(path)
        ptr = ctypes.c_void_p()
        err = _Error()
        arg = None if path is None else os.fsencode(path)
        with _load_lock:
            status = self._lib.attrib_model_load(arg, ctypes.byref(ptr), ctypes.byref(err))
        if status != OK:
            _raise(status, err)
        self._ptr = ptr

    def __repr__(self):
        state = "closed" if self._ptr is None else "open"
        where = "built-in" if self.path is None else repr(self.path)
        return "<attrib.Model %s %s>" % (where, state)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def close(self):
        """Frees the model. Later analyses raise AttribError (ERR_ARG)."""
        cond = getattr(self, "_cond", None)
        if cond is None:
            return
        with cond:
            ptr, self._ptr = self._ptr, None
            while self._busy:
                cond.wait()
        if ptr is not None:
            self._lib.attrib_model_free(ptr)

    @property
    def closed(self):
        return self._ptr is None

    def analyze(self, text, *, indirect=True, source=None, max_bytes=None):
        """Analyses one article; returns the JSON of docs/output.md as a dict.

        text: str (encoded as UTF-8) or bytes (UTF-8, passed as is).
        indirect: report indirect speech. source: the "document.source"
        value (None gives null). max_bytes: refuse larger inputs
        (ERR_TOO_LARGE); None keeps the library's default (64 MiB).
        Offsets in the result are byte offsets into the UTF-8 text.
        Raises AttribError: ERR_UTF8 / ERR_BINARY with .offset, ERR_TOO_LARGE.
        An empty text gives an empty analysis.
        """
        data = _encode(text)
        opts = _Options()
        self._lib.attrib_options_init(ctypes.byref(opts))
        opts.indirect = 1 if indirect else 0
        if max_bytes is not None:
            if max_bytes <= 0:
                raise ValueError("attrib: max_bytes must be positive")
            opts.max_input_bytes = max_bytes
        src = None if source is None else os.fsencode(source)
        with self._cond:
            if self._ptr is None:
                raise AttribError(ERR_ARG, "the model is closed")
            ptr = self._ptr
            self._busy += 1
        try:
            return self._run(ptr, data, opts, src)
        finally:
            with self._cond:
                self._busy -= 1
                if not self._busy:
                    self._cond.notify_all()

    def _run(self, ptr, data, opts, src):
        lib = self._lib
        err = _Error()
        doc = ctypes.c_void_p()
        status = lib.attrib_analyze(ptr, data, len(data), ctypes.byref(opts), ctypes.byref(doc),
                                    ctypes.byref(err))
        if status != OK:
            _raise(status, err)
        try:
            out = ctypes.c_void_p()
            n = ctypes.c_size_t()
            status = lib.attrib_doc_to_json(doc, src, 0, ctypes.byref(out), ctypes.byref(n),
                                            ctypes.byref(err))
            if status != OK:
                _raise(status, err)
            try:
                raw = ctypes.string_at(out, n.value)
            finally:
                lib.attrib_free(out)
        finally:
            lib.attrib_doc_free(doc)
        return json.loads(raw.decode("utf-8"))

    def analyze_batch(self, texts, workers=None, *, return_errors=False, **kwargs):
        """Analyses many articles with a pool of threads sharing this model.

        Returns one dict per text, in the order given. workers: the number of
        threads (None: os.cpu_count()). The keyword arguments of analyze()
        apply to every text. An AttribError for any text is raised (the first
        in input order) unless return_errors is true, in which case that
        text's entry is the AttribError instead of a dict.
        """
        texts = list(texts)
        if not texts:
            return []
        if workers is None:
            workers = os.cpu_count() or 1
        workers = max(1, min(int(workers), len(texts)))

        def one(t):
            try:
                return self.analyze(t, **kwargs)
            except AttribError as e:
                if return_errors:
                    return e
                raise

        if workers == 1:
            return [one(t) for t in texts]
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="attrib") as pool:
            return list(pool.map(one, texts))


_default = None
_default_lock = threading.Lock()


def _default_model():
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Model()
    return _default


def analyze(text, *, indirect=True, source=None, max_bytes=None):
    """Analyses one article with the built-in model (loaded on first use).

    See Model.analyze(); returns the JSON of docs/output.md as a dict.
    """
    return _default_model().analyze(text, indirect=indirect, source=source, max_bytes=max_bytes)


def analyze_batch(texts, workers=None, *, return_errors=False, **kwargs):
    """Analyses many articles on a thread pool sharing the built-in model.

    See Model.analyze_batch(); returns a list of dicts in the order given.
    """
    return _default_model().analyze_batch(texts, workers, return_errors=return_errors, **kwargs)
