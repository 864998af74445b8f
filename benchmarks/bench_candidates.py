"""Candidate recall on the corpus (with its markup) and on plain prose (without), against baselines.

Part 1, the corpus as it is. Ground truth: which terms cite which module in their `provenance`
(full entries' `sources[].module` and stub entries' module lists), each reference resolved to a
module file as `draft` resolves it. For every module we rank its candidates, with the lexicon of all
terms, and count how many of the terms that cite it are among the top K (recall@K). Measured in the
same run: the ranking from markup evidence alone (termhood off — the ranking before issue 16) and
the full ranking (markup + termhood against a background of the other modules).

Part 2, plain prose. Every module of `modules/` and `modules_subfolders/Volume_5/` is stripped of its
Markdown (front matter, emphasis, headings' marks, tables' bars, code, links) and ranked with an
EMPTY lexicon, so nothing can be found by name: a term must be discovered from the prose. Ground
truth: the terms citing the module whose name (or an alias) occurs in the stripped text (the others
cannot be found by any extractor; their number is printed). Plus `benchmarks/data/prose/*.txt`,
short texts written for this benchmark with their terms listed in `terms.json` (nothing of the corpus
is in the repository). A candidate matches a term when their words agree, plurals folded. The
baseline is a plain C-value n-gram ranker (stop-word-bounded 1–4-grams, no shaping), computed here.

The background here is counted once over all modules (`Background.build`); `Glossary.candidates` counts
it per module for just the competing phrases (`Background.targeted`): the same frequencies, up to how
words are split.

Targets (issue 16): corpus recall@40 ≥ 85 % and recall@10 above the markup-only ranking; prose
recall@40 above the C-value baseline. Prints figures; asserts nothing.

    python benchmarks/bench_candidates.py [--corpus ../shared/corpus]
"""

from __future__ import annotations

import argparse
import json
import math
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from authoring.core.summary import summarise  # noqa: E402
from authoring.core.termfile import load_term  # noqa: E402
from authoring.drafting import candidates as candidates_module  # noqa: E402
from authoring.drafting.candidates import find_candidates  # noqa: E402
from authoring.drafting.lexicon import KnownTerm, Lexicon, name_key  # noqa: E402
from authoring.drafting.modules import Module, ModuleLibrary, load_module  # noqa: E402
from authoring.drafting.termhood import Background  # noqa: E402

KS = (10, 20, 40)
DATA = ROOT / "benchmarks" / "data" / "prose"


def body_lines(module: Module) -> list[tuple[int, str]]:
    """A module's numbered lines after its front matter, outside code fences."""
    out, fenced = [], False
    for number in range(module.body_line, len(module.lines) + 1):
        line = module.line_text(number)
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if not fenced:
            out.append((number, line))
    return out


# -- part 1: the corpus with its markup ------------------------------------------------------------


def corpus_recall(corpus: Path, known: list[KnownTerm]) -> None:
    lexicon = Lexicon.build(known)
    library = ModuleLibrary(corpus / "modules")
    modules = list(library.modules())
    truth: dict[Path, set[str]] = {m.path: set() for m in modules}
    for term in known:
        for ref in set(term.modules):
            for path in library.matches(ref.strip()):
                truth.setdefault(path, set()).add(term.id)
    pairs = sum(len(v) for v in truth.values())
    started = time.perf_counter()
    background = Background.build(body_lines(m) for m in modules)
    background_seconds = time.perf_counter() - started

    def measure(label: str, termhood: bool) -> list[float]:
        saved = candidates_module.TERMHOOD_LIMIT
        candidates_module.TERMHOOD_LIMIT = candidates_module.TERMHOOD_LIMIT if termhood else 0
        hits = dict.fromkeys(KS, 0)
        times = []
        try:
            for module in modules:
                t0 = time.perf_counter()
                ranked = find_candidates(module, lexicon, background=background if termhood else None,
                                         in_background=True)
                times.append(time.perf_counter() - t0)
                ids = [c.canonical_id for c in ranked]
                for k in KS:
                    hits[k] += len(truth[module.path] & set(ids[:k]))
        finally:
            candidates_module.TERMHOOD_LIMIT = saved
        recalls = [hits[k] / pairs for k in KS]
        print(f"  {label:<44}" + "".join(f"  @{k}: {r:6.1%}" for k, r in zip(KS, recalls, strict=True))
              + f"   (median {statistics.median(times) * 1000:.0f} ms/module, total {sum(times):.1f} s)")
        return recalls

    print(f"corpus, with markup: {len(known):,} terms, {len(modules)} modules, {pairs:,} (term, module) pairs;"
          f" background of {background.documents} modules built in {background_seconds:.1f} s")
    before = measure("markup evidence only (the ranking before #16)", termhood=False)
    after = measure("markup + termhood (this ranking)", termhood=True)
    print(f"  → recall@10 {after[0] / max(before[0], 1e-9):.2f}× the markup-only ranking; recall@40"
          f" {after[-1]:.1%} (target ≥ 85 %)")


