"""attrib.scaleout on a Dask LocalCluster (two worker processes on 127.0.0.1)
gives the CLI's results (docs/scale-out.md).

Needs Debian's python3-distributed (skipped without it). The comparisons with
the CLI need ATTRIB_CLI, the path of the attrib program (ctest sets it);
they are skipped without it.
"""
import json
import os
import subprocess
import sys

import pytest

try:
    import dask
    from distributed import Client, LocalCluster
except ImportError as e:  # pragma: no cover - depends on the machine
    pytest.skip("dask distributed is not importable (Debian: python3-distributed): %s" % e,
                allow_module_level=True)

import attrib
from attrib import scaleout

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PYTHON_DIR = os.path.join(ROOT, "python")
ARTICLES = os.path.join(ROOT, "tests", "gold", "articles")
CLI = os.environ.get("ATTRIB_CLI")
pytestmark = pytest.mark.filterwarnings("ignore:make_current is deprecated:DeprecationWarning")
needs_cli = pytest.mark.skipif(not CLI, reason="ATTRIB_CLI (the attrib program) is not set")

STARTUP_TIMEOUT = 60  # seconds for the cluster and its workers to come up
RUN_TIMEOUT = 300  # seconds for a whole command-line run


@pytest.fixture(scope="module")
def client():
    # Loopback only, no dashboard; every wait bounded.
    with dask.config.set({"distributed.comm.timeouts.connect": "30s",
                          "distributed.scheduler.work-stealing": True}):
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None,
                               death_timeout=STARTUP_TIMEOUT)
        try:
            c = Client(cluster, timeout=STARTUP_TIMEOUT)
            try:
                c.wait_for_workers(2, timeout=STARTUP_TIMEOUT)
                yield c
            finally:
                c.close(timeout=30)
        finally:
            cluster.close(timeout=30)


def corpus():
    paths = [p for p, err in scaleout.expand_inputs([ARTICLES])]
    assert len(paths) >= 10 and all(p.endswith(".txt") for p in paths)
    return paths


def without_source(result):
    r = json.loads(json.dumps(result))
    r["document"]["source"] = None
    return r


def test_workers_are_separate_processes_on_loopback(client):
    info = client.scheduler_info()
    assert info["address"].startswith("tcp://127.0.0.1:")
    workers = info["workers"]
    assert len(workers) == 2
    assert all(a.startswith("tcp://127.0.0.1:") for a in workers)
    pids = client.run(os.getpid)
    assert len(set(pids.values())) == 2 and os.getpid() not in pids.values()


@needs_cli
def test_corpus_results_equal_the_cli(client, tmp_path):
    paths = corpus()
    out = tmp_path / "cli"
    out.mkdir()
    # The CLI over the same directory, one NAME.json each.
    subprocess.run([CLI, "-q", "-o", str(out), ARTICLES], check=True, timeout=RUN_TIMEOUT)

    results = list(scaleout.analyze_corpus(paths, client, batch_size=4))
    assert [p for p, _ in results] == paths  # input order
    for path, result in results:
        assert "error" not in result, result
        assert result["document"]["source"] == path
        name = os.path.basename(path)[:-4] + ".json"
        with open(out / name, encoding="utf-8") as f:
            expected = json.load(f)
        assert os.path.basename(expected["document"]["source"]) == os.path.basename(path)
        assert without_source(result) == without_source(expected), path
    # Each worker process loaded the model once and did part of the work.
    loaded = client.run(lambda: scaleout._model is not None)
    assert all(loaded.values()), loaded


