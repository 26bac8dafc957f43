#!/usr/bin/env python3
# Generate the attrib gazetteers in models/ from Debian-packaged data plus the
# small hand-curated lists in tools/gen-models/curated/.
#
# Debian packages read (install with apt-get before running):
#   iso-codes            /usr/share/iso-codes/json/iso_3166-1.json, iso_3166-2.json
#   unicode-cldr-core    /usr/share/unicode/cldr/common/main/{en,root}.xml,
#                        /usr/share/unicode/cldr/common/subdivisions/en.xml
#   wordnet-base         /usr/share/wordnet/data.noun, data.adj
#   tzdata               /usr/share/zoneinfo/zone.tab
#   python3-nameparser   nameparser/config/titles.py (read as data, not imported)
#   python3-fake-factory faker/providers/person/*/__init__.py (read as data, not imported)
#   wamerican            /usr/share/dict/american-english (to drop non-English-locale
#                        "names" that are ordinary lowercase English words)
#
# Standard library only. Run from the repository root:
#   python3 tools/gen-models/gen.py
# Output is sorted and deterministic; running it twice gives identical files.
# It also writes tools/gen-models/dropped.txt listing every surface form dropped
# because it would have mapped to two different canonicals within one file.

import ast
import glob
import json
import os
import re
import sys
import unicodedata
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
CURATED = os.path.join(HERE, "curated")
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
MODELS = os.path.join(ROOT, "models")

ISO = "/usr/share/iso-codes/json"
CLDR = "/usr/share/unicode/cldr/common"
WORDNET = "/usr/share/wordnet"
ZONETAB = "/usr/share/zoneinfo/zone.tab"
PYDIST = "/usr/lib/python3/dist-packages"
NAMEPARSER_TITLES = os.path.join(PYDIST, "nameparser/config/titles.py")
FAKER_PERSON = os.path.join(PYDIST, "faker/providers/person")
WORDS = "/usr/share/dict/american-english"

DROPPED = []  # (file, surface form, dropped canonical, kept canonical)


def need(path):
    if not os.path.exists(path):
        sys.exit("gen.py: missing %s (install the Debian package named at the top of gen.py)" % path)
    return path


def sort_key(s):
    return (s.casefold(), s)


