"""Find and link every name mention in running text, and rewrite text with canonical names.

The :class:`Annotator` spots candidate spans (:mod:`namenorm.spot`), resolves each with its
sentence as context, settles overlapping readings to the longest and then most confident one,
and links short forms to a full name met earlier in the same document ("Soleimani" after
"Qassem Soleimani"). Spans that resolve to nothing, or below the threshold, are kept in
:attr:`Annotation.unresolved`: nothing spotted is silently dropped.

Offsets are character offsets into the text as given: ``text[m.start:m.end] == m.text``.

>>> from namenorm import Resolver
>>> annotator = Annotator(Resolver())
>>> text = "Ghassem Soleymani met Abu Mahdi al-Mohandess. Mojtaba Khamenei? Khamenei left."
>>> [(m.text, m.match.entity.id, m.match.method) for m in annotator.annotate(text)]
... # doctest: +NORMALIZE_WHITESPACE
[('Ghassem Soleymani', 'qasem-soleimani', 'phonetic'),
 ('Abu Mahdi al-Mohandess', 'abu-mahdi-al-muhandis', 'phonetic'),
 ('Mojtaba Khamenei', 'mojtaba-khamenei', 'exact'),
 ('Khamenei', 'mojtaba-khamenei', 'coreference')]
>>> annotator.rewrite("Mustafa Khatami spoke.")
'Mustafa Al-Kadhimi spoke.'
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Literal, overload

import attrs

from namenorm.memo import BoundedMemo
from namenorm.model import Entity, Evidence, Match
from namenorm.normalize import analyze
from namenorm.resolve import Link, PreparedContext, Resolver
from namenorm.rules import load_rules
from namenorm.score import runs_past
from namenorm.spot import Run, Spotter, spotting_words

__all__ = ["Annotation", "Annotator", "Mention", "RewriteStyle", "sentence_spans"]

RewriteStyle = Literal["canonical", "tag"]

MAX_READING_WORDS = 8
"""The longest reading (in words of a capitalized run) tried as one name."""

_SINGLE_WORD_METHODS = frozenset({"exact", "normalized", "phonetic", "known_error", "token"})
"""How a lone word may match in running text. A fuzzy or skeleton match of one word is too
often another word (Iraqi is not Iraq); ``token`` (part of a longer name) counts only for a
person: "Soleimani" names him, "Iranian" does not name the Iranian Revolutionary Guards. A
reading (``gloss``, ``respelled``) of a lone word is a guess on a guess ("Cemal" read as
Jamal)."""

_LITERAL_METHODS = frozenset({"exact", "normalized", "known_error"})
"""A short form that is literally the name of another entity, not a person ("US" after "US
President Joe Biden"), keeps that entity rather than being read as a reference back. A surname
that is also another person's name refers back: "Khamenei" after "Mojtaba Khamenei" is
Mojtaba, whatever Ali Khamenei's aliases say."""

_SENTENCE_END = re.compile(
    r"(?<!\b[A-Z])[.!?]+[\"'”’)\]]*(?:[ \t]*\n[ \t]*\n|(?=\s))|\n[ \t]*\n",
)


@attrs.frozen
class Mention:
    """A span of text and what it links to.

    ``match`` is the entity it names (None for an unresolved span); ``best`` the best
    candidate whatever its confidence (for an unresolved span: the one that fell below the
    threshold, or None when there was none); ``antecedent`` the start of the full name a
    short form was linked through (method ``coreference``).

    >>> from namenorm import Resolver
    >>> [mention] = Resolver().annotate("Hadi al-Amiri spoke.")
    >>> mention.start, mention.end, mention.text, mention.match.entity.name
    (0, 13, 'Hadi al-Amiri', 'Hadi al-Amiri')
    """

    start: int
    end: int
    text: str
    match: Match | None
    best: Match | None = None
    antecedent: int | None = None

    @property
    def resolved(self) -> bool:
        """Whether the span links to an entity."""
        return self.match is not None


@attrs.frozen
class Annotation(Sequence[Mention]):
    """The mentions of one text, in text order and without overlaps (a sequence of
    :class:`Mention`), with the spans that did not resolve in :attr:`unresolved`.

    >>> from namenorm import Resolver
    >>> annotation = Resolver().annotate_document("Reuters says Hadi al-Amiri spoke.")
    >>> [m.text for m in annotation], [m.text for m in annotation.unresolved]
    (['Hadi al-Amiri'], ['Reuters'])
    """

    text: str = attrs.field(repr=False)
    mentions: tuple[Mention, ...]
    unresolved: tuple[Mention, ...] = ()

    def __len__(self) -> int:
        return len(self.mentions)

    @overload
    def __getitem__(self, index: int) -> Mention: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Mention]: ...

    def __getitem__(self, index: int | slice) -> Mention | Sequence[Mention]:
        return self.mentions[index]

    def __iter__(self) -> Iterator[Mention]:
        return iter(self.mentions)

    def rewrite(self, style: RewriteStyle = "canonical") -> str:
        """The text with each mention replaced by its entity's canonical name (``canonical``)
        or wrapped in a tag that keeps the original (``tag``); a text without mentions comes
        back unchanged.

        >>> from namenorm import Resolver
        >>> print(Resolver().annotate_document("Rai Allium reported.").rewrite("tag"))
        <name id="rai-al-youm" canonical="Rai al-Youm" confidence="1.00">Rai Allium</name> reported.
        """
        if style not in ("canonical", "tag"):
            raise ValueError(f"style must be 'canonical' or 'tag', got {style!r}")
        if not self.mentions:
            return self.text
        pieces: list[str] = []
        position = 0
        for mention in self.mentions:
            assert mention.match is not None
            entity = mention.match.entity
            pieces.append(self.text[position : mention.start])
            if style == "canonical":
                pieces.append(entity.name)
            else:
                pieces.append(
                    f'<name id="{html.escape(entity.id)}" canonical="{html.escape(entity.name)}"'
                    f' confidence="{mention.match.confidence:.2f}">{mention.text}</name>'
                )
            position = mention.end
        pieces.append(self.text[position:])
        return "".join(pieces)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentences (start, end) covering it: after ., ! or ? followed by
    space (not after an initial, so "U.S. Army" stays whole) and at blank lines.

    >>> text = "The U.S. Army left. Then Gen. Smith spoke!\\n\\nNext."
    >>> [text[s:e].strip() for s, e in sentence_spans(text)]
    ['The U.S. Army left.', 'Then Gen. Smith spoke!', 'Next.']
    """
    spans: list[tuple[int, int]] = []
    start = 0
    abbreviations = spotting_words().get("abbreviation", frozenset())
    for end in _SENTENCE_END.finditer(text):
        before = text[start : end.start()].rsplit(maxsplit=1)
        if before and text[end.start()] == "." and before[-1].lower() in abbreviations:
            continue  # "Mr. Smith", "Gen. Soleimani": not the end of a sentence
        spans.append((start, end.end()))
        start = end.end()
    if start < len(text) or not spans:
        spans.append((start, len(text)))
    return [piece for span in spans for piece in _bounded(text, *span)]


MAX_SENTENCE_CHARS = 1_000
"""A longer "sentence" (a list, a table, text without punctuation) is cut at spaces into
pieces of at most this many characters: each mention's context is scanned whole, so an
unbounded one makes annotation quadratic in the length of the text."""


def _bounded(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while end - start > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", start + 1, start + MAX_SENTENCE_CHARS)
        if cut <= start:
            cut = start + MAX_SENTENCE_CHARS  # no space at all: cut anywhere
        yield start, cut
        start = cut
    yield start, end


@attrs.frozen
class _Reading:
    start: int
    end: int
    link: Link
    words: int


class _Document:
    """The state of annotating one text: its sentences, their prepared contexts and the links
    already computed, so each span is resolved once."""

    def __init__(self, annotator: Annotator, text: str, threshold: float) -> None:
        self.annotator = annotator
        self.text = text
        self.threshold = threshold
        self.sentences = sentence_spans(text)
        self.starts = [start for start, _ in self.sentences]
        self.prepared: dict[tuple[int, int], PreparedContext] = {}
        self.links: dict[tuple[int, int], Link] = {}
        self.title_case: dict[int, bool] = {}

    def context(self, start: int, end: int) -> PreparedContext:
        first = self.sentence_of(start)
        last = self.sentence_of(max(start, end - 1))
        key = (first, last)
        if key not in self.prepared:
            sentence = self.text[self.sentences[first][0] : self.sentences[last][1]]
            self.prepared[key] = self.annotator.resolver.prepare_context(sentence)
        return self.prepared[key]

    def begins_sentence(self, start: int) -> bool:
        """Whether only spaces, quotes and brackets come before ``start`` in its sentence."""
        sentence = self.sentences[self.sentence_of(start)]
        return not self.text[sentence[0] : start].strip(_SENTENCE_OPENERS)

    def sentence_of(self, start: int) -> int:
        """The number of the sentence that holds the character at ``start``."""
        return bisect.bisect_right(self.starts, start) - 1

    def in_title_case(self, start: int) -> bool:
        """Whether the sentence around ``start`` capitalizes a function word after its first
        word ("Sudani Meets Biden In Washington"): a headline, whose every word is capitalized."""
        number = self.sentence_of(start)
        known = self.title_case.get(number)
        if known is None:
            words = self.text[slice(*self.sentences[number])].split()[1:]
            stopwords = self.annotator.stopwords
            known = any(w[:1].isupper() and w.lower() in stopwords for w in words)
            self.title_case[number] = known
        return known

    def link(self, start: int, end: int) -> Link:
        key = (start, end)
        if key not in self.links:
            self.links[key] = self.annotator.resolver.link(
                self.text[start:end], self.context(start, end), threshold=self.threshold
            )
        return self.links[key]


class Annotator:
    """Finds and links the name mentions of texts with one resolver (build once: the table
    automaton is built here; then immutable and safe to share between threads).

    >>> from namenorm import Resolver
    >>> annotator = Annotator(Resolver())
    >>> [m.text for m in annotator.annotate("Joe Smith met Hadi al-Amiri.")]
    ['Hadi al-Amiri']
    >>> [m.text for m in annotator.annotate_document("Joe Smith met Hadi al-Amiri.").unresolved]
    ['Joe Smith']
    """

    def __init__(self, resolver: Resolver, spotter: Spotter | None = None) -> None:
        self._resolver = resolver
        self._spotter = (
            spotter
            if spotter is not None
            else Spotter(
                resolver.table.entities,
                # The index keeps each string's normalized text: read, not analyzed again.
                normalized=resolver.index.texts,
            )
        )
        self._known: BoundedMemo[str, bool] = BoundedMemo(_KNOWN_CACHE_SIZE)
        self._stopwords = spotting_words().get("stopword", frozenset())
        self._prefixes = load_rules().prefixes

    @property
    def resolver(self) -> Resolver:
        """The resolver that links the spans."""
        return self._resolver

    @property
    def stopwords(self) -> frozenset[str]:
        """The capitalized words that are no names (``stopword`` in ``spotting.tsv``)."""
        return self._stopwords

    @property
    def spotter(self) -> Spotter:
        """The spotter that finds the spans."""
        return self._spotter

    def annotate(self, text: str, *, threshold: float | None = None) -> list[Mention]:
        """Return the linked mentions of ``text``, in text order and without overlaps."""
        return list(self.annotate_document(text, threshold=threshold))

    def rewrite(
        self, text: str, *, style: RewriteStyle = "canonical", threshold: float | None = None
    ) -> str:
        """Return ``text`` with its mentions rewritten (see :meth:`Annotation.rewrite`)."""
        return self.annotate_document(text, threshold=threshold).rewrite(style)

    def annotate_document(self, text: str, *, threshold: float | None = None) -> Annotation:
        """Return the :class:`Annotation` of ``text``: its mentions and its unresolved spans.

        ``threshold`` is the confidence a mention needs (the resolver's own when not given).
        """
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        limit = self.resolver.threshold if threshold is None else threshold
        if not 0.0 <= limit <= 1.0:
            raise ValueError(f"threshold must be in [0, 1], got {limit!r}")
        document = _Document(self, text, limit)
        runs = self.spotter.runs(text)
        readings: list[_Reading] = []
        for run in runs:
            self._settle(document, run, readings)
        for hit_start, end in self.spotter.table_hits(text):
            start = self._trim_article(text, hit_start, end)
            link = document.link(start, end)
            words = len(analyze(text[start:end]).tokens)
            if link.match is not None and _acceptable(link.match, words):
                readings.append(_Reading(start, end, link, words))
        chosen, others = self._without_name_parts(document, runs, _settle_overlaps(readings))
        mentions = [
            Mention(r.start, r.end, text[r.start : r.end], r.link.match, r.link.match)
            for r in chosen
        ]
        unresolved = self._unresolved(document, runs, chosen)
        # The unresolved names of people not in the table ("Qubad Talabani"), whom a later
        # surname alone refers back to as it would to a linked full name.
        named_others = [m for m in unresolved if any(m.start <= o < m.end for o in others)]
        mentions, unresolved = _link_short_forms(
            mentions, unresolved, self._no_short_form, others=named_others
        )
        return Annotation(text=text, mentions=tuple(mentions), unresolved=tuple(unresolved))

    def _no_short_form(self, entity: Entity, text: str) -> bool:
        """Whether ``text`` cannot refer back to a full name of ``entity``: the table rules the
        entity out for it (its ``negatives``), or it is a middle word of the person's names
        ("Shia" after "Mohammed Shia al-Sudani": see :meth:`Resolver.middle_name`)."""
        return self.resolver.rejects(entity, text) or self.resolver.middle_name(entity, text)

    # -- spotting and settling -----------------------------------------------------------

    def _trim_article(self, text: str, start: int, end: int) -> int:
        """Move past a lower-case function word that begins a table hit: "the Pentagon" in
        running text mentions "Pentagon", whatever the table's "The Pentagon" says."""
        words = text[start:end].split(maxsplit=1)
        if len(words) == 2 and words[0].islower() and words[0] in self._stopwords:
            return end - len(words[1])
        return start

    def _is_known(self, word: str) -> bool:
        """Whether a word could be part of a table name at all (it has candidates)."""
        known = self._known.get(word)
        if known is None:
            analysis = analyze(word)
            # Abu, Abd and Umm make one name with the next word, and have no entry alone.
            known = self._known.put(
                word,
                analysis.text in self._prefixes or self.resolver.index.has_candidates(analysis),
            )
        return known

    def _settle(self, document: _Document, run: Run, found: list[_Reading]) -> None:
        """Read ``run`` from left to right, taking at each word the longest reading that names
        an entity (leftmost-longest, as a tokenizer would); a word that begins none is passed
        over. At most ``MAX_READING_WORDS`` readings are tried per word, so the cost is linear
        in the length of the run."""
        text = document.text
        begin = 0
        while begin < len(run):
            taken = 0
            head = run[begin]
            if self._is_known(text[head[0] : head[1]]):
                for length in range(min(len(run) - begin, MAX_READING_WORDS), 0, -1):
                    end = begin + length
                    tail = run[end - 1]
                    if not self._is_known(text[tail[0] : tail[1]]):
                        continue
                    link = document.link(head[0], tail[1])
                    if link.match is None or not _acceptable(link.match, length):
                        continue
                    reading = _Reading(head[0], tail[1], link, length)
                    name_begin = _skip_titles(text, run, begin, end)
                    if begin < name_begin < end:
                        # The name without its title, if that still names the entity.
                        start = run[name_begin][0]
                        bare = document.link(start, tail[1])
                        if bare.match is not None and _acceptable(bare.match, end - name_begin):
                            reading = _Reading(start, tail[1], bare, end - name_begin)
                    found.append(reading)
                    taken = length
                    break
            if not taken:
                self._plural(document, head, found)
            begin += max(taken, 1)

    def _without_name_parts(
        self, document: _Document, runs: Sequence[Run], chosen: list[_Reading]
    ) -> tuple[list[_Reading], list[int]]:
        """``chosen`` less the readings of a person that are part of a longer name of their
        run which is not that person's: "Talabani" in "Qubad Talabani" when the table has
        Bafel Talabani, "al-Assad" in "Hafez al-Assad", "Mohammed Baqir" in "Mohammed Baqir
        al-Hakim" (:meth:`Resolver.names_another`). The longer name is another person, a
        relative most often; its words are then reported unresolved. Also the starts of the
        person readings dropped: where another person is named."""
        run_starts = [run[0][0] for run in runs]
        kept = list(chosen)
        others: list[int] = []
        dropped = True
        while dropped:  # a word set free may be the name word before another reading
            dropped = False
            starts = [reading.start for reading in kept]
            for position, reading in enumerate(kept):
                if reading.link.match is None:
                    continue
                number = bisect.bisect_right(run_starts, reading.start) - 1
                if number < 0 or runs[number][-1][1] < reading.end:
                    continue  # a table hit outside the capitalized runs
                person = reading.link.match.entity.kind == "person"
                check = self._names_another if person else self._runs_into_another
                if check(document, runs[number], reading, kept, starts):
                    del kept[position]
                    if person:
                        others.append(reading.start)
                    dropped = True
                    break
        return kept, others

    def _names_another(
        self,
        document: _Document,
        run: Run,
        reading: _Reading,
        kept: Sequence[_Reading],
        starts: Sequence[int],
    ) -> bool:
        """Whether the person ``reading`` of ``run`` continues into a name word of the run that
        makes it another person's name: the word just before it, with only spaces between
        (not "of", not a line break after a headline), if no other reading holds it and,
        where it begins its sentence (where any word is capitalized: "Psychologist Jordan"),
        it may be a given name (:meth:`_may_be_given_name`: "Qubad Talabani said"); or, after
        a reading of given names only, the next word (the surname they go with). A headline
        capitalizes every word: there the word before is not taken for a name."""
        found = _words_of(run, reading)
        if found is None:
            return False
        first, last = found
        text = document.text
        assert reading.link.match is not None
        match = reading.link.match
        joined: list[tuple[int, int]] = []
        if first > 0:
            word = run[first - 1]
            if _free_name_word(document, word, reading.start, kept, starts) and (
                not document.begins_sentence(word[0])
                or self._may_be_given_name(text[word[0] : word[1]])
            ):
                # Read with the free words before it, so that a title of several words is
                # seen whole ("Prime Minister Mustafa Khatami").
                begin = first - 1
                while (
                    begin > 0
                    and not _overlaps(kept, starts, *run[begin - 1])
                    and not document.begins_sentence(run[begin - 1][0])
                ):
                    begin -= 1
                joined.append((run[begin][0], reading.end))
        evidence = match.evidence
        given_only = evidence.feature("surname") == 0.0 and evidence.feature("given") > 0.0
        if last + 1 < len(run) and given_only:
            word = run[last + 1]
            if _name_shaped(text[word[0] : word[1]]) and _spaces_only(text[reading.end : word[0]]):
                joined.append((reading.start, word[1]))
        matched = match.evidence.alias
        return any(
            self.resolver.names_another(match.entity, text[start:end], matched=matched)
            for start, end in joined
        )

    def _runs_into_another(
        self,
        document: _Document,
        run: Run,
        reading: _Reading,
        kept: Sequence[_Reading],
        starts: Sequence[int],
    ) -> bool:
        """Whether the reading of an organization, place or outlet is followed in its run by
        a name word of a longer name that holds the string it matched and ends on a word of
        its own (:func:`namenorm.score.runs_past`): "Tehran Times" is a newspaper, "Jordan
        Peterson" a man, "Iraq Body Count" a project. The next word counts as for people: only
        spaces between, no other reading holds it, not in a headline, and a title is no name
        word ("US President")."""
        found = _words_of(run, reading)
        if found is None or found[1] + 1 >= len(run):
            return False
        word = run[found[1] + 1]
        text = document.text
        if not _free_name_word(document, word, reading.end, kept, starts) or (
            # The rest of the run begins with a title ("US President Joe Biden").
            analyze(text[word[0] : run[-1][1]]).titles
        ):
            return False
        assert reading.link.match is not None
        matched = analyze(reading.link.match.evidence.alias)
        return runs_past(analyze(text[reading.start : word[1]]), matched.phonetic, matched.tokens)

    def _may_be_given_name(self, word: str) -> bool:
        """Whether the capitalized first word of a sentence may be a name rather than an English
        word capitalized for standing first: it has candidates in the table (Hafez, and near
        spellings: Qubad, Sirwan) and names no place (Iraqi, Syrian). The words of
        ``stopword`` in ``spotting.tsv`` (Meanwhile, However) are in no run at all."""
        return self._is_known(word) and not self.resolver.places.named_in(analyze(word))

    def _plural(self, document: _Document, word: tuple[int, int], found: list[_Reading]) -> None:
        """A lone word that names nothing may be a name with an English -s glued on
        ("Tehrans allies", "the Houthis"): the mention is then the name without it."""
        start, end = word
        surface = document.text[start:end]
        if len(surface) > 3 and surface.endswith("s") and self._is_known(surface[:-1]):
            link = document.link(start, end - 1)
            if link.match is not None and link.match.method in _LITERAL_METHODS:
                found.append(_Reading(start, end - 1, link, 1))

    def _unresolved(
        self, document: _Document, runs: Sequence[Run], chosen: Sequence[_Reading]
    ) -> list[Mention]:
        """The parts of runs that no mention covers, each with its best candidate."""
        starts = [reading.start for reading in chosen]
        spans: list[tuple[int, int]] = []
        for run in runs:
            group: list[tuple[int, int]] = []
            for word in run:
                if _overlaps(chosen, starts, word[0], word[1]):
                    if group:
                        spans.append((group[0][0], group[-1][1]))
                    group = []
                else:
                    group.append(word)
            if group:
                spans.append((group[0][0], group[-1][1]))
        text = document.text
        return [
            Mention(start, end, text[start:end], None, document.link(start, end).best)
            for start, end in spans
        ]


_KNOWN_CACHE_SIZE = 262_144
_SENTENCE_OPENERS = " \t\r\n\"'“‘«([{-–—*•"


def _acceptable(match: Match, words: int) -> bool:
    """Whether a resolved reading may stand as a mention in running text.

    Every word of the reading must belong to the name (no "US President Joe Biden", no
    "Soleimani and Iraq"); only a person may be named by part of a name ("Mohamed Shia"),
    an organization or place only whole ("US military" is not the US-led military coalition);
    a lone word must match more than fuzzily or by its consonants (Iraqi is not Iraq), a lone
    word of Arabic, Persian or Hebrew script as a script string of the table spells it, and a
    lone part of a person's name must be the surname (Michael alone is nobody in particular).
    An acronym stands for its whole name ("ISA" for Israel Security Agency).
    """
    if match.method == "acronym":
        return True
    evidence = match.evidence
    if evidence.feature("query_coverage") < 1.0:
        return False
    person = match.entity.kind == "person"
    if not person and evidence.feature("alias_coverage") < 1.0:
        return False
    if words > 1:
        return True
    # Script has no capitals to set a name apart, and unvowelled a common word has the
    # consonants of some name (برای "for" and Berri, باید "must" and Abadi): a lone word
    # counts only as a script string of the table spells it.
    spelled = not evidence.feature("non_latin") or evidence.feature("written_words") == 1.0
    if match.method == "token":
        return spelled and person and evidence.feature("surname") == 1.0
    return spelled and match.method in _SINGLE_WORD_METHODS


def _name_shaped(word: str) -> bool:
    """Whether a word of a run may be part of a person's name: capitalized or joined to the
    article ("Qubad", "al-Hakim"; not "of", which joins the words of an organization's name),
    and not in capitals (an acronym, "PM")."""
    return (
        (word[:1].isupper() or "-" in word)
        and not word.isupper()
        and any(character.islower() for character in word)
    )


def _spaces_only(between: str) -> bool:
    return not between.strip(" ")


def _words_of(run: Run, reading: _Reading) -> tuple[int, int] | None:
    """The first and last word of ``run`` that ``reading`` covers, or None if it does not end
    on a word of the run (it may begin on a joiner the run leaves out: "bin Laden")."""
    begins = [word[0] for word in run]
    first = bisect.bisect_left(begins, reading.start)
    last = bisect.bisect_left(begins, reading.end) - 1
    return (first, last) if first <= last and run[last][1] == reading.end else None


def _free_name_word(
    document: _Document,
    word: tuple[int, int],
    reading_edge: int,
    kept: Sequence[_Reading],
    starts: Sequence[int],
) -> bool:
    """Whether a word next to a reading (whose near edge is at ``reading_edge``) may continue
    its name: shaped like a name word, with only spaces between (not "of", not a line break
    after a headline), held by no other reading, and not in a headline."""
    text = document.text
    gap = text[word[1] : reading_edge] if word[1] <= reading_edge else text[reading_edge : word[0]]
    return (
        _name_shaped(text[word[0] : word[1]])
        and _spaces_only(gap)
        and not _overlaps(kept, starts, *word)
        and not document.in_title_case(word[0])
    )


def _skip_titles(text: str, run: Run, begin: int, end: int) -> int:
    """Move ``begin`` past the leading titles the resolver set aside ("General" in "General
    Qassem Soleimani"), so the mention is the name alone."""
    titles = analyze(text[run[begin][0] : run[end - 1][1]]).titles
    skip = sum(len(title.split()) for title in titles)
    return min(end, begin + skip)


def _overlaps(chosen: Sequence[_Reading], starts: Sequence[int], start: int, end: int) -> bool:
    position = bisect.bisect_right(starts, start) - 1
    for index in (position, position + 1):
        if 0 <= index < len(chosen):
            other = chosen[index]
            if other.start < end and start < other.end:
                return True
    return False


def _settle_overlaps(readings: Sequence[_Reading]) -> list[_Reading]:
    """Keep the longest reading where readings overlap, then the most confident."""

    def preference(reading: _Reading) -> tuple[int, float, int]:
        assert reading.link.match is not None
        return (-(reading.end - reading.start), -reading.link.match.confidence, reading.start)

    chosen: list[_Reading] = []
    starts: list[int] = []
    for reading in sorted(readings, key=preference):
        if not _overlaps(chosen, starts, reading.start, reading.end):
            position = bisect.bisect_left(starts, reading.start)
            chosen.insert(position, reading)
            starts.insert(position, reading.start)
    return chosen


def _name_keys(text: str) -> frozenset[str]:
    return frozenset(analyze(text).phonetic.split())


def _link_short_forms(
    mentions: list[Mention],
    unresolved: list[Mention],
    rejects: Callable[[Entity, str], bool],
    *,
    others: Sequence[Mention] = (),
) -> tuple[list[Mention], list[Mention]]:
    """Link each short form to the person whose full name came earlier in the document.

    A span whose name words are a proper part of an earlier full name of a person ("al-Sudani"
    after "Mohammed Shia al-Sudani", "Soleimani" after "Qassem Soleimani") names that person,
    unless it is literally another entity's name, or one ``rejects`` rules out for the person's
    entity (one of its ``negatives``, a middle word of its names): that is how news writing
    refers back. Its confidence is the full name's.
    Where the latest such full name is one of ``others``, unresolved names of people not in
    the table ("Qubad Talabani"), the short form names that person too: it is left unlinked.
    """
    everything = sorted([*mentions, *unresolved], key=lambda mention: mention.start)
    other_starts = {mention.start for mention in others}
    people: list[tuple[Mention, Match | None, frozenset[str]]] = []
    linked: list[Mention] = []
    for spotted in everything:
        keys = _name_keys(spotted.text)
        antecedent = next(
            (
                (full, full_match)
                for full, full_match, full_keys in reversed(people)
                if keys
                and keys < full_keys
                and (full_match is None or not rejects(full_match.entity, spotted.text))
            ),
            None,
        )
        mention = spotted
        own = spotted.match
        full, full_match = antecedent if antecedent is not None else (None, None)
        if full is not None and full_match is None:
            # The latest full name with these words is a person the table does not hold.
            if own is not None and own.entity.kind == "person":
                mention = Mention(spotted.start, spotted.end, spotted.text, None, own)
            linked.append(mention)
            continue
        if (
            full is not None
            and full_match is not None
            and (
                own is None
                or (
                    own.entity != full_match.entity
                    and (own.method not in _LITERAL_METHODS or own.entity.kind == "person")
                )
            )
        ):
            mention = _coreference(spotted, full, full_match)
        linked.append(mention)
        if spotted.start in other_starts and spotted.match is None and len(keys) > 1:
            people.append((spotted, None, keys))
        match = mention.match
        if (
            match is not None
            and match.method != "coreference"
            and match.entity.kind == "person"
            and len(keys) > 1
        ):
            people.append((mention, match, keys))
    return (
        [mention for mention in linked if mention.match is not None],
        [mention for mention in linked if mention.match is None],
    )


def _coreference(mention: Mention, antecedent: Mention, full: Match) -> Mention:
    evidence = Evidence(
        query=mention.text,
        alias=antecedent.text,
        alias_role="alias",
        features=(("coreference", 1.0),),
        model=full.evidence.model,
    )
    match = Match(
        entity=full.entity,
        confidence=full.confidence,
        method="coreference",
        score=full.score,
        evidence=evidence,
    )
    return Mention(mention.start, mention.end, mention.text, match, match, antecedent.start)
