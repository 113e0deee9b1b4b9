"""Name strings: normal forms, transliteration keys, titles and roles, acronym definitions.

Pure functions over strings; the alias resolver (``resolve.py``) and the quote attributor use them
to decide whether two surface forms can name the same actor.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from storyline.text import fold_quotes

__all__ = [
    "NAME_PARTICLES",
    "PERSON_NOUNS",
    "ParsedName",
    "acronym_definitions",
    "is_acronym_of",
    "name_key",
    "parse_person",
    "role_before",
    "title_words",
    "translit_key",
]

NAME_PARTICLES = frozenset({"al", "el", "bin", "ibn", "bint", "abu", "de", "da", "del", "della", "di", "du", "la",
                            "le", "van", "von", "der", "den", "ter", "ul", "ad", "as", "ash", "an"})
"""Lower-case particles that belong to a surname ("al-Maliki", "van Gogh") but never key it."""

# Honorifics and ranks that may precede a person's name, longest first so "Rear Admiral" wins over
# "Admiral" (sorted at use). They describe the person, never name them.
_TITLES = (
    "Secretary of State", "Secretary-General", "Secretary General", "Prime Minister", "Deputy Prime Minister",
    "Foreign Minister", "Defense Secretary", "Defence Secretary", "Defense Minister", "Defence Minister",
    "Interior Minister", "Vice President", "President", "President-elect", "Rear Admiral", "Vice Admiral", "Admiral",
    "Major-General", "Major General", "Maj. Gen.", "Maj.-Gen.", "Lieutenant General", "Lt. Gen.", "Lt.-Gen.",
    "Brigadier General", "Brig. Gen.", "General", "Gen.", "Colonel", "Col.", "Lieutenant Colonel", "Lt. Col.",
    "Captain", "Capt.", "Major", "Sergeant", "Sgt.", "Grand Ayatollah", "Ayatollah", "Sheikh", "Sheik", "Imam",
    "King", "Queen", "Prince", "Princess", "Crown Prince", "Emir", "Pope", "Cardinal", "Bishop", "Rabbi",
    "Senator", "Sen.", "Representative", "Rep.", "Congressman", "Congresswoman", "Governor", "Gov.", "Mayor",
    "Judge", "Justice", "Chief Justice", "Chancellor", "Minister", "Secretary", "Ambassador", "Commissioner",
    "Speaker", "Mr.", "Mrs.", "Ms.", "Miss", "Dr.", "Prof.", "Professor", "Mr", "Mrs", "Ms", "Dr", "Sir", "Lord",
    "Dame", "Rev.", "Rev", "Reverend", "former", "Former", "late",
)
_TITLE_RE = re.compile(r"(?:^|(?<=\s))(?:" + "|".join(re.escape(t) for t in sorted(_TITLES, key=len, reverse=True))
                       + r")\s*$")
_LEADING_TITLE_RE = re.compile(r"^(?:" + "|".join(re.escape(t) for t in sorted(_TITLES, key=len, reverse=True))
                               + r")\s+(?=[A-Z])")

ROLE_NOUNS = ("spokesman", "spokeswoman", "spokesperson", "minister", "secretary", "president", "official",
              "commander", "leader", "chief", "envoy", "ambassador", "adviser", "advisor", "cleric", "director",
              "chairman", "chairwoman", "head", "general", "admiral", "senator", "governor", "mayor", "analyst",
              "negotiator", "diplomat", "prosecutor", "lawyer", "attorney", "researcher", "professor", "candidate",
              "nominee", "manager", "aide", "strategist", "pollster", "economist", "correspondent", "officer",
              "mp", "lawmaker", "legislator", "representative", "coordinator", "founder", "editor", "reporter",
              "journalist", "columnist", "expert", "specialist", "engineer", "architect", "scientist",
              "seismologist", "doctor", "surgeon", "judge", "activist", "campaigner", "volunteer", "pilot",
              "executive", "chairperson", "vice-president", "deputy")
PERSON_NOUNS = frozenset({
    "official", "officials", "spokesman", "spokeswoman", "spokesperson", "source", "sources", "man", "men", "woman",
    "women", "resident", "residents", "witness", "witnesses", "eyewitness", "eyewitnesses", "lawyer", "lawyers",
    "attorney", "analyst", "analysts", "diplomat", "diplomats", "officer", "officers", "soldier", "soldiers",
    "commander", "leader", "leaders", "minister", "president", "director", "chief", "head", "member", "members",
    "activist", "activists", "doctor", "doctors", "expert", "experts", "aide", "aides", "adviser", "advisers",
    "advisor", "executive", "executives", "worker", "workers", "student", "students", "farmer", "friend",
    "neighbour", "neighbor", "relative", "relatives", "father", "mother", "son", "daughter", "wife", "husband",
    "brother", "sister", "nephew", "niece", "cousin", "uncle", "aunt", "judge", "prosecutor", "prosecutors",
    "investigator", "investigators", "police", "policeman", "fighter", "fighters", "rebel", "rebels", "militant",
    "militants", "cleric", "clerics", "lawmaker", "lawmakers", "senator", "governor", "mayor", "secretary",
    "ambassador", "envoy", "negotiator", "negotiators", "observer", "observers", "protester", "protesters",
    "demonstrator", "demonstrators", "survivor", "survivors", "victim", "passenger", "passengers", "pilot",
    "spokespeople", "representative", "representatives", "manager", "owner", "employee", "employees", "critic",
    "critics", "supporter", "supporters", "opponent", "opponents", "voter", "voters", "economist", "economists",
    "researcher", "researchers", "scientist", "scientists", "professor", "teacher", "author", "colleague",
    "colleagues", "villager", "villagers", "journalist", "reporter", "correspondent", "guard", "guards",
    "trader", "traders", "dealer", "dealers", "person", "people", "boy", "girl", "child", "children", "someone",
    "general", "admiral", "colonel", "captain", "sergeant", "lieutenant", "chairman", "chairwoman", "founder",
    "candidate", "nominee", "strategist", "pollster", "insider", "insiders", "staff", "staffer", "staffers",
    "missionary", "priest", "pastor", "nun", "businessman", "businesswoman", "volunteer", "engineer", "architect",
    "seismologist", "geologist", "spokesmen", "mp",
})
"""Heads of descriptions that name a person without naming them ("a senior official", "one man")."""
_ROLE_RE = re.compile(
    r"((?:(?:[A-Z][\w.’'&-]*|of|the|for|and)\s+){0,5}(?i:" + "|".join(ROLE_NOUNS) + r")),?\s*$")


@lru_cache(maxsize=1)
def title_words() -> frozenset[str]:
    """The lower-case single words of the titles a name may carry ("president", "gen", "mr")."""
    return frozenset(name_key(w) for title in _TITLES for w in title.split()) - {"of", "state"}


@dataclass(frozen=True, slots=True)
class ParsedName:
    """A person's name split into parts: titles dropped, first names and a surname key kept."""

    full: str
    """The name without titles, as written ("John Kirby", "Nuri Al-Maliki")."""
    given: tuple[str, ...]
    """Given names, lower case ("john",), empty for a surname-only mention."""
    surname: str
    """The surname without particles, lower case ("maliki")."""
    titles: tuple[str, ...] = ()


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", fold_quotes(text)) if not unicodedata.combining(c))