def read_lines(name):
    """Non-comment, non-blank lines of a curated file, stripped."""
    out = []
    with open(os.path.join(CURATED, name), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                out.append(line)
    return out


def clean(s):
    return re.sub(r"\s+", " ", s).strip()


class Gazetteer:
    """canonical -> aliases, with priority-based conflict resolution.

    Every surface form carries the priority of the source that supplied it (lower
    wins). When two entries claim a form, the lower (form priority, entry
    priority, insertion order) wins; all inputs are processed in a fixed sorted
    order, so this is deterministic. An entry whose own canonical is won by
    another entry is dropped whole."""

    def __init__(self, fname):
        self.fname = fname
        self.entries = {}  # canonical -> {"prio": p, "seq": q, "forms": {form: prio}}
        self.seq = 0
        self.merged = []

    def _find(self, canonical, forms):
        """Existing entry that is the same place: its canonical is one of our
        forms, or our canonical is one of its aliases."""
        best = None
        for c, e in self.entries.items():
            if c in forms or canonical in e["forms"]:
                k = (e["prio"], e["seq"], c)
                if best is None or k < best:
                    best = k
        return best[2] if best else None

    def add(self, canonical, aliases=(), priority=9, merge=False):
        canonical = clean(canonical)
        if not canonical or "|" in canonical:
            return
        aliases = [clean(a) for a in aliases]
        aliases = [a for a in aliases if a and "|" not in a]
        if merge:
            # a derived entry naming an existing entry's canonical is the same
            # place: merge its forms into that entry instead of competing
            target = self._find(canonical, [canonical] + aliases)
            if target is not None and target != canonical:
                self.merged.append((canonical, target))
                aliases = [canonical] + aliases
                canonical = target
        e = self.entries.get(canonical)
        if e is None:
            e = self.entries[canonical] = {"prio": priority, "seq": self.seq, "forms": {}}
            self.seq += 1
        elif priority < e["prio"]:
            e["prio"] = priority
        for a in aliases:
            if a != canonical and priority < e["forms"].get(a, 99):
                e["forms"][a] = priority

    def remove_form(self, form):
        self.entries.pop(form, None)
        for e in self.entries.values():
            e["forms"].pop(form, None)

    def forms(self):
        s = set(self.entries)
        for e in self.entries.values():
            s |= set(e["forms"])
        return s

    def resolve(self):
        while True:
            owners = {}
            for c, e in self.entries.items():
                owners.setdefault(c, []).append((e["prio"], e["prio"], e["seq"], c))
                for f, p in e["forms"].items():
                    owners.setdefault(f, []).append((p, e["prio"], e["seq"], c))
            winner = {f: min(v)[3] for f, v in owners.items()}
            lost = [c for c in self.entries if winner[c] != c]
            if not lost:
                break
            for c in sorted(lost, key=sort_key):
                DROPPED.append((self.fname, c, c + " (whole entry)", winner[c]))
                del self.entries[c]
        for c, e in self.entries.items():
            for f in sorted(e["forms"]):
                if winner[f] != c:
                    DROPPED.append((self.fname, f, c, winner[f]))
                    del e["forms"][f]

    def aliases(self, c):
        return set(self.entries[c]["forms"])

    def write(self, header):
        self.resolve()
        lines = []
        for c in sorted(self.entries, key=sort_key):
            lines.append("|".join([c] + sorted(self.entries[c]["forms"], key=sort_key)))
        write_file(self.fname, header, lines)
        return len(lines)


def write_file(fname, header, lines):
    path = os.path.join(MODELS, fname)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for h in header:
            f.write("# " + h + "\n" if h else "#\n")
        for l in lines:
            f.write(l + "\n")


def header(what, sources):
    return [
        "attrib gazetteer: %s" % what,
        "GENERATED by tools/gen-models/gen.py -- do not edit; edit the script or",
        "tools/gen-models/curated/ and regenerate with: python3 tools/gen-models/gen.py",
        "Sources: " + sources,
        "Format: canonical|alias|alias...  (case-sensitive whole-word surface forms)",
    ]


# ----------------------------------------------------------------- WordNet
def load_wordnet(pos):
    syn = {}
    with open(need(os.path.join(WORDNET, "data." + pos)), encoding="utf-8") as f:
        for line in f:
            if line.startswith("  "):
                continue
            head, _, gloss = line.partition(" | ")
            fl = head.split()
            n = int(fl[3], 16)
            words = [re.sub(r"\([a-z]+\)$", "", fl[4 + 2 * i]) for i in range(n)]
            i = 4 + 2 * n
            pc = int(fl[i])
            i += 1
            ptrs = []
            for _ in range(pc):
                ptrs.append(tuple(fl[i:i + 4]))
                i += 4
            syn[fl[0]] = {"lex": fl[1], "words": words, "ptrs": ptrs, "gloss": gloss.strip()}
    return syn


def wn(word):
    return word.replace("_", " ")


# ----------------------------------------------------------------- countries
def invert_iso_name(name):
    """'Korea, Republic of' -> 'Republic of Korea'; 'Virgin Islands, British' ->
    'British Virgin Islands'; drops parentheticals."""
    name = re.sub(r"\s*\([^)]*\)", "", name).strip()
    if ", " in name:
        a, b = name.split(", ", 1)
        if b.endswith(" of") or b.endswith(" of the"):
            name = b + " " + a
        elif " " not in b:
            name = b + " " + a
        else:
            return None
    if name.startswith("The "):
        name = name[4:]
    return name


def saint_variants(names):
    out = set()
    for n in names:
        if n.startswith("Saint "):
            out.add("St. " + n[6:])
    return out


def cldr_territories():
    tree = ET.parse(need(os.path.join(CLDR, "main/en.xml")))
    out = {}
    for t in tree.iter("territory"):
        out.setdefault(t.get("type"), []).append((t.get("alt") or "", t.text))
    return out


def build_countries():
    g = Gazetteer("countries.txt")
    iso = json.load(open(need(os.path.join(ISO, "iso_3166-1.json")), encoding="utf-8"))["3166-1"]
    cldr = cldr_territories()
    curated = {}
    for line in read_lines("countries.txt"):
        f = line.split("|")
        curated[f[0]] = f[1:]
    codes = {}
    for x in sorted(iso, key=lambda x: x["alpha_2"]):
        a2 = x["alpha_2"]
        derived = []
        if "common_name" in x:
            derived.append(x["common_name"])
        inv = invert_iso_name(x["name"])
        if inv:
            derived.append(inv)
        if "official_name" in x:
            o = x["official_name"]
            derived.append(o[4:] if o.startswith("the ") else o)
        for alt, text in cldr.get(a2, []):
            if text and " - " not in text and "(" not in text and "SAR" not in text:
                derived.append(text)
        removed = set()
        cur = curated.pop(a2, None)
        if cur:
            canonical = cur[0]
            extra = [a for a in cur[1:] if not a.startswith("-")]
            removed = {a[1:] for a in cur[1:] if a.startswith("-")}
        else:
            canonical = derived[0]
            extra = []
        aliases = [d for d in derived + extra if d not in removed]
        aliases += sorted(saint_variants([canonical] + aliases))
        codes[a2] = canonical
        g.add(canonical, aliases, priority=0 if cur else 1)
    # curated entries for codes not in ISO 3166-1 (e.g. XK Kosovo)
    for a2 in sorted(curated):
        f = curated[a2]
        g.add(f[0], [a for a in f[1:] if not a.startswith("-")], priority=0)
        codes[a2] = f[0]
    n = g.write(header("countries and territories (ISO 3166-1)",
                       "iso-codes (iso_3166-1.json), unicode-cldr-core (main/en.xml territories), "
                       "tools/gen-models/curated/countries.txt"))
    return g, n


# ----------------------------------------------------------------- demonyms
def plural(d):
    if " " in d and not d.split()[-1][0].isupper():
        return None
    if d.endswith("man") and d not in ("German", "Roman", "Oman"):
        return d[:-3] + "men"
    if d.endswith(("ese", "s", "sh", "ch", "x", "z", "ic", "ois")):
        return None
    if d.endswith(("an", "i", "er", "ite", "ot", "ine", "o", "e", "k", "n", "t", "b", "r", "d", "y")):
        return d + "s"
    return None


def build_demonyms(countries):
    form2canon = {}
    for c in countries.entries:
        form2canon[c] = c
        for a in countries.aliases(c):
            form2canon.setdefault(a, c)
    adj = load_wordnet("adj")
    noun = load_wordnet("noun")
    found = {}  # canonical -> set(forms)
    # adjective pertainyms: "Belgian" \ "Belgium"
    for off in sorted(adj):
        d = adj[off]
        for sym, toff, pos, st in d["ptrs"]:
            if sym != "\\" or pos != "n":
                continue
            si, ti = int(st[:2], 16), int(st[2:], 16)
            src = wn(d["words"][si - 1] if si else d["words"][0])
            tw = noun[toff]["words"]
            tgt = wn(tw[ti - 1] if ti else tw[0])
            if tgt in form2canon and src[:1].isupper():
                found.setdefault(form2canon[tgt], set()).add(src)
    # nouns glossed "a native or inhabitant of X"
    pat = re.compile(r"^an? (?:native|inhabitant|citizen)(?: or (?:inhabitant|native|citizen))? of (?:the )?([A-Z][\w' -]*?)(?:[;,(]|$)")
    for off in sorted(noun):
        d = noun[off]
        m = pat.match(d["gloss"])
        if not m:
            continue
        tgt = m.group(1).strip()
        if tgt in form2canon:
            for w in d["words"]:
                w = wn(w)
                if w[:1].isupper():
                    found.setdefault(form2canon[tgt], set()).add(w)
    # plurals of WordNet forms
    for c in found:
        for w in sorted(found[c]):
            p = plural(w)
            if p:
                found[c].add(p)
    removed = {}
    for line in read_lines("demonyms.txt"):
        f = line.split("|")
        c = f[0]
        if c not in countries.entries:
            sys.exit("curated/demonyms.txt: unknown country canonical %r" % c)
        for a in f[1:]:
            if a.startswith("-"):
                removed.setdefault(c, set()).add(a[1:])
    g = Gazetteer("demonyms.txt")
    # curated first (priority 0), then WordNet (priority 1)
    for line in read_lines("demonyms.txt"):
        f = line.split("|")
        g.add(f[0], [a for a in f[1:] if not a.startswith("-")], priority=0)
    for c in sorted(found, key=sort_key):
        rm = removed.get(c, set())
        rm = rm | {plural(r) for r in rm}
        forms = sorted(found[c] - rm - {c})
        if forms:
            g.add(c, forms, priority=1)
    # a demonym must not be a country name
    for c in list(g.entries):
        for f in set(form2canon) - {c}:
            g.entries[c]["forms"].pop(f, None)
    return g.write(header("demonyms: country canonical (as in countries.txt)|demonym|plural...",
                          "wordnet-base (adjective pertainyms, 'native or inhabitant of' glosses), "
                          "tools/gen-models/curated/demonyms.txt"))


# ----------------------------------------------------------------- locations
SUBDIVISION_COUNTRIES = ["AU", "BR", "CA", "CN", "DE", "ES", "IN", "IT", "JP", "MX", "NG", "PK", "US", "ZA"]
WN_CITY_HYPERNYMS = {"city", "national_capital", "state_capital", "provincial_capital", "port", "port_of_entry"}


def build_locations(countries):
    country_forms = countries.forms()
    deny = set(read_lines("locations-deny.txt"))
    g = Gazetteer("locations.txt")
    # 0: curated
    for line in read_lines("locations.txt"):
        f = line.split("|")
        g.add(f[0], f[1:], priority=0)
    # 1: ISO 3166-2 first-level subdivisions of major countries, English names from CLDR
    sub = json.load(open(need(os.path.join(ISO, "iso_3166-2.json")), encoding="utf-8"))["3166-2"]
    tree = ET.parse(need(os.path.join(CLDR, "subdivisions/en.xml")))
    cldr_sub = {s.get("type"): s.text for s in tree.iter("subdivision")}
    for x in sorted(sub, key=lambda x: x["code"]):
        cc = x["code"][:2]
        if cc not in SUBDIVISION_COUNTRIES or "parent" in x:
            continue
        if cc == "US" and x["type"] not in ("State", "District"):
            continue
        key = x["code"].replace("-", "").lower()
        en = cldr_sub.get(key)
        iso_name = re.sub(r"\s*\[.*?\]|\s*\(.*?\)", "", x["name"]).replace("*", "").strip()
        canonical = en or iso_name
        aliases = [iso_name] if en and iso_name != en else []
        g.add(canonical, aliases, priority=1, merge=True)
    # 2: WordNet capitals and cities
    noun = load_wordnet("noun")
    for off in sorted(noun):
        d = noun[off]
        hyp = [noun[p[1]]["words"][0] for p in d["ptrs"] if p[0] in ("@i",)]
        if not any(h in WN_CITY_HYPERNYMS for h in hyp):
            continue
        words = [wn(w) for w in d["words"]]
        words = [w for w in words if re.match(r"^[A-Z]", w) and
                 all(t[:1].isupper() or t in ("of", "de", "la", "el", "es", "du", "del", "da", "do", "am", "upon", "on", "sur")
                     for t in w.split())]
        if not words or words[0] in deny:
            continue
        g.add(words[0], [w for w in words[1:] if w not in deny], priority=2, merge=True)
    # 3: tzdata zone cities (English exemplar names from CLDR where it has them)
    exemplar = {}
    for fn in ("main/root.xml", "main/en.xml"):
        t = ET.parse(need(os.path.join(CLDR, fn)))
        for z in t.iter("zone"):
            e = z.find("exemplarCity")
            if e is not None and e.text and z.get("type"):
                exemplar[z.get("type")] = e.text
    with open(need(ZONETAB), encoding="utf-8") as f:
        zones = sorted(l.split("\t")[2].strip() for l in f if not l.startswith("#") and l.strip())
    for z in zones:
        parts = z.split("/")
        if parts[0] in ("Antarctica", "Etc", "Arctic") or len(parts) > 2 and parts[1] in ("Indiana", "Kentucky", "North_Dakota"):
            continue
        city = exemplar.get(z, parts[-1].replace("_", " "))
        if city in deny or city.startswith("Unknown"):
            continue
        g.add(city, [], priority=3, merge=True)
    # no location name may also be a country name (or country alias)
    for form in sorted(country_forms):
        g.remove_form(form)

    return g.write(header("locations: continents, regions, subdivisions, cities (not countries)",
                          "tools/gen-models/curated/locations.txt, iso-codes (iso_3166-2.json) with "
                          "unicode-cldr-core (subdivisions/en.xml), wordnet-base (city/capital/port "
                          "instances), tzdata (zone.tab) with unicode-cldr-core exemplar cities"))


# ----------------------------------------------------------------- orgs
def build_orgs():
    g = Gazetteer("orgs.txt")
    for line in read_lines("orgs.txt"):
        f = line.split("|")
        g.add(f[0], f[1:], priority=0)
    return g.write(header("organisations: international bodies, government institutions, "
                          "parties, companies, news organisations, universities",
                          "tools/gen-models/curated/orgs.txt (hand-curated general knowledge)"))


# ----------------------------------------------------------------- names
def literal_assignments(path):
    """Top-level and class-level NAME = <literal> assignments of a Python file,
    evaluated with ast.literal_eval (OrderedDict((...)) calls are unwrapped)."""
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    out = {}
    for n in ast.walk(tree):
        if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name):
            v = n.value
            if isinstance(v, ast.Call) and getattr(v.func, "id", "") == "OrderedDict" and v.args:
                v = v.args[0]
            try:
                out[n.targets[0].id] = ast.literal_eval(v)
            except (ValueError, SyntaxError, TypeError):
                pass
    return out


