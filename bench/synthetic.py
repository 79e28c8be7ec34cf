"""Seeded synthetic alias tables and queries with known answers, for the benchmarks.

Two generators share the name lists and the spelling rules here:

- the **annotation mix** (:func:`generated_entities`, used by ``annotate_throughput.py``):
  transliterated Arabic, Persian and English people and organizations. Its output for a seed
  must never change, so that earlier reports stay reproducible.
- the **scale mix** (:func:`scale_entities`, used by ``scale.py``): romanized Arabic, Persian,
  Turkish, Kurdish and Western people, with particles (al-, el-, Abu, Abd al-, bin/ibn; van der,
  de, von, di, da, O', Mc), common given names very common (Zipf) and a long tail of family
  names made of syllables; now and then an organization. Every person keeps its parts
  (:class:`Person`), so that queries can drop or move them.

:func:`make_queries` draws queries from a scale table with known answers, and checks each
answer is well defined against the table's normalized strings (:class:`TableFacts`).
"""

from __future__ import annotations

import functools
import itertools
import random
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import attrs
from unidecode import unidecode

from namenorm import Entity, analyze

# -- names ------------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


ARABIC_GIVEN = _words(
    "Mohammed Ahmed Ali Hassan Hussein Omar Khalid Youssef Ibrahim Abdullah Mahmoud Mustafa "
    "Karim Tariq Nabil Faisal Hamza Bilal Jamal Adel Samir Walid Rashid Saeed Majid Qasim Hadi "
    "Jaafar Haidar Abbas Muqtada Nouri Ammar Falih Qais Hamid Salim Zaid Bashar Fadel Ghassan "
    "Raed Wissam Osama Anwar Ayman Nasser Hisham Amin Fouad Munir Riyad Sami Talal Yasser Ziad "
    "Basim Dhiya Falah Hakim Ismail Jabir Kadhim Latif Mahdi Mundhir Nadhim Qutaiba Sabah Thamer "
    "Uday Wathiq Yahya Zuhair Abdul-Karim Abdul-Rahman Abdul-Aziz Abdul-Hadi Abdul-Amir "
    "Abdul-Wahab Saleh Sulaiman Yunis Idris Mansour Marwan Murad Qassem Rami Shaker Taha "
    "Fatima Zainab Maryam Layla Noor Huda Amal Rana Samira Hanan Dalia Rasha Suha Lina Iman"
)
PERSIAN_GIVEN = _words(
    "Reza Mehdi Hossein Mohsen Javad Ebrahim Gholam Masoud Mojtaba Alireza Amir Behrouz "
    "Dariush Farhad Kamran Kourosh Parviz Ramin Shahram Siavash Vahid Yousef Esmail "
    "Mohammad-Bagher Gholamreza Ghasem Ahmad Hamidreza Mohammadreza Ardeshir Babak Bijan Ehsan "
    "Farid Habib Iraj Jalal Kaveh Manouchehr Nima Omid Payam Rostam Sohrab Touraj Morteza "
    "Mostafa Abolfazl Hojjat Nasrollah Rahim Qorban Shirin Parisa Nasrin Azadeh Roya Mahsa "
    "Niloufar Fereshteh Golnar"
)
ENGLISH_GIVEN = _words(
    "James John Robert Michael William David Richard Joseph Thomas Charles Daniel Matthew "
    "Anthony Mark Paul Steven Andrew Kenneth Joshua Kevin Brian George Edward Ronald Timothy "
    "Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Justin Scott Brandon Benjamin "
    "Samuel Gregory Frank Patrick Raymond Mary Patricia Jennifer Linda Elizabeth Barbara Susan "
    "Jessica Sarah Karen Nancy Lisa Margaret Sandra Emily Michelle Carol Amanda Melissa Deborah "
    "Rebecca Laura Helen Anna Catherine"
)
ARABIC_FAMILY = _words(
    "Tikriti Dulaimi Jubouri Obeidi Shammari Khafaji Maliki Hakim Sadr Amiri Zubaidi Saadi "
    "Hashimi Ansari Tamimi Rubaie Mashhadani Janabi Karbouli Issawi Nujaifi Halbousi Allawi "
    "Jaafari Fayyadh Khazali Asadi Mousawi Husseini Lami Bahadli Shaibani Azzawi Samarrai Ani "
    "Rawi Hadithi Qaisi Bayati Kubaisi Shahwani Mutlaq Hamdani Otaibi Qahtani Ghamdi Zahrani "
    "Dosari Shehri Harbi Mutairi Anazi Sharif Masri Baghdadi Basri Mosuli Kurdi Tunisi Yamani "
    "Hashemi Qurashi Attar Khatib Sabbagh Najjar Haddad Hilali Jazairi Shami Maqdisi Halabi"
)
ARABIC_PLAIN_FAMILY = _words(
    "Haddad Khoury Saleh Nasrallah Fadlallah Berri Hariri Makdisi Mansour Darwish Nassar "
    "Khalil Hamdan Barakat Aziz Rahman Qassem Hammoud Suleiman Youssef Ghanem Jaber Awad "
    "Habib Karam Shehadeh Zaher Bazzi Mroueh Taleb Farhat Moussa"
)
PERSIAN_FAMILY = _words(
    "Ahmadi Mohammadi Hosseini Rezaei Moradi Karimi Jafari Rahimi Mousavi Ghasemi Sadeghi "
    "Heydari Kazemi Zamani Hosseinzadeh Rostami Shirazi Tehrani Esfahani Tabrizi Khorasani "
    "Larijani Rafsanjani Velayati Jalili Ghalibaf Zarif Bagheri Salami Hajizadeh Vahidi "
    "Shamkhani Soltani Farahani Golpayegani Najafi Kashani Yazdi Kermani Qazvini Zanjani "
    "Safavi Dehghan Ghorbani Khamenei Nikpour Asgari Mirzaei Abbasi Akbari Ebrahimi Sharifi"
)
ENGLISH_FAMILY = _words(
    "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Moore Martin "
    "Jackson Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Hill "
    "Green Adams Baker Nelson Carter Mitchell Roberts Turner Phillips Campbell Parker Evans "
    "Edwards Collins Stewart Morris Rogers Reed Cook Morgan Bell Murphy Bailey Cooper "
    "Richardson Howard Ward Peterson Gray Hughes Price Sanders Bennett Wood Barnes Ross "
    "Henderson Coleman Jenkins Perry Powell Patterson Fisher Ellis Harrison Gibson McDonald "
    "Marshall Owens Graham Wallace Hamilton Fletcher"
)
ENGLISH_HEADS = _words(
    "Ash Brad Craw Dun Elms Fair Gold Hart Kings Lang Mar North Oak Pem Red Shel Stan Thorn "
    "Whit Wins Ather Black Cald Hol"
)
ENGLISH_TAILS = _words(
    "ford ley ton worth field wood by well more ham wick dale bridge combe stead"
)
SYLLABLE_ONSETS = _words(
    "Ba Da Fa Gha Ha Ja Ka Kha La Ma Na Qa Ra Sa Sha Ta Wa Ya Za Ab Al Am Bou Mou Nou Kou Ze "
    "Fe Me Ne Be Ro Zo Ha Hu"
)
SYLLABLE_MIDDLES = _words(
    "bi di hi ji ki li mi ni ri si ti zi rou mou dou sou hou ra ma na sa ba ha"
)
ARABIC_NISBA = ("i", "ani", "awi", "ari")
PERSIAN_SUFFIXES = ("zadeh", "pour", "far", "nejad", "ian", "abadi", "vand", "lou")
PLACES = _words(
    "Basra Mosul Kirkuk Najaf Karbala Anbar Diyala Erbil Sulaymaniyah Baghdad Tehran Isfahan "
    "Shiraz Tabriz Mashhad Qom Ahvaz Beirut Damascus Aleppo Homs Sanaa Aden Hodeidah Amman "
    "Doha Manama Muscat Dubai Riyadh Jeddah Fallujah Ramadi Samarra Nasiriyah Hilla Kut Amarah "
    "Dohuk Zakho Sinjar Tal-Afar Hamadan Kerman Yazd Zahedan Bandar-Abbas Latakia Tripoli Sidon"
)
ARMED_HEADS = ("Kata'ib", "Saraya", "Liwa", "Asa'ib", "Harakat", "Jaish", "Ansar", "Quwat")
ARMED_WORDS = _words(
    "Nasr Haqq Fath Salam Jihad Ummah Quds Ahrar Mujahidin Tawhid Karama Wafa Shuhada Furqan "
    "Imam Nujaba Muntazar Khorasani Abbas Husseini Sadiq Thar Badr Hamza Qadisiyah Intifada"
)
ORG_KINDS = _words(
    "Brigade Brigades Battalion Movement Front Party Council Foundation Group Organization "
    "Bloc Alliance Coalition Association Union Institute Company"
)
COMPANY_KINDS = (
    "Trading Company",
    "Holdings",
    "Group",
    "& Sons",
    "Oil Company",
    "Construction",
    "Exchange",
    "Shipping Lines",
    "General Contracting",
    "Import and Export",
)
COUNCIL_PATTERNS = (
    "National Council for {place}",
    "Supreme Council of {place}",
    "{place} Provincial Council",
    "{place} Reconstruction Company",
    "{place} Revolutionary Guards Command",
    "{place} Oil Refinery",
    "{place} Chamber of Commerce",
    "Popular Mobilization Units of {place}",
    "{place} Liberation Front",
    "Islamic Resistance in {place}",
)
ORG_ADJECTIVES = ("National", "Islamic", "Popular", "United", "Supreme")
LINKERS = ("bin", "ibn")


