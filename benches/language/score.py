#!/usr/bin/env python3
"""Scores language checks on the language set: for each text and each reader of a
language of the set, "error" or "no error". A reader of the text's language must get no
error; a reader of another language must get one. A text is right when every reader's
verdict is right.

Usage: score.py SET_DIR RESULTS_DIR [LANGS]
RESULTS_DIR holds campaign-lint.tsv and campaign-lint-allowlist.tsv (file, comma-separated
languages whose reader got an error), whatlang.tsv (examples/language_baselines.rs) and textcat.tsv (textcat.pl).
LANGS (comma-separated) scores only the texts and readers of those languages.
"""

import sys

ISO3 = {"en": "eng", "de": "deu", "es": "spa", "it": "ita", "pl": "pol", "pt": "por",
        "ru": "rus", "cs": "ces", "bg": "bul", "zh": "cmn", "fr": "fra", "ja": "jpn"}


def load(path):
    rows = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            rows[cols[0]] = cols[1:]
    return rows


def main():
    set_dir, results = sys.argv[1], sys.argv[2]
    index = [l.rstrip("\n").split("\t") for l in open(set_dir + "/index.tsv", encoding="utf-8")]
    langs = sys.argv[3].split(",") if len(sys.argv) > 3 else sorted({r[1] for r in index})
    texts = [(r[0], r[1]) for r in index if r[1] in langs]

    cl = load(results + "/campaign-lint.tsv")
    cla = load(results + "/campaign-lint-allowlist.tsv")
    wl = load(results + "/whatlang.tsv")
    tc = load(results + "/textcat.tsv")

    def whatlang(col, reliable):
        def errors(file):
            lang, conf = wl[file][col], float(wl[file][col + 1])
            if lang == "-" or (reliable and conf <= 0.9):
                return set()
            return {r for r in langs if ISO3[r] != lang}
        return errors

    def textcat(file):
        answers = {a.split(".")[0] for a in (tc[file][0].split(",") if tc[file] and tc[file][0] else [])}
        return set() if not answers else {r for r in langs if r not in answers}

    methods = [
        ("campaign-lint", lambda f: set(x for x in cl[f][0].split(",") if x) if cl[f] else set()),
        ("campaign-lint, allowlist", lambda f: set(x for x in cla[f][0].split(",") if x) if cla[f] else set()),
        ("whatlang", whatlang(0, False)),
        ("whatlang, reliable only", whatlang(0, True)),
        ("whatlang, %d-language allowlist" % len(langs), whatlang(2, False)),
        ("whatlang, allowlist, reliable only", whatlang(2, True)),
        ("TextCat (SpamAssassin)", textcat),
    ]
    print("%d texts, %d languages (%s), %d verdicts each" % (
        len(texts), len(langs), ",".join(langs), len(texts) * len(langs)))
    print("%-36s %8s %7s %12s %13s" % ("method", "right", "%", "false errors", "missed errors"))
    for name, errors_of in methods:
        right = false = missed = 0
        wrong_texts = []
        for file, lang in texts:
            errors = errors_of(file) & set(langs)
            f = lang in errors
            m = len([r for r in langs if r != lang and r not in errors])
            false += f
            missed += m
            if not f and m == 0:
                right += 1
            else:
                wrong_texts.append(file)
        print("%-36s %4d/%-3d %6.1f%% %12d %13d" % (
            name, right, len(texts), 100.0 * right / len(texts), false, missed))
        if "-v" in sys.argv[4:] or (len(sys.argv) > 4 and sys.argv[4] == "-v"):
            print("   wrong:", " ".join(wrong_texts))


if __name__ == "__main__":
    main()
