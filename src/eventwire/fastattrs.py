"""An exact, faster stand-in for spaCy's ``attribute_ruler``.

The ruler of en_core_web_sm is a :class:`spacy.matcher.Matcher` over ~180 patterns:
a tag map (``TAG`` -> ``POS`` + ``MORPH``), a few word rules (``LOWER`` + ``TAG``) and
eight two-token rules ("gon na", "let 's"). Running the Matcher costs about as much as
the parser. Every one of those patterns is a fixed sequence of token tests
(equality, ``IN``, ``NOT_IN``, ``REGEX`` on ``TAG``, ``LOWER``, ``DEP``, ``IS_SPACE``
...), so :class:`AttributeLookup` evaluates them once per distinct token signature
(the tuple of the tested attributes), caches which rules a signature satisfies, and
writes the results back with one ``Doc.from_array``.

It keeps the ruler's semantics exactly: every rule is matched against the doc as it
was before the component ran, then the matched rules are applied in the order they
were added (later rules win), each to the token at its ``index``. Patterns it cannot
read (quantifiers ``OP``, predicates on extension attributes, comparison operators)
stay in a small Matcher of their own whose matches join the others, so the result is
the same whatever the patterns. ``tests/test_nlp.py`` checks POS, TAG, MORPH, LEMMA
and DEP against the original ruler on the bundled corpus.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Callable, Optional

from spacy.attrs import IDS, LEMMA as LEMMA_ATTR, MORPH, ORTH, POS
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

log = logging.getLogger(__name__)

FACTORY = "eventwire_attribute_lookup"
LEMMA_FACTORY = "eventwire_lemma_cache"
# Token attributes a pattern may test and that Doc.to_array can read.
READABLE = frozenset(
    {"ORTH", "LOWER", "NORM", "TAG", "POS", "DEP", "LEMMA", "SHAPE", "PREFIX", "SUFFIX", "ENT_TYPE",
     "IS_SPACE", "IS_PUNCT", "IS_ALPHA", "IS_DIGIT", "IS_LOWER", "IS_UPPER", "IS_TITLE", "IS_STOP",
     "LIKE_NUM"}
)
BOOLEAN = frozenset(k for k in READABLE if k.startswith(("IS_", "LIKE_")))
STRING_PREDICATES = frozenset({"IN", "NOT_IN", "REGEX"})

Test = Callable[[Any], bool]
MAX_SIGNATURES = 200_000  # cache bound: a signature holds a word form, so a long stream keeps adding some


def _token_tests(spec: dict) -> Optional[list[tuple[str, Test, Any]]]:
    """``[(attribute, test on its string or bool value, the value it must equal or
    None)]`` for one token spec, or None when the spec uses something this module does
    not evaluate itself."""
    tests: list[tuple[str, Test, Any]] = []
    for key, value in spec.items():
        key = key.upper()
        if key not in READABLE:
            return None
        if isinstance(value, dict):
            if not value or not set(value) <= STRING_PREDICATES or key in BOOLEAN:
                return None
            for op, arg in value.items():
                if op == "IN":
                    allowed = frozenset(arg)
                    tests.append((key, lambda v, s=allowed: v in s, None))
                elif op == "NOT_IN":
                    banned = frozenset(arg)
                    tests.append((key, lambda v, s=banned: v not in s, None))
                else:
                    rx = re.compile(arg)
                    tests.append((key, lambda v, r=rx: r.search(v) is not None, None))
        elif key in BOOLEAN:
            if not isinstance(value, bool):
                return None
            tests.append((key, lambda v, want=value: v == want, None))
        elif isinstance(value, str):
            tests.append((key, lambda v, want=value: v == want, value))
        else:
            return None
    return tests


class AttributeLookup:
    """Applies an AttributeRuler's rules by cached lookups; see the module docstring."""

    def __init__(self, nlp: Language, name: str = FACTORY):
        self.name = name
        self.vocab = nlp.vocab
        self.rules: list[tuple[dict, int]] = []  # (normalised attrs, index) per rule id
        self.token_patterns: list[tuple[int, list[list[tuple[int, Test]]]]] = []  # (rule id, per-token tests)
        # Token specs indexed by one attribute value they require: {(column, value): [(pattern, position)]}
        self.anchored: dict[tuple[int, str], list[tuple[int, int]]] = {}
        self.unanchored: list[tuple[int, int]] = []
        self.fallback: Optional[Matcher] = None
        self.read_ids: list[int] = []
        self.read_names: list[str] = []
        self.write_ids: list[int] = []
        self._signatures: dict[tuple, tuple] = {}

    # -- building --------------------------------------------------------------

    def load_ruler(self, ruler) -> "AttributeLookup":
        """Copy the rules of a loaded :class:`spacy.pipeline.AttributeRuler`."""
        self.rules = [(dict(attrs), index) for attrs, index in zip(ruler.attrs, ruler.indices)]
        if any("_" in attrs for attrs, _ in self.rules):
            raise ValueError("E060 attribute rules that set extension attributes are not supported")
        readable: list[str] = []
        raw: list[tuple[int, list[list[tuple[str, Test]]]]] = []
        fallback = Matcher(self.vocab)
        n_fallback = 0
        for rule_id in range(len(self.rules)):
            for pattern in ruler.matcher.get(str(rule_id))[1]:
                tests = [_token_tests(spec) for spec in pattern]
                if not pattern or any(t is None for t in tests):
                    fallback.add(str(rule_id), [pattern])
                    n_fallback += 1
                    continue
                raw.append((rule_id, tests))  # type: ignore[arg-type]
                for token_tests in tests:
                    for key, _, _ in token_tests:  # type: ignore[union-attr]
                        if key not in readable:
                            readable.append(key)
        self.read_names = readable or ["ORTH"]
        self.read_ids = [IDS[k] for k in self.read_names]
        position = {k: n for n, k in enumerate(self.read_names)}
        self.token_patterns = [
            (rule_id, [[(position[k], t) for k, t, _ in token_tests] for token_tests in tests]) for rule_id, tests in raw
        ]
        self.anchored, self.unanchored = {}, []
        for n_pat, (_, tests) in enumerate(raw):
            for pos, token_tests in enumerate(tests):
                anchor = next(((position[k], eq) for k, _, eq in token_tests if eq is not None), None)
                if anchor is None:
                    self.unanchored.append((n_pat, pos))
                else:
                    self.anchored.setdefault(anchor, []).append((n_pat, pos))
        self.fallback = fallback if n_fallback else None
        written = []
        for attrs, _ in self.rules:
            for attr_id in attrs:
                if attr_id not in written:
                    written.append(attr_id)
        self.write_ids = written
        self._signatures = {}
        log.debug("attribute lookup: %d rules, %d patterns in the fallback matcher", len(self.rules), n_fallback)
        return self

    # -- running ---------------------------------------------------------------

    def _signature(self, sig: tuple) -> tuple:
        """For one token signature: (merged attrs of the single-token rules that match,
        sorted ids of those rules, {(pattern number, position) it satisfies})."""
        known = self._signatures.get(sig)
        if known is not None:
            return known
        strings = self.vocab.strings
        values = [
            bool(v) if name in BOOLEAN else strings[v] if v else ""
            for name, v in zip(self.read_names, sig)
        ]
        candidates = list(self.unanchored)
        for k, value in enumerate(values):
            candidates += self.anchored.get((k, value), ())
        singles: list[int] = []
        multi = set()
        for n, pos in candidates:
            rule_id, tokens = self.token_patterns[n]
            if all(test(values[k]) for k, test in tokens[pos]):
                if len(tokens) == 1:
                    singles.append(rule_id)
                else:
                    multi.add((n, pos))
        singles = sorted(set(singles))
        merged: dict = {}
        for rule_id in singles:
            attrs, index = self.rules[rule_id]
            if index in (0, -1):
                merged.update(attrs)
        known = (merged, tuple(singles), frozenset(multi))
        if len(self._signatures) >= MAX_SIGNATURES:
            self._signatures.clear()
        self._signatures[sig] = known
        return known

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0 or not self.rules:
            return doc
        read = doc.to_array(self.read_ids)
        rows = read.reshape((n, len(self.read_ids))).tolist()
        infos = [self._signature(tuple(r)) for r in rows]
        # Longer rules and the fallback matcher: (rule id, token index)
        extra: list[tuple[int, int]] = []
        for start, info in enumerate(infos):
            for n_pat, pos in info[2]:
                if pos:
                    continue
                rule_id, tokens = self.token_patterns[n_pat]
                width = len(tokens)
                if start + width <= n and all((n_pat, p) in infos[start + p][2] for p in range(1, width)):
                    index = self.rules[rule_id][1]
                    extra.append((rule_id, start + (index if index >= 0 else width + index)))
        if self.fallback is not None:
            for match_id, start, end in self.fallback(doc, allow_missing=True):
                rule_id = int(self.vocab.strings[match_id])
                index = self.rules[rule_id][1]
                target = start + index if index >= 0 else end + index
                if not start <= target < end:
                    raise ValueError(f"E061 attribute rule {rule_id} indexes outside its match")
                extra.append((rule_id, target))
        columns = self.write_ids
        out = doc.to_array(columns)
        if out.ndim == 1:
            out = out.reshape((n, 1))
        col = {attr_id: c for c, attr_id in enumerate(columns)}
        by_token: dict[int, list[int]] = {}
        for rule_id, i in extra:
            by_token.setdefault(i, []).append(rule_id)
        changed = False
        for i, info in enumerate(infos):
            merged = info[0]
            if i in by_token:
                merged = {}
                for rule_id in sorted(set(info[1]) | set(by_token[i])):
                    merged.update(self.rules[rule_id][0])
            if merged:
                changed = True
                row = out[i]
                for attr_id, value in merged.items():
                    row[col[attr_id]] = value
        if changed:
            doc.from_array(columns, out)
        return doc


