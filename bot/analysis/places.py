"""Countries and the words that stand for them: names, capitals, government metonyms, demonyms.

A maintained table: each row is a canonical country name with the other names news uses for it.
`country_for` answers one surface form, case-insensitively, ignoring a leading "the".
"""

from __future__ import annotations

from dataclasses import dataclass

# canonical name: (other names and abbreviations, capitals and seats of government, demonyms)
COUNTRIES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "United States": (
        ("U.S.", "US", "U.S.A.", "USA", "America", "United States of America", "the States"),
        ("Washington", "Washington, D.C.", "White House", "Foggy Bottom", "Oval Office"),
        ("American", "Americans", "U.S.-based"),
    ),
    "Russia": (("Russian Federation",), ("Moscow", "Kremlin"), ("Russian", "Russians")),
    "China": (
        ("People's Republic of China", "PRC", "mainland China"),
        ("Beijing", "Zhongnanhai"),
        ("Chinese",),
    ),
    "North Korea": (
        ("Democratic People's Republic of Korea", "DPRK", "N. Korea"),
        ("Pyongyang",),
        ("North Korean", "North Koreans"),
    ),
    "South Korea": (("Republic of Korea", "ROK", "S. Korea"), ("Seoul", "Blue House"), ("South Korean", "South Koreans")),
    "Japan": ((), ("Tokyo",), ("Japanese",)),
    "United Kingdom": (
        ("U.K.", "UK", "Britain", "Great Britain", "England"),
        ("London", "Downing Street", "Whitehall", "Number 10"),
        ("British", "Briton", "Britons", "English"),
    ),
    "France": ((), ("Paris", "Élysée", "Elysee", "Élysée Palace", "Elysee Palace", "Quai d'Orsay"), ("French",)),
    "Germany": ((), ("Berlin", "Chancellery"), ("German", "Germans")),
    "Italy": ((), ("Rome", "Palazzo Chigi"), ("Italian", "Italians")),
    "Spain": ((), ("Madrid", "Moncloa"), ("Spanish", "Spaniards")),
    "Portugal": ((), ("Lisbon",), ("Portuguese",)),
    "Netherlands": (("Holland", "The Netherlands"), ("Amsterdam", "The Hague"), ("Dutch",)),
    "Belgium": ((), ("Brussels",), ("Belgian", "Belgians")),
    "Switzerland": ((), ("Bern", "Berne"), ("Swiss",)),
    "Austria": ((), ("Vienna",), ("Austrian", "Austrians")),
    "Poland": ((), ("Warsaw",), ("Polish", "Poles")),
    "Hungary": ((), ("Budapest",), ("Hungarian", "Hungarians")),
    "Czech Republic": (("Czechia",), ("Prague",), ("Czech", "Czechs")),
    "Greece": ((), ("Athens",), ("Greek", "Greeks")),
    "Sweden": ((), ("Stockholm",), ("Swedish", "Swedes")),
    "Norway": ((), ("Oslo",), ("Norwegian", "Norwegians")),
    "Denmark": ((), ("Copenhagen",), ("Danish", "Danes")),
    "Finland": ((), ("Helsinki",), ("Finnish", "Finns")),
    "Ireland": (("Republic of Ireland",), ("Dublin",), ("Irish",)),
    "Ukraine": (("the Ukraine",), ("Kiev", "Kyiv"), ("Ukrainian", "Ukrainians")),
    "Belarus": ((), ("Minsk",), ("Belarusian", "Belarusians")),
    "Georgia": ((), ("Tbilisi",), ("Georgian", "Georgians")),
    "Armenia": ((), ("Yerevan",), ("Armenian", "Armenians")),
    "Azerbaijan": ((), ("Baku",), ("Azerbaijani", "Azerbaijanis")),
    "Turkey": (("Türkiye",), ("Ankara",), ("Turkish", "Turks")),
    "Serbia": ((), ("Belgrade",), ("Serbian", "Serbs")),
    "Kosovo": ((), ("Pristina",), ("Kosovar", "Kosovars")),
    "Romania": ((), ("Bucharest",), ("Romanian", "Romanians")),
    "Bulgaria": ((), ("Sofia",), ("Bulgarian", "Bulgarians")),
    "Canada": ((), ("Ottawa",), ("Canadian", "Canadians")),
    "Mexico": ((), ("Mexico City",), ("Mexican", "Mexicans")),
    "Cuba": ((), ("Havana",), ("Cuban", "Cubans")),
    "Venezuela": ((), ("Caracas",), ("Venezuelan", "Venezuelans")),
    "Colombia": ((), ("Bogota", "Bogotá"), ("Colombian", "Colombians")),
    "Brazil": ((), ("Brasilia", "Brasília"), ("Brazilian", "Brazilians")),
    "Argentina": ((), ("Buenos Aires",), ("Argentine", "Argentinian", "Argentines")),
    "Chile": ((), ("Santiago",), ("Chilean", "Chileans")),
    "Peru": ((), ("Lima",), ("Peruvian", "Peruvians")),
    "Nicaragua": ((), ("Managua",), ("Nicaraguan", "Nicaraguans")),
    "Iran": (("Islamic Republic of Iran",), ("Tehran",), ("Iranian", "Iranians", "Persian")),
    "Iraq": ((), ("Baghdad",), ("Iraqi", "Iraqis")),
    "Syria": ((), ("Damascus",), ("Syrian", "Syrians")),
    "Israel": ((), ("Jerusalem", "Tel Aviv"), ("Israeli", "Israelis")),
    "Palestine": (("Palestinian territories", "West Bank", "Gaza", "Gaza Strip"), ("Ramallah",), ("Palestinian", "Palestinians")),
    "Lebanon": ((), ("Beirut",), ("Lebanese",)),
    "Jordan": ((), ("Amman",), ("Jordanian", "Jordanians")),
    "Saudi Arabia": (("Saudi", "KSA"), ("Riyadh",), ("Saudis",)),
    "United Arab Emirates": (("UAE", "U.A.E.", "Emirates"), ("Abu Dhabi",), ("Emirati", "Emiratis")),
    "Qatar": ((), ("Doha",), ("Qatari", "Qataris")),
    "Kuwait": ((), ("Kuwait City",), ("Kuwaiti", "Kuwaitis")),
    "Yemen": ((), ("Sanaa", "Sana'a"), ("Yemeni", "Yemenis")),
    "Oman": ((), ("Muscat",), ("Omani", "Omanis")),
    "Egypt": ((), ("Cairo",), ("Egyptian", "Egyptians")),
    "Libya": ((), ("Tripoli",), ("Libyan", "Libyans")),
    "Tunisia": ((), ("Tunis",), ("Tunisian", "Tunisians")),
    "Algeria": ((), ("Algiers",), ("Algerian", "Algerians")),
    "Morocco": ((), ("Rabat",), ("Moroccan", "Moroccans")),
    "Sudan": ((), ("Khartoum",), ("Sudanese",)),
    "Ethiopia": ((), ("Addis Ababa",), ("Ethiopian", "Ethiopians")),
    "Somalia": ((), ("Mogadishu",), ("Somali", "Somalis")),
    "Kenya": ((), ("Nairobi",), ("Kenyan", "Kenyans")),
    "Nigeria": ((), ("Abuja",), ("Nigerian", "Nigerians")),
    "South Africa": ((), ("Pretoria",), ("South African", "South Africans")),
    "Afghanistan": ((), ("Kabul",), ("Afghan", "Afghans")),
    "Pakistan": ((), ("Islamabad",), ("Pakistani", "Pakistanis")),
    "India": ((), ("New Delhi",), ("Indian", "Indians")),
    "Bangladesh": ((), ("Dhaka",), ("Bangladeshi", "Bangladeshis")),
    "Myanmar": (("Burma",), ("Naypyitaw", "Naypyidaw"), ("Burmese",)),
    "Thailand": ((), ("Bangkok",), ("Thai",)),
    "Vietnam": (("Viet Nam",), ("Hanoi",), ("Vietnamese",)),
    "Philippines": (("The Philippines",), ("Manila", "Malacañang", "Malacanang"), ("Filipino", "Filipinos", "Philippine")),
    "Indonesia": ((), ("Jakarta",), ("Indonesian", "Indonesians")),
    "Malaysia": ((), ("Kuala Lumpur",), ("Malaysian", "Malaysians")),
    "Singapore": ((), (), ("Singaporean", "Singaporeans")),
    "Taiwan": (("Republic of China",), ("Taipei",), ("Taiwanese",)),
    "Mongolia": ((), ("Ulaanbaatar",), ("Mongolian", "Mongolians")),
    "Kazakhstan": ((), ("Astana", "Nur-Sultan"), ("Kazakh", "Kazakhs")),
    "Uzbekistan": ((), ("Tashkent",), ("Uzbek", "Uzbeks")),
    "Australia": ((), ("Canberra",), ("Australian", "Australians")),
    "New Zealand": ((), ("Wellington",), ("New Zealander", "New Zealanders")),
    "Vatican": (("Holy See", "Vatican City"), (), ()),
}

