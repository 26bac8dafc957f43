"""Quotes per speaker over a corpus, analysed by a Dask LocalCluster.

    PYTHONPATH=python ATTRIB_LIBRARY=$PWD/build/libattrib.so \
        /usr/bin/python3 python/examples/dask_corpus.py tests/gold/articles

Four single-threaded worker processes on 127.0.0.1 (no dashboard). For a
cluster of machines, replace the LocalCluster with Client("tcp://HOST:8786")
(docs/scale-out.md).
"""
import collections
import sys

from distributed import Client, LocalCluster

from attrib.scaleout import analyze_corpus, expand_inputs


def main(args):
    counts = collections.Counter()
    failed = 0
    with LocalCluster(n_workers=4, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address=None) as cluster, \
            Client(cluster) as client:
        for path, result in analyze_corpus(expand_inputs(args), client):
            if "error" in result:
                print(result["error"]["line"], file=sys.stderr)  # as the CLI prints it
                failed += 1
                continue
            for q in result["quotes"]:
                counts[q["speaker"]["name"] if q["speaker"] else "?"] += 1
    for name, n in counts.most_common(20):
        print("%5d  %s" % (n, name))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["tests/gold/articles"]))
