"""The base form of an English verb from its past participle or past tense, without spaCy's lemmatizer.

Deadlines turn a passive ("the records must be released by Thursday") into an act a reader can read as an
instruction ("release the records"); the pipeline runs without the lemmatizer, so the few rules English
needs for that live here: a table of irregular verbs and the spelling rules of regular "-ed" forms.
"""

from __future__ import annotations

import re

IRREGULAR = {
    "done": "do", "did": "do", "given": "give", "gave": "give", "taken": "take", "took": "take", "made": "make",
    "held": "hold", "set": "set", "put": "put", "cut": "cut", "shut": "shut", "met": "meet", "paid": "pay",
    "sent": "send", "spent": "spend", "built": "build", "brought": "bring", "bought": "buy", "kept": "keep",
    "left": "leave", "sold": "sell", "told": "tell", "found": "find", "won": "win", "begun": "begin",
    "began": "begin", "drawn": "draw", "withdrawn": "withdraw", "withdrew": "withdraw", "written": "write",
    "chosen": "choose", "broken": "break", "spoken": "speak", "frozen": "freeze", "lifted": "lift",
    "laid": "lay", "led": "lead", "read": "read", "seen": "see", "shown": "show", "known": "know",
    "thrown": "throw", "torn": "tear", "worn": "wear", "sworn": "swear", "forgiven": "forgive",
    "forgotten": "forget", "got": "get", "gotten": "get", "hung": "hang", "run": "run", "ran": "run",
    "struck": "strike", "sought": "seek", "taught": "teach", "thought": "think", "fought": "fight",
    "caught": "catch", "bound": "bind", "ground": "grind", "wound": "wind", "understood": "understand",
    "undertaken": "undertake", "overturned": "overturn", "rebuilt": "rebuild", "redrawn": "redraw",
    "rewritten": "rewrite", "upheld": "uphold", "withheld": "withhold", "dealt": "deal", "meant": "mean",
    "lent": "lend", "lost": "lose", "heard": "hear", "said": "say", "sat": "sit", "stood": "stand",
    "hit": "hit", "let": "let", "quit": "quit", "spread": "spread", "shed": "shed", "bid": "bid",
    "fed": "feed", "fled": "flee", "bred": "breed", "sped": "speed", "been": "be", "had": "have",
    "become": "become", "come": "come", "overcome": "overcome", "eaten": "eat", "fallen": "fall",
    "ridden": "ride", "risen": "rise", "driven": "drive", "hidden": "hide", "proven": "prove",
    "shaken": "shake", "stolen": "steal", "woken": "wake", "sunk": "sink", "sung": "sing", "swung": "swing",
}
# Stems whose "-ed" form doubled the final consonant ("submitted", "planned"), and those that did not lose it.
_DOUBLED = re.compile(r"([bdgmnprtl])\1$")
_KEEPS_DOUBLE = {"add", "ebb", "err", "purr", "butt", "call", "fill", "kill", "poll", "roll", "sell", "tell",
                 "spell", "install", "enroll", "pull", "stall", "fall", "pass", "miss", "dismiss", "press",
                 "address", "express", "process", "assess", "stress", "discuss", "possess", "access", "bill",
                 "distill", "fulfill", "instill", "forestall", "enthrall", "annull"}
# Stems that dropped a silent "e" ("released" → releas-e, "reduced" → reduc-e, "completed" → complet-e).
_SILENT_E = re.compile(r"(?:[^aeiou][aiou][cgrsvz]|[cgsvzu]|at|[^aeiou]et|[^aeiou]it|ut|ng|dg|rg|rs|ns|"
                       r"ps|ls|[^aeiou][^aeiouylrwn]l|[^aeiou]il|[^aeiou]id|[^aeiou]od|ud|ov|[aeiou]c|[aeiou]k|"
                       r"i[mn]|om|one|ire)$")
_NO_SILENT_E = {"limit", "visit", "edit", "audit", "credit", "exit", "profit", "benefit", "deposit", "exhibit",
                "inherit", "inhibit", "prohibit", "solicit", "target", "budget", "market", "pocket", "interpret",
                "offer", "order", "enter", "lower", "render", "deliver", "consider", "register", "monitor",
                "sign", "focus", "bias", "canvas", "harass", "occur", "incur", "recur", "confer", "prefer",
                "refer", "transfer", "defer", "deter", "infer", "debut", "ring", "bring", "sing", "string",
                "swing", "belong", "prolong", "long", "ceasefire", "attack", "lock", "block", "check",
                "mark", "work", "back", "pick", "track", "stack", "knock", "rank", "bank", "link", "sink",
                "park", "seek", "thank", "talk", "ask", "risk", "mask", "task", "finish", "push", "wish",
                "wash", "publish", "establish", "abolish", "accomplish", "pledg", "form", "perform", "reform",
                "transform", "inform", "confirm", "affirm", "alarm", "arm", "disarm", "harm", "claim", "aim",
                "deem", "seem", "redeem", "join", "rejoin", "gain", "obtain", "contain", "retain", "detain",
                "maintain", "sustain", "train", "remain", "explain", "complain", "refrain", "restrain",
                "return", "turn", "burn", "learn", "earn", "warn", "mourn", "govern", "concern", "review",
                "open", "happen", "listen", "strengthen", "threaten", "weaken", "widen", "broaden", "soften",
                "harden", "deepen", "fasten", "lessen", "loosen", "tighten", "shorten", "lengthen", "cancel",
                "fuel", "label", "model", "travel", "level", "signal", "total", "equal", "rival", "repeal",
                "appeal", "reveal", "conceal", "seal", "heal", "deal", "steal", "curtail", "detail", "fail",
                "mail", "sail", "entail", "prevail", "avail", "veil", "unveil", "boil", "foil", "toil", "spoil",
                "pool", "fool", "tool", "cool", "school", "control", "patrol", "enrol", "compel", "expel",
                "propel", "repel", "dispel", "excel", "treat", "defeat", "repeat", "heat", "seat", "retreat",
                "threat", "float", "boat", "coat", "await", "wait", "until", "boycott"}


def base_form(word: str) -> str:
    """'released' → 'release', 'submitted' → 'submit', 'withdrawn' → 'withdraw', 'applied' → 'apply'; a word
    that is no past form is returned as it is."""
    lower = word.lower()
    if lower in IRREGULAR:
        return IRREGULAR[lower]
    if not lower.endswith("ed") or len(lower) <= 3:
        return lower
    if lower.endswith("ied") and len(lower) > 4:
        return lower[:-3] + "y"
    if lower.endswith("ed") and lower[:-1] in _NO_SILENT_E | {"agree", "free", "guarantee", "oversee", "decree"}:
        return lower[:-1]  # "agreed" → "agree", "freed" → "free"
    if lower.endswith("eed") and len(lower) <= 5:
        return lower  # "need", "feed" are base forms
    stem = lower[:-2]
    if stem in _KEEPS_DOUBLE or stem in _NO_SILENT_E:
        return stem
    if _DOUBLED.search(stem):
        return stem[:-1]  # "submitted" → "submit", "planned" → "plan", "cancelled" → "cancel"
    if _SILENT_E.search(stem):
        return stem + "e"
    return stem