def syllable_family(rng: random.Random) -> str:
    """A new Arabic- or Persian-looking family name: syllables and a real ending."""
    stem = rng.choice(SYLLABLE_ONSETS) + "".join(
        rng.choice(SYLLABLE_MIDDLES) for _ in range(rng.randint(1, 2))
    )
    stem = stem.rstrip("aeiou") or stem
    if rng.random() < 0.5:
        return stem + rng.choice(ARABIC_NISBA)
    return stem + rng.choice(PERSIAN_SUFFIXES)


def root_family(rng: random.Random) -> str:
    """A family name made of a real one's root and a Persian ending (Karimpour, Hashemzadeh)."""
    root = rng.choice(PERSIAN_FAMILY + ARABIC_PLAIN_FAMILY).rstrip("aeiouy")
    return root + rng.choice(PERSIAN_SUFFIXES)


def english_family(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return rng.choice(ENGLISH_FAMILY)
    return rng.choice(ENGLISH_HEADS) + rng.choice(ENGLISH_TAILS)


def arabic_person(rng: random.Random) -> tuple[str, list[str]]:
    given, father = rng.choice(ARABIC_GIVEN), rng.choice(ARABIC_GIVEN)
    roll = rng.random()
    if roll < 0.5:
        family = f"al-{rng.choice(ARABIC_FAMILY)}"
    elif roll < 0.75:
        family = f"al-{syllable_family(rng)}"
    else:
        family = rng.choice(ARABIC_PLAIN_FAMILY)
    if rng.random() < 0.15:
        return f"{given} {rng.choice(LINKERS)} {father} {family}", [f"{given} {family}"]
    if rng.random() < 0.6:
        return f"{given} {father} {family}", [f"{given} {family}"]
    return f"{given} {family}", []


def persian_person(rng: random.Random) -> tuple[str, list[str]]:
    given = rng.choice(PERSIAN_GIVEN)
    roll = rng.random()
    if roll < 0.4:
        family = rng.choice(PERSIAN_FAMILY)
    elif roll < 0.7:
        family = root_family(rng)
    else:
        family = syllable_family(rng)
    if rng.random() < 0.3:
        middle = rng.choice(PERSIAN_GIVEN)
        return f"{given} {middle} {family}", [f"{given} {family}"]
    return f"{given} {family}", []


def english_person(rng: random.Random) -> tuple[str, list[str]]:
    given, family = rng.choice(ENGLISH_GIVEN), english_family(rng)
    if rng.random() < 0.3:
        initial = rng.choice(ENGLISH_GIVEN)[0]
        return f"{given} {initial}. {family}", [f"{given} {family}"]
    return f"{given} {family}", []


def person_name(rng: random.Random) -> tuple[str, list[str]]:
    """A person's name and the short forms that are true aliases of it."""
    style = rng.random()
    if style < 0.45:
        return arabic_person(rng)
    if style < 0.8:
        return persian_person(rng)
    return english_person(rng)


def org_name(rng: random.Random) -> tuple[str, list[str]]:
    """An organization's name and its true aliases (an acronym, a short form)."""
    style = rng.random()
    if style < 0.3:
        word = rng.choice(ARMED_WORDS) if rng.random() < 0.6 else syllable_family(rng)
        name = f"{rng.choice(ARMED_HEADS)} al-{word}"
        if rng.random() < 0.4:
            name += f" {rng.choice(('Brigades', 'Movement', 'Front'))}"
        return name, []
    if style < 0.55:
        family = (
            rng.choice(ARABIC_FAMILY + PERSIAN_FAMILY)
            if rng.random() < 0.5
            else syllable_family(rng)
        )
        name = f"{family} {rng.choice(COMPANY_KINDS)}"
        return name, [family + " Co."] if "Company" in name else []
    if style < 0.8:
        name = rng.choice(COUNCIL_PATTERNS).format(place=rng.choice(PLACES))
    else:
        word = rng.choice(ARMED_WORDS + PLACES)
        name = f"{word} {rng.choice(ORG_KINDS)}"
        if rng.random() < 0.5:
            name = f"{rng.choice(ORG_ADJECTIVES)} {name}"
    capitals = [w[0] for w in name.replace("-", " ").split() if w[0].isupper()]
    return name, ["".join(capitals)] if len(capitals) >= 3 else []


# -- spelling variants ------------------------------------------------------------------------
ENGLISH_WORDS = frozenset(
    ENGLISH_GIVEN
    + ENGLISH_FAMILY
    + ORG_KINDS
    + ORG_ADJECTIVES
    + _words(" ".join(COMPANY_KINDS + COUNCIL_PATTERNS) + " Co. Brigades Movement Front")
)
"""Words that are English, not transliterated: they get typos, never transliteration variants."""

_VOWELS = "aeiouy"
_ARTICLE = re.compile(r"(?<![\w-])([Aa]l|[Ee]l)[- ](?=[A-Z])")
_JOINABLE = re.compile(r"\b(Abdul|Abd|Abu|bin|ibn|al|el|Al|El) (?=[A-Z])")
_REPLACEMENTS = (
    ("q", "k"),
    ("Q", "K"),
    ("q", "gh"),
    ("Q", "Gh"),
    ("gh", "q"),
    ("Gh", "Q"),
    ("k", "q"),
    ("ou", "u"),
    ("ou", "o"),
    ("ee", "i"),
    ("ei", "ey"),
    ("dh", "z"),
    ("dh", "d"),
    ("j", "dj"),
    ("sh", "ch"),
)
_BETWEEN_CONSONANTS = (("i", "ee"), ("u", "ou"), ("o", "ou"), ("a", "e"), ("e", "a"))


def _english(word: str) -> bool:
    if word in ENGLISH_WORDS:
        return True
    return any(word.startswith(h) and word[len(h) :] in ENGLISH_TAILS for h in ENGLISH_HEADS)


def _letter_variants(word: str) -> list[str]:
    """Transliteration variants of one word: q/k/gh, ou/u/o, ee/i, a/e, dh/z, a doubled or
    undoubled consonant (Qasem/Qassem, Hassan/Hasan)."""
    found = []
    for old, new in _REPLACEMENTS:
        position = word.find(old, 1 if old.islower() else 0)
        if position >= 0:
            found.append(word[:position] + new + word[position + len(old) :])
    for position in range(1, len(word) - 1):
        char, before, after = word[position], word[position - 1], word[position + 1]
        consonants = before.isalpha() and before.lower() not in _VOWELS
        consonants = consonants and (after.isalpha() and after not in _VOWELS)
        for old, new in _BETWEEN_CONSONANTS:
            if char == old and consonants:
                found.append(word[:position] + new + word[position + 1 :])
        if char not in _VOWELS and char == after:
            found.append(word[:position] + word[position + 1 :])
        elif char in "lmnrst" and before in _VOWELS and after in _VOWELS:
            found.append(word[: position + 1] + word[position:])
    return [changed for changed in found if changed != word]


def _typo(word: str, rng: random.Random) -> str | None:
    """One letter changed, dropped or swapped inside a word (never the first or last)."""
    if len(word) < 5:
        return None
    position = rng.randrange(1, len(word) - 2)
    roll = rng.random()
    if roll < 0.4:
        letter = rng.choice("aeioulnrst")
        return word[:position] + letter + word[position + 1 :]
    if roll < 0.7:
        return word[:position] + word[position + 1 :]
    return word[:position] + word[position + 1] + word[position] + word[position + 2 :]


def _article_change(name: str, rng: random.Random) -> str:
    """al- as el-, Al-, al, Al or dropped; a hyphen or space around it changed."""
    article = _ARTICLE.search(name)
    if article is None:
        return name
    start, end = article.span()
    choice = rng.choice(("el-", "Al-", "al ", "Al ", "", "El-", "al-"))
    return name[:start] + choice + name[end:]


def _spacing_change(name: str, rng: random.Random) -> str:
    """A hyphen as a space or closed up, or a particle joined to its word (Abdul Hadi)."""
    if "-" in name and rng.random() < 0.6:
        position = rng.choice([i for i, char in enumerate(name) if char == "-"])
        return name[:position] + rng.choice((" ", "")) + name[position + 1 :]
    joinable = list(_JOINABLE.finditer(name))
    if not joinable:
        return name
    found = rng.choice(joinable)
    return name[: found.end() - 1] + rng.choice(("-", "")) + name[found.end() :]


def variant(name: str, rng: random.Random, *, typos: bool = True) -> str:
    """A variant spelling of ``name``: one or two transliteration, article, spacing or (when
    ``typos``) one-letter changes; may return ``name`` itself when none applies."""
    result = name
    for _ in range(1 if rng.random() < 0.6 else 2):
        kind = rng.random()
        words = result.split(" ")
        if kind < 0.2:
            result = _article_change(result, rng)
        elif kind < 0.3:
            result = _spacing_change(result, rng)
        elif kind < 0.35:
            result = re.sub(r"\bAl-", "al-", result, count=1)
        elif kind < 0.5 and typos:
            candidates = [i for i, w in enumerate(words) if len(w) >= 5 and w[:1].isupper()]
            if candidates:
                position = rng.choice(candidates)
                changed = _typo(words[position], rng)
                if changed:
                    words[position] = changed
                    result = " ".join(words)
        else:
            candidates = [
                i
                for i, w in enumerate(words)
                if len(w) >= 3 and w[:1].isupper() and not _english(w)
            ]
            if candidates:
                position = rng.choice(candidates)
                options = _letter_variants(words[position])
                if options:
                    words[position] = rng.choice(options)
                    result = " ".join(words)
    return result


# -- tables -----------------------------------------------------------------------------------


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def entity_strings(entity: Entity) -> list[str]:
    """The entity's distinct strings: its name, aliases and known errors, in that order."""
    return list(dict.fromkeys([entity.name, *entity.aliases, *entity.errors]))


def generated_entities(rng: random.Random) -> Iterator[Entity]:
    """An endless stream of plausible entities, each with a few aliases and rarely an error."""
    used: set[str] = set()
    number = 0
    while True:
        person = rng.random() < 0.75
        name, short = person_name(rng) if person else org_name(rng)
        if name in used:
            continue
        used.add(name)
        number += 1
        aliases = list(short)
        for _ in range(rng.randint(1, 3)):
            spelled = variant(name, rng, typos=False)
            if spelled != name:
                aliases.append(spelled)
        errors = []
        if rng.random() < 0.15:
            wrong = variant(name, rng)
            if wrong != name:
                errors.append(wrong)
        yield Entity(
            id=f"g{number:07d}-{_slug(name)}",
            name=name,
            kind="person" if person else "org",
            aliases=[a for a in dict.fromkeys(aliases) if a != name],
            errors=[e for e in errors if e != name and e not in aliases],
        )


def string_count(entities: Iterable[Entity]) -> int:
    return sum(len(entity_strings(entity)) for entity in entities)


# -- the scale mix: people of five origins, kept in parts ------------------------------------

ORIGINS = ("arabic", "persian", "turkish", "kurdish", "western")
ORIGIN_WEIGHTS = (0.30, 0.20, 0.15, 0.10, 0.25)
"""The share of each origin among the generated people."""
ORG_SHARE = 0.08
"""The share of organizations among the scale mix's entities."""
ZIPF_EXPONENT = 1.0
"""Given names and real family names are drawn with weight 1 / rank**exponent: the first of a
list (Mohammed, Mehmet, James) is far more common than the last."""

ARABIC_KUNYA_SONS = _words(
    "Bakr Mahdi Hamza Ali Omar Issa Musab Yusuf Hafs Ayyub Hassan Obeida Taha Zaid Ibrahim "
    "Abdullah Khalid Muhannad Walid Talha Qatada Anas Hudhaifa Ahmed Mohammed"
)
ARABIC_CODA = ("i", "ani", "awi", "ari", "ji", "li", "oumi", "ouri")
PERSIAN_GIVEN_SCALE = ("Mohammad", "Ali", "Hassan", *PERSIAN_GIVEN)
PERSIAN_CODA = (
    *PERSIAN_SUFFIXES,
    "i",
    "i",
    "nia",
    "kia",
    "rad",
    "doust",
    "khani",
)
TURKISH_GIVEN = _words(
    "Mehmet Mustafa Ahmet Ali Hüseyin Hasan İbrahim İsmail Osman Yusuf Murat Ömer Ramazan "
    "Halil Süleyman Abdullah Mahmut Recep Salih Fatih Kadir Emre Hakan Burak Kemal Serkan Orhan "
    "Erdoğan Selim Tarık Uğur Oğuz Barış Gökhan Yiğit Tuncay Volkan Cengiz Levent Sinan Ayşe "
    "Fatma Emine Hatice Zeynep Elif Meryem Şerife Zehra Hanife Merve Özlem Yasemin Gülsüm Esra "
    "Büşra Şule Derya Çiğdem Sevgi"
)
TURKISH_FAMILY = _words(
    "Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan Doğan Kılıç "
    "Aslan Çetin Kara Koç Kurt Özkan Şimşek Polat Özcan Korkmaz Çakır Erdoğan Yavuz Can Acar "
    "Şen Aktaş Güler Yalçın Güneş Bozkurt Bulut Keskin Ünal Turan Gül Özer Işık Kaplan Avcı "
    "Sarı Tekin Taş Köse Yüksel Ateş Aksoy Karaca Başaran Türkmen Uysal Sönmez"
)
TURKISH_ONSETS = _words(
    "Kara Ak Öz Er Gök Ay Demir Tan Kaya Yıldız Şen Uz Bay Can Tok Kurt Aslan Tuna Bal Taş "
    "Kızıl Sarı Koca Dur Al Boz Çam Gür Ilgaz Ulu Yurt Köy Alp Ok Ural"
)
TURKISH_CODA = _words(
    "oğlu er an soy türk taş dağ kaya han can el baş yurt men ok su tepe çelik gül alp kan "
    "demir ay ışık göz"
)
KURDISH_GIVEN = (
    ("Shirwan", "Şîrwan"),
    ("Rebwar", "Rêbwar"),
    ("Karwan", "Karwan"),
    ("Hemin", "Hêmin"),
    ("Nechirvan", "Nêçîrvan"),
    ("Masrour", "Mesrûr"),
    ("Bafel", "Bafil"),
    ("Qubad", "Qubad"),
    ("Khoshnav", "Xoşnav"),
    ("Hoshyar", "Hoşyar"),
    ("Barham", "Berhem"),
    ("Kosrat", "Kosret"),
    ("Jalal", "Celal"),
    ("Mahmud", "Mehmûd"),
    ("Sherko", "Şêrko"),
    ("Dilshad", "Dilşad"),
    ("Aram", "Aram"),
    ("Azad", "Azad"),
    ("Sardar", "Serdar"),
    ("Zana", "Zana"),
    ("Dara", "Dara"),
    ("Hawre", "Hawrê"),
    ("Soran", "Soran"),
    ("Shwan", "Şwan"),
    ("Rebin", "Rêbîn"),
    ("Baran", "Baran"),
    ("Bryar", "Biryar"),
    ("Diyar", "Diyar"),
    ("Hiwa", "Hîwa"),
    ("Kawa", "Kawa"),
    ("Nawzad", "Nawzad"),
    ("Serwan", "Serwan"),
    ("Shaswar", "Şaswar"),
    ("Zryan", "Ziryan"),
    ("Nasrin", "Nesrîn"),
    ("Shilan", "Şîlan"),
    ("Hero", "Hêro"),
    ("Nazdar", "Nazdar"),
    ("Gulala", "Gulale"),
    ("Avin", "Avîn"),
    ("Bahar", "Bihar"),
    ("Chnar", "Çinar"),
    ("Jwan", "Ciwan"),
)
"""Kurdish given names: the English-style romanization and the Kurmanji Latin spelling."""
KURDISH_FAMILY = (
    ("Barzani", "Barzanî"),
    ("Talabani", "Talebanî"),
    ("Zebari", "Zêbarî"),
    ("Hawrami", "Hewramî"),
    ("Mustafa", "Mistefa"),
    ("Ahmed", "Ehmed"),
    ("Sindi", "Sindî"),
    ("Doski", "Doskî"),
    ("Botani", "Botanî"),
    ("Mizuri", "Mizûrî"),
    ("Rekani", "Rêkanî"),
    ("Berwari", "Berwarî"),
    ("Goran", "Goran"),
    ("Jaf", "Caf"),
    ("Salih", "Salih"),
    ("Karim", "Kerîm"),
    ("Shwani", "Şwanî"),
    ("Hamawandi", "Hemewendî"),
    ("Dizayee", "Dizayî"),
    ("Pishdari", "Pişderî"),
    ("Surchi", "Surçî"),
    ("Herki", "Herkî"),
    ("Baban", "Baban"),
)
KURDISH_ONSETS = _words(
    "Bar Ber Dil Gor Haw Her Kar Mir Reb Sher Zeb Shaw Khosh Hosh Kos Sur Pish Doz Bot Miz "
    "Rek Hem Bal Bra Dar Sor Kaw Nav Ser Zan"
)
KURDISH_CODA = ("ani", "i", "ayi", "ri", "zi", "wani", "ari", "oyi")
WESTERN_GIVEN = (
    *ENGLISH_GIVEN,
    *_words(
        "Jan Pieter Hans Klaus Jean Pierre Marco Giuseppe João Pedro Carlos José Sean Liam Maria "
        "Sophie Ingrid Luca Francesco Antoine Dirk Willem Johannes Friedrich Henrik Lars"
    ),
)
WESTERN_PARTICLES = {
    "van ": ("dutch", _words("Dijk Houten Leeuwen Vliet Dam Beek Rijn Gogh Persie Basten")),
    "van der ": ("dutch", _words("Berg Meer Linden Heijden Veen Wal Sar Laan Pol Velde")),
    "van den ": ("dutch", _words("Broek Bosch Heuvel Berg Brink Akker")),
    "de ": ("dutch", _words("Jong Vries Groot Wit Haan Bruijn Graaf Boer Gaulle Villepin Klerk")),
    "de la ": ("romance", _words("Cruz Fuente Rosa Vega Torre Hoz Fontaine")),
    "von ": (
        "german",
        _words("Braun Trapp Weizsäcker Stauffenberg Bülow Richthofen Neumann Hayek Moltke"),
    ),
    "di ": ("romance", _words("Stefano Maria Pietro Lorenzo Matteo Natale Caprio Marco")),
    "da ": ("romance", _words("Silva Costa Cunha Rocha Souza Vinci Mota Luz")),
    "O'": ("gaelic", _words("Brien Connor Neill Sullivan Reilly Donnell Hara Malley Leary Shea")),
    "Mc": ("gaelic", _words("Donald Carthy Kenna Laughlin Bride Cann Guire Kay Gregor")),
    "Mac": ("gaelic", _words("Leod Kenzie Donald Intyre Millan Lean")),
}
"""A Western family name's particle (with what joins it to the name), the style of the names
it goes with, and real names that carry it."""
WESTERN_STYLES = {
    "dutch": (
        _words("Berg Brink Hout Veld Kamp Molen Dijk Hooge Steen Wester"),
        _words("man ink huis stra ma s"),
    ),
    "german": (
        _words("Stein Holt Wald Hof Ros Fel Lan Eich Lind Brun"),
        _words("mann er dorf hoven stadt berg"),
    ),
    "romance": (
        _words("Mar Cor Bran Ros Val Fer Bel Car Ser Mon"),
        _words("ini elli etti ez ano ira ello"),
    ),
    "gaelic": (
        _words("Con Dun Fin Gal Ken Mal Mur Don Bran Cul"),
        _words("an ey ell agh ty ally igan"),
    ),
    "english": (ENGLISH_HEADS, ENGLISH_TAILS),
}
"""Heads and tails of coined Western family names, per style."""


@functools.cache
def _zipf_weights(count: int) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank + 1) ** ZIPF_EXPONENT for rank in range(count)))


