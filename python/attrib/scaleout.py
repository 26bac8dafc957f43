"""Runs attrib over a corpus on a Dask distributed cluster (docs/scale-out.md).

    from distributed import Client, LocalCluster
    from attrib.scaleout import analyze_corpus

    with LocalCluster(n_workers=4, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address=None) as cluster, \\
         Client(cluster) as client:
        for path, result in analyze_corpus(["a.txt", "b.txt"], client):
            if "error" in result:
                print(result["error"]["line"])        # as the CLI's stderr line
            else:
                print(path, len(result["quotes"]))

Each result is the dict that `attrib FILE` prints for that file (the JSON of
docs/output.md, with document.source the path as given); a file that cannot
be analysed gives an error record instead (see analyze_corpus()), and the
run goes on. Results come back in input order.

Each worker process imports the binding and loads the built-in model once,
on its first batch, and keeps it for its lifetime; nothing is shared between
processes. The workers must be able to import this package (PYTHONPATH, or
installed) and load libattrib.so: the client's ATTRIB_LIBRARY is passed along
with every batch unless library="" is given (see analyze_corpus()).

Command line (writes DIR/NAME.json like `attrib -o DIR`, or one line per
result on standard output like `attrib FILE...`):

    python3 -m attrib.scaleout [--workers N] [--scheduler ADDR] [--out DIR] FILE|DIR...
"""

import argparse
import errno
import itertools
import json
import os
import stat
import sys
import threading
from collections import deque

import attrib

__all__ = ["analyze_corpus", "expand_inputs", "error_line", "output_name", "to_json", "write_result",
           "DEFAULT_MAX_BYTES"]

# The library's default limit (include/attrib.h: 64 MiB), also the CLI's.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024

# The library's status codes under the names the CLI's --jsonl error records use.
_STATUS_CODES = {
    attrib.ERR_NOMEM: "out_of_memory",
    attrib.ERR_UTF8: "invalid_utf8",
    attrib.ERR_BINARY: "binary",
    attrib.ERR_TOO_LARGE: "too_large",
    attrib.ERR_LIMIT: "limit",
}

_USE_CLIENT_ENV = object()


# ---- records ---------------------------------------------------------------

def _label(path):
    return "<stdin>" if path == "-" else path


def _error(path, code, message, offset=None):
    """An error record: the CLI's stderr line for this file, split into parts."""
    err = {"code": code, "message": message, "line": "attrib: %s: %s" % (_label(path), message)}
    if offset is not None:
        err["offset"] = offset
    return {"error": err}


def error_line(path, record):
    """The line `attrib` prints on stderr for a failed file ("attrib: PATH: MESSAGE")."""
    return record["error"]["line"]


# ---- inputs, as the CLI lists and reads them ---------------------------------

def expand_inputs(args):
    """The CLI's input list: (path, None) per file, a directory's *.txt files
    (not hidden ones, not recursing) in byte order of their names, and
    (path, error record) for a directory that cannot be listed or has no
    .txt file. Anything else (missing files too) is left for reading to judge."""
    out = []
    for a in args:
        if a != "-" and os.path.isdir(a):
            try:
                names = os.listdir(os.fsencode(a))
            except OSError as e:
                out.append((a, _error(a, "io", os.strerror(e.errno or errno.EIO))))
                continue
            names = sorted(n for n in names
                           if not n.startswith(b".") and len(n) > 4 and n.endswith(b".txt"))
            if not names:
                out.append((a, _error(a, "io", "is a directory without .txt files")))
                continue
            sep = "" if a.endswith("/") else "/"
            out.extend((a + sep + os.fsdecode(n), None) for n in names)
        else:
            out.append((a, None))
    return out


def _read(path, max_bytes):
    """The bytes of a file, or an error record worded as the CLI words it."""
    try:
        if stat.S_ISDIR(os.stat(path).st_mode):
            return _error(path, "io", "is a directory")
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as e:
        return _error(path, "io", os.strerror(e.errno) if e.errno else str(e))
    return _check(path, data, max_bytes)


def _check(path, data, max_bytes):
    if len(data) > max_bytes:
        return _error(path, "too_large",
                      "larger than the limit of %d bytes (see --max-bytes)" % max_bytes)
    if not data:
        return _error(path, "empty", "empty file")
    return data


# ---- the worker side ----------------------------------------------------------

# Per worker process: the model, loaded on the first batch. Each process has
# its own copy of this module; a fork or spawn starts with none loaded.
_model = None
_model_lock = threading.Lock()


def _worker_model(library):
    global _model
    if _model is None:
        with _model_lock:
            if _model is None:
                if library:  # read by the binding when it first loads the library
                    os.environ["ATTRIB_LIBRARY"] = library
                _model = attrib.Model()
    return _model


def _analyze_one(model, path, data, indirect, max_bytes):
    if data is None:  # read here, on the worker (read_on_workers=True)
        data = _read(path, max_bytes)
        if isinstance(data, dict):
            return data
    try:
        return model.analyze(data, indirect=indirect, source=path, max_bytes=max_bytes)
    except attrib.AttribError as e:
        offset = e.offset if e.code in (attrib.ERR_UTF8, attrib.ERR_BINARY) else None
        return _error(path, _STATUS_CODES.get(e.code, "error"), e.message or e.status, offset)