def is_latin_name(s):
    if not re.match(r"^[^\W\d_][\w'-]*$", s) or not s[0].isupper() or len(s) < 2:
        return False
    if s.isupper():
        return False
    for ch in s:
        if ch in "'-":
            continue
        if not unicodedata.name(ch, "").startswith("LATIN"):
            return False
    return True


def build_names(title_words):
    """Given names. Names from the English (US) faker lists and the curated lists are
    kept even when they are also English words (Will, May, Hunter: the engine uses
    context); names from other locales are dropped when they are an ordinary
    lowercase English word (wamerican) or a title."""
    with open(need(WORDS), encoding="utf-8") as f:
        words = {w.strip() for w in f if w.strip().islower()}
    male, female = set(), set()
    for path in sorted(glob.glob(os.path.join(need(FAKER_PERSON), "*", "__init__.py"))):
        english = os.path.basename(os.path.dirname(path)) in ("en", "en_US", "en_GB")
        a = literal_assignments(path)
        for key, target in (("first_names_male", male), ("first_names_female", female)):
            v = a.get(key)
            if v is None:
                continue
            for name in (v.keys() if isinstance(v, dict) else v if isinstance(v, (list, tuple)) else
                         [p[0] for p in v]):
                if isinstance(name, tuple):
                    name = name[0]
                name = name.strip()
                if not is_latin_name(name) or name in title_words:
                    continue
                if not english and name.lower() in words:
                    continue
                target.add(name)
    deny = set()
    for line in read_lines("names-deny.txt"):
        deny.update(line.split())
    male -= deny
    female -= deny
    for fname, target in (("names-male.txt", male), ("names-female.txt", female)):
        for line in read_lines(fname):
            for w in line.split():
                if is_latin_name(w):
                    target.add(w)
                else:
                    sys.exit("curated/%s: bad name %r" % (fname, w))
    src = ("python3-fake-factory (faker person providers, Latin-script first_names_male/"
           "first_names_female of all locales; non-English-locale names that are lowercase "
           "English words in wamerican or titles dropped), tools/gen-models/curated/%s")
    for fname, s in (("names-male.txt", male), ("names-female.txt", female)):
        write_file(fname, [
            "attrib gazetteer: %s given names, one per line" % fname[6:-4],
            "GENERATED by tools/gen-models/gen.py -- do not edit; regenerate with:",
            "python3 tools/gen-models/gen.py",
            "Sources: " + src % fname,
            "A name used for both sexes appears in both files.",
        ], sorted(s, key=sort_key))
    return len(male), len(female)


