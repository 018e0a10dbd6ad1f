"""The kinds of deciding rule a question asks for (a right, its limits, a deadline, pay, a dispute, …) and the
wording of a rule that settles each; and what a passage hands over to another provision.

Plain patterns of Norwegian (Bokmål and Nynorsk) and English, read by retrieval, answerability and the
extractive answerer alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from core.asking import asked_text, asked_with_referents, time_focus


# What a question asks the deciding rule to settle, and the wording of a rule that settles it.
# General legal phrasing of Norwegian (Bokmål and Nynorsk) and English, not fitted to any one
# question (source: the standard drafting of Norwegian statutes and agreements, where a right is
# granted with "har rett til", limited with "kan likevel ikke kreves" / "med mindre", timed with
# "senest innen", a new use of a right waits "før det har gått …", paid leave is "permisjon med lønn", and
# a dispute is sent on with "tvist om … avgjøres av …nemnda"). The employer's side of a refusal ("må jeg
# si ja / innvilge?") asks for the same limit as the employee's ("kan de nekte?"). Most specific first: a
# question whether one has a right to pay is decided by the rule on pay, and "who decides if we disagree
# on my right" by the rule on disputes.
@dataclass(frozen=True)
class Intent:
    """A kind of question ("refusal") with the question words that ask it and the rule wording that decides it."""

    name: str
    asks: re.Pattern[str]
    decides: re.Pattern[str]
    given: re.Pattern[str] | None = None
    """What the question must also say, anywhere, for this kind to count (None: nothing); a precondition
    of the rule too: a passage deciding this kind does not apply to a question that never says it."""
    about: re.Pattern[str] | None = None
    """What the question must also speak of, anywhere, for this kind to count (None: anything); unlike
    ``given``, no precondition of the rule."""


INTENTS: tuple[Intent, ...] = (
    Intent(
        "exemption",
        # Whether a rule binds every workplace, or some may be exempted from it; decided by the standard
        # drafting of an exemption power ("Departementet kan i forskrift helt eller delvis unnta …").
        re.compile(
            r"\b(unntatt\W{1,3}fra|unnateke\W{1,3}frå|(?:er|blir|bli|være|vere|vert|is|are|be)\s+(?:\w+\s+)?(?:unntatt|unnateke|unnatekne)|"
            r"fritatt|fritekne|unntak|unntaket|unnatak|unnataket|unntas|unnta|unnatakast|"
            r"exempt\w*|for alle (?:arbeidsplasser|virksomheter|arbeidsgivere|verksemder)|"
            r"gjeld(?:er)? (?:reglene|loven|lova|de|dei|dette|retten) (?:uansett |egentlig )?for alle|"
            r"(?:ikke|ikkje) (?:er )?omfatt\w* av (?:reglene|loven|lova)|slipp\w*\b[^?.!]{0,40}\b(?:reglene|loven|lova)|"
            r"(?:ikke|ikkje)\W+(?:\w+\W+){0,2}følg\w*\W+(?:\w+\W+){0,2}(?:lov)?regl\w*|"
            r"(?:not|don't|do not)\W+(?:\w+\W+){0,2}follow\W+(?:\w+\W+){0,2}(?:rules|law))\b",
            re.IGNORECASE,
        ),
        re.compile(r"\b(kan i forskrift|(?:helt eller delvis )?unnta virksomheter)\b", re.IGNORECASE),
    ),
    Intent(
        "dispute",
        re.compile(
            r"\b(klage\w*|klag[ae]r?|uenig\w*|usamd\w*|tvist\w*|hvem avgjør|kven avgjer|hvem bestemmer|"
            r"(?:hvem|kven)\b[^?.!]{0,60}\b(?:avgjør|avgjer|avgjøre|avgjere|bestemmer|bestemme|"
            r"(?:tar|tek|ta) stilling til)|"
            r"kven bestemmer|appeal\w*|dispute\w*|disagree\w*|complain\w*|who decides|final say|"
            # where to take the case on
            r"(?:hvor|hvem|kvar|kven|where|who)\b[^?.!]{0,30}\b(?:sende|sender|send|ta|tar|take|bringe|gå|går)\b"
            r"[^?.!]{0,20}\b(?:videre|vidare|further)|ta (?:det|saka|saken) videre|take (?:it|this|the case) further)\b",
            re.IGNORECASE,
        ),
        # Who decides: the body a dispute goes to ("avgjøres av …nemnda", "bringes inn for en … nemnd for
        # avgjørelse"), not the later way to the courts (below).
        re.compile(r"\b(avgjøres av|for avgjørelse)\b", re.IGNORECASE),
    ),
    Intent(
        "court",
        # Whether and when a case may go to the courts: decided by the rules on court proceedings.
        re.compile(
            r"\b(domstol\w*|tingrett\w*|rettssak\w*|saksøk\w*|søksmål\w*|stevne\w*|court\w*|sue|lawsuit)\b",
            re.IGNORECASE,
        ),
        re.compile(r"\b(domstol\w*|domstolsprøving)\b", re.IGNORECASE),
    ),
    Intent(
        "refusal",
        re.compile(
            r"\b(nekte\w*|avslå\w*|avslag\w*|si nei|sier nei|sa nei|sagt nei|seie nei|avvis\w*|refuse\w*|deny|denied|"
            r"say no|turn down|reject\w*|si ja|seie ja|må (?:jeg|vi|eg) (?:innvilge|godta|godkjenne)|"
            r"have to (?:grant|approve|accept))\b",
            re.IGNORECASE,
        ),
        re.compile(
            r"\b(ikke kreves|til hinder for|med mindre|kan nektes|kan avslås|særlige grunner)\b",
            re.IGNORECASE,
        ),
    ),
    Intent(
        "deadline",
        re.compile(
            r"\b(frist\w*|innen når|når må|hvor fort|kor fort|hvor raskt|kor raskt|hvor lang tid har|"
            r"kor lang tid har|deadline|how soon|by when|how long does|how long do (?:I|we|they|you) have|"
            r"how much time do|"
            # how long the employer may leave it unanswered
            r"(?:hvor|kor) lenge (?:kan|har|får|skal) (?:de|dei|han|hun|ho|sjefen|arbeidsgiver\w*|arbeidsgjevar\w*|"
            r"kommunen|leder\w*|leiar\w*)\b[^?.!]{0,40}\b(?:svar\w*|vente|venta|la være|la vere|drøye|sitte på|"
            r"sitje på)|"
            r"how long can (?:they|he|she|my employer|my boss|the municipality)\b[^?.!]{0,40}\b(?:answer|reply|wait))\b",
            re.IGNORECASE,
        ),
        re.compile(
            r"\b(senest|snarest|frist\w*|innen (?:\w+ )?(?:dager|uker|måneder|måned))\b", re.IGNORECASE
        ),
    ),
    Intent(
        "procedure",
        re.compile(
            r"\b(hvordan (?:søker|søke|skal jeg søke|går jeg (?:fram|frem)|gjør jeg det formelt)|"
            r"korleis (?:søkjer|søker|søkje|går eg fram)|how (?:do I|to|can I) apply|what do I have to submit|"
            # what a notice or application must say, or whether one is enough
            r"(?:varsel\w*|søknad\w*|notice|application)\b[^?.!]{0,60}\b(?:innehold\w*|innehald\w*|includ\w*|"
            r"contain\w*|se ut|godt nok|good enough)|"
            r"(?:innehold\w*|innehald\w*|includ\w*|contain\w*|godt nok|good enough|stå i|står i|be in|go in|put in)\b"
            r"[^?.!]{0,40}\b(?:varsel\w*|søknad\w*|notice|application|request)|"
            # whether telling it is enough, or it must be written or made in a set way
            r"(?:muntlig|munnleg|in person|verbally)\b[^?.!]{0,30}\b(?:nok|enough)|"
            r"(?:holder|held|er) det (?:nok |godt nok )?(?:å si|å seie|at jeg sier|at eg seier|med å si|å gi beskjed|"
            r"(?:å|med å) sende (?:en |ei |ein )?(?:mail|e-?post|sms|melding|tekstmelding))|"
            r"(?:må|skal|bør)\s+(?:det|den|dette|søknaden|varselet|varslet|meldingen|meldinga)\s+(?:\w+\s+)?"
            r"(?:være|vere|gjøres|gjerast|skje|sendes|sendast|leveres)\s+(?:skriftlig|skriftleg|formelt|på (?:en|ein) "
            r"(?:spesiell|bestemt|egen|eigen) måte)|(?:må|skal) (?:jeg|eg) skrive|"
            r"(?:has|have|does it have|must it|need) to be (?:in writing|written)|in writing\?|"
            # what to write in it, or how to word it
            r"(?:hva|kva|what)\b[^?.!]{0,30}\b(?:skrive|skriva|skrives|ha med|write|put in|include)|"
            r"(?:hva|kva)\s+(?:må|skal|bør)\s+(?:være|vere)\s+med(?!\s+i\s)|"
            r"(?:være|vere)\b[^?.!]{0,25}\bi (?:søknad\w*|varsel\w*|e-?posten|mailen)|"
            r"(?:hva|kva)\s+(?:må|skal|bør)\b[^?.!]{0,20}\bstå i (?:det|den|søknad\w*|varsel\w*|e-?posten|mailen|"
            r"meldinga|meldingen)|"
            r"(?:hvordan|korleis|how)\b[^?.!]{0,30}\b(?:formulere|formulera|skrive|write|word)\b[^?.!]{0,20}\b"
            r"(?:søknad\w*|varsel\w*|notice|application|request|it))\b",
            re.IGNORECASE,
        ),
        re.compile(
            r"\b(skriftlig varsel|skriftleg varsel|må gi arbeidsgiver|varslet skal inneholde)\b",
            re.IGNORECASE,
        ),
    ),
    Intent(
        "waiting",
        re.compile(
            r"\b(hvor lenge må det gå|hvor lang tid må det gå|kor lenge må det gå|må det gå|må jeg vente|må eg vente|"
            r"vente før|ventetid\w*|karantene\w*|sperrefrist\w*|mellom to|how long must I wait|"
            r"\w*perm\w* (?:igjen|att|på nytt)|ny (?:utdannings)?perm\w*|"
            r"wait before|waiting period|tidligst|tidlegast|earliest|"
            r"how (?:long|much) (?:time )?(?:must|has to|have to|should|do(?:es)?|will)\b[^?.!]{0,30}\b(?:pass|go|wait)|"
            r"before (?:I|we|she|he|you|they) (?:can|may|get|have|will)\b[^?.!]{0,30}\b(?:new|again|another))\b",
            re.IGNORECASE,
        ),
        re.compile(r"\b(før det har gått|ikke rett til ny|ikkje rett til ny)\b", re.IGNORECASE),
        # The waiting rule is about a leave after an earlier one: "må jeg vente?" from someone who never had
        # one asks whether the right's conditions are met yet. Words of repetition and of an earlier time.
        re.compile(
            r"\b(igjen|ny|nytt|nye|enda en|en til|ei til|ein til|mellom to|forrige|foregående|tidligere|"
            r"førre|allerede|hadde|har hatt|hatt|tilbake|again|another|previous|back|had)\b",
            re.IGNORECASE,
        ),
    ),
    Intent(
        "information",
        # Whether one may be told how a request stands; decided by a duty to inform "på forespørsel".
        re.compile(
            r"\b(få vite|få beskjed om hva|få høre|få høyre|bli orientert|verte orientert|orientert om|"
            r"informert om|hva som skjer|kva som skjer|hva de gjør|kva dei gjer|hvordan det ligger an|"
            r"korleis det ligg an|hvor saken står|kor saka står|how it stands|what is happening|"
            r"be (?:told|informed|updated)|(?:get|have) an update)\b",
            re.IGNORECASE,
        ),
        re.compile(r"\b(på forespørsel orientere|på forespørsel)\b", re.IGNORECASE),
        # how one's own request stands, not what some document says
        about=re.compile(
            r"\b(søknad\w*|søkte|søkt|varsel\w*|varslet|varsla|permisjon\w*|perm|request\w*|application\w*|"
            r"applied|notice|leave)\b",
            re.IGNORECASE,
        ),
    ),
    Intent(
        "costs",
        # Who pays what the education costs (fees, travel, books); decided by the rule that covers the
        # costs ("dekning av legitimerte utgifter").
        re.compile(
            r"\b(betale|betaler|betalar|betala|dekke|dekker|dekkje|dekkjer|dekning|refusjon|refunder\w*|"
            # "få dekket" an expense ("får jeg dekket reise"), not covered shifts ("får dekket vaktene")
            r"(?:få|får|fått|blir|bli)(?: \w+)? dekket (?:\w+ )?(?:reise\w*|utgift\w*|overnatting\w*|hotell\w*|"
            r"kurs\w*|kost\w*|mat|diett|bøker|bok\w*|studie\w*|eksamen\w*|\w*avgift\w*|travel|hotel)|"
            r"utgift\w*|utgiftene|kostnad\w*|utlegg|legge ut|\w*avgift\w*|skolepenger|"
            r"skulepengar|expenses?|costs?|fees?|reimburs\w*)\b",
            re.IGNORECASE,
        ),
        re.compile(r"\b(dekning av (?:legitimerte )?utgifter|dekke (?:\w+ )?utgifter)\b", re.IGNORECASE),
        # The costs of learning something, not of a party or a commute.
        about=re.compile(
            r"\b(kurs\w*|utdann\w*|videreutdann\w*|etterutdann\w*|vidareutdann\w*|studi\w*|studere\w*|"
            r"student\w*|skole\w*|skule\w*|høgskul\w*|høyskole\w*|universitet\w*|fagskole\w*|fagskule\w*|"
            r"sertifiser\w*|opplæring\w*|samling\w*|eksamen\w*|course\w*|training|study|studies|studying|"
            r"degree|programme|program|certification|exam\w*)\b",
            re.IGNORECASE,
        ),
    ),
    Intent(
        "pay",
        re.compile(
            r"\b(lønn|lønna|løn|lønnet|betalt|betaling|paid|pay|salary|wages?)\b",
            re.IGNORECASE,
        ),
        re.compile(
            r"\b(med lønn|uten lønn|lønnet|ulønnet|endret lønn|lønnsutvikling|lønnsøkning)\b", re.IGNORECASE
        ),
    ),
    Intent(
        "right",
        re.compile(
            r"\b(har jeg rett|har eg rett|(?:har|hadde|ha|får|få|gir|gi)\b[^?.!]{0,40}\brett til|rett på|rettighet\w*|rettigheit\w*|krav på|kreve|krevje|vilkår\w*|"
            r"betingelse\w*|for å få|"
            # whether one may apply at all: eligibility ("kan eg søkje om utdanningspermisjon?")
            r"(?:kan|får|kan ikke|kan ikkje) (?:jeg|eg|man|en|ein|vi|me|hun|han|ho) (?:søke|søkje|søka)(?: om)? "
            r"\w*perm\w*|"
            r"for at jeg skal få|entitled|eligible|qualify|right to|have a right|requirements?|"
            # the right's conditions and length asked as a time: how long one must have worked, how long one
            # may be away ("hvor lenge må man ha jobba", "kor lenge kan eg vere borte")
            r"(?:hvor|kor) lenge må (?:jeg|eg|man|ein|en|du|vi|me)\s+(?:\w+\s+)?ha\s+(?:vært|vore|jobbet|jobba|"
            r"arbeidet|arbeidd|arbeida)|"
            r"(?:hvor|kor) lenge kan (?:jeg|eg|man|ein|en|du|vi|me)\s+(?:\w+\s+)?(?:være|vere|ha|få|ta|bli)\s+"
            r"(?:borte|fri|permisjon|perm|ute|heime|hjemme)|(?:hvor|kor) lang (?:permisjon|perm|fri)|"
            r"(?:hvor|kor) (?:lenge|mange (?:år|måneder|månader|uker|veker)) kan (?:den|ho|\w*permisjonen|"
            r"\w*permisjonen min|\w*perm\w*) (?:vare|vara|gå)|"
            r"how long (?:do|must|should) (?:I|you|we|one) (?:need to |have to )?(?:have )?(?:worked|been employed)|"
            r"how long (?:can|may) (?:I|you|we|one) (?:be away|take|get|have|be on leave))\b",
            re.IGNORECASE,
        ),
        re.compile(r"\b(har rett til|har krav på|kan kreve)\b", re.IGNORECASE),
    ),
)


# "Rett til utdanningspermisjon reguleres av arbeidsmiljøloven § 12-11.": a sentence that hands a matter
# over to another provision (standard Norwegian drafting: "reguleres av", "følger av", "fremgår av", "er
# regulert i"). The matter is the words before the verb.
_DEFERS = re.compile(
    r"(?:^|(?<=[.!?:\n]))\s*(?P<matter>[^.!?:\n]{3,120}?)\s+(?:reguleres|følger|fremgår|er regulert)\s+(?:av|i)\s+"
    r"[^.!?\n]*?§",
    re.IGNORECASE,
)


def deferred_matters(text: str) -> list[str]:
    """The matters ``text`` hands over to another provision ("Rett til utdanningspermisjon" in
    "Rett til utdanningspermisjon reguleres av arbeidsmiljøloven § 12-11.")."""
    return [m.group("matter").strip() for m in _DEFERS.finditer(text)]


_BY_NAME = {intent.name: intent for intent in INTENTS}

PAYMENT_KINDS = frozenset({"pay", "costs"})
"""The kinds asked of what a leave pays and covers: an agreement that hands the right itself over to a
statute ("Rett til utdanningspermisjon reguleres av …") still decides them itself."""


def asked_time(question: str) -> str:
    """ "during", "after" or "" (:func:`core.asking.time_focus`) for a question about pay, or about no kind of
    rule; "" for a question about another kind: "kan jeg si nei? systembyttet skal være ferdig til høsten" asks
    about a refusal, not about the time after a completed education, and who pays a course's travel asks about
    the time of the course, whatever "etterpå" the post says elsewhere."""
    kinds = asked_intents(question)
    if kinds and not any(i.name == "pay" for i in kinds):
        return ""
    return time_focus(question)


GENERAL_KIND = "right"
"""The kind every mention of a right asks for ("har … rett til", "krav på", "vilkår"): it yields to any other
kind the same question asks, and to a refusal asked anywhere in the post (:func:`asked_intents`)."""


@lru_cache(maxsize=4096)
def asked_intents(question: str) -> tuple[Intent, ...]:
    """The kinds of deciding rule the questions in ``question`` ask for, most specific first (empty for none).

    Only the sentences that ask count: in "Sjefen har avslått søknaden. Hvor kan jeg klage?" the refusal
    is what happened, not what is asked. A question that asks no kind of rule in its own words and ends on
    a pronoun ("Kan hun gjøre det?", "stemmer det?") asks about the sentence before it. Cached: retrieval,
    answerability and the answerer each ask it of one question.
    """

    def kinds(text: str) -> set[str]:
        names = {
            intent.name
            for intent in INTENTS
            if intent.asks.search(text)
            and (intent.given is None or intent.given.search(question))
            and (intent.about is None or intent.about.search(question))
        }
        # "right" is the general kind: "who decides if we disagree on my right?" asks about the dispute,
        # "do I have a right to pay?" about the pay.
        return names - {GENERAL_KIND} if len(names) > 1 else names

    found: set[str] = set()
    for group in asked_with_referents(question):
        found |= kinds(group[-1]) or kinds(" ".join(group))
    # A post that asks both whether the employer may refuse and whether one has the right ("Kan jeg si nei, eller
    # har de krav på det uansett?") is decided by the limit of the right, which presumes the right.
    if "refusal" in found:
        found.discard(GENERAL_KIND)
    return tuple(intent for intent in INTENTS if intent.name in found)


# What a right is to: the words after "rett til/på", "krav på", "kreve", up to the end of the clause.
_RIGHT_OBJECT = re.compile(
    r"\b(?:rett (?:til|på)|krav på|kreve|krevje|entitled to|right to)\s+(?:å\s+|to\s+)?(?:få\s+|get\s+)?"
    r"(?P<object>[^?.!,;:]{3,60}?)(?=\s+(?:og|eller|men|når|hvis|dersom|fordi|mens|medan|and|or|but|when|if)\b|"
    r"[?.!,;:]|$)",
    re.IGNORECASE,
)


def right_objects(question: str) -> tuple[str, ...]:
    """What the rights asked about in ``question``'s asking sentences are to ("Kan vi kreve å få se
    lønnspolitikken?" -> "se lønnspolitikken"): a passage stating a right to something else does not decide
    the question."""
    return tuple(
        m.group("object").strip() for part in asked_text(question) for m in _RIGHT_OBJECT.finditer(part)
    )


def decides(intents: Iterable[Intent], text: str) -> bool:
    """True when ``text`` is worded as the rule that settles one of ``intents``."""
    return any(_states(intent.name, text) for intent in intents)


def unmet_preconditions(question: str) -> tuple[Intent, ...]:
    """The kinds of rule whose precondition ``question`` never mentions: the waiting rule ("ikke rett til ny
    utdanningspermisjon før det har gått …") for someone who speaks of no earlier leave. A passage that
    :func:`decides` one of them states a rule that does not apply to the asker."""
    return tuple(i for i in INTENTS if i.given is not None and not i.given.search(question))


@lru_cache(maxsize=50_000)
def _states(name: str, text: str) -> bool:
    # Passages and sentences recur across questions: each is read once per kind of rule.
    return bool(_BY_NAME[name].decides.search(text))
