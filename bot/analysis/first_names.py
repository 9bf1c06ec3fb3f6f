"""Common given names that news copy uses almost only for one gender: weak evidence for he/she.

Only names that are rarely given to the other gender are listed (no Chris, Pat, Jordan, Kim, Jean, Robin).
"""

from __future__ import annotations

FEMALE_FIRST_NAMES = frozenset("""
abigail ada adriana agnes aileen alexandra alice alicia alison allison amanda amber amelia amy ana anastasia
andrea angela angelina anita ann anna anne annette antonia april barbara beatrice becky belinda betsy betty
beverly bonnie brenda bridget brittany camila carla carmen carol carole caroline carolyn catherine cecilia
charlotte cheryl christina christine cindy claire clara claudia colleen connie cynthia daisy daniela daphne
deborah debbie debra denise diana diane donna doris dorothy edith eileen elaine eleanor elena elisabeth
elizabeth ella ellen elsa emily emma erica erin esther eva evelyn fatima fiona florence frances gabriela gina
giselle gladys gloria grace gwen hannah harriet heather heidi helen helena hillary hilary holly ingrid irene
iris isabel isabella ivana ivanka jacqueline jane janet janice jasmine jeanne jennifer jenny jessica jill
joan joanna joanne josephine joyce judith judy julia julie june karen katherine kathleen kathryn kathy katie
kayleigh kelly kirsten kristen laura lauren leah lillian linda lisa loretta lorraine louise lucia lucy lydia
madeleine maggie margaret maria marianne marie marilyn marina marion marsha martha mary maureen megan melania
melanie melissa michelle mildred miriam monica nadia nancy natalie natasha nicole nina nora olga olivia pamela
patricia paula pauline peggy penelope penny phyllis priscilla rachel rebecca regina rita roberta rosa rosalind
rose ruth sabrina samantha sandra sara sarah sharon sheila shirley silvia sonia sophia sophie stephanie susan
susanne suzanne sylvia tamara tammy teresa theresa tiffany tina tracy ursula valerie vanessa veronica victoria
virginia vivian wendy yolanda yvonne zoe chelsea lily chloe kate kimberly stacey tara huma nikki kellyanne condoleezza madeline theresa angela ségolène
""".split())

MALE_FIRST_NAMES = frozenset("""
aaron abdul abraham adam adrian ahmed alan albert alberto alejandro alexander alfred ali allen alvin andre
andrew andy angus anthony antonio arnold arthur barack barry ben benjamin bernard bernie bill billy bob bobby
boris brad bradley brandon brian bruce bryan carl carlos charles chuck clarence claude clifford colin craig
curtis dan daniel darren dave david dean dennis derek dick don donald doug douglas duncan dwight earl eddie
edward edwin elian elijah elliot emmanuel enrique eric ernest eugene evan francis francisco frank franklin
fred frederick gary george gerald gordon graham greg gregory harold harry hector henry herbert howard hugh
ian isaac ivan jack jacob jake james jared jason jay jeb jeff jeffrey jeremy jerry jesse jim jimmy joe joel
john johnny jon jonathan jorge jose joseph josh joshua juan julian justin keith ken kenneth kevin kurt lamar
larry lawrence lazaro lee leo leon leonard lewis lloyd louis luis luke malcolm marco marcus mark martin matt
matthew maurice max michael miguel mike mitch mitchell mohammed muhammad nathan neil nicholas nick nigel
norman oliver omar oscar patrick paul pedro peter phil philip pierre ralph randy ray raymond reince reggie
richard rick rob robert rodrigo roger roland ron ronald ross roy rudy russell ryan sam samuel saddam scott
sean sergei seth sidney simon stanley stephen steve steven stuart ted terry thomas tim timothy todd tom tony
travis trent troy tyler vernon victor vincent vladimir walter warren wayne wesley william willie xi yusuf
zachary mikhail dmitry mitt newt rand jeh rush marco hugh abdullah hussein hamid hassan jean-claude jean-marc francois jacques juan-miguel
""".split())


def first_name_gender(first: str) -> str | None:
    """ "m", "f" or None for a lower-cased given name."""
    if first in FEMALE_FIRST_NAMES:
        return "f"
    if first in MALE_FIRST_NAMES:
        return "m"
    return None


# Short forms news copy uses for the same given name ("Ken Starr" is "Kenneth Starr").
NICKNAMES = {
    "bill": "william", "billy": "william", "will": "william", "bob": "robert", "bobby": "robert", "rob": "robert",
    "chuck": "charles", "charlie": "charles", "mike": "michael", "jim": "james", "jimmy": "james",
    "joe": "joseph", "tom": "thomas", "tommy": "thomas", "dick": "richard", "rick": "richard", "rich": "richard",
    "ed": "edward", "ken": "kenneth", "kenny": "kenneth", "dave": "david", "steve": "steven", "sandy": "sandra",
    "liz": "elizabeth", "beth": "elizabeth", "betsy": "elizabeth", "kathy": "katherine", "kate": "katherine",
    "sue": "susan", "jen": "jennifer", "jenny": "jennifer", "alex": "alexander", "andy": "andrew",
    "tony": "anthony", "nick": "nicholas", "matt": "matthew", "dan": "daniel", "danny": "daniel",
    "don": "donald", "greg": "gregory", "jeff": "jeffrey", "larry": "lawrence", "jerry": "gerald",
    "ron": "ronald", "sam": "samuel", "tim": "timothy", "peggy": "margaret", "maggie": "margaret",
    "bernie": "bernard", "fred": "frederick", "hank": "henry", "jack": "john", "ben": "benjamin",
}


def same_given_name(a: str, b: str) -> bool:
    """Two lower-cased, accent-folded given names that may be one person's: equal, a known short form, or
    one the start of the other ("chris" / "christopher")."""
    if a == b:
        return True
    if NICKNAMES.get(a, a) == NICKNAMES.get(b, b):
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= 3 and long.startswith(short) and len(long) - len(short) <= 6