# Other GPE and LOC names that are not countries but often sit next to them.
NON_COUNTRY_REGIONS = frozenset({
    "europe", "asia", "africa", "middle east", "korean peninsula", "latin america", "korea", "the west",
    "west", "gulf", "persian gulf", "balkans", "caucasus", "central asia", "southeast asia", "east asia",
    "north america", "south america", "arctic", "pacific", "atlantic", "sahel", "levant", "crimea", "donbas",
})


@dataclass(frozen=True)
class CountryMatch:
    """A surface form resolved to its country, and how it names it."""

    country: str
    how: str  # name | capital | demonym


def _key(text: str) -> str:
    """Lower case, no periods, no leading "the", no possessive: "the U.S.'s" -> "us"."""
    key = " ".join(text.replace("\u2019", "'").replace(".", "").split()).lower()
    if key.startswith("the "):
        key = key[4:]
    if key.endswith("'s"):
        key = key[:-2]
    return key.strip(" ,;:'")


def _build_index() -> dict[str, CountryMatch]:
    index: dict[str, CountryMatch] = {}
    for country, (names, capitals, demonyms) in COUNTRIES.items():
        index[_key(country)] = CountryMatch(country, "name")
        for name in names:
            index.setdefault(_key(name), CountryMatch(country, "name"))
        for capital in capitals:
            index.setdefault(_key(capital), CountryMatch(country, "capital"))
        for demonym in demonyms:
            index.setdefault(_key(demonym), CountryMatch(country, "demonym"))
    return index


_INDEX = _build_index()


def country_for(text: str) -> CountryMatch | None:
    """The country that `text` names ("Pyongyang", "the White House", "North Korean"), or None."""
    if text.islower() and len(text) < 4:  # "us" the pronoun, not the U.S.
        return None
    return _INDEX.get(_key(text))