def _run_batch(items, library, indirect, max_bytes):
    """Runs on a worker: [(path, bytes or None)] -> [result or error record].
    A failure to load the library or the model is raised: it is not about
    one file, and the client re-raises it."""
    model = _worker_model(library)
    return [_analyze_one(model, p, d, indirect, max_bytes) for p, d in items]


# ---- the client side ----------------------------------------------------------

def _total_threads(client):
    try:
        n = sum(client.nthreads().values())
    except Exception:
        n = 0
    return max(1, n)


def _local_cluster(n_workers):
    from distributed import LocalCluster

    return LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                        host="127.0.0.1", dashboard_address=None)


def analyze_corpus(paths, client=None, batch_size=32, *, max_in_flight=None, indirect=True,
                   max_bytes=None, library=_USE_CLIENT_ENV, read_on_workers=False):
    """Analyses the files in paths on a Dask cluster; yields (path, result) in input order.

    paths: file paths (str), or ("path", None) / ("path", record) pairs as
    expand_inputs() makes. Directories are not expanded here (a directory
    gives an "is a directory" error record, as in the CLI); use
    expand_inputs() for the CLI's handling of directory arguments.

    client: a distributed.Client. None uses the current default client if
    there is one, otherwise starts a LocalCluster on 127.0.0.1 with one
    single-threaded worker process per CPU for the duration of the run.

    batch_size: files per task. max_in_flight: batches submitted and not yet
    yielded (default twice the cluster's threads), which bounds memory on the
    client when the files are read there.

    result: the dict `attrib FILE` prints (docs/output.md; document.source is
    the path as given), or for a file that cannot be analysed an error record
    {"error": {"code", "message", "line"[, "offset"]}}: "line" is the CLI's
    stderr line ("attrib: PATH: MESSAGE"), "message" its last part, "code"
    "io" (missing, unreadable, a directory), "empty", "too_large",
    "invalid_utf8" or "binary" (with the byte "offset"), "limit",
    "out_of_memory". Other files are analysed all the same.

    indirect, max_bytes: as for attrib.analyze() (max_bytes None: 64 MiB).
    library: the path of libattrib.so on the workers, used by a worker
    process that has not loaded the library yet. The default is the client's
    ATTRIB_LIBRARY (right for a LocalCluster or a shared file system); ""
    or None lets each worker find it by the binding's own rules.
    read_on_workers: workers read the files themselves (the paths must then
    be valid on the workers, e.g. a shared file system) instead of the
    client reading them and sending their bytes.

    Returns a generator; the work starts when it is first iterated.
    """
    if batch_size < 1:
        raise ValueError("attrib: batch_size must be at least 1")
    if max_bytes is None:
        max_bytes = DEFAULT_MAX_BYTES
    if library is _USE_CLIENT_ENV:
        library = os.environ.get("ATTRIB_LIBRARY") or None
        if library:
            library = os.path.abspath(library)
    return _generate(paths, client, batch_size, max_in_flight, indirect, max_bytes, library,
                     read_on_workers)


def _generate(paths, client, batch_size, max_in_flight, indirect, max_bytes, library,
              read_on_workers):
    own = []
    if client is None:
        from distributed import Client, default_client

        try:
            client = default_client()
        except ValueError:
            cluster = _local_cluster(os.cpu_count() or 1)
            own.append(cluster)
            client = Client(cluster)
            own.insert(0, client)
    try:
        yield from _pipeline(paths, client, batch_size, max_in_flight, indirect, max_bytes,
                             library, read_on_workers)
    finally:
        for c in own:
            c.close()


def _pipeline(paths, client, batch_size, max_in_flight, indirect, max_bytes, library,
              read_on_workers):
    if max_in_flight is None:
        max_in_flight = 2 * _total_threads(client)
    max_in_flight = max(1, int(max_in_flight))
    entries = ((p, None) if isinstance(p, (str, os.PathLike)) else p for p in paths)

    def batches():
        # One batch: its slots in input order, each a finished record
        # (errors found on the client) or an index into the items sent.
        while True:
            chunk = list(itertools.islice(entries, batch_size))
            if not chunk:
                return
            slots, items = [], []
            for path, record in chunk:
                path = os.fspath(path)
                if record is None:
                    if read_on_workers and path != "-":
                        data = None
                    elif path == "-":
                        data = _check(path, sys.stdin.buffer.read(max_bytes + 1), max_bytes)
                    else:
                        data = _read(path, max_bytes)
                    if isinstance(data, dict):
                        record = data
                if record is not None:
                    slots.append((path, record))
                else:
                    slots.append((path, len(items)))
                    items.append((path, data))
            future = None
            if items:
                future = client.submit(_run_batch, items, library, indirect, max_bytes,
                                       pure=False)
            yield slots, future

    pending = deque()
    source = batches()
    try:
        for b in itertools.islice(source, max_in_flight):
            pending.append(b)
        while pending:
            slots, future = pending.popleft()
            results = future.result() if future is not None else []
            nxt = next(source, None)
            if nxt is not None:
                pending.append(nxt)
            for path, r in slots:
                yield path, (r if isinstance(r, dict) else results[r])
    finally:
        for _, future in pending:
            if future is not None:
                future.cancel()


