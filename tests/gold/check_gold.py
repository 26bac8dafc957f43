#!/usr/bin/env python3
"""Validate the attrib gold corpus (stdlib only).

Usage: python3 tests/gold/check_gold.py [GOLD_DIR]

Checks, for every annotations/*.json:
  - valid JSON with exactly the expected top-level keys and types;
  - "article" names an existing file in articles/ and matches the JSON file name;
  - entity types are PERSON/ORG/COUNTRY/LOCATION, names unique, and every entity
    (name or one alias) occurs in the article;
  - every quote has a valid kind, a speaker that is an entity name (or an alias,
    reported as a warning) or null, an addressee that is an entity name, and a
    text that is a non-empty exact substring of the article;
  - direct/partial/scare quotes are bounded by quotation marks in the article
    (or by a paragraph boundary for multi-paragraph quotes; or, for Q&A
    interviews, by a speaker label such as "Q: " or "NAME: " at line start);
  - quotes are listed in reading order;
  - every not_speech string is a substring of the article;
  - article length is 250-700 words (warning otherwise).
Prints per-article counts and corpus totals. Exit status 1 on any error.
"""
import json
import os
import re
import sys
from collections import Counter

KINDS = {"direct", "partial", "scare", "indirect"}
TYPES = {"PERSON", "ORG", "COUNTRY", "LOCATION"}
KEYS = {"article", "entities", "optional_entities", "not_entities", "quotes", "not_speech"}
OPEN = set('"“‘\'«')
CLOSE = set('"”’\'»')


