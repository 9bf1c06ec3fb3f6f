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
    # The other sovereign states, so that every country of a story is a country.
    "Albania": ((), ("Tirana",), ("Albanian", "Albanians")),
    "Andorra": ((), ("Andorra la Vella",), ("Andorran",)),
    "Angola": ((), ("Luanda",), ("Angolan", "Angolans")),
    "Antigua and Barbuda": ((), ("St. John's",), ("Antiguan",)),
    "Bahamas": (("The Bahamas",), ("Nassau",), ("Bahamian", "Bahamians")),
    "Bahrain": ((), ("Manama",), ("Bahraini", "Bahrainis")),
    "Barbados": ((), ("Bridgetown",), ("Barbadian", "Barbadians")),
    "Belize": ((), ("Belmopan",), ("Belizean",)),
    "Benin": ((), ("Porto-Novo", "Cotonou"), ("Beninese",)),
    "Bhutan": ((), ("Thimphu",), ("Bhutanese",)),
    "Bolivia": ((), ("La Paz", "Sucre"), ("Bolivian", "Bolivians")),
    "Bosnia and Herzegovina": (("Bosnia", "Bosnia-Herzegovina"), ("Sarajevo",), ("Bosnian", "Bosnians")),
    "Botswana": ((), ("Gaborone",), ("Botswanan", "Batswana")),
    "Brunei": ((), ("Bandar Seri Begawan",), ("Bruneian",)),
    "Burkina Faso": ((), ("Ouagadougou",), ("Burkinabe",)),
    "Burundi": ((), ("Gitega", "Bujumbura"), ("Burundian", "Burundians")),
    "Cambodia": ((), ("Phnom Penh",), ("Cambodian", "Cambodians")),
    "Cameroon": ((), ("Yaounde", "Yaoundé"), ("Cameroonian", "Cameroonians")),
    "Cape Verde": (("Cabo Verde",), ("Praia",), ("Cape Verdean",)),
    "Central African Republic": ((), ("Bangui",), ()),
    "Chad": ((), ("N'Djamena",), ("Chadian", "Chadians")),
    "Comoros": ((), ("Moroni",), ("Comorian",)),
    "Congo": (("Republic of Congo", "Congo-Brazzaville"), ("Brazzaville",), ("Congolese",)),
    "Democratic Republic of Congo": (("DR Congo", "DRC", "Democratic Republic of the Congo", "Congo-Kinshasa",
                                      "Zaire"), ("Kinshasa",), ()),
    "Costa Rica": ((), ("San Jose", "San José"), ("Costa Rican", "Costa Ricans")),
    "Croatia": ((), ("Zagreb",), ("Croatian", "Croatians", "Croat", "Croats")),
    "Cyprus": ((), ("Nicosia",), ("Cypriot", "Cypriots")),
    "Djibouti": ((), (), ("Djiboutian",)),
    "Dominica": ((), ("Roseau",), ()),
    "Dominican Republic": ((), ("Santo Domingo",), ("Dominican", "Dominicans")),
    "East Timor": (("Timor-Leste",), ("Dili",), ("East Timorese", "Timorese")),
    "Ecuador": ((), ("Quito",), ("Ecuadorian", "Ecuadoreans", "Ecuadorians")),
    "El Salvador": ((), ("San Salvador",), ("Salvadoran", "Salvadorans")),
    "Equatorial Guinea": ((), ("Malabo",), ("Equatoguinean",)),
    "Eritrea": ((), ("Asmara",), ("Eritrean", "Eritreans")),
    "Estonia": ((), ("Tallinn",), ("Estonian", "Estonians")),
    "Eswatini": (("Swaziland",), ("Mbabane",), ("Swazi",)),
    "Fiji": ((), ("Suva",), ("Fijian", "Fijians")),
    "Gabon": ((), ("Libreville",), ("Gabonese",)),
    "Gambia": (("The Gambia",), ("Banjul",), ("Gambian", "Gambians")),
    "Ghana": ((), ("Accra",), ("Ghanaian", "Ghanaians")),
    "Grenada": ((), ("St. George's",), ("Grenadian",)),
    "Guatemala": ((), ("Guatemala City",), ("Guatemalan", "Guatemalans")),
    "Guinea": ((), ("Conakry",), ("Guinean", "Guineans")),
    "Guinea-Bissau": ((), ("Bissau",), ()),
    "Guyana": ((), ("Georgetown",), ("Guyanese",)),
    "Haiti": ((), ("Port-au-Prince",), ("Haitian", "Haitians")),
    "Honduras": ((), ("Tegucigalpa",), ("Honduran", "Hondurans")),
    "Iceland": ((), ("Reykjavik", "Reykjavík"), ("Icelandic", "Icelanders")),
    "Ivory Coast": (("Cote d'Ivoire", "Côte d'Ivoire"), ("Yamoussoukro", "Abidjan"), ("Ivorian", "Ivorians")),
    "Jamaica": ((), ("Kingston",), ("Jamaican", "Jamaicans")),
    "Kiribati": ((), ("Tarawa",), ()),
    "Kyrgyzstan": ((), ("Bishkek",), ("Kyrgyz",)),
    "Laos": ((), ("Vientiane",), ("Laotian", "Lao")),
    "Latvia": ((), ("Riga",), ("Latvian", "Latvians")),
    "Lesotho": ((), ("Maseru",), ()),
    "Liberia": ((), ("Monrovia",), ("Liberian", "Liberians")),
    "Liechtenstein": ((), ("Vaduz",), ()),
    "Lithuania": ((), ("Vilnius",), ("Lithuanian", "Lithuanians")),
    "Luxembourg": ((), (), ("Luxembourger", "Luxembourgers")),
    "Madagascar": ((), ("Antananarivo",), ("Malagasy",)),
    "Malawi": ((), ("Lilongwe",), ("Malawian", "Malawians")),
    "Maldives": ((), ("Malé",), ("Maldivian", "Maldivians")),
    "Mali": ((), ("Bamako",), ("Malian", "Malians")),
    "Malta": ((), ("Valletta",), ("Maltese",)),
    "Marshall Islands": ((), ("Majuro",), ()),
    "Mauritania": ((), ("Nouakchott",), ("Mauritanian", "Mauritanians")),
    "Mauritius": ((), ("Port Louis",), ("Mauritian", "Mauritians")),
    "Micronesia": ((), ("Palikir",), ("Micronesian",)),
    "Moldova": ((), ("Chisinau", "Chișinău"), ("Moldovan", "Moldovans")),
    "Monaco": ((), (), ("Monegasque",)),
    "Montenegro": ((), ("Podgorica",), ("Montenegrin", "Montenegrins")),
    "Mozambique": ((), ("Maputo",), ("Mozambican", "Mozambicans")),
    "Namibia": ((), ("Windhoek",), ("Namibian", "Namibians")),
    "Nauru": ((), (), ("Nauruan",)),
    "Nepal": ((), ("Kathmandu",), ("Nepali", "Nepalese")),
    "Niger": ((), ("Niamey",), ("Nigerien", "Nigeriens")),
    "North Macedonia": (("Macedonia",), ("Skopje",), ("Macedonian", "Macedonians")),
    "Palau": ((), ("Ngerulmud",), ("Palauan",)),
    "Panama": ((), ("Panama City",), ("Panamanian", "Panamanians")),
    "Papua New Guinea": ((), ("Port Moresby",), ("Papua New Guinean",)),
    "Paraguay": ((), ("Asuncion", "Asunción"), ("Paraguayan", "Paraguayans")),
    "Rwanda": ((), ("Kigali",), ("Rwandan", "Rwandans")),
    "Saint Kitts and Nevis": ((), ("Basseterre",), ()),
    "Saint Lucia": ((), ("Castries",), ()),
    "Saint Vincent and the Grenadines": ((), ("Kingstown",), ()),
    "Samoa": ((), ("Apia",), ("Samoan", "Samoans")),
    "San Marino": ((), (), ()),
    "Sao Tome and Principe": (("São Tomé and Príncipe",), (), ()),
    "Senegal": ((), ("Dakar",), ("Senegalese",)),
    "Seychelles": ((), (), ("Seychellois",)),
    "Sierra Leone": ((), ("Freetown",), ("Sierra Leonean", "Sierra Leoneans")),
    "Slovakia": ((), ("Bratislava",), ("Slovak", "Slovaks", "Slovakian")),
    "Slovenia": ((), ("Ljubljana",), ("Slovenian", "Slovenians", "Slovene", "Slovenes")),
    "Solomon Islands": ((), ("Honiara",), ()),
    "South Sudan": ((), ("Juba",), ("South Sudanese",)),
    "Sri Lanka": ((), ("Colombo",), ("Sri Lankan", "Sri Lankans")),
    "Suriname": ((), ("Paramaribo",), ("Surinamese",)),
    "Tajikistan": ((), ("Dushanbe",), ("Tajik", "Tajiks")),
    "Tanzania": ((), ("Dodoma", "Dar es Salaam"), ("Tanzanian", "Tanzanians")),
    "Togo": ((), ("Lome", "Lomé"), ("Togolese",)),
    "Tonga": ((), ("Nuku'alofa",), ("Tongan", "Tongans")),
    "Trinidad and Tobago": (("Trinidad",), ("Port of Spain",), ("Trinidadian", "Trinidadians")),
    "Turkmenistan": ((), ("Ashgabat",), ("Turkmen",)),
    "Tuvalu": ((), ("Funafuti",), ()),
    "Uganda": ((), ("Kampala",), ("Ugandan", "Ugandans")),
    "Uruguay": ((), ("Montevideo",), ("Uruguayan", "Uruguayans")),
    "Vanuatu": ((), ("Port Vila",), ()),
    "Zambia": ((), ("Lusaka",), ("Zambian", "Zambians")),
    "Zimbabwe": ((), ("Harare",), ("Zimbabwean", "Zimbabweans")),
}

# Seats of government that are not cities: they stand for the government wherever they are named.
SEATS_OF_GOVERNMENT = frozenset({
    "white house", "foggy bottom", "oval office", "kremlin", "zhongnanhai", "blue house", "downing street",
    "whitehall", "number 10", "élysée", "elysee", "élysée palace", "elysee palace", "quai d'orsay", "chancellery",
    "palazzo chigi", "moncloa", "malacañang", "malacanang",
})

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
    how: str  # name | capital (a city) | seat (a seat of government that is not a city) | demonym


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
            how = "seat" if _key(capital) in SEATS_OF_GOVERNMENT else "capital"
            index.setdefault(_key(capital), CountryMatch(country, how))
        for demonym in demonyms:
            index.setdefault(_key(demonym), CountryMatch(country, "demonym"))
    return index


_INDEX = _build_index()


def country_for(text: str) -> CountryMatch | None:
    """The country that `text` names ("Pyongyang", "the White House", "North Korean"), or None."""
    if text.islower() and len(text) < 4:  # "us" the pronoun, not the U.S.
        return None
    return _INDEX.get(_key(text))