def zipf_choice(rng: random.Random, items: Sequence[Any]) -> Any:
    """One of ``items``, the first far more often than the last (weight 1 / rank)."""
    return rng.choices(items, cum_weights=_zipf_weights(len(items)))[0]


@attrs.frozen
class Person:
    """A generated person's name in parts, so that queries can drop or move them.

    ``middle`` holds what stands between the given and the family name (a father's name, bin
    and a father's name, a second given name, an initial); ``particle`` the family name's
    particle with what joins it to the name ("al-", "van der ", "O'", "Mc").
    """

    origin: str
    given: str
    family: str
    middle: tuple[str, ...] = ()
    particle: str = ""

    @property
    def surname(self) -> str:
        return self.particle + self.family

    @property
    def full(self) -> str:
        return " ".join((self.given, *self.middle, self.surname))

    @property
    def short(self) -> str | None:
        """Given name and family name alone, when there is something in between."""
        return f"{self.given} {self.surname}" if self.middle else None


@attrs.frozen
class Syllables:
    """What coined family names of one origin are made of: an onset, middle syllables (a
    consonant and a vowel) and an ending."""

    onsets: tuple[str, ...]
    consonants: tuple[str, ...]
    vowels: tuple[str, ...]
    codas: tuple[str, ...]
    bare: float = 0.0
    """The chance of no middle syllable (Steinmann); otherwise one or, more often, two."""