# ----------------------------------------------------------------- titles
TITLE_DENY = {
    # nameparser entries that are adjectives, nationalities, fields or otherwise not
    # a title that precedes a person's name in English news copy
    "advertising", "air", "analytics", "appellate", "army", "award-winning", "banner", "baseball",
    "behavioral", "bench", "biblical", "blues", "british", "burlesque", "business", "chairs",
    "civil", "classical", "co-chairs", "computer", "corporate", "credit", "criminal", "customs",
    "designated", "discovery", "district", "division", "docket", "english", "excellent",
    "executive", "family", "federal", "field", "film", "financial", "first", "flag", "flying",
    "foreign", "grand", "group", "her", "hereditary", "high", "his", "historicus", "historien",
    "information", "intelligence", "judicial", "junior", "jr", "king's", "kingdom", "knowledge",
    "law", "legal", "literary", "marketing", "mathematics", "member", "military", "most",
    "municipal", "mystery", "national", "navy", "opera", "operating", "personality", "police",
    "political", "pro", "queen's", "radio", "rear", "resident", "revenue", "right", "risk",
    "rock", "royal", "security", "senior", "servant", "soccer", "social", "software", "special",
    "sr", "staff", "state", "states", "strategy", "supreme", "tax", "technical", "television",
    "theater", "theatre", "travel", "uk", "united", "us", "vice", "voice", "compositeur",
    "do", "se", "st", "sa", "md", "mg", "po", "pres", "prin", "dir", "dpty", "exec", "assoc",
    "asst", "mag", "met", "prior", "host", "model", "master", "major", "private", "count",
    "heir", "heiress", "doyen", "docent", "bearer", "timi", "woodman", "goodman", "goodwife",
    "maid", "player", "printer", "manager", "leader", "chief", "head", "chair", "sainte",
    "dutchess", "duchesse", "marchess", "obstetritian", "philantropist", "mag-judge",
    "mag/judge", "magistrate-judge", "senior-judge", "madam", "misses", "mister",
    "celebrity", "expert", "pioneer", "canon", "elder", "deputy", "agent", "specialist",
    "ab", "msg", "phd", "pfc", "scpo", "smsgt", "sn", "prime", "petty", "wing", "warrant",
    "marcher", "superior", "highness", "holiness", "majesty", "eminence", "excellency",
    "ballet", "comic", "buddha", "mahdi", "arhat", "collector", "adept", "associate",
    "assistant", "academic", "baba", "primate", "metropolitan", "burgess", "catholicos",
}
TITLE_GENDER = {
    "actress": "f", "businesswoman": "f", "comedienne": "f", "priestess": "f", "sultana": "f",
    "businessman": "m", "clergyman": "m", "uncle": "m", "aunt": "f", "auntie": "f",
    "matriarch": "f", "schoolmaster": "m", "friar": "m", "monk": "m", "marquise": "f",
    "graf": "m", "comtesse": "f", "seigneur": "m", "bwana": "m", "effendi": "m",
    "rebbe": "m", "murshid": "m", "akhoond": "m", "shaik": "m", "shaikh": "m", "shayk": "m",
    "shaykh": "m", "shekh": "m", "cheikh": "m", "dra": "f", "srta": "f", "sra": "f",
    "archduke": "m", "archduchess": "f", "tsar": "m", "tsarina": "f", "nanny": "f",
    "mother": "f", "father": "m", "brother": "m", "sister": "f", "lord": "m", "lady": "f",
}