@lru_cache(maxsize=65536)  # a pure function called for every mention pair; memoised for speed
def name_key(text: str) -> str:
    """Return a normal form for matching names: ASCII, lower case, no apostrophes, dots or articles.

    >>> name_key("the Shi’ite-led  U.S.")
    'shiite led us'
    """
    value = _ascii(text).lower().replace("'", "").replace(".", "")
    value = re.sub(r"[^\w]+", " ", value).strip()
    value = re.sub(r"\b(?:s)$", "", value).strip() if value.endswith(" s") else value
    return re.sub(r"^(?:the|a|an)\s+", "", value)


_TRANSLIT_RULES = (("ph", "f"), ("kh", "k"), ("gh", "g"), ("dh", "d"), ("th", "t"), ("q", "k"), ("ck", "k"),
                   ("ou", "u"), ("oo", "u"), ("ee", "i"), ("ei", "i"), ("ey", "i"), ("ie", "i"), ("y", "i"),
                   ("w", "u"), ("c", "k"), ("z", "s"), ("e", "i"), ("o", "u"))


@lru_cache(maxsize=65536)
def translit_key(word: str) -> str:
    """Return a coarse key that folds common transliteration and spelling variants together.

    Arabic and Persian names reach English in several spellings (Nuri/Nouri, Qassim/Kassem,
    Moussawi/Musawi); the key keeps consonant skeleton and folds vowel spellings.

    >>> translit_key("Nouri") == translit_key("Nuri")
    True
    >>> translit_key("Moussawi") == translit_key("Musawi")
    True
    """
    value = name_key(word).replace(" ", "")
    for old, new in _TRANSLIT_RULES:
        value = value.replace(old, new)
    value = re.sub(r"(.)\1+", r"\1", value)  # doubled letters: Moussawi / Mousawi
    return value.rstrip("h") or value


