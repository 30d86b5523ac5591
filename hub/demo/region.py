"""The pilot region: municipalities, places, postcode ranges, streets and special addresses.

Municipality codes are the CBS codes; postcode ranges are the 4-digit areas of each place (close to
reality, good enough for a demo). Street names are generic Dutch street names; special addresses
(shelters, group homes, an asylum centre, a postal address) are fictitious on purpose: real shelter
addresses are secret.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    """A woonplaats with its municipality and 4-digit postcode areas."""

    name: str
    municipality: str
    municipality_code: str
    postcodes: tuple[int, ...]
    weight: float


SCOPE_MUNICIPALITIES = {
    "0479": "Zaanstad",
    "0439": "Purmerend",
    "0852": "Waterland",
    "0880": "Wormerland",
    "0385": "Edam-Volendam",
    "0415": "Landsmeer",
    "0431": "Oostzaan",
}

SCOPE_POSTCODE_RANGES: tuple[tuple[int, int], ...] = (
    (1121, 1122),
    (1127, 1127),
    (1130, 1137),
    (1140, 1141),
    (1150, 1156),
    (1440, 1463),
    (1500, 1567),
)
"""Inclusive 4-digit postcode ranges of the pilot region (used for ``scope`` in partners.yaml)."""

PLACES: tuple[Place, ...] = (
    Place("Zaandam", "Zaanstad", "0479", (1501, 1502, 1503, 1504, 1505, 1506, 1507, 1508), 75.0),
    Place("Koog aan de Zaan", "Zaanstad", "0479", (1541, 1542), 11.0),
    Place("Zaandijk", "Zaanstad", "0479", (1544,), 9.0),
    Place("Wormerveer", "Zaanstad", "0479", (1521,), 11.0),
    Place("Krommenie", "Zaanstad", "0479", (1561, 1562), 17.0),
    Place("Assendelft", "Zaanstad", "0479", (1566, 1567), 22.0),
    Place("Westzaan", "Zaanstad", "0479", (1551,), 4.0),
    Place("Purmerend", "Purmerend", "0439", (1441, 1442, 1443, 1444, 1445, 1446, 1447), 82.0),
    Place("Middenbeemster", "Purmerend", "0439", (1462,), 4.0),
    Place("Zuidoostbeemster", "Purmerend", "0439", (1461,), 6.0),
    Place("Monnickendam", "Waterland", "0852", (1141,), 10.0),
    Place("Broek in Waterland", "Waterland", "0852", (1151,), 3.0),
    Place("Marken", "Waterland", "0852", (1156,), 2.0),
    Place("Ilpendam", "Waterland", "0852", (1452,), 2.0),
    Place("Wormer", "Wormerland", "0880", (1531,), 12.0),
    Place("Jisp", "Wormerland", "0880", (1546,), 1.0),
    Place("Wijdewormer", "Wormerland", "0880", (1456,), 2.0),
    Place("Volendam", "Edam-Volendam", "0385", (1131, 1132), 22.0),
    Place("Edam", "Edam-Volendam", "0385", (1135, 1136), 8.0),
    Place("Landsmeer", "Landsmeer", "0415", (1121, 1122), 9.0),
    Place("Den Ilp", "Landsmeer", "0415", (1127,), 1.0),
    Place("Oostzaan", "Oostzaan", "0431", (1511,), 8.0),
)

OUTSIDE_PLACES: tuple[Place, ...] = (
    Place("Amsterdam", "Amsterdam", "0363", (1012, 1025, 1034, 1055, 1063, 1103), 6.0),
    Place("Alkmaar", "Alkmaar", "0361", (1811, 1823, 1825), 2.0),
    Place("Haarlem", "Haarlem", "0392", (2011, 2024, 2033), 2.0),
    Place("Hoorn", "Hoorn", "0441", (1621, 1624), 1.0),
)
"""Places just outside the region: families moving in or out, out-of-scope registrations."""

STREETS = (
    "Dorpsstraat", "Kerkstraat", "Stationsstraat", "Molenstraat", "Julianastraat",
    "Wilhelminastraat", "Beatrixstraat", "Prins Hendrikstraat", "Westzijde", "Oostzijde",
    "Zuiddijk", "Noorddijk", "Vermeerstraat", "Rembrandtstraat", "Van Goghstraat",
    "Schoolstraat", "Parkweg", "Kastanjelaan", "Eikenlaan", "Berkenlaan", "Lindenlaan",
    "Populierenstraat", "Merelstraat", "Lijsterstraat", "Spreeuwstraat", "Zwaluwstraat",
    "Tulpstraat", "Narcisstraat", "Rozenstraat", "Irisstraat", "Sluisweg", "Havenstraat",
    "Zeilmakerstraat", "Houtveldweg", "Pelikaanweg", "Gedempte Gracht", "Peperstraat",
    "Hoornseweg", "Burgemeester Mooijstraat", "Heijermansstraat", "Vondelstraat",
    "Multatulistraat", "Bilderdijkstraat", "Da Costastraat", "Troelstrastraat",
    "Cornelis Trompstraat", "Michiel de Ruyterweg", "Piet Heinstraat", "Waterlandlaan",
    "Purmerweg", "Beemsterstraat", "Zaanweg", "Lagedijk", "Kalverstraat", "Nieuwe Kerkstraat",
    "IJdoornlaan", "Dijkstraat", "Weijdestraat", "Van Rijnstraat", "Kleine Tuin",
)


@dataclass(frozen=True)
class SpecialAddress:
    """An address shared by unrelated people: shelter, group home, asylum centre, postal address."""

    kind: str
    street: str
    house_number: int
    postcode: str
    city: str
    municipality_code: str
    confidential: bool


SHELTERS = (
    SpecialAddress("shelter", "Beschuttingslaan", 3, "1506XK", "Zaandam", "0479", True),
    SpecialAddress("shelter", "Veilige Haven", 12, "1443ZZ", "Purmerend", "0439", True),
    SpecialAddress("shelter", "Schuilhof", 7, "1561QW", "Krommenie", "0479", True),
)
"""Fictitious Blijf Groep shelter addresses: several unrelated families live at each."""

GROUP_ADDRESSES = (
    SpecialAddress("group_home", "Leefgroepweg", 40, "1503GH", "Zaandam", "0479", False),
    SpecialAddress("group_home", "Gezinshuislaan", 2, "1445GH", "Purmerend", "0439", False),
    SpecialAddress("asylum_centre", "Opvangboulevard", 1, "1507AZ", "Zaandam", "0479", False),
    SpecialAddress("postal_address", "Postadresstraat", 100, "1502PA", "Zaandam", "0479", False),
)
"""Fictitious shared addresses of unrelated people (group home, asylum centre, briefadres)."""

REPORTER_KINDS = ("buurman", "leerkracht", "politie", "huisarts", "familielid", "wijkteam")
REPORTER_KIND_SHARES = (0.25, 0.22, 0.28, 0.10, 0.08, 0.07)

PROFESSIONAL_ADDRESSES = {
    "leerkracht": ("Schoolplein", "1504SC", "Zaandam", "0479"),
    "politie": ("Politiebureau Vincent van Goghweg", "1506PO", "Zaandam", "0479"),
    "huisarts": ("Gezondheidscentrum Pelikaan", "1442HA", "Purmerend", "0439"),
    "wijkteam": ("Wijkteam Zaanstad Centrum", "1505WT", "Zaandam", "0479"),
}
"""Work addresses of professional reporters (fictitious)."""


def in_scope_postcode(postcode4: int) -> bool:
    """Whether a 4-digit postcode area lies in the pilot region."""
    return any(lo <= postcode4 <= hi for lo, hi in SCOPE_POSTCODE_RANGES)