def nameparser_titles():
    with open(need(NAMEPARSER_TITLES), encoding="utf-8") as f:
        tree = ast.parse(f.read())
    sets = {}
    for n in tree.body:
        if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name):
            v = n.value
            parts = []
            stack = [v]
            while stack:
                x = stack.pop()
                if isinstance(x, ast.BinOp):
                    stack += [x.left, x.right]
                elif isinstance(x, ast.Name):
                    parts.extend(sets.get(x.id, ()))
                elif isinstance(x, ast.Call) and x.args:
                    parts.extend(ast.literal_eval(x.args[0]))
            sets[n.targets[0].id] = set(parts)
    return sets.get("TITLES", set())


def build_titles():
    wn_nouns = set()
    with open(need(os.path.join(WORDNET, "index.noun")), encoding="utf-8") as f:
        for line in f:
            if not line.startswith(" "):
                wn_nouns.add(line.split(" ", 1)[0])
    titles = {}
    order = []
    for line in read_lines("titles.txt"):
        t, _, gnd = line.partition("|")
        if t not in titles:
            titles[t] = gnd
            order.append(t)
    lower = {t.lower() for t in titles}
    for t in sorted(nameparser_titles()):
        t = t.strip()
        if not t or t in TITLE_DENY or t.lower() in lower:
            continue
        # keep only real English words (WordNet nouns) so that unexplained
        # abbreviations (e.g. military pay-grade codes) are left out
        if not re.match(r"^[a-z][a-z-]*[a-z]$", t) or t.replace("-", "_") not in wn_nouns:
            continue
        cap = "-".join(p[:1].upper() + p[1:] for p in t.split("-"))
        titles[cap] = TITLE_GENDER.get(t, "")
    lines = ["%s|%s" % (t, titles[t]) for t in sorted(titles, key=sort_key)]
    write_file("titles.txt", [
        "attrib gazetteer: titles that precede a person's name",
        "GENERATED by tools/gen-models/gen.py -- do not edit; regenerate with:",
        "python3 tools/gen-models/gen.py",
        "Sources: tools/gen-models/curated/titles.txt, python3-nameparser (config/titles.py",
        "TITLES, filtered to WordNet nouns minus a deny list) with wordnet-base index.noun",
        "Format: Title|gender  (m = male, f = female, empty = no gender implied)",
    ], lines)
    return len(lines), set(titles)


