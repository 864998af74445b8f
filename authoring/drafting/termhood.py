"""Statistical termhood: which word sequences of a plain text behave like terms, with no markup and no model.

Candidates are noun-phrase-shaped word sequences: runs of content words between punctuation and
function words (`of` may join two runs: "conservation of energy"), at most five words, that neither
start nor end like a clause (an adverb, a participle, an adjective-only ending). Each is scored by
C-value (Frantzi, Ananiadou & Mima, 2000): frequency times a length factor, less the frequency it
owes to the longer candidates it is nested in. When a background of other documents is given, the
score is multiplied by an inverse-document-frequency factor, so phrases every document uses ("the
next step", "this section") sink and the document's own vocabulary rises. Everything is computed
from the text in hand: no tagger, no model and no data are loaded.

`STOP_WORDS` and `GENERIC_WORDS` are also what the rest of drafting uses to refuse a function word
or a generic word as a term name or a crosslink.

Must never: read files, touch Git or a UI, download anything.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# English function words, auxiliaries, pronouns, common adverbs and light verbs: never inside a term
# (except "of", which may join two runs of content words).
STOP_WORDS = _word_set("""
near
a about above across after afterwards again against all almost alone along already also although always am
among amongst an and another any anyhow anyone anything anyway anywhere are around as at back be became
because become becomes becoming been before beforehand behind being below beside besides between beyond both
but by can cannot could did do does doing done down due during each eg either else elsewhere enough etc even
ever every everyone everything everywhere except few first for former formerly from further had has have
having he hence her here hereafter hereby herein hers herself him himself his how however i ie if in indeed
instead into is it its itself just last latter least less let like made make makes making many may me
meanwhile might mine more moreover most mostly much must my myself namely neither never nevertheless next no
nobody none noone nor not nothing now nowhere of off often on once one only onto or other others otherwise our
ours ourselves out over own per perhaps please quite rather re really same say says said see seem seemed
seeming seems several she should since so some somehow someone something sometime sometimes somewhere still
such than that the their theirs them themselves then thence there thereafter thereby therefore therein
thereupon these they this those though through throughout thru thus to together too toward towards under until
up upon us use used uses using very via was we well were what whatever when whence whenever where whereafter
whereas whereby wherein whereupon wherever whether which while whither who whoever whole whom whose why will
with within without would yet you your yours yourself yourselves get gets got give gives given go goes going
gone keep keeps kept take takes taken took put puts show shows shown become come comes came want wants need
needs way ways thing things lot lots kind kinds sort sorts also simply merely exactly especially particularly
generally usually typically clearly actually basically essentially already almost nearly fully entirely mainly
largely partly
""")

# Words that are real nouns but too general to be a glossary's term on their own (a heading's "Background",
# an id's "SYSTEM", a symbol's "V").
GENERIC_WORDS = _word_set("""
actor actors agent approach aspect aspects background case cases chapter chapters concept concepts conclusion
context data definition definitions description detail details domain domains element elements end example
examples fact facts feature features figure figures form forms framework goal goals idea ideas introduction
issue issues item items level levels means method methods model models module modules note notes number
numbers object objects overview part parts point points problem problems process purpose question questions
reason result results role section sections set sets side step steps summary system systems table tables term
terms test tests text thing type types unit units value values version view work
""")

_TOKEN = re.compile(r"[^\W_]+(?:[-‐‑'’][^\W_]+)*")
_TRANSPARENT = re.compile(r"[*_`~]+")  # emphasis marks do not end a phrase: "**hollow cradle**"
_ADJECTIVE_ENDINGS = ("ous", "ful", "less", "able", "ible", "ish")
# A word right after one of these is used as a verb in this text ("it begins", "to listen", "who holds").
_VERB_CUES = _word_set("""
it he she they we i you who to will would can could may might must shall should cannot does did
""")
MAX_WORDS = 5


def is_stop(word: str) -> bool:
    """True for a function word (compared case-folded)."""
    return word.casefold() in STOP_WORDS


def is_weak_name(name: str) -> bool:
    """True when `name` cannot be a term on its own: a function word, a generic word, a single letter,
    a number, or a phrase that starts or ends with a function word."""
    parts = [p.casefold() for p in _TOKEN.findall(name)]
    if not parts:
        return True
    if len(parts) == 1:
        word = parts[0]
        return len(word) <= 1 or word.isdigit() or word in STOP_WORDS or word in GENERIC_WORDS
    return parts[0] in STOP_WORDS or parts[-1] in STOP_WORDS


@dataclass
class Phrase:
    """One candidate phrase of a text and its termhood."""

    key: tuple[str, ...]
    """The phrase's words, case-folded (the identity of the phrase)."""
    text: str
    """Its most frequent written form."""
    line: int
    """The first line it stands on (1-based, counted from `first_line`)."""
    count: int
    """How often it occurs."""
    score: float = 0.0
    """C-value, times the background factor when there is one."""


