"""International bodies and agencies that news names in several ways: one canonical name each.

A maintained table, like `places`: "U.N.", "UN" and "United Nations" are one organization; "Security
Council" alone is the U.N. one. `organization_for` answers one surface form, case-insensitively.
"""

from __future__ import annotations

# canonical name: other names and abbreviations
ORGANIZATIONS: dict[str, tuple[str, ...]] = {
    "United Nations": ("U.N.", "UN", "the U.N.", "the UN"),
    "United Nations Security Council": ("U.N. Security Council", "UN Security Council", "Security Council", "UNSC"),
    "United Nations General Assembly": ("U.N. General Assembly", "UN General Assembly", "General Assembly", "UNGA"),
    "NATO": ("North Atlantic Treaty Organization", "Nato", "the Atlantic alliance"),
    "European Union": ("EU", "E.U.", "the European Union"),
    "European Commission": ("the Commission", "EC"),
    "International Atomic Energy Agency": ("IAEA", "U.N. nuclear watchdog", "UN nuclear watchdog"),
    "World Health Organization": ("WHO", "W.H.O."),
    "World Trade Organization": ("WTO",),
    "International Monetary Fund": ("IMF", "the Fund"),
    "World Bank": ("the World Bank Group",),
    "OPEC": ("Organization of the Petroleum Exporting Countries",),
    "ASEAN": ("Association of Southeast Asian Nations", "Asean"),
    "African Union": ("AU",),
    "Arab League": ("League of Arab States",),
    "Organization for Security and Co-operation in Europe": ("OSCE",),
    "OECD": ("Organisation for Economic Co-operation and Development",
             "Organization for Economic Cooperation and Development"),
    "International Criminal Court": ("ICC",),
    "International Court of Justice": ("ICJ", "World Court"),
    "UNHCR": ("U.N. refugee agency", "UN refugee agency", "United Nations High Commissioner for Refugees"),
    "UNICEF": ("United Nations Children's Fund",),
    "Group of Seven": ("G7", "G-7"),
    "Group of 20": ("G20", "G-20"),
    "State Department": ("U.S. State Department", "US State Department", "Department of State", "the State Department"),
    "Pentagon": ("Defense Department", "Department of Defense", "U.S. Defense Department", "DoD"),
    "Central Intelligence Agency": ("CIA",),
    "Federal Bureau of Investigation": ("FBI",),
    "National Security Agency": ("NSA",),
    "Islamic State": ("ISIS", "ISIL", "Daesh", "IS", "Islamic State group", "the Islamic State"),
    "Taliban": ("the Taliban",),
    "Hamas": (),
    "Hezbollah": ("Hizbollah",),
}


# Short or generic forms that also name other bodies ("ICC" is the International Cricket Council too, "the
# Commission" any commission): they stand for the body only when the article names it in another way.
NEEDS_SUPPORT = frozenset({
    "icc", "icj", "au", "ec", "is", "nsa", "dod", "commission", "fund", "general assembly", "world court",
})


def _key(text: str) -> str:
    key = " ".join(text.replace("\u2019", "'").replace(".", "").split()).lower()
    return key[4:] if key.startswith("the ") else key


def _build_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for canonical, others in ORGANIZATIONS.items():
        index[_key(canonical)] = canonical
        for other in others:
            index.setdefault(_key(other), canonical)
    return index


_INDEX = _build_index()


def organization_for(text: str) -> str | None:
    """The canonical name of the body `text` names ("U.N.", "Security Council", "IAEA"), or None."""
    if text.islower():  # "who", "us", "is": words, not acronyms
        return None
    return _INDEX.get(_key(text))


def _other_forms(canonical: str) -> list[str]:
    return [form for form in (canonical, *ORGANIZATIONS.get(canonical, ())) if _key(form) not in NEEDS_SUPPORT]


def organization_in(text: str, article: str) -> str | None:
    """Like `organization_for`, but a form that also names other bodies ("ICC") counts only when `article`
    names the body in another way ("International Criminal Court")."""
    body = organization_for(text)
    if body is None or _key(text) not in NEEDS_SUPPORT:
        return body
    lowered = article.lower()
    for form in _other_forms(body):
        plain = form.removeprefix("the ").lower()
        if len(plain) > 3 and plain in lowered or len(plain) <= 3 and plain.upper() in article.split():
            return body
    return None