def parse_person(text: str) -> ParsedName:
    """Split a person mention into titles, given names and surname key.

    >>> parse_person("Secretary of State John Kerry")
    ParsedName(full='John Kerry', given=('john',), surname='kerry', titles=('Secretary of State',))
    >>> parse_person("Nuri Al-Maliki").surname
    'maliki'
    """
    name = fold_quotes(text).strip().strip(",")
    name = re.sub(r"'s$", "", name)
    titles = []
    while True:
        match = _LEADING_TITLE_RE.match(name)
        if not match:
            break
        titles.append(match.group().strip())
        name = name[match.end():]
    words = [w for w in re.split(r"[\s-]+", name) if w]
    keyed = [name_key(w) for w in words]
    keyed = [k for k in keyed if k]
    core = [k for k in keyed if k not in NAME_PARTICLES] or keyed
    surname = core[-1] if core else ""
    given = tuple(k for k in core[:-1] if len(k) > 1 or len(core) > 2)
    return ParsedName(full=name.strip(), given=given, surname=surname, titles=tuple(titles))


def role_before(prefix: str) -> tuple[str | None, tuple[str, ...]]:
    """Return the role description and titles written just before a name.

    ``prefix`` is the text before the name in its sentence.

    >>> role_before("Pentagon spokesman Rear Admiral ")
    ('Pentagon spokesman', ('Rear Admiral',))
    >>> role_before("The Pentagon's comments came after Secretary of State ")
    (None, ('Secretary of State',))
    """
    rest = prefix.rstrip()
    titles: list[str] = []
    while rest:
        match = _TITLE_RE.search(rest)
        if not match:
            break
        titles.insert(0, match.group().strip())
        rest = rest[: match.start()].rstrip()
    role_match = _ROLE_RE.search(rest + " ") if rest else None
    role = None
    if role_match:
        words = role_match.group(1).split()
        # drop sentence-initial function words and anything before a lower-case break
        while words and words[0].lower() in {"the", "of", "for", "and", "a", "an"}:
            words = words[1:]
        role = " ".join(words) or None
    if role and titles and role.lower().endswith(titles[-1].lower()):
        role = None
    return role, tuple(titles)


_ACRONYM_DEF = re.compile(r"((?:[A-Z][\w’'-]*\s+(?:(?:of|and|the|for|in|on|de|al)\s+){0,2}){1,9}?"
                          r"[A-Z][\w’'-]*)\s*\(\s*([A-Z][A-Za-z.&-]{1,9})\s*\)")
_MINOR = frozenset({"of", "and", "the", "for", "in", "on", "de", "al", "a", "an", "to"})


def is_acronym_of(acronym: str, long_form: str) -> bool:
    """Return True if the acronym spells the initials of the long form (minor words optional).

    >>> is_acronym_of("ISIL", "Islamic State of Iraq and the Levant")
    True
    >>> is_acronym_of("ISIS", "Islamic State of Iraq and the Levant")
    False
    """
    letters = [c.lower() for c in acronym if c.isalpha()]
    words = [w for w in re.split(r"[\s-]+", long_form) if w]

    def match(i: int, j: int) -> bool:
        if i == len(letters):
            return all(w.lower() in _MINOR for w in words[j:])
        if j == len(words):
            return False
        word = words[j]
        if word[0].lower() == letters[i] and match(i + 1, j + 1):
            return True
        return word.lower() in _MINOR and match(i, j + 1)

    return len(letters) >= 2 and match(0, 0)


def acronym_definitions(text: str) -> list[tuple[str, str, int, int]]:
    """Find "Long Name (ACRONYM)" definitions whose acronym spells the long name's initials.

    Returns:
        ``(long form, acronym, start of long form, end of the closing parenthesis)`` tuples.

    >>> acronym_definitions("extremists from the Islamic State of Iraq and the Levant (ISIL) across Iraq")[0][:2]
    ('Islamic State of Iraq and the Levant', 'ISIL')
    """
    found = []
    for match in _ACRONYM_DEF.finditer(text):
        long_form, acronym = match.group(1), match.group(2)
        words = long_form.split()
        # the regex may start too far left ("The Islamic State ..."); keep the longest suffix that spells it
        for i in range(len(words)):
            if words[i].lower() in _MINOR:
                continue  # "The Coastal ... Authority (CFDA)": the article is not part of the name
            candidate = " ".join(words[i:])
            if is_acronym_of(acronym, candidate):
                start = match.start(1) + len(" ".join(words[:i])) + (1 if i else 0)
                found.append((candidate, acronym, start, match.end()))
                break
    return found