ARABIC_SYLLABLES = Syllables(
    SYLLABLE_ONSETS,
    _words("b d f h j k l m n r s t z sh kh gh q w y"),
    ("a", "i", "ou"),
    ARABIC_CODA,
)
PERSIAN_SYLLABLES = Syllables(
    (*SYLLABLE_ONSETS, *_words("Kho Gol Shah Mir Pur Dar Bah Far")),
    _words("b d f h j k l m n r s t z sh kh gh v zh"),
    ("a", "e", "i", "ou"),
    PERSIAN_CODA,
)
TURKISH_SYLLABLES = Syllables(
    TURKISH_ONSETS,
    _words("b c ç d g k l m n r s ş t y z"),
    _words("a e ı i o u ü ö"),
    TURKISH_CODA,
    bare=0.1,
)
KURDISH_SYLLABLES = Syllables(
    KURDISH_ONSETS, _words("b d g h k l m n r s t w z sh"), _words("a e i o"), KURDISH_CODA
)
_WESTERN_CONSONANTS = _words("b d f g k l m n p r s t v w")


def coined(rng: random.Random, syllables: Syllables) -> str:
    """A new family name of one origin: the long tail that makes a 1M-string table hold about
    two hundred thousand family names."""
    count = 0 if rng.random() < syllables.bare else (1 if rng.random() < 0.3 else 2)
    stem = rng.choice(syllables.onsets) + "".join(
        rng.choice(syllables.consonants) + rng.choice(syllables.vowels) for _ in range(count)
    )
    coda = rng.choice(syllables.codas)
    if stem[-1] in _VOWELS and coda[0] in _VOWELS:
        stem = stem[:-1] or stem
    return stem + coda


