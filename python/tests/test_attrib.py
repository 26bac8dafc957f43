"""Tests of the ctypes binding against the real library."""
import os
import shutil
import threading

import pytest

import attrib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS = os.environ.get("ATTRIB_MODELS_DIR", os.path.join(ROOT, "models"))

# Written for these tests. Non-ASCII letters come before the quotes, so byte
# offsets and character offsets differ.
ARTICLE = (
    "Café owners fight new river tax\n"
    "\n"
    "By Søren Holm\n"
    "\n"
    "The council voted on Thursday to charge businesses along the river a yearly fee "
    "for flood defences.\n"
    "\n"
    "“This fee will close half the cafés on the quay,” said Zoë Ferreira, who chairs "
    "the traders' association. “Nobody asked us.”\n"
)

INDIRECT = (
    "Bridge repairs to start in spring\n"
    "\n"
    "The city will close the Alder Street bridge for six months from March, officials "
    "said on Tuesday.\n"
)

OTHERS = [
    INDIRECT,
    "“We have heard this before,” said Ruth Ekwueme. “Every time a deal falls through, "
    "it is the people on the quays who pay for it.”\n",
    "",
    "A spokeswoman for Velder Shipping Ltd said the company regretted the decision.\n",
]


def quote_with_text(result, text):
    found = [q for q in result["quotes"] if q["text"] == text]
    assert len(found) == 1, [q["text"] for q in result["quotes"]]
    return found[0]


def test_direct_quote_has_its_speaker():
    r = attrib.analyze(ARTICLE)
    q = quote_with_text(r, "This fee will close half the cafés on the quay,")
    assert q["kind"] == "direct"
    assert q["speaker"]["name"] == "Zoë Ferreira"
    assert q["speaker"]["mention"]["text"] == "Zoë Ferreira"
    assert q["cue"]["lemma"] == "say"
    entity = [e for e in r["entities"] if e["id"] == q["speaker"]["entity"]]
    assert len(entity) == 1 and entity[0]["type"] == "PERSON"
    # The second sentence continues the same speaker.
    q2 = quote_with_text(r, "Nobody asked us.")
    assert q2["speaker"]["entity"] == q["speaker"]["entity"]
    assert r["attrib"]["schema"] == 1
    assert r["document"]["bytes"] == len(ARTICLE.encode("utf-8"))


def test_offsets_are_utf8_byte_offsets():
    data = ARTICLE.encode("utf-8")
    r = attrib.analyze(ARTICLE)
    q = quote_with_text(r, "This fee will close half the cafés on the quay,")
    assert data[q["start"]:q["end"]] == q["text"].encode("utf-8")
    # Byte and character offsets differ here: the test would notice a mix-up.
    assert ARTICLE[q["start"]:q["end"]] != q["text"]
    spans = []
    for quote in r["quotes"]:
        spans.append(quote)
        if quote["speaker"]:
            spans.append(quote["speaker"]["mention"])
        if quote["cue"]:
            spans.append(quote["cue"])
    for e in r["entities"]:
        spans.extend(e["mentions"])
    assert len(spans) > 5
    for s in spans:
        assert data[s["start"]:s["end"]].decode("utf-8") == s["text"]


def test_bytes_input_equals_str_input():
    assert attrib.analyze(ARTICLE.encode("utf-8")) == attrib.analyze(ARTICLE)
    assert attrib.analyze(bytearray(ARTICLE.encode("utf-8"))) == attrib.analyze(ARTICLE)


def test_empty_text_gives_an_empty_result():
    r = attrib.analyze("")
    assert r["entities"] == [] and r["quotes"] == []
    assert r["document"]["bytes"] == 0


def test_source_and_indirect_options():
    assert attrib.analyze(INDIRECT)["document"]["source"] is None
    assert attrib.analyze(INDIRECT, source="city.txt")["document"]["source"] == "city.txt"
    with_indirect = attrib.analyze(INDIRECT)
    kinds = [q["kind"] for q in with_indirect["quotes"]]
    assert "indirect" in kinds
    q = [q for q in with_indirect["quotes"] if q["kind"] == "indirect"][0]
    assert q["speaker"]["name"] == "officials"
    without = attrib.analyze(INDIRECT, indirect=False)
    assert all(q["kind"] != "indirect" for q in without["quotes"])