class LemmaCache:
    """The model's lemmatizer with its results cached per (form, POS, morphology), and
    written back with one ``Doc.from_array``.

    spaCy's rule lemmatizer computes a token's lemma from its form, POS and
    morphological features only (the lookup mode from its form only), so the cache
    gives the same lemmas; tokens that already have one are left alone, as the
    lemmatizer does unless ``overwrite`` is set.
    """

    def __init__(self, nlp: Language, name: str = LEMMA_FACTORY):
        self.name = name
        self.vocab = nlp.vocab
        self.lemmatizer = None
        self._cache: dict[tuple[int, int, int], int] = {}

    def load_lemmatizer(self, lemmatizer) -> "LemmaCache":
        if lemmatizer.mode not in ("rule", "lookup"):
            raise ValueError(f"E062 lemmatizer mode {lemmatizer.mode!r} cannot be cached")
        self.lemmatizer = lemmatizer
        self._cache = {}
        return self

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0 or self.lemmatizer is None:
            return doc
        lemmatizer = self.lemmatizer
        arr = doc.to_array([ORTH, POS, MORPH, LEMMA_ATTR])
        rows = arr.tolist()
        cache = self._cache
        lookup_mode = lemmatizer.mode == "lookup"
        overwrite = lemmatizer.overwrite
        changed = False
        for i, (orth, pos, morph, lemma) in enumerate(rows):
            if lemma and not overwrite:
                continue
            key = (orth, 0, 0) if lookup_mode else (orth, pos, morph)
            value = cache.get(key)
            if value is None:
                value = self.vocab.strings.add(lemmatizer.lemmatize(doc[i])[0])
                if len(cache) >= MAX_SIGNATURES:
                    cache.clear()
                cache[key] = value
            if value != lemma:
                arr[i, 3] = value
                changed = True
        if changed:
            doc.from_array([LEMMA_ATTR], arr[:, 3:4])
        return doc