def western_coined(rng: random.Random, style: str) -> str:
    heads, tails = WESTERN_STYLES[style]
    return coined(rng, Syllables(heads, _WESTERN_CONSONANTS, ("a", "e", "i", "o"), tails, 0.2))


def _second(rng: random.Random, names: Sequence[str], given: str) -> str:
    """A second given name other than ``given`` (Mohammad Ali, not Ali Ali); an Arabic
    father's name may repeat the given name, so Arabic names do not use this."""
    while True:
        name = zipf_choice(rng, names)
        if name != given:
            return str(name)


def scale_arabic(rng: random.Random) -> Person:
    given = zipf_choice(rng, ARABIC_GIVEN)
    if rng.random() < 0.08:
        given = f"Abu {zipf_choice(rng, ARABIC_KUNYA_SONS)}"
    roll = rng.random()
    middle: tuple[str, ...] = ()
    if roll < 0.12:
        middle = (rng.choice(LINKERS), zipf_choice(rng, ARABIC_GIVEN))
    elif roll < 0.5:
        middle = (zipf_choice(rng, ARABIC_GIVEN),)
    roll = rng.random()
    if roll < 0.22:
        family, particle = zipf_choice(rng, ARABIC_FAMILY), "al-"
    elif roll < 0.3:
        family, particle = zipf_choice(rng, ARABIC_PLAIN_FAMILY), ""
    else:
        family = coined(rng, ARABIC_SYLLABLES)
        particle = rng.choice(("al-", "al-", "al-", "el-", ""))
    return Person("arabic", given, family, middle, particle)


def scale_persian(rng: random.Random) -> Person:
    given = zipf_choice(rng, PERSIAN_GIVEN_SCALE)
    middle = (_second(rng, PERSIAN_GIVEN_SCALE, given),) if rng.random() < 0.2 else ()
    roll = rng.random()
    if roll < 0.23:
        family = zipf_choice(rng, PERSIAN_FAMILY)
    elif roll < 0.35:
        root = rng.choice(PERSIAN_FAMILY + ARABIC_PLAIN_FAMILY).rstrip("aeiouy")
        family = root + rng.choice(PERSIAN_CODA)
    else:
        family = coined(rng, PERSIAN_SYLLABLES)
    return Person("persian", given, family, middle)


def scale_turkish(rng: random.Random) -> Person:
    given = zipf_choice(rng, TURKISH_GIVEN)
    middle = (_second(rng, TURKISH_GIVEN, given),) if rng.random() < 0.15 else ()
    if rng.random() < 0.3:
        family = zipf_choice(rng, TURKISH_FAMILY)
    else:
        family = coined(rng, TURKISH_SYLLABLES)
    return Person("turkish", given, family, middle)


_KURMANJI = (("kh", "x"), ("Kh", "X"), ("sh", "ş"), ("Sh", "Ş"), ("ch", "ç"), ("Ch", "Ç"))


def kurmanji(word: str) -> str:
    """The Kurmanji Latin spelling of a coined English-style romanization (kh x, sh ş, ch ç,
    a final i as î)."""
    for old, new in _KURMANJI:
        word = word.replace(old, new)
    return word[:-1] + "î" if word.endswith("i") else word


def scale_kurdish(rng: random.Random) -> Person:
    # The canonical spelling is the English-style romanization or, less often, Kurmanji.
    spelling = 1 if rng.random() < 0.35 else 0
    given = zipf_choice(rng, KURDISH_GIVEN)[spelling]
    middle = (
        (_second(rng, [n[spelling] for n in KURDISH_GIVEN], given),) if rng.random() < 0.3 else ()
    )
    if rng.random() < 0.3:
        family = zipf_choice(rng, KURDISH_FAMILY)[spelling]
    else:
        family = coined(rng, KURDISH_SYLLABLES)
        family = kurmanji(family) if spelling else family
    return Person("kurdish", given, family, middle)


def scale_western(rng: random.Random) -> Person:
    given = zipf_choice(rng, WESTERN_GIVEN)
    roll = rng.random()
    middle: tuple[str, ...] = ()
    if roll < 0.15:
        middle = (rng.choice(ENGLISH_GIVEN)[0] + ".",)
    elif roll < 0.25:
        middle = (_second(rng, WESTERN_GIVEN, given),)
    roll = rng.random()
    particle = ""
    if roll < 0.3:
        particle = rng.choice(tuple(WESTERN_PARTICLES))
        style, real = WESTERN_PARTICLES[particle]
        family = rng.choice(real) if rng.random() < 0.4 else western_coined(rng, style)
    elif roll < 0.55:
        family = english_family(rng)
    else:
        family = western_coined(rng, rng.choice(tuple(WESTERN_STYLES)))
    return Person("western", given, family, middle, particle)


_PEOPLE = {
    "arabic": scale_arabic,
    "persian": scale_persian,
    "turkish": scale_turkish,
    "kurdish": scale_kurdish,
    "western": scale_western,
}


def scale_person(rng: random.Random) -> Person:
    """A person of the scale mix, its origin drawn by ``ORIGIN_WEIGHTS``."""
    origin = rng.choices(ORIGINS, weights=ORIGIN_WEIGHTS)[0]
    return _PEOPLE[origin](rng)


# -- the scale mix: spelling variants by origin ----------------------------------------------

WORD_SPELLINGS = {
    "Mohammed": ("Mohamed", "Muhammad", "Mohammad", "Mohamad", "Muhammed"),
    "Mohammad": ("Mohammed", "Muhammad", "Mohamad", "Mohammet"),
    "Ahmed": ("Ahmad", "Ahmet", "Achmed"),
    "Ahmad": ("Ahmed", "Ahmet"),
    "Hussein": ("Husain", "Hussain", "Hosein", "Husayn"),
    "Hossein": ("Hosein", "Hussein", "Husain"),
    "Hassan": ("Hasan", "Hassen"),
    "Omar": ("Umar", "Omer"),
    "Youssef": ("Yusuf", "Yousef", "Yossef", "Joseph"),
    "Mustafa": ("Mostafa", "Moustafa", "Mustapha"),
    "Ibrahim": ("Ebrahim", "Ibraheem", "Brahim"),
    "Abdullah": ("Abdallah", "Abd Allah", "Abdulla"),
    "Mahmoud": ("Mahmud", "Mahmood", "Mahmut"),
    "Osama": ("Usama", "Oussama"),
    "Qasim": ("Qassim", "Kasim", "Ghasem"),
    "Mehmet": ("Mehmed", "Mehmat"),
    "Ahmet": ("Ahmed", "Ahmat"),
    "Hüseyin": ("Huseyin", "Hüsseyin", "Husein"),
    "Yusuf": ("Yousuf", "Yusef"),
    "Ömer": ("Omer", "Oemer"),
    "Mahmut": ("Mahmud",),
    "Abu": ("Abou", "Abū"),
    "bin": ("ibn", "ben", "bin."),
    "ibn": ("bin", "ibn."),
}
"""Whole-word respellings, common enough in the wild to be worth spelling out."""
ORIGIN_LETTERS = {
    "persian": (
        ("zadeh", "zade"),
        ("zadeh", "zada"),
        ("pour", "pur"),
        ("pour", "poor"),
        ("nejad", "nezhad"),
        ("nejad", "nejhad"),
        ("nejad", "nijad"),
        ("Gh", "Q"),
        ("gh", "q"),
        ("ou", "u"),
        ("ei", "ey"),
        ("kh", "x"),
    ),
    "turkish": (
        ("ş", "s"),
        ("ş", "sh"),
        ("Ş", "S"),
        ("Ş", "Sh"),
        ("ç", "c"),
        ("ç", "ch"),
        ("Ç", "C"),
        ("Ç", "Ch"),
        ("ğ", ""),
        ("ğ", "g"),
        ("ğ", "gh"),
        ("ı", "i"),
        ("İ", "I"),
        ("ö", "o"),
        ("ö", "oe"),
        ("Ö", "O"),
        ("ü", "u"),
        ("ü", "ue"),
        ("Ü", "U"),
        ("c", "dj"),
    ),
    "kurdish": (
        ("x", "kh"),
        ("X", "Kh"),
        ("kh", "x"),
        ("Kh", "X"),
        ("ê", "e"),
        ("î", "i"),
        ("î", "ee"),
        ("û", "u"),
        ("û", "oo"),
        ("ş", "sh"),
        ("Ş", "Sh"),
        ("sh", "ş"),
        ("ç", "ch"),
        ("ch", "ç"),
        ("q", "k"),
        ("Q", "K"),
        ("w", "v"),
        ("v", "w"),
        ("ou", "u"),
        ("i", "e"),
    ),
    "western": (
        ("ph", "f"),
        ("f", "ph"),
        ("th", "t"),
        ("C", "K"),
        ("K", "C"),
        ("ck", "k"),
        ("y", "i"),
        ("i", "y"),
        ("ä", "ae"),
        ("ö", "oe"),
        ("ü", "ue"),
        ("ij", "y"),
        ("sen", "son"),
        ("son", "sen"),
        ("ie", "y"),
        ("ão", "ao"),
        ("é", "e"),
    ),
}
"""Letter rules per origin: a variant applies one of them at one place in one word."""
_PARTICLE_SPELLINGS = {
    "al-": ("el-", "Al-", "al ", "Al", "", "El-"),
    "el-": ("al-", "El-", "el ", ""),
    "van ": ("Van ", "van"),
    "van der ": ("Van der ", "van de ", "Vander", "vander "),
    "van den ": ("Van den ", "van de ", "Vanden"),
    "de ": ("De ", "de", "d'"),
    "de la ": ("De la ", "De La ", "Dela", "de La "),
    "von ": ("Von ", "v. ", ""),
    "di ": ("Di ", "Di", "De "),
    "da ": ("Da ", "Da", "de "),
    "O'": ("O", "O ", "O’", "O`"),
    "Mc": ("Mac", "Mc ", "M'"),
    "Mac": ("Mc", "Mac "),
}
"""How a family name's particle is also written: case, spacing, closed up, dropped."""
_KURDISH_PAIRS = {
    spelled: other
    for pair in KURDISH_GIVEN + KURDISH_FAMILY
    for spelled, other in (pair, pair[::-1])
    if spelled != other
}