def build_common_words():
    """Lower-case English words (wamerican): a capitalised word that starts a
    sentence and is one of these is an ordinary word, not a name."""
    need(WORDS)
    words = set()
    with open(WORDS, encoding="utf-8") as f:
        for w in f:
            w = w.strip()
            if re.fullmatch(r"[a-z]+(-[a-z]+)*", w):
                words.add(w)
    write_file("common-words.txt", [
        "attrib word list: common lower-case English words, one a line",
        "GENERATED by tools/gen-models/gen.py -- do not edit; regenerate with:",
        "python3 tools/gen-models/gen.py",
        "Sources: wamerican (/usr/share/dict/american-english), lower-case entries",
    ], sorted(words))
    return len(words)


def main():
    os.makedirs(MODELS, exist_ok=True)
    ncw = build_common_words()
    countries, nc = build_countries()
    nd = build_demonyms(countries)
    nl = build_locations(countries)
    no = build_orgs()
    nt, title_words = build_titles()
    nm, nf = build_names(title_words)
    with open(os.path.join(HERE, "dropped.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write("# GENERATED by tools/gen-models/gen.py: surface forms dropped because they\n")
        f.write("# would map to two canonicals within one file.\n")
        f.write("# file<TAB>surface form<TAB>dropped from<TAB>kept for\n")
        for r in sorted(set(DROPPED)):
            f.write("\t".join(r) + "\n")
    print("common words %d" % ncw)
    print("countries %d, demonyms %d, locations %d, orgs %d, names-male %d, names-female %d, titles %d, dropped %d"
          % (nc, nd, nl, no, nm, nf, nt, len(set(DROPPED))))


if __name__ == "__main__":
    main()
