"""The verbs that introduce speech, as word forms, so no lemmatizer is needed."""

from __future__ import annotations

from spacy.tokens import Token


def _verb_forms(base: str) -> set[str]:
    """base, -s, -ed, -ing of a regular English verb ("note" -> note, notes, noted, noting)."""
    if base.endswith("e"):
        return {base, base + "s", base + "d", base[:-1] + "ing"}
    if base.endswith("y") and base[-2] not in "aeiou":
        return {base, base[:-1] + "ies", base[:-1] + "ied", base + "ing"}
    if base.endswith(("s", "sh", "ch", "x")):
        return {base, base + "es", base + "ed", base + "ing"}
    return {base, base + "s", base + "ed", base + "ing"}


# Verbs whose object is the one spoken about, never the speaker: "blasted Clinton as a “disgrace”".
EVALUATIVE_SPEECH_VERBS = (
    "characterize characterise praise laud blast condemn accuse liken cite hail criticize criticise dismiss "
    "compare blame exhort chant reference slam decry denounce mock ridicule lambast pound call describe label "
    "brand dub quote urge advise inform assure scold chide question"
)
TRANSITIVE_CUES = frozenset(
    {form for base in EVALUATIVE_SPEECH_VERBS.split() for form in _verb_forms(base)}
    | {"tell", "told", "tells", "telling", "labelled", "dubbed", "dubbing"}
)
REGULAR_SPEECH_VERBS = (
    "add state insist stress warn note explain declare announce claim argue assert acknowledge recall reply "
    "respond tweet ask continue predict suggest comment contend concede maintain emphasize emphasise remark "
    "repeat joke boast complain testify confirm deny promise vow urge report post describe call yell shout "
    "exclaim scoff mention observe agree conclude demand counter pledge reiterate allege charge retort lament "
    "recount muse opine whisper caution question wonder reason brag concur chide scold mock sing echo "
    "interject recollect marvel acknowledge insinuate proclaim confess thank " + EVALUATIVE_SPEECH_VERBS
)
IRREGULAR_SPEECH_VERBS = (
    "say said says saying tell told tells telling write wrote writes writing written read reads "
    "admit admits admitted admitting quip quips quipped quipping sang sung begin began begins"
)
# Forms of the verbs that introduce speech; matched on token.lower_ so the lemmatizer is not needed.
SPEECH_VERBS = frozenset(
    {form for base in REGULAR_SPEECH_VERBS.split() for form in _verb_forms(base)} | set(IRREGULAR_SPEECH_VERBS.split())
)
# Verbs that introduce reported speech without quotation marks; narrower, to keep paraphrases honest.
REPORTING_VERBS = frozenset(
    {form for base in ("add state insist stress warn note explain declare announce claim argue assert "
                       "acknowledge recall reply respond tweet predict suggest contend concede maintain "
                       "emphasize emphasise remark repeat boast complain testify confirm deny promise vow "
                       "urge mention observe conclude counter pledge reiterate allege charge retort caution "
                       "proclaim assure inform").split() for form in _verb_forms(base)}
    | {"say", "said", "says", "saying", "tell", "told", "tells", "telling", "write", "wrote", "writes", "admit",
       "admits", "admitted", "admitting"}
)
ASKING_VERBS = frozenset({"tell", "told", "tells", "telling", "ask", "asked", "asks", "asking", "inform",
                          "informed", "informs", "assure", "assured", "assures", "urge", "urged", "urges"})


def is_speech_cue(token: Token) -> bool:
    """A speech verb ("said", "points out", "according to", "as X put it") at this token."""
    lower = token.lower_
    if lower == "according":
        return True
    if lower in ("point", "points", "pointed", "pointing") and token.i + 1 < len(token.doc) and (
            token.doc[token.i + 1].lower_ == "out"):
        return True  # "he points out"
    if lower in ("put", "puts") and token.i + 1 < len(token.doc) and token.doc[token.i + 1].lower_ == "it":
        return True  # "as a Homeland Security memo put it"
    return lower in SPEECH_VERBS and token.tag_.startswith("VB")