def _letter_change(word: str, rules: Sequence[tuple[str, str]], rng: random.Random) -> str:
    """``word`` with one of ``rules`` applied at one place, or a consonant doubled or undoubled."""
    options = []
    for old, new in rules:
        start = word.find(old, 1 if old.islower() else 0)
        while start >= 0:
            options.append(word[:start] + new + word[start + len(old) :])
            start = word.find(old, start + 1)
    for position in range(1, len(word) - 1):
        char, after = word[position], word[position + 1]
        if char == after and char not in _VOWELS:
            options.append(word[:position] + word[position + 1 :])
    options = [option for option in options if option != word and len(option) >= 2]
    return rng.choice(options) if options else word


def ascii_fold(text: str) -> str:
    """Turkish and Kurdish letters written without their marks (Ayşe Yılmaz as Ayse Yilmaz)."""
    return unidecode(text)


_ABD = ("Abd al-{}", "Abdel-{}", "Abdul {}", "Abd-al-{}", "Abdel {}")
"""How Abdul-Karim is also written."""


def _respell_word(word: str, origin: str, rng: random.Random) -> str:
    if word.startswith("Abdul-") and rng.random() < 0.6:
        return rng.choice(_ABD).format(word.removeprefix("Abdul-"))
    # Linkers (bin, ibn, Abu) only change as a whole: "been" is nobody's spelling of bin.
    if word in WORD_SPELLINGS and (len(word) <= 3 or rng.random() < 0.5):
        return str(rng.choice(WORD_SPELLINGS[word]))
    if origin == "kurdish" and word in _KURDISH_PAIRS and rng.random() < 0.5:
        return _KURDISH_PAIRS[word]
    if origin in ("arabic", "org"):
        options = _letter_variants(word)
        return rng.choice(options) if options else word
    rules = ORIGIN_LETTERS.get(origin, ())
    if origin == "persian" and rng.random() < 0.5:
        options = _letter_variants(word)
        if options:
            return str(rng.choice(options))
    return _letter_change(word, rules, rng)


def _particle_change(person: Person, rng: random.Random) -> Person:
    spellings = _PARTICLE_SPELLINGS.get(person.particle)
    if not spellings:
        return person
    return attrs.evolve(person, particle=rng.choice(spellings))


def respelled(person: Person, rng: random.Random) -> Person:
    """``person`` with one transliteration change: its particle written otherwise, the whole
    name without Turkish or Kurdish marks, or one word respelled by its origin's rules."""
    roll = rng.random()
    if person.particle and roll < 0.3:
        return _particle_change(person, rng)
    if person.origin in ("turkish", "kurdish") and roll < 0.45:
        folded = attrs.evolve(
            person,
            given=ascii_fold(person.given),
            family=ascii_fold(person.family),
            middle=tuple(ascii_fold(word) for word in person.middle),
        )
        if folded != person:
            return folded
    # An initial (J.) has no spelling to vary.
    spellable = any(not word.endswith(".") for word in person.middle)
    parts = ["given", "family"] + ["middle"] * spellable
    part = rng.choice(parts)
    if part == "middle":
        position = rng.choice([i for i, w in enumerate(person.middle) if not w.endswith(".")])
        middle = list(person.middle)
        middle[position] = _respell_word(middle[position], person.origin, rng)
        return attrs.evolve(person, middle=tuple(middle))
    words = getattr(person, part).split(" ")
    position = rng.randrange(len(words))
    words[position] = _respell_word(words[position], person.origin, rng)
    if part == "given":
        return attrs.evolve(person, given=" ".join(words))
    return attrs.evolve(person, family=" ".join(words))


def person_variant(person: Person, rng: random.Random, *, changes: int = 0) -> Person:
    """``person`` with ``changes`` transliteration changes (0: one or two)."""
    count = changes or (1 if rng.random() < 0.6 else 2)
    for _ in range(count):
        person = respelled(person, rng)
    return person


_KEYBOARD = dict(
    zip(
        "qwertyuiopasdfghjklzxcvbnm",
        _words(
            "wa qes wrd etf ryg tuh yij uok ipl o qsz awdxz sefcx drgvc fthbv gyjnb hukmn jilm kop "
            "asx zsdc xdfv cfgb vghn bhjm njk"
        ),
        strict=True,
    )
)
"""The neighbouring keys of each letter on a QWERTY keyboard, for slips of the finger."""


def typo(name: str, rng: random.Random, *, edits: int = 1) -> str:
    """``name`` with ``edits`` slips: a letter struck as its neighbour, dropped, doubled or swapped
    with the next one, never the first letter of a word."""
    result = name
    for _ in range(edits):
        places = [
            i for i in range(1, len(result)) if result[i].isalpha() and result[i - 1].isalpha()
        ]
        if not places:
            break
        i = rng.choice(places)
        char = result[i]
        roll = rng.random()
        if roll < 0.35:
            slipped = rng.choice(_KEYBOARD.get(char.lower(), "aeiou"))
            result = result[:i] + slipped + result[i + 1 :]
        elif roll < 0.6:
            result = result[:i] + result[i + 1 :]
        elif roll < 0.8:
            result = result[:i] + char + result[i:]
        elif i + 1 < len(result) and result[i + 1].isalpha():
            result = result[:i] + result[i + 1] + char + result[i + 2 :]
        else:
            result = result[:i] + rng.choice("aeioulnrst") + result[i + 1 :]
    return result


# -- the scale mix: entities and tables ------------------------------------------------------


@attrs.frozen
class Generated:
    """An entity of a scale table with what made it: its origin and, for a person, the parts."""

    entity: Entity
    origin: str
    person: Person | None

    def record(self) -> dict[str, Any]:
        """The JSON record of the entity, as ``namenorm.load_table`` reads it."""
        entity = self.entity
        return {
            "id": entity.id,
            "name": entity.name,
            "kind": entity.kind,
            "aliases": list(entity.aliases),
            "errors": list(entity.errors),
            "context": [],
        }