def test_lone_surrogate_raises():
    text = "Zoë said “fine \udc80 here”"
    with pytest.raises(attrib.AttribError) as info:
        attrib.analyze(text)
    assert info.value.code == attrib.ERR_UTF8
    assert info.value.offset == len("Zoë said “fine ".encode("utf-8"))
    assert "lone surrogate" in info.value.message


def test_invalid_utf8_bytes_raise_with_offset():
    with pytest.raises(attrib.AttribError) as info:
        attrib.analyze(b"ab\xffcd")
    e = info.value
    assert e.code == attrib.ERR_UTF8
    assert e.offset == 2
    assert "UTF-8" in e.message
    assert "byte 2" in str(e)
    assert e.status  # the library's name of the code


def test_binary_and_too_large_raise():
    with pytest.raises(attrib.AttribError) as info:
        attrib.analyze(b"Hello\x00world")
    assert info.value.code == attrib.ERR_BINARY
    with pytest.raises(attrib.AttribError) as info:
        attrib.analyze(ARTICLE, max_bytes=10)
    assert info.value.code == attrib.ERR_TOO_LARGE
    with pytest.raises(TypeError):
        attrib.analyze(42)


def test_batch_equals_single_and_keeps_order():
    texts = [ARTICLE] + OTHERS + [ARTICLE] * 3 + OTHERS[::-1]
    single = [attrib.analyze(t) for t in texts]
    assert attrib.analyze_batch(texts, workers=4) == single
    assert attrib.analyze_batch(texts) == single
    assert attrib.analyze_batch(iter(texts), workers=1) == single
    assert attrib.analyze_batch([]) == []
    no_indirect = attrib.analyze_batch([INDIRECT, ARTICLE], workers=2, indirect=False)
    assert no_indirect == [attrib.analyze(INDIRECT, indirect=False), attrib.analyze(ARTICLE)]


def test_batch_errors():
    texts = [ARTICLE, b"bad \xff byte", INDIRECT]
    with pytest.raises(attrib.AttribError) as info:
        attrib.analyze_batch(texts, workers=3)
    assert info.value.code == attrib.ERR_UTF8 and info.value.offset == 4
    out = attrib.analyze_batch(texts, workers=3, return_errors=True)
    assert out[0] == attrib.analyze(ARTICLE) and out[2] == attrib.analyze(INDIRECT)
    assert isinstance(out[1], attrib.AttribError) and out[1].code == attrib.ERR_UTF8


def test_threads_share_one_model():
    texts = [ARTICLE, INDIRECT, OTHERS[1]] * 40
    expected = [attrib.analyze(t) for t in texts[:3]] * 40
    assert attrib.analyze_batch(texts, workers=8) == expected
    # Plain threads too, each with its own documents.
    results = {}

    def work(i):
        results[i] = attrib.analyze(texts[i])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [results[i] for i in range(12)] == expected[:12]


def test_model_from_directory_equals_default():
    with attrib.Model(MODELS) as m:
        assert not m.closed
        for t in [ARTICLE] + OTHERS:
            assert m.analyze(t) == attrib.analyze(t)
        assert m.analyze_batch([ARTICLE, INDIRECT], workers=2) == attrib.analyze_batch(
            [ARTICLE, INDIRECT])
    assert m.closed
    with pytest.raises(attrib.AttribError) as info:
        m.analyze(ARTICLE)
    assert info.value.code == attrib.ERR_ARG
    m.close()  # twice is fine


def test_default_model_object():
    m = attrib.Model()
    try:
        assert m.analyze(ARTICLE) == attrib.analyze(ARTICLE)
    finally:
        m.close()


def test_missing_model_directory_raises():
    with pytest.raises(attrib.AttribError) as info:
        attrib.Model("/nonexistent/attrib-models")
    assert info.value.code == attrib.ERR_IO
    assert info.value.file == "lexicon.txt"


def test_malformed_model_raises_with_file_and_line(tmp_path):
    d = tmp_path / "models"
    shutil.copytree(MODELS, d)
    (d / "lexicon.txt").write_text("det|the\nnonsense-class|word\n", encoding="utf-8")
    with pytest.raises(attrib.AttribError) as info:
        attrib.Model(d)
    e = info.value
    assert e.code == attrib.ERR_MODEL
    assert e.file == "lexicon.txt" and e.line == 2


def test_library_version():
    v = attrib.library_version()
    assert v == attrib.analyze("")["attrib"]["version"]
    assert v.split(".")[:2] == attrib.__version__.split(".")[:2]
    assert attrib.library_path()