# ---- output, byte for byte as the library writes it ----------------------------

def _json_str(s):
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif o >= 0x20:
            out.append(ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        else:
            out.append("\\u%04x" % o)
    out.append('"')
    return "".join(out)


def to_json(value):
    """Compact JSON as libattrib writes it (engine/output.c): the same bytes
    as `attrib FILE` for a result dict (json.dumps differs on \\b and \\f)."""
    fast = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    if "\\b" not in fast and "\\f" not in fast:  # json.dumps escapes those two differently
        return fast
    return _to_json(value)


def _to_json(value):
    if isinstance(value, dict):
        return "{" + ",".join(_json_str(k) + ":" + _to_json(v) for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_to_json(v) for v in value) + "]"
    if isinstance(value, str):
        return _json_str(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return repr(value)  # confidences: two decimals at most, "0.85", "0.9"
    return str(value)


def output_name(path):
    """NAME.json as `attrib -o DIR` names it: the base name without .txt."""
    name = "stdin" if path == "-" else path.rsplit("/", 1)[-1]
    if len(name) > 4 and name.endswith(".txt"):
        name = name[:-4]
    return name + ".json"


def write_result(out_dir, path, result):
    """Writes out_dir/NAME.json (a line of JSON) through a temporary file and a rename."""
    final = os.path.join(out_dir, output_name(path))
    tmp = os.path.join(out_dir, ".%s.%d.tmp" % (output_name(path), os.getpid()))
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            f.write(to_json(result))
            f.write("\n")
        os.replace(tmp, final)
    except BaseException:
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise


# ---- command line ------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="python3 -m attrib.scaleout",
        description="attrib over a corpus on a Dask cluster: DIR/NAME.json per input like "
                    "`attrib -o DIR`, or one result per line on standard output.")
    ap.add_argument("inputs", nargs="+", metavar="FILE|DIR",
                    help="an article, or a directory: its *.txt files in name order")
    ap.add_argument("-o", "--out", metavar="DIR", help="write DIR/NAME.json for each input")
    where = ap.add_mutually_exclusive_group()
    where.add_argument("-w", "--workers", type=int, metavar="N",
                       help="worker processes of a LocalCluster on 127.0.0.1 (default: one per CPU)")
    where.add_argument("--scheduler", metavar="ADDR",
                       help="use the running cluster at ADDR (tcp://host:8786) instead")
    ap.add_argument("--batch-size", type=int, default=32, metavar="N", help="files per task (32)")
    ap.add_argument("--read-on-workers", action="store_true",
                    help="workers read the files (a shared file system) instead of this process")
    ap.add_argument("--max-bytes", type=int, metavar="N",
                    help="refuse inputs larger than N bytes (default 64 MiB)")
    ap.add_argument("--no-indirect", action="store_true", help="do not report indirect speech")
    args = ap.parse_args(argv)
    if args.workers is not None and args.workers < 1:
        ap.error("--workers needs a positive number")
    if args.batch_size < 1:
        ap.error("--batch-size needs a positive number")
    if args.max_bytes is not None and args.max_bytes < 1:
        ap.error("--max-bytes needs a positive number")
    if args.out and not os.path.isdir(args.out):
        ap.error("--out: %s is not a directory" % args.out)

    try:
        from distributed import Client
    except ImportError as e:
        print("attrib: dask distributed is not installed (Debian: apt-get install "
              "python3-distributed): %s" % e, file=sys.stderr)
        return 2

    entries = expand_inputs(args.inputs)
    cluster = None
    if args.scheduler:
        client = Client(args.scheduler, timeout=60)
    else:
        cluster = _local_cluster(args.workers or os.cpu_count() or 1)
        client = Client(cluster)
    failed = False
    try:
        for path, result in analyze_corpus(entries, client, args.batch_size,
                                           indirect=not args.no_indirect,
                                           max_bytes=args.max_bytes,
                                           read_on_workers=args.read_on_workers):
            if "error" in result and "attrib" not in result:
                failed = True
                sys.stderr.write(result["error"]["line"] + "\n")
                sys.stderr.flush()
            elif args.out:
                try:
                    write_result(args.out, path, result)
                except OSError as e:
                    failed = True
                    sys.stderr.write("attrib: %s: cannot write result: %s\n"
                                     % (_label(path), os.strerror(e.errno) if e.errno else e))
            else:
                sys.stdout.write(to_json(result) + "\n")
        sys.stdout.flush()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return 1 if failed else 0


if __name__ == "__main__":
    # Run as attrib.scaleout, not __main__: the tasks sent to the workers
    # must refer to functions the workers import by name.
    from attrib.scaleout import main as _main

    sys.exit(_main())