def _ascii_slug(text: str) -> str:
    return _slug(unidecode(text))


def _person_aliases(person: Person, rng: random.Random, count: int) -> list[str]:
    """Up to ``count`` true aliases of ``person``: the short form, the other script of a Kurdish
    or Turkish name, spelling variants."""
    aliases = []
    if person.short:
        aliases.append(person.short)
    if person.origin in ("turkish", "kurdish") and rng.random() < 0.6:
        aliases.append(ascii_fold(person.full))
    for _ in range(4 * count):
        if len(set(aliases) - {person.full}) >= count:
            break
        aliases.append(person_variant(person, rng).full)
    return aliases


def _org_aliases(name: str, short: list[str], rng: random.Random, count: int) -> list[str]:
    aliases = list(short)
    for _ in range(4 * count):
        if len(set(aliases) - {name}) >= count:
            break
        aliases.append(variant(name, rng, typos=False))
    return aliases


def scale_entities(rng: random.Random) -> Iterator[Generated]:
    """An endless stream of the scale mix: each entity has a canonical name, one to four true
    aliases (short forms, transliteration variants) and now and then a known error (a typo).
    Canonical names are never repeated."""
    used: set[str] = set()
    number = 0
    while True:
        count = rng.randint(1, 4)
        person: Person | None = None
        if rng.random() < ORG_SHARE:
            origin = "org"
            name, short = org_name(rng)
            aliases = _org_aliases(name, short, rng, count)
        else:
            person = scale_person(rng)
            origin, name = person.origin, person.full
            aliases = _person_aliases(person, rng, count)
        if name in used:
            continue
        used.add(name)
        number += 1
        aliases = [alias for alias in dict.fromkeys(aliases) if alias != name]
        errors = []
        if rng.random() < 0.08:
            wrong = typo(name, rng)
            if wrong != name and wrong not in aliases:
                errors.append(wrong)
        entity = Entity(
            id=f"s{number:07d}-{_ascii_slug(name)}",
            name=name,
            kind="org" if person is None else "person",
            aliases=aliases,
            errors=errors,
        )
        yield Generated(entity, origin, person)


def scale_table(target: int, seed: int) -> list[Generated]:
    """Entities of the scale mix until they hold about ``target`` distinct strings (names,
    aliases and known errors); a smaller table is a prefix of a larger one."""
    generated = []
    total = 0
    for item in scale_entities(random.Random(seed)):
        if total >= target:
            break
        generated.append(item)
        total += len(entity_strings(item.entity))
    return generated


# -- queries with known answers --------------------------------------------------------------

CATEGORY_SHARES = {
    "exact": 0.10,
    "transliteration": 0.20,
    "typo": 0.20,
    "partial": 0.15,
    "reordered": 0.10,
    "nil_near": 0.15,
    "nil_far": 0.10,
}
"""The categories of queries and their shares of a query set."""
CATEGORIES = tuple(CATEGORY_SHARES)
IN_TABLE = ("exact", "transliteration", "typo", "partial", "reordered")
NIL = ("nil_near", "nil_far")
AMBIGUOUS = -1
"""The owner of a normalized string that several entities have."""

FAR_NAMES = (
    # (given names, family names, family name first?)
    (
        _words("Wei Na Jing Lei Min Hao Xin Ming Yan Jun"),
        _words("Wang Li Zhang Liu Chen Huang Zhao Wu Zhou Xu"),
        True,
    ),
    (
        _words("Hiroshi Yuki Kenji Akira Haruto Sakura Ren Yui Sora Daiki"),
        _words("Takahashi Sato Suzuki Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato"),
        True,
    ),
    (
        _words("Dmitri Oksana Sergei Olga Andriy Natalia Alexei Irina Mikhail Yulia"),
        _words(
            "Ivanov Petrenko Smirnov Kuznetsova Shevchenko Popova Sokolov Volkova Morozov Kovalenko"
        ),
        False,
    ),
    (
        _words("Priya Rahul Anjali Vikram Sunita Arjun Deepa Rohan Kavita Sanjay"),
        _words("Sharma Verma Gupta Singh Patel Reddy Nair Iyer Joshi Mehta"),
        False,
    ),
    (
        _words("Chukwuemeka Ngozi Kwame Amina Tendai Oluwaseun Thabo Wanjiru Kofi Fatou"),
        _words("Okonkwo Adeyemi Mensah Bello Moyo Balogun Nkosi Kamau Boateng Diop"),
        False,
    ),
    (_words("Min-jun Ji-woo Seo-yeon Hyun-woo Ha-eun"), _words("Kim Park Lee Choi Jung"), True),
    (
        _words("Van-An Thi-Binh Van-Cuong Thi-Dung Van-Em"),
        _words("Nguyen Tran Le Pham Hoang"),
        True,
    ),
)
"""Names of other origins than the table's, for the far not-in-table queries."""


def far_name(rng: random.Random) -> str:
    """A name of an origin the scale mix never makes, or a made-up word pair."""
    if rng.random() < 0.15:
        return " ".join(
            "".join(rng.choice("bdgklmnprstvz") + rng.choice("aeiou") for _ in range(3)).title()
            for _ in range(2)
        )
    given, family, family_first = rng.choice(FAR_NAMES)
    first, last = rng.choice(given), rng.choice(family)
    return f"{last} {first}" if family_first else f"{first} {last}"


@attrs.frozen
class Query:
    """A query with its known answer: the expected entity id, or None for not in the table."""

    query: str
    expected: str | None
    category: str

    def record(self) -> dict[str, Any]:
        return {"query": self.query, "expected": self.expected, "category": self.category}

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Query:
        return cls(record["query"], record["expected"], record["category"])


@attrs.frozen
class Draft:
    """A query not yet checked against the table: ``position`` is the expected entity's;
    ``sources`` the names a not-in-table query was made from, which must not be in the table
    either (a variant of a table name is no stranger to it)."""

    query: str
    position: int | None
    category: str
    sources: tuple[str, ...] = ()


_NOT_LETTERS = re.compile(r"[^a-z ]+")
_DOUBLED = re.compile(r"(.)\1+")


def rough_skeleton(name: str) -> str:
    """A crude key of how a name sounds, independent of namenorm: ASCII letters without the
    Arabic article, vowels and doubled letters ("Mohamad Rezaei" and "Mohammad Rezaei" share
    one). Two names with one key may be the same name spelled otherwise."""
    words = _NOT_LETTERS.sub("", unidecode(name).lower().replace("-", " ")).split()
    letters = "".join(word for word in words if word not in ("al", "el"))
    return _DOUBLED.sub(r"\1", re.sub("[aeiouy]", "", letters))