@Language.factory(FACTORY, assigns=["token.pos", "token.tag", "token.morph", "token.lemma", "token.dep"])
def make_attribute_lookup(nlp: Language, name: str) -> AttributeLookup:
    return AttributeLookup(nlp, name)


@Language.factory(LEMMA_FACTORY, assigns=["token.lemma"])
def make_lemma_cache(nlp: Language, name: str) -> LemmaCache:
    return LemmaCache(nlp, name)


def replace_lemmatizer(nlp: Language, name: str = "lemmatizer") -> Optional[LemmaCache]:
    """Put a :class:`LemmaCache` over ``nlp``'s lemmatizer in its place; returns it, or
    None when there is no lemmatizer or its mode is not cacheable."""
    if name not in nlp.pipe_names:
        return None
    lemmatizer = nlp.get_pipe(name)
    if getattr(lemmatizer, "mode", None) not in ("rule", "lookup") or not hasattr(lemmatizer, "lemmatize"):
        return None
    cache = nlp.add_pipe(LEMMA_FACTORY, after=name)
    cache.load_lemmatizer(lemmatizer)
    nlp.remove_pipe(name)
    return cache


def replace_attribute_ruler(nlp: Language, name: str = "attribute_ruler") -> Optional[AttributeLookup]:
    """Put an :class:`AttributeLookup` with the rules of ``nlp``'s attribute ruler in
    its place (same position); returns it, or None when the model has no ruler."""
    if name not in nlp.pipe_names:
        return None
    ruler = nlp.get_pipe(name)
    lookup = nlp.add_pipe(FACTORY, after=name)
    lookup.load_ruler(ruler)
    nlp.remove_pipe(name)
    return lookup


__all__ = ["AttributeLookup", "FACTORY", "LEMMA_FACTORY", "LemmaCache", "replace_attribute_ruler", "replace_lemmatizer"]
