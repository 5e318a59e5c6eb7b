"""Which US state a ZIP code belongs to, by its first three digits (the USPS's sectional centre
ranges). A scan garbles a two-letter state code ("CA" read "OE") far more often than the five
digits beside it, and the digits say which state it was. And the US cities whose names are two
words or more, which a scan's small print runs together ("NEWYORK", "BOCARATON")."""
from __future__ import annotations

import regex as re

ZIP_CODE = re.compile(r"^\d{5}(?:-\d{4})?$")     # a US ZIP code, five digits or ZIP+4

US_STATES = frozenset("AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ "
                      "NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR VI GU AS MP".split())

# EDGAR's codes for other countries and Canada's provinces are two characters, one a digit ("X0"
# United Kingdom, "2M" Germany, "A6" Ontario): a code of two letters is a US state's
_FOREIGN_CODE = re.compile(r"^(?:[A-Z][0-9]|[0-9][A-Z])$")


def is_state_code(code: str) -> bool:
    """A code EDGAR can file as an address's state: a US state or territory, or another
    country's or a Canadian province's code (two characters, one a digit)."""
    return code in US_STATES or bool(_FOREIGN_CODE.match(code))


# (first prefix, last prefix, state) of the ranges; prefixes not listed are unassigned or military
_RANGES = (
    (5, 5, "NY"), (6, 7, "PR"), (8, 8, "VI"), (9, 9, "PR"), (10, 27, "MA"), (28, 29, "RI"),
    (30, 38, "NH"), (39, 49, "ME"), (50, 54, "VT"), (55, 55, "MA"), (56, 59, "VT"), (60, 69, "CT"),
    (70, 89, "NJ"), (100, 149, "NY"), (150, 196, "PA"), (197, 199, "DE"), (200, 200, "DC"),
    (201, 201, "VA"), (202, 205, "DC"), (206, 219, "MD"), (220, 246, "VA"), (247, 268, "WV"),
    (270, 289, "NC"), (290, 299, "SC"), (300, 319, "GA"), (320, 339, "FL"), (341, 349, "FL"),
    (350, 369, "AL"), (370, 385, "TN"), (386, 397, "MS"), (398, 399, "GA"), (400, 427, "KY"),
    (430, 459, "OH"), (460, 479, "IN"), (480, 499, "MI"), (500, 528, "IA"), (530, 549, "WI"),
    (550, 567, "MN"), (569, 569, "DC"), (570, 577, "SD"), (580, 588, "ND"), (590, 599, "MT"),
    (600, 629, "IL"), (630, 658, "MO"), (660, 679, "KS"), (680, 693, "NE"), (700, 714, "LA"),
    (716, 729, "AR"), (730, 731, "OK"), (733, 733, "TX"), (734, 749, "OK"), (750, 799, "TX"),
    (800, 816, "CO"), (820, 831, "WY"), (832, 838, "ID"), (840, 847, "UT"), (850, 865, "AZ"),
    (870, 884, "NM"), (885, 885, "TX"), (889, 898, "NV"), (900, 961, "CA"), (967, 968, "HI"),
    (969, 969, "GU"), (970, 979, "OR"), (980, 994, "WA"), (995, 999, "AK"),
)


# A Canadian postal code ("V5Y 0A1") and EDGAR's code of the province its first letter is
# Canada Post's district of: A0 Alberta ... A9 Saskatchewan, B0 Yukon
CANADIAN_POSTAL_CODE = re.compile(r"^([ABCEGHJKLMNPRSTVXY])\d[A-Z] ?\d[A-Z]\d$")
_PROVINCES = {"A": "A4", "B": "A5", "C": "A7", "E": "A3", "G": "A8", "H": "A8", "J": "A8", "K": "A6", "L": "A6",
              "M": "A6", "N": "A6", "P": "A6", "R": "A2", "S": "A9", "T": "A0", "V": "A1", "Y": "B0"}


def state_of_zip(zip_code: str) -> str | None:
    """The state of a five-digit (or ZIP+4) code, or the EDGAR code of the province of a Canadian
    postal code; None when it is neither or its prefix is not a state's."""
    digits = zip_code.strip()
    if m := CANADIAN_POSTAL_CODE.match(digits.upper()):
        return _PROVINCES.get(m.group(1))
    if not ZIP_CODE.match(digits):
        return None
    prefix = int(digits[:3])
    return next((state for lo, hi, state in _RANGES if lo <= prefix <= hi), None)


# Cities of two words or more where companies and their officers are: the largest such US cities,
# and the business centres of the Bay Area, Southern California, Florida and the Northeast. Not a
# city also spelled as one word ("OAK BROOK" and "OAKBROOK", Illinois: a filing of the corpus)
MULTI_WORD_CITIES = frozenset("""
NEW YORK|LOS ANGELES|SAN FRANCISCO|SAN DIEGO|SAN JOSE|SAN ANTONIO|LAS VEGAS|FORT WORTH|EL PASO|
OKLAHOMA CITY|KANSAS CITY|SALT LAKE CITY|JERSEY CITY|NEW ORLEANS|LONG BEACH|VIRGINIA BEACH|
COLORADO SPRINGS|ST LOUIS|ST. LOUIS|ST PAUL|ST. PAUL|ST PETERSBURG|ST. PETERSBURG|BATON ROUGE|DES MOINES|
GRAND RAPIDS|ANN ARBOR|SIOUX FALLS|CEDAR RAPIDS|FORT LAUDERDALE|WEST PALM BEACH|PALM BEACH|
PALM BEACH GARDENS|BOCA RATON|CORAL GABLES|DELRAY BEACH|NORTH MIAMI|MIAMI BEACH|FORT MYERS|
PALO ALTO|MENLO PARK|MOUNTAIN VIEW|REDWOOD CITY|REDWOOD SHORES|FOSTER CITY|SANTA CLARA|SAN MATEO|
SAN CARLOS|SAN RAFAEL|SAN BRUNO|SOUTH SAN FRANCISCO|WALNUT CREEK|LOS ALTOS|LOS GATOS|HALF MOON BAY|
SAN RAMON|SANTA MONICA|SANTA BARBARA|SANTA ANA|SANTA ROSA|SANTA CRUZ|BEVERLY HILLS|CULVER CITY|
EL SEGUNDO|NEWPORT BEACH|THOUSAND OAKS|WEST HOLLYWOOD|MANHATTAN BEACH|REDONDO BEACH|SHERMAN OAKS|
LA JOLLA|RANCHO SANTA FE|NEW HAVEN|NEW CANAAN|OLD GREENWICH|WEST HARTFORD|NEW BRUNSWICK|
SHORT HILLS|WHITE PLAINS|GREAT NECK|RYE BROOK|PORT WASHINGTON|GARDEN CITY|LAKE SUCCESS|
CHEVY CHASE|SILVER SPRING|FALLS CHURCH|KING OF PRUSSIA|BALA CYNWYD|WEST CONSHOHOCKEN|
LAKE FOREST|DOWNERS GROVE|DEERFIELD BEACH|COLLEGE STATION|THE WOODLANDS|SUGAR LAND|
ROUND ROCK|CORPUS CHRISTI|SAN JUAN|NEWTON CENTER|WELLESLEY HILLS|BAR HARBOR|PARK CITY|
""".replace("\n", "").strip("|").split("|"))