class TableFacts:
    """What the checks of queries need to know of a table: who owns each string normalized by
    namenorm and each rough skeleton (:func:`rough_skeleton`), and which entities have strings
    containing given tokens."""

    def __init__(self, generated: Sequence[Generated]) -> None:
        self.ids = [item.entity.id for item in generated]
        self.owner: dict[str, int] = {}
        self.skeleton_owner: dict[str, int] = {}
        self.token_sets: set[str] = set()
        self.tokens: list[tuple[str, ...]] = []
        self.string_owner: list[int] = []
        self._postings: dict[str, set[int]] = {}
        for position, item in enumerate(generated):
            for string in entity_strings(item.entity):
                text = analyze(string).text
                _own(self.owner, text, position)
                _own(self.skeleton_owner, rough_skeleton(string), position)
                tokens = tuple(text.split())
                self.token_sets.add(" ".join(sorted(set(tokens))))
                self.tokens.append(tokens)
                self.string_owner.append(position)

    def prepare(self, drafts: Iterable[Draft]) -> None:
        """Index the table strings by the tokens of ``drafts`` (one pass over the table; only
        the tokens asked for, so that a million strings need not be indexed by every token)."""
        needed = {t for d in drafts for t in analyze(d.query).text.split()} - self._postings.keys()
        if not needed:
            return
        postings: dict[str, set[int]] = {token: set() for token in needed}
        for number, tokens in enumerate(self.tokens):
            for token in tokens:
                if token in postings:
                    postings[token].add(number)
        self._postings.update(postings)

    def containing(self, tokens: Sequence[str]) -> set[int]:
        """The entities that have a string containing every one of ``tokens``."""
        sets = sorted((self._postings[token] for token in set(tokens)), key=len)
        if not sets:
            return set()
        strings = sets[0].intersection(*sets[1:])
        return {self.string_owner[number] for number in strings}

    def covers_a_string(self, tokens: Sequence[str]) -> bool:
        """Whether every token of some table string of two tokens or more is among ``tokens``."""
        distinct = sorted(set(tokens))
        return any(
            " ".join(combination) in self.token_sets
            for size in range(2, len(distinct) + 1)
            for combination in itertools.combinations(distinct, size)
        )

    def _in_table_fine(self, draft: Draft, tokens: Sequence[str]) -> bool:
        skeleton = self.skeleton_owner.get(rough_skeleton(draft.query), draft.position)
        owners = self.containing(tokens)
        fine = skeleton == draft.position and not owners - {draft.position}
        if draft.category in ("partial", "reordered"):
            fine = fine and draft.position in owners
        return fine

    def _stranger(self, draft: Draft, tokens: Sequence[str]) -> bool:
        return (
            rough_skeleton(draft.query) not in self.skeleton_owner
            and all(analyze(source).text not in self.owner for source in draft.sources)
            and not self.containing(tokens)
            and not self.covers_a_string(tokens)
        )

    def judge(self, draft: Draft) -> Query | None:
        """The query, when its answer is well defined; None when it must be dropped.

        An exact query must be a table string that only its entity has once normalized. Any
        other in-table query must normalize to no table string; no other entity may have a
        string with its rough skeleton (it might be that name respelled) nor a string
        containing all its tokens (it might be a partial name of that entity); a partial or
        reordered query must have its tokens in one of its entity's strings. A not-in-table
        query and the names it was made from must normalize to no table string, and the query
        must share its rough skeleton with no table string, have its tokens in none and
        contain none's tokens."""
        tokens = analyze(draft.query).text.split()
        if not tokens:
            return None
        known = self.owner.get(" ".join(tokens))
        if draft.category == "exact":
            fine = known == draft.position
        elif known is not None:
            fine = False
        elif draft.position is None:
            fine = self._stranger(draft, tokens)
        else:
            fine = self._in_table_fine(draft, tokens)
        if not fine:
            return None
        expected = None if draft.position is None else self.ids[draft.position]
        return Query(draft.query, expected, draft.category)


def _own(owners: dict[str, int], key: str, position: int) -> None:
    known = owners.get(key)
    owners[key] = position if known in (None, position) else AMBIGUOUS


def _separable(particle: str) -> bool:
    """Whether a particle may be left out of a name (al-Tikriti as Tikriti; not O'Brien)."""
    return particle.endswith((" ", "-"))


def _partial(person: Person, rng: random.Random) -> str:
    forms = [person.surname]
    if _separable(person.particle):
        forms += [person.family, f"{person.given} {person.family}"]
    if person.short:
        forms.append(person.short)
    return rng.choice(forms)


def _reordered(person: Person, rng: random.Random) -> str:
    rest = person.given
    if person.middle and rng.random() < 0.5:
        rest = " ".join((person.given, *person.middle))
    return person.surname + rng.choice((", ", " ")) + rest


@attrs.frozen
class Drafter:
    """Drafts queries of every category from a generated table."""

    generated: Sequence[Generated]
    persons: Sequence[int]
    rng: random.Random
    nil_rng: random.Random
    """Not-in-table people have their own random stream."""

    def draft(self, category: str) -> Draft:
        drafter: Callable[[str], Draft] = getattr(self, category)
        return drafter(category)

    def exact(self, category: str) -> Draft:
        position = self.rng.randrange(len(self.generated))
        names = self.generated[position].entity.names()
        return Draft(self.rng.choice(names), position, category)

    def typo(self, category: str) -> Draft:
        position = self.rng.randrange(len(self.generated))
        entity = self.generated[position].entity
        # A slip in an acronym (IRA as IRS) leaves nothing to recognize it by.
        names = [n for n in entity.names() if len(n) >= 6 and not n.isupper()] or [entity.name]
        name = self.rng.choice(names)
        edits = 1 if self.rng.random() < 0.7 else 2
        return Draft(typo(name, self.rng, edits=edits), position, category)

    def transliteration(self, category: str) -> Draft:
        # A query may stray further from the table than its aliases do: one to three changes.
        changes = self.rng.choice((1, 2, 2, 3))
        position = self.rng.randrange(len(self.generated))
        item = self.generated[position]
        if item.person is None:
            spelled_org = item.entity.name
            for _ in range(1 + (changes > 1)):
                spelled_org = variant(spelled_org, self.rng, typos=False)
            return Draft(spelled_org, position, category)
        spelled = person_variant(item.person, self.rng, changes=changes)
        short = spelled.short if self.rng.random() < 0.3 else None
        return Draft(short or spelled.full, position, category)

    def _person(self) -> tuple[int, Person]:
        position = self.rng.choice(self.persons)
        person = self.generated[position].person
        assert person is not None
        return position, person

    def partial(self, category: str) -> Draft:
        position, person = self._person()
        return Draft(_partial(person, self.rng), position, category)

    def reordered(self, category: str) -> Draft:
        position, person = self._person()
        return Draft(_reordered(person, self.rng), position, category)

    def nil_near(self, category: str) -> Draft:
        person = scale_person(self.nil_rng)
        sources = (person.full, *([person.short] if person.short else []))
        roll = self.nil_rng.random()
        if roll < 0.2:
            person = person_variant(person, self.nil_rng)
        short = person.short if roll > 0.8 else None
        return Draft(short or person.full, None, category, sources)

    def nil_far(self, category: str) -> Draft:
        return Draft(far_name(self.nil_rng), None, category)


def quotas(total: int) -> dict[str, int]:
    """How many queries of each category make ``total`` (largest remainders)."""
    exact = {category: total * share for category, share in CATEGORY_SHARES.items()}
    counts = {category: int(value) for category, value in exact.items()}
    by_remainder = sorted(exact, key=lambda c: counts[c] - exact[c])
    for category in by_remainder[: total - sum(counts.values())]:
        counts[category] += 1
    return counts


def make_queries(
    generated: Sequence[Generated],
    facts: TableFacts,
    total: int,
    seed: int,
    *,
    exclude: Iterable[str] = (),
    rounds: int = 8,
) -> tuple[list[Query], dict[str, dict[str, int]]]:
    """``total`` queries stratified by category (``CATEGORY_SHARES``), in a shuffled order, no
    two alike once normalized nor like any of ``exclude`` (normalized texts); and, per
    category, how many were drafted and kept (the rest were dropped as ill-defined).

    Not-in-table people come from the same generator as the table, on their own random stream.
    """
    rng = random.Random(seed)
    persons = [position for position, item in enumerate(generated) if item.person is not None]
    drafter = Drafter(generated, persons, rng, random.Random(seed * 7919 + 1))
    wanted = quotas(total)
    chosen: dict[str, list[Query]] = {category: [] for category in CATEGORIES}
    seen = set(exclude)
    tally = {category: {"drafted": 0, "kept": 0} for category in CATEGORIES}
    for round_number in range(rounds):
        drafts = [
            drafter.draft(category)
            for category in CATEGORIES
            for _ in range((wanted[category] - len(chosen[category])) * (2 + 2 * round_number))
        ]
        if not drafts:
            break
        facts.prepare(drafts)
        for draft in drafts:
            if len(chosen[draft.category]) >= wanted[draft.category]:
                continue
            tally[draft.category]["drafted"] += 1
            text = analyze(draft.query).text
            query = None if text in seen else facts.judge(draft)
            if query is not None:
                seen.add(text)
                chosen[draft.category].append(query)
                tally[draft.category]["kept"] += 1
    queries = [query for category in CATEGORIES for query in chosen[category]]
    rng.shuffle(queries)
    return queries, tally