def _runs(line: str) -> list[list[str]]:
    """The line's runs of words not broken by punctuation (emphasis marks are transparent)."""
    text = _TRANSPARENT.sub(" ", line)
    runs: list[list[str]] = []
    current: list[str] = []
    last_end = 0
    for match in _TOKEN.finditer(text):
        gap = text[last_end : match.start()]
        if current and gap.strip():
            runs.append(current)
            current = []
        current.append(match.group(0))
        last_end = match.end()
    if current:
        runs.append(current)
    return runs


def verbs_of(lines: Iterable[tuple[int, str]]) -> set[str]:
    """Words the text uses as verbs (after a pronoun, `to`, a modal…), with their -s/-es/-ed/-ing forms."""
    found: set[str] = set()
    for _, line in lines:
        for run in _runs(line):
            for before, word in itertools.pairwise(run):
                folded = word.casefold()
                if before.casefold() in _VERB_CUES and folded not in STOP_WORDS:
                    found.add(folded)
    forms = set(found)
    for word in found:
        stem = word[:-1] if word.endswith("e") else word
        forms.update({word + "s", word + "es", stem + "ed", stem + "ing", word + "d"})
        if word.endswith("s"):
            forms.add(word[:-1])
    return forms


def _acceptable(words: list[str], verbs: set[str]) -> bool:
    """Noun-phrase shape, without a tagger: how the phrase starts and ends."""
    first, last = words[0].casefold(), words[-1].casefold()
    if first in verbs or last in verbs:
        return False
    if first == "of" or last == "of" or any(w.isdigit() for w in words):
        return False
    if first.endswith("ly") or last.endswith("ly"):
        return False
    if len(last) > 4 and last.endswith("ed") and not last.endswith("eed"):
        return False  # "energy released", "field defined"
    if last.endswith(_ADJECTIVE_ENDINGS) and len(words) > 1:
        return False
    if first.endswith("est") and len(first) > 5:
        return False  # a superlative: "easiest", "strongest"
    for inner in words[:-1]:
        folded = inner.casefold()
        if len(folded) > 3 and folded.endswith("s") and not folded.endswith(("ss", "us", "is", "'s", "’s")):
            return False  # an inner word in -s is a verb far more often than a plural: "wind raises waves"
    if len(words) == 1:
        return len(first) >= 3 and first not in GENERIC_WORDS and not first.isdigit()
    return all(len(w) >= 2 or not w.isalpha() for w in words)


def phrases_of(lines: Iterable[tuple[int, str]]) -> list[Phrase]:
    """Every noun-phrase-shaped candidate of the numbered lines, with counts and first lines (no scores)."""
    numbered = list(lines)
    verbs = verbs_of(numbered)
    found: dict[tuple[str, ...], Phrase] = {}
    forms: dict[tuple[str, ...], Counter[str]] = {}
    for number, line in numbered:
        for run in _runs(line):
            # Split the run at function words; "of" is kept as a possible joiner between content words.
            segments: list[list[str]] = [[]]
            for word in run:
                folded = word.casefold()
                if folded in STOP_WORDS and folded != "of":
                    segments.append([])
                else:
                    segments[-1].append(word)
            for segment in segments:
                n = len(segment)
                for i in range(n):
                    if segment[i].casefold() == "of":
                        continue
                    for j in range(i + 1, min(n, i + MAX_WORDS) + 1):
                        words = segment[i:j]
                        if sum(1 for w in words if w.casefold() == "of") > 1:
                            break
                        if not _acceptable(words, verbs):
                            continue
                        key = tuple(w.casefold() for w in words)
                        phrase = found.get(key)
                        if phrase is None:
                            found[key] = Phrase(key, " ".join(words), number, 1)
                            forms[key] = Counter()
                        else:
                            phrase.count += 1
                        forms[key][" ".join(words)] += 1
    for key, phrase in found.items():
        phrase.text = forms[key].most_common(1)[0][0]
    # A word that starts several different phrases and heads none is an adjective ("slow", "fast").
    starts: Counter[str] = Counter(k[0] for k in found if len(k) > 1)
    heads: Counter[str] = Counter(k[-1] for k in found if len(k) > 1)
    return [p for p in found.values() if len(p.key) > 1 or starts[p.key[0]] < 2 or heads[p.key[0]] > 0]