# -- part 2: plain prose -----------------------------------------------------------------------------

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)|`")
_HEADING = re.compile(r"^\s*#{1,6}\s*(?:§+\s*[\d.]+[A-Za-z]?\s*[·:.\-–—]?\s*)?")


def strip_markdown(module: Module) -> str:
    """The module's prose: no front matter, code, emphasis, heading marks, table bars, links or bullets."""
    out = []
    for _, line in body_lines(module):
        text = _LINK.sub(r"\1", line)
        if re.fullmatch(r"\s*\|?[\s:|-]+\|?\s*", text) and "-" in text:
            continue  # a table's separator row
        if text.lstrip().startswith("|"):
            text = ". ".join(c.strip() for c in text.strip().strip("|").split("|") if c.strip()) + "."
        text = _HEADING.sub("", text)
        text = re.sub(r"^\s*(?:[-*+>]\s+|\d+[.)]\s+)+", "", text)
        text = _EMPHASIS.sub("", text)
        out.append(text.replace("<!--", "").replace("-->", ""))
    return "\n".join(out) + "\n"


def _norm(text: str) -> tuple[str, ...]:
    return tuple(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
                 for w in name_key(text.replace("_", " ")))


def _occurs(key: tuple[str, ...], text_words: tuple[str, ...]) -> bool:
    n = len(key)
    return n > 0 and any(text_words[i : i + n] == key for i in range(len(text_words) - n + 1))


def _word_set(text: str) -> set[str]:
    return set(text.split())


_BASE_STOP = _word_set("""
a an the of and or but in on at to for from by with as is are was were be been being it its this that these
those which who what when where how not no we our you your they their he she his her i if then than so such
can could may might must shall should will would do does did has have had into onto over under about
""")


def cvalue_baseline(text: str, limit: int = 40) -> list[str]:
    """The baseline: C-value over stop-word-bounded 1–4-grams of the text (no shaping, no background)."""
    freq: Counter[tuple[str, ...]] = Counter()
    for line in text.splitlines():
        for chunk in re.split(r"[^\w\s'-]+", line):
            tokens = [w.casefold() for w in re.findall(r"[^\W_]+(?:['-][^\W_]+)*", chunk)]
            run: list[str] = []
            for token in [*tokens, "the"]:
                if token in _BASE_STOP or token.isdigit():
                    for i in range(len(run)):
                        for j in range(i + 1, min(len(run), i + 4) + 1):
                            freq[tuple(run[i:j])] += 1
                    run = []
                else:
                    run.append(token)
    nested: dict[tuple[str, ...], list[int]] = {}
    for key, f in freq.items():
        for i in range(len(key)):
            for j in range(i + 1, len(key) + 1):
                sub = key[i:j]
                if sub != key:
                    nested.setdefault(sub, []).append(f)
    scores = {}
    for key, f in freq.items():
        within = nested.get(key)
        value = f - (sum(within) / len(within) if within else 0)
        scores[key] = math.log2(len(key) + 1) * value
    ranked = sorted(scores, key=lambda k: -scores[k])
    return [" ".join(k) for k in ranked[:limit]]


def prose_recall(corpus: Path, known: list[KnownTerm]) -> None:
    empty = Lexicon.build([])
    sets: list[tuple[str, list[tuple[str, str, list[tuple[str, ...]]]]]] = []  # (label, [(name, text, gold)])
    missing = 0
    for label, folder in (("corpus modules, stripped", corpus / "modules"),
                          ("Volume_5 modules, stripped", corpus / "modules_subfolders" / "Volume_5")):
        library = ModuleLibrary(folder)
        docs = []
        citing: dict[Path, list[KnownTerm]] = {}
        for term in known:
            for ref in set(term.modules):
                for path in library.matches(ref.strip()):
                    citing.setdefault(path, []).append(term)
        for module in library.modules():
            text = strip_markdown(module)
            text_words = tuple(_norm(text))
            gold = []
            for term in citing.get(module.path, []):
                names = [n for n in (term.term, *term.aliases, term.id) if n]
                keys = [_norm(n) for n in names]
                if any(_occurs(k, text_words) for k in keys):
                    gold.append(keys)
                else:
                    missing += 1
            if gold:
                docs.append((module.stem, text, gold))
        sets.append((label, docs))
    own = json.loads((DATA / "terms.json").read_text(encoding="utf-8"))
    sets.append(("prose written for this benchmark", [
        (name, (DATA / name).read_text(encoding="utf-8"), [[_norm(t)] for t in terms])
        for name, terms in sorted(own.items())]))

    print()
    print(f"plain prose (no markup, empty lexicon; {missing:,} cited terms never named in their stripped module"
          " are left out of the truth):")
    with tempfile.TemporaryDirectory() as scratch:
        for label, docs in sets:
            folder = Path(scratch) / re.sub(r"\W+", "_", label)
            folder.mkdir()
            modules = []
            for name, text, _ in docs:
                path = folder / (re.sub(r"[^\w-]+", "_", name.removesuffix(".txt")) + ".md")
                path.write_text(text, encoding="utf-8")
                modules.append(load_module(path))
            background = Background.build(body_lines(m) for m in modules)
            ours = base = total = 0
            for module, (_, text, gold) in zip(modules, docs, strict=True):
                mine = {_norm(c.term) for c in find_candidates(module, empty, 40, background, in_background=True)}
                theirs = {_norm(t) for t in cvalue_baseline(text, 40)}
                for keys in gold:
                    total += 1
                    ours += any(k in mine for k in keys)
                    base += any(k in theirs for k in keys)
            print(f"  {label:<36} {len(docs):>3} documents, {total:>5,} terms:  recall@40 {ours / total:6.1%}"
                  f"   C-value baseline {base / total:6.1%}   ({ours / max(base, 1):.2f}×)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = parser.parse_args()
    if not (args.corpus / "dictionary").is_dir():
        print(f"no corpus at {args.corpus}; nothing to measure")
        return
    started = time.perf_counter()
    known = []
    for path in sorted((args.corpus / "dictionary").glob("*.md")):
        s = summarise(load_term(path, fast=True))
        known.append(KnownTerm(s.id, s.term, tuple(s.aliases), s.status, tuple(s.modules)))
    print(f"reading {len(known):,} terms: {time.perf_counter() - started:.1f} s")
    corpus_recall(args.corpus, known)
    prose_recall(args.corpus, known)


if __name__ == "__main__":
    main()
