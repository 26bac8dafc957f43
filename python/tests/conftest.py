"""Makes the package importable from the source tree and finds the library.

ctest passes ATTRIB_LIBRARY (the libattrib.so just built); run by hand, the
tests fall back to build/libattrib.so in the source tree when it exists.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))

if not os.environ.get("ATTRIB_LIBRARY"):
    built = os.path.join(ROOT, "build", "libattrib.so")
    if os.path.exists(built):
        os.environ["ATTRIB_LIBRARY"] = built