def test_bad_files_give_error_records_and_the_rest_in_order(client, tmp_path):
    good = corpus()[:5]
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    bad = tmp_path / "bad.txt"
    bad.write_bytes("Caf\u00e9 owners said".encode("utf-8") + b"\xff\xfe more\n")
    missing = str(tmp_path / "missing.txt")
    paths = [good[0], missing, good[1], good[2], str(empty), good[3], str(bad), str(tmp_path),
             good[4]]

    results = list(scaleout.analyze_corpus(paths, client, batch_size=2))

    assert [p for p, _ in results] == paths
    by_path = dict(results)
    err = by_path[missing]["error"]
    assert err["code"] == "io"
    assert err["message"] == "No such file or directory"
    assert err["line"] == "attrib: %s: No such file or directory" % missing
    assert scaleout.error_line(missing, by_path[missing]) == err["line"]
    assert by_path[str(empty)]["error"]["line"] == "attrib: %s: empty file" % empty
    assert by_path[str(tmp_path)]["error"]["line"] == "attrib: %s: is a directory" % tmp_path
    e = by_path[str(bad)]["error"]
    assert e["code"] == "invalid_utf8" and e["offset"] == len("Caf\u00e9 owners said".encode())
    assert e["line"] == "attrib: %s: invalid UTF-8 at byte %d" % (bad, e["offset"])
    # The good files: as the binding gives them in this process.
    for p in good:
        with open(p, "rb") as f:
            assert by_path[p] == attrib.analyze(f.read(), source=p), p


def test_read_on_workers_and_options(client):
    paths = corpus()[:6]
    sent = list(scaleout.analyze_corpus(paths, client, batch_size=3, indirect=False))
    read = list(scaleout.analyze_corpus(paths, client, batch_size=3, indirect=False,
                                        read_on_workers=True, max_in_flight=1))
    assert sent == read
    assert all(q["kind"] != "indirect" for _, r in sent for q in r["quotes"])
    small = list(scaleout.analyze_corpus(paths[:1], client, max_bytes=100))
    assert small[0][1]["error"]["code"] == "too_large"
    assert small[0][1]["error"]["message"] == (
        "larger than the limit of 100 bytes (see --max-bytes)")
    assert list(scaleout.analyze_corpus([], client)) == []


def test_to_json_writes_what_the_library_writes():
    # engine/output.c escapes only quotes, backslashes and control bytes, and
    # those as \n \r \t or \u00XX (json.dumps writes \b and \f).
    value = {"text": "a\"b\\c\n\r\t\b\f\x01\x7f \u00e9\u2028",
             "n": [0, 1, 0.85, 0.9, None, True, False],
             "e": {}, "l": []}
    assert scaleout.to_json(value) == (
        '{"text":"a\\"b\\\\c\\n\\r\\t\\u0008\\u000c\\u0001\x7f \u00e9\u2028",'
        '"n":[0,1,0.85,0.9,null,true,false],"e":{},"l":[]}')
    assert json.loads(scaleout.to_json(value)) == value
    assert scaleout.output_name("dir/a.txt") == "a.json"
    assert scaleout.output_name("b.text") == "b.text.json"
    assert scaleout.output_name("-") == "stdin.json"


@needs_cli
def test_command_line_writes_the_same_files_as_attrib_o(tmp_path):
    a, b = tmp_path / "attrib", tmp_path / "scaleout"
    a.mkdir()
    b.mkdir()
    missing = str(tmp_path / "missing.txt")
    args = [ARTICLES, missing, os.path.join(ROOT, "examples", "article.txt")]
    ref = subprocess.run([CLI, "-q", "-o", str(a)] + args, capture_output=True, text=True,
                         timeout=RUN_TIMEOUT)
    env = dict(os.environ)
    env["PYTHONPATH"] = PYTHON_DIR + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH")
                                      else "")
    got = subprocess.run([sys.executable, "-m", "attrib.scaleout", "--workers", "2",
                          "--batch-size", "5", "--out", str(b)] + args,
                         capture_output=True, text=True, timeout=RUN_TIMEOUT, env=env,
                         cwd=str(tmp_path))
    assert ref.returncode == got.returncode == 1, got.stderr
    assert [l for l in got.stderr.splitlines() if l.startswith("attrib: ")] == \
        ref.stderr.splitlines()
    names = sorted(os.listdir(a))
    assert names == sorted(os.listdir(b)) and len(names) == len(corpus()) + 1
    for n in names:  # byte for byte: same JSON, same source, same newline
        assert (a / n).read_bytes() == (b / n).read_bytes(), n
