#!/usr/bin/env python3
"""Builds the language measurement set from real prose in Debian packages.

Texts are cut from Debian's fortune files (quotations, jokes, chat logs, lists of names)
and, for French and Japanese, from translated manual pages. The texts are GPL or of
unknown licence, so they are generated here from the installed packages and never
committed. Usage: make_set.py OUT_DIR [WORDS] [PER_LANGUAGE]

OUT_DIR gets one file per text (`NNN-LANG.txt`) and `index.tsv` (file, language code,
source). The draw is seeded: the same packages give the same set.
"""

import gzip
import os
import random
import re
import subprocess
import sys

FORTUNES = "/usr/share/games/fortunes"
MAN = "/usr/share/man"

# language -> list of fortune files (relative to FORTUNES) or ("man", LOCALE)
SOURCES = {
    "en": ["fortunes", "wisdom", "literature", "people", "humorists", "work", "computers",
           "love", "men-women", "politics", "science", "education", "food", "pets"],
    "de": ["de/" + f for f in ["anekdoten", "bahnhof", "computer", "letzteworte",
                                "lieberals", "murphy", "namen", "quiz", "regeln",
                                "sprichworte", "sprueche", "stilblueten", "tips",
                                "unfug", "vornamen", "witze", "wusstensie", "zitate",
                                "kinderzitate", "infodrom"]],
    "es": ["es/" + f for f in ["amistad.fortunes", "arte.fortunes", "ciencia.fortunes",
                                "familia.fortunes", "famosos.fortunes",
                                "filosofia.fortunes", "informatica.fortunes",
                                "leydemurphy.fortunes", "libertad.fortunes",
                                "refranes.fortunes", "varios.fortunes", "vida.fortunes"]],
    "it": ["it/" + f for f in ["adams", "computer", "definizioni", "formiche", "italia",
                                "itatrek", "jackfr", "leggi", "luttazzi", "norm",
                                "paolotedeschi", "zuse"]],
    "pl": ["pl/" + f for f in ["bajki", "dowcipy", "dzieci", "imiona", "irc",
                                "komputery", "matura", "milosc", "misc", "nauka",
                                "pratchett", "puchatek", "sapkowski", "seneka", "sport",
                                "wierszyki", "zen"]],
    "pt": ["brasil"],
    "ru": ["ru/" + f for f in ["2002.01", "2002.06", "citates", "computer", "education",
                                "friendship", "happy", "knowledge", "life", "love",
                                "murphy", "programming", "time", "truth", "war", "work"]],
    "cs": ["cs/" + f for f in ["chesterton", "cimrman", "citace", "filmy", "jerome",
                                "murphy", "parkinson", "pocitace", "pratchett",
                                "prislovi", "stopar", "wodehouse", "zemeplocha"]],
    "bg": ["bg/" + f for f in ["bgauthors", "bgproverb", "history", "intauthors",
                                "intproverb", "others"]],
    "zh": ["chinese"],
    "fr": ("man", "fr"),
    "ja": ("man", "ja"),
}

CJK = {"zh", "ja"}
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def read(path):
    data = open(path, "rb").read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def fortunes(files):
    out = []
    for f in files:
        path = os.path.join(FORTUNES, f)
        if not os.path.exists(path):
            continue
        for entry in re.split(r"\n%\n", ANSI.sub("", read(path))):
            entry = entry.strip()
            if entry and "\ufffd" not in entry:
                out.append((f, entry))
    return out


# Translated manual pages keep untranslated paragraphs, options and examples. A paragraph
# is kept when it is clearly in the page's language: French function words, or kana.
FRENCH = set("le la les de des du et est une un pour dans que qui sur par pas ne avec "
             "sont ce cette être il elle".split())


def in_language(p, locale):
    words = p.split()
    if locale == "fr":
        return sum(w.lower() in FRENCH for w in words) >= 0.15 * len(words)
    if locale == "ja":
        letters = [c for c in p if c.isalpha()]
        kana = [c for c in letters if "\u3040" <= c <= "\u30ff"]
        return len(kana) >= 0.3 * len(letters)
    return True


def man_pages(locale):
    """Paragraphs of the DESCRIPTION sections of a locale's section 1 manual pages."""
    out = []
    folder = os.path.join(MAN, locale, "man1")
    names = sorted(os.listdir(folder))
    random.Random(7).shuffle(names)
    for name in names:
        if len(out) >= 300:
            break
        try:
            text = subprocess.run(
                ["man", "-l", os.path.join(folder, name)],
                capture_output=True, text=True, timeout=20,
                env={**os.environ, "MANWIDTH": "1000", "MAN_KEEP_FORMATTING": "",
                     "LANG": "C.UTF-8"},
            ).stdout
        except subprocess.TimeoutExpired:
            continue
        text = re.sub(r".\x08", "", text)
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text)]
        # Keep prose: paragraphs with several sentences' worth of letters.
        for p in paragraphs:
            p = re.sub(r"\s+", " ", p)
            if len(p) > 80 and not p.startswith("-") and in_language(p, locale):
                out.append(("man/%s/%s" % (locale, name), p))
    return out


def size(text, lang):
    if lang in CJK:
        return sum(1 for c in text if not c.isspace())
    return len(text.split())


def cut(text, lang, words):
    if lang in CJK:
        n, out = 0, []
        for c in text:
            out.append(c)
            n += not c.isspace()
            if n >= 2 * words:
                break
        return "".join(out)
    return " ".join(text.split()[:words])


def main():
    out_dir = sys.argv[1]
    words = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    per = int(sys.argv[3]) if len(sys.argv) > 3 else 12
    os.makedirs(out_dir, exist_ok=True)
    rng = random.Random(12)
    index = []
    n = 0
    for lang, source in SOURCES.items():
        entries = man_pages(source[1]) if isinstance(source, tuple) else fortunes(source)
        if not entries:
            sys.exit("no text for %s: install its package (see language.sh)" % lang)
        starts = rng.sample(range(len(entries)), min(len(entries), per * 4))
        made = 0
        used = set()
        for start in starts:
            if made == per:
                break
            if start in used:
                continue
            # Consecutive entries from the start until the text is long enough.
            pieces, i, src = [], start, entries[start][0]
            while i < len(entries) and size("\n".join(pieces), lang) < (
                2 * words if lang in CJK else words
            ):
                pieces.append(entries[i][1])
                used.add(i)
                i += 1
            text = cut("\n".join(pieces), lang, words)
            if size(text, lang) < (2 * words if lang in CJK else words):
                continue
            n += 1
            made += 1
            name = "%03d-%s.txt" % (n, lang)
            with open(os.path.join(out_dir, name), "w", encoding="utf-8") as f:
                f.write(text + "\n")
            index.append((name, lang, src))
    with open(os.path.join(out_dir, "index.tsv"), "w", encoding="utf-8") as f:
        for row in index:
            f.write("\t".join(row) + "\n")
    print("%d texts in %s" % (len(index), out_dir), file=sys.stderr)


if __name__ == "__main__":
    main()