def c_values(phrases: list[Phrase]) -> None:
    """Set each phrase's score to its C-value (nested phrases lose what their containers account for).

    A single word gets the length factor of log2(2) = 1, so that single-word terms can rank at all.
    """
    by_key = {p.key: p for p in phrases}
    nested_sum: Counter[tuple[str, ...]] = Counter()
    nested_types: Counter[tuple[str, ...]] = Counter()
    for longer in phrases:
        n = len(longer.key)
        if n < 2:
            continue
        seen: set[tuple[str, ...]] = set()
        for i in range(n):
            for j in range(i + 1, n + 1):
                sub = longer.key[i:j]
                if sub != longer.key and sub in by_key and sub not in seen:
                    seen.add(sub)
                    nested_sum[sub] += longer.count
                    nested_types[sub] += 1
    for phrase in phrases:
        size = math.log2(len(phrase.key) + 1)
        if nested_types[phrase.key]:
            phrase.score = size * (phrase.count - nested_sum[phrase.key] / nested_types[phrase.key])
        else:
            phrase.score = size * phrase.count


@dataclass
class Background:
    """How many documents of a collection use each phrase: the yardstick for "this document's own words"."""

    documents: int
    """How many documents were counted."""
    frequency: Counter[tuple[str, ...]]
    """Document frequency of each phrase key."""

    @classmethod
    def build(cls, documents: Iterable[Iterable[tuple[int, str]]]) -> Background:
        """Count, for each phrase, the documents (each given as numbered lines) that use it."""
        frequency: Counter[tuple[str, ...]] = Counter()
        total = 0
        for lines in documents:
            total += 1
            frequency.update({p.key for p in phrases_of(lines)})
        return cls(total, frequency)

    @classmethod
    def targeted(cls, keys: Iterable[tuple[str, ...]], texts: list[str]) -> Background:
        """Document frequencies of just `keys`, counted by plain containment in `texts` (case-folded
        documents with single spaces): cheap enough to build for one module at a time.

        The texts are searched as one string; after a hit the search jumps to the next document, so a
        phrase costs one pass however many documents use it.
        """
        joined = "\x00".join(texts)
        starts = [0]
        for text in texts[:-1]:
            starts.append(starts[-1] + len(text) + 1)
        frequency: Counter[tuple[str, ...]] = Counter()
        for key in keys:
            needle = " " + " ".join(key) + " "  # whole words only: documents are `prepare`d
            count, at = 0, joined.find(needle)
            while at >= 0:
                count += 1
                document = bisect.bisect_right(starts, at)  # 1-based index of the document holding the hit
                if document >= len(starts):
                    break
                at = joined.find(needle, starts[document])
            frequency[key] = count
        return cls(len(texts), frequency)

    def factor(self, key: tuple[str, ...], counted_in: bool) -> float:
        """An inverse-document-frequency factor in (0, ~log N]; `counted_in`: the document being scored is
        one of the background's documents (its own use then does not count against it)."""
        df = self.frequency.get(key, 0) - (1 if counted_in else 0)
        others = self.documents - (1 if counted_in else 0)
        return math.log((others + 1) / (max(df, 0) + 1)) + 1.0


PRESELECT = 4
"""With a `limit`, only the best `PRESELECT × limit` phrases by C-value are weighed against the background."""


_NOT_WORD = re.compile(r"[^\w'’‐‑-]+|_")


def prepare(text: str) -> str:
    """A background document as `Background.targeted` searches it: case-folded words, single spaces between
    them and around the whole."""
    return " " + " ".join(_NOT_WORD.sub(" ", text.casefold()).split()) + " "


def rank(lines: Iterable[tuple[int, str]], background: Background | None = None, *,
         counted_in: bool = False, limit: int | None = None, texts: list[str] | None = None) -> list[Phrase]:
    """The text's candidate phrases, best termhood first (phrases with no positive score are dropped).

    `background` weighs them by inverse document frequency; without one, `texts` (other documents,
    `prepare`d) give a background for just the phrases that compete.
    """
    phrases = phrases_of(lines)
    c_values(phrases)
    kept = [p for p in phrases if p.score > 0]
    kept.sort(key=lambda p: (-p.score, p.line, p.key))
    if limit is not None:
        kept = kept[: PRESELECT * limit]
    if background is None and texts:
        background = Background.targeted([p.key for p in kept], texts)
    if background is not None and background.documents:
        for phrase in kept:
            phrase.score *= background.factor(phrase.key, counted_in)
        kept.sort(key=lambda p: (-p.score, p.line, p.key))
    return kept[:limit] if limit is not None else kept