def main():
    gold = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    art_dir = os.path.join(gold, "articles")
    ann_dir = os.path.join(gold, "annotations")
    errors, warnings = [], []
    totals = Counter()
    n_articles = 0
    n_words = 0
    ann_files = sorted(f for f in os.listdir(ann_dir) if f.endswith(".json"))
    art_files = sorted(f for f in os.listdir(art_dir) if f.endswith(".txt"))
    for a in art_files:
        if a[:-4] + ".json" not in ann_files:
            errors.append(f"{a}: article has no annotation file")
    for fn in ann_files:
        path = os.path.join(ann_dir, fn)

        def err(msg):
            errors.append(f"{fn}: {msg}")

        def warn(msg):
            warnings.append(f"{fn}: {msg}")

        if not re.fullmatch(r"\d{3}_[a-z0-9_]+\.json", fn):
            err("file name is not NNN_slug.json")
        try:
            with open(path, encoding="utf-8") as fh:
                g = json.load(fh)
        except (OSError, ValueError) as e:
            err(f"invalid JSON: {e}")
            continue
        if not isinstance(g, dict):
            err("top level is not an object")
            continue
        if set(g) != KEYS:
            err(f"keys differ from format: missing {sorted(KEYS - set(g))}, extra {sorted(set(g) - KEYS)}")
        art = g.get("article")
        if art != fn[:-5] + ".txt":
            err(f"article field {art!r} does not match file name")
        try:
            with open(os.path.join(art_dir, str(art)), "rb") as fh:
                raw = fh.read()
            text = raw.decode("utf-8")
        except (OSError, UnicodeDecodeError) as e:
            err(f"cannot read article: {e}")
            continue
        n_articles += 1
        words = len(text.split())
        n_words += words
        if not 250 <= words <= 700:
            warn(f"article has {words} words (expected 250-700)")

        names, alias_of = set(), {}
        for e in g.get("entities", []):
            if not isinstance(e, dict) or set(e) != {"type", "name", "aliases"}:
                err(f"bad entity record {e!r}")
                continue
            if e["type"] not in TYPES:
                err(f"bad entity type {e['type']!r} for {e['name']!r}")
            if e["name"] in names:
                err(f"duplicate entity {e['name']!r}")
            names.add(e["name"])
            if not isinstance(e["aliases"], list):
                err(f"aliases of {e['name']!r} is not a list")
                continue
            for al in e["aliases"]:
                alias_of[al] = e["name"]
                if al not in text:
                    warn(f"alias {al!r} of {e['name']!r} not in article")
            if not any(s in text for s in [e["name"]] + e["aliases"]):
                err(f"entity {e['name']!r} has no surface form in the article")
        for key in ("optional_entities", "not_entities", "not_speech"):
            v = g.get(key, [])
            if not isinstance(v, list) or not all(isinstance(s, str) for s in v):
                err(f"{key} must be a list of strings")
        for s in g.get("not_entities", []):
            if s in names:
                err(f"not_entity {s!r} is also an entity")
            if s not in text:
                warn(f"not_entity {s!r} not in article")
        for s in g.get("not_speech", []):
            if s not in text:
                err(f"not_speech {s!r} is not a substring of the article")

        last = -1
        for i, q in enumerate(g.get("quotes", [])):
            where = f"quote {i}"
            if not isinstance(q, dict):
                err(f"{where}: not an object")
                continue
            extra = set(q) - {"kind", "speaker", "cue", "addressee", "text"}
            missing = {"kind", "speaker", "cue", "text"} - set(q)
            if extra or missing:
                err(f"{where}: keys missing {sorted(missing)} extra {sorted(extra)}")
                continue
            kind, t = q["kind"], q["text"]
            if kind not in KINDS:
                err(f"{where}: bad kind {kind!r}")
            totals[kind] += 1
            sp = q["speaker"]
            if sp is not None and sp not in names:
                if sp in alias_of:
                    warn(f"{where}: speaker {sp!r} is an alias of {alias_of[sp]!r}")
                else:
                    err(f"{where}: speaker {sp!r} is not an entity")
            if "addressee" in q and q["addressee"] not in names:
                err(f"{where}: addressee {q['addressee']!r} is not an entity")
            if q["cue"] is not None and not isinstance(q["cue"], str):
                err(f"{where}: cue must be a string or null")
            if not isinstance(t, str) or not t:
                err(f"{where}: empty text")
                continue
            pos = text.find(t, last if last >= 0 else 0)
            if pos < 0:
                if t in text:
                    err(f"{where}: out of reading order: {t[:60]!r}")
                else:
                    err(f"{where}: text not in article: {t[:70]!r}")
                continue
            last = pos
            if kind != "indirect":
                # bounded by quotation marks, or by a paragraph boundary
                before = text[pos - 1] if pos > 0 else "\n"
                after = text[pos + len(t)] if pos + len(t) < len(text) else "\n"
                line_start = text.rfind("\n", 0, pos) + 1
                label = re.fullmatch(r"[A-Z][^\n:\"“]{0,40}:\s", text[line_start:pos])
                if before not in OPEN and not (kind == "direct" and label):
                    err(f"{where}: {kind} quote not preceded by a quotation mark: {t[:50]!r}")
                if after not in CLOSE and after != "\n":
                    err(f"{where}: {kind} quote not followed by a quotation mark: ...{t[-50:]!r}")
                if t[0] in OPEN - {"'"} or t[-1] in CLOSE - {"'", "’"}:
                    err(f"{where}: text includes its own quotation mark")
            else:
                if t[0] in '"“«' or t[-1] in '"”»':
                    err(f"{where}: indirect quote text carries quotation marks")

        per = Counter(q.get("kind") for q in g.get("quotes", []) if isinstance(q, dict))
        print(f"{fn:45s} {words:4d} words  " + "  ".join(f"{k}={per.get(k, 0)}" for k in
                                                          ("direct", "partial", "indirect", "scare")))

    print()
    for w in warnings:
        print("WARNING", w)
    for e in errors:
        print("ERROR", e)
    speech = totals["direct"] + totals["partial"] + totals["indirect"]
    print(f"\narticles: {n_articles}  words: {n_words}  quotes: {sum(totals.values())} "
          f"(direct {totals['direct']}, partial {totals['partial']}, indirect {totals['indirect']}, "
          f"scare {totals['scare']}; direct+partial+indirect {speech})")
    print("OK" if not errors else f"FAILED: {len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
