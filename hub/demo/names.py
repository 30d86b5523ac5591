"""Name pools for the synthetic population of the Zaanstreek-Waterland region.

Pools are grouped by background because names, their spelling variants and their errors differ:
Dutch tussenvoegsels, Turkish letters, Moroccan transliterations, Surinamese Hindustani and Creole
names, Polish diacritics. Lists are ordered from common to rare; the generator draws with Zipf-like
weights so that "Jan de Vries" and "Mohamed El Amrani" occur many times, as they do in real data.

Variant groups (``FIRST_NAME_VARIANTS``, ``SURNAME_VARIANTS``) list spellings of one name that real
registrations use interchangeably; the first spelling is the one the generator treats as "true".
"""

from dataclasses import dataclass

BACKGROUNDS = ("dutch", "turkish", "moroccan", "surinamese", "polish", "antillean", "other")
BACKGROUND_SHARES = (0.62, 0.09, 0.09, 0.07, 0.05, 0.03, 0.05)
"""Rough shares of involved households in the region (Zaanstad is more diverse than Waterland)."""

# (prefix, surname); prefix "" when none. Ordered common -> rare.
DUTCH_SURNAMES: tuple[tuple[str, str], ...] = (
    ("de", "Vries"), ("", "Jansen"), ("van", "Dijk"), ("", "Bakker"), ("", "Visser"),
    ("", "Smit"), ("", "Meijer"), ("de", "Boer"), ("", "Mulder"), ("de", "Groot"),
    ("", "Bos"), ("", "Vos"), ("", "Peters"), ("", "Hendriks"), ("van", "Leeuwen"),
    ("", "Dekker"), ("", "Brouwer"), ("de", "Wit"), ("", "Dijkstra"), ("", "Smits"),
    ("de", "Graaf"), ("van der", "Meer"), ("van der", "Linden"), ("", "Kok"), ("", "Jacobs"),
    ("de", "Haan"), ("", "Vermeulen"), ("van den", "Berg"), ("van der", "Heijden"),
    ("van der", "Veen"), ("van den", "Broek"), ("de", "Bruijn"), ("de", "Jong"), ("", "Schouten"),
    ("van", "Beek"), ("", "Willems"), ("van", "Vliet"), ("van de", "Ven"), ("", "Hoekstra"),
    ("", "Maas"), ("", "Verhoeven"), ("", "Koster"), ("van", "Dam"), ("van der", "Wal"),
    ("", "Prins"), ("", "Blom"), ("", "Huisman"), ("", "Peeters"), ("de", "Jonge"),
    ("", "Kuipers"), ("van", "Wijk"), ("", "Postma"), ("", "Kuiper"), ("", "Veenstra"),
    ("", "Kramer"), ("van den", "Brink"), ("", "Scholten"), ("van", "Wijngaarden"),
    ("", "Post"), ("", "Martens"), ("", "Vink"), ("van der", "Berg"), ("", "Timmermans"),
    ("", "Groen"), ("", "Bosch"), ("", "Koopman"), ("", "Molenaar"), ("van", "Rijn"),
    ("van der", "Velde"), ("", "Wouters"), ("", "Koning"), ("", "Hermans"), ("van", "Vliet"),
    ("", "Evers"), ("", "Tol"), ("", "Schipper"), ("", "Kos"), ("", "Zwart"), ("", "Keizer"),
    ("in 't", "Veld"), ("ter", "Horst"), ("ten", "Brink"), ("op de", "Weegh"), ("van 't", "Hof"),
    ("", "Sijbrandij"), ("", "Blijleven"), ("", "Wijnands"), ("", "Rijkers"), ("", "IJzerman"),
    ("", "Schrijver"), ("", "Klijn"), ("", "Bijl"), ("van", "Rijswijk"), ("", "Kleijn"),
    ("", "Tuijn"), ("", "Stuijt"), ("", "Kruijt"), ("", "Zwijnenberg"), ("", "Duijn"),
)
DUTCH_PLACE_ROOTS = (
    "Amersfoort", "Assendelft", "Beemster", "Buuren", "Dongen", "Egmond", "Ilpendam", "Kampen",
    "Limmen", "Marken", "Nes", "Oosterhout", "Purmer", "Rossum", "Spaendonck", "Twisk", "Uden",
    "Velsen", "Wormer", "Zanten", "Ommen", "Gelder", "Hoorn", "Houten", "Loon", "Zaanen",
    "Haarlem", "Leiden", "Delft", "Baarle", "Essen", "Dalen", "Gils", "Heusden", "Kessel",
    "Lier", "Maarssen", "Nistelrooij", "Oss", "Putten", "Rees", "Schagen", "Tiel", "Urk",
    "Vught", "Weert", "Zon", "Eck", "Ginkel", "Hattem",
)
DUTCH_LANDSCAPE_WORDS = (
    "Sluis", "Kolk", "Weide", "Horst", "Zande", "Pol", "Ploeg", "Schaaf", "Steen", "Vaart",
    "Zee", "Maat", "Akker", "Beek", "Brug", "Dijk", "Haar", "Hoeven", "Kamp", "Molen",
)
DUTCH_PATRONYMICS = (
    "Pietersen", "Hendriksen", "Willemsen", "Gerritsen", "Claassen", "Dirksen", "Arends",
    "Lammers", "Reijnders", "Thijssen", "Maessen", "Adriaansen", "Cornelissen", "Evertsen",
    "Franssen", "Gijsbers", "Huibers", "Jacobsen", "Klaassen", "Lambers", "Martens", "Nijssen",
    "Pauwels", "Roelofs", "Simons", "Teunissen", "Wijnen", "Wolters", "Aalbers", "Hoogendijk",
)
FRISIAN_ROOTS = (
    "Wier", "Hoek", "Bouw", "Sjoerd", "Haring", "Kal", "Feen", "Atte", "Sieb", "Rinse", "Tjall",
    "Wiers", "Jel", "Doucke", "Osinga", "Bijl", "Dijk", "Ynte", "Hylk", "Ruur",
)
FRISIAN_SUFFIXES = ("stra", "sma", "inga", "ema")

DUTCH_FIRST_M = (
    "Jan", "Daan", "Sem", "Lucas", "Noah", "Levi", "Finn", "Luuk", "Milan", "Jesse", "Bram",
    "Thijs", "Ruben", "Tim", "Niels", "Mark", "Peter", "Kees", "Pieter", "Dennis", "Jeroen",
    "Sander", "Bas", "Erik", "Johannes", "Willem", "Hendrik", "Gerrit", "Cornelis", "Jacobus",
    "Martijn", "Stijn", "Gijs", "Jelle", "Joris", "Wouter", "Sven", "Tygo", "Jurre", "Mees",
    "Hidde", "Teun", "Siem", "Jort", "Olivier", "Kevin", "Rick", "Mike", "René", "André",
    "Frédéric", "Joël", "Thijmen", "Stefan", "Koen", "Sjoerd", "Youri", "Dirk", "Arie",
)
DUTCH_FIRST_V = (
    "Emma", "Julia", "Sophie", "Tess", "Anna", "Zoë", "Sara", "Eva", "Lotte", "Lisa", "Fleur",
    "Sanne", "Femke", "Anouk", "Maria", "Johanna", "Cornelia", "Wilhelmina", "Petra", "Linda",
    "Marieke", "Ingrid", "Monique", "Sandra", "Esther", "Marloes", "Nicole", "Kim", "Iris",
    "Noor", "Mila", "Saar", "Liv", "Yara", "Nina", "Lieke", "Roos", "Jasmijn", "Vera", "Fenna",
    "Britt", "Demi", "Romy", "Chantal", "Mirjam", "Anneloes", "Renée", "Chloë", "Noë", "Hélène",
    "Ilse", "Joyce", "Priscilla", "Geertje", "Dieuwke", "Marijke", "Wietske", "Ilona",
)

TURKISH_SURNAMES = (
    "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın",
    "Özdemir", "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt", "Özkan",
    "Şimşek", "Polat", "Erdoğan", "Güneş", "Aksoy", "Keskin", "Bulut", "Ünal", "Turan", "Acar",
    "Korkmaz", "Akın", "Tekin", "Güler", "Uçar", "Başaran",
)
TURKISH_FIRST_M = (
    "Mehmet", "Mustafa", "Ahmet", "Ali", "Hüseyin", "Hasan", "İbrahim", "İsmail", "Osman",
    "Yusuf", "Murat", "Emre", "Burak", "Kerem", "Eren", "Emir", "Çağrı", "Barış", "Oğuz", "Serkan",
    "Ömer", "Furkan", "Yiğit", "Enes",
)
TURKISH_FIRST_V = (
    "Ayşe", "Fatma", "Emine", "Hatice", "Zeynep", "Elif", "Merve", "Büşra", "Esra", "Özlem",
    "Gül", "Şule", "Derya", "Ebru", "Yasemin", "Hülya", "Defne", "Ecrin", "Nisa", "Çiğdem",
    "Gülşen", "İlayda",
)

MOROCCAN_SURNAMES = (
    "El Amrani", "Bouzid", "El Idrissi", "Benali", "Amrani", "El Khatib", "Ouali", "Bakkali",
    "El Ouardi", "Azzouzi", "Boukhari", "Chaoui", "El Haddouchi", "Bennani", "Tahiri",
    "Ait Taleb", "Ziani", "Achahbar", "El Yousfi", "Boujemaa", "Haddou", "Marzouki",
    "Abdelkader", "Lahlou", "Aboutaleb", "Ouazzani", "El Fassi", "Bouazza",
)
MOROCCAN_FIRST_M = (
    "Mohamed", "Ahmed", "Youssef", "Mustapha", "Abdelkader", "Rachid", "Khalid", "Said",
    "Hamza", "Bilal", "Ayoub", "Anas", "Ilias", "Adam", "Othman", "Nourdin", "Abdelilah",
    "Hicham", "Karim", "Soufiane", "Zakaria", "Imad",
)
MOROCCAN_FIRST_V = (
    "Fatima", "Khadija", "Aicha", "Malika", "Naima", "Salma", "Nora", "Yasmina", "Hanan",
    "Samira", "Latifa", "Meryem", "Imane", "Ikram", "Soumaya", "Nadia", "Hafsa", "Houda",
    "Sara", "Layla", "Amira", "Loubna",
)

SURINAMESE_SURNAMES = (
    "Ramdin", "Jagesar", "Mahabier", "Ramsaran", "Sewdien", "Baldew", "Soekhoe", "Kanhai",
    "Biharie", "Ramlal", "Pinas", "Tjon", "Fernandes", "Linger", "Kasanmoentalib", "Sumter",
    "Wijngaarde", "Vrede", "Zeegelaar", "Doelwijt", "Amatdjais", "Karijopawiro", "Brunings",
    "Held", "Ritfeld", "Jozefzoon",
)
SURINAMESE_FIRST_M = (
    "Rajesh", "Ravi", "Sunil", "Anand", "Kishan", "Dinesh", "Romano", "Jurgen", "Ricardo",
    "Clyde", "Marciano", "Glenn", "Roy", "Wensley", "Navin", "Ashwin", "Jaivy", "Xavi",
)
SURINAMESE_FIRST_V = (
    "Sharda", "Anita", "Priya", "Reshma", "Sunita", "Kavita", "Shanti", "Jennifer", "Natasja",
    "Gracia", "Sheryl", "Ingrid", "Rowena", "Shirley", "Indira", "Anjali", "Milagros", "Quincy",
)

POLISH_SURNAMES = (
    "Kowalski", "Nowak", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski",
    "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur",
    "Krawczyk", "Piotrowski", "Grabowski", "Pawłowski", "Michalski", "Król",
)
POLISH_FIRST_M = (
    "Piotr", "Krzysztof", "Andrzej", "Tomasz", "Paweł", "Michał", "Marcin", "Łukasz", "Jakub",
    "Kacper", "Szymon", "Mateusz", "Wojciech", "Bartłomiej",
)
POLISH_FIRST_V = (
    "Anna", "Katarzyna", "Małgorzata", "Agnieszka", "Magdalena", "Joanna", "Zuzanna", "Julia",
    "Maja", "Zofia", "Wiktoria", "Aleksandra", "Natalia", "Michalina",
)

ANTILLEAN_SURNAMES = (
    "Martina", "Maduro", "Isenia", "Statia", "Rosalia", "Cijntje", "Winklaar", "Koolman",
    "Bernadina", "Djaoen", "Pieternella", "Sluis", "Anthony", "Jansen-Martina",
)
ANTILLEAN_FIRST_M = (
    "Jurich", "Shurandy", "Giovanni", "Ruthmilo", "Elvis", "Jandino", "Kenneth", "Shaquille",
    "Dyron", "Jair",
)
ANTILLEAN_FIRST_V = (
    "Shurenska", "Jeanette", "Giselle", "Mirella", "Chanella", "Sheritza", "Dayenne",
    "Quisayra", "Naomi", "Ruthsela",
)

OTHER_SURNAMES = (
    "Nguyen", "Haile", "Tesfay", "Mohammadi", "Hosseini", "Ahmadi", "Al-Hassan", "Abdi",
    "Osman", "Popescu", "Ivanova", "Müller", "Schmidt", "García", "Silva", "Okafor", "Mensah",
    "Kaplan", "Novák", "Dvořák", "Lefèvre", "Dubois", "Rossi", "Kahsay", "Tekle", "Ghebremariam",
)
OTHER_FIRST_M = (
    "Filmon", "Dawit", "Ali", "Reza", "Omar", "Abdi", "Mihai", "Ion", "Lukas", "José",
    "François", "João", "Kwame", "Minh", "Ahmad", "Mohammed", "Tesfaye", "Matteo",
)
OTHER_FIRST_V = (
    "Senait", "Helen", "Maryam", "Zahra", "Leila", "Hodan", "Elena", "Ioana", "Sofía", "Amélie",
    "Chiara", "Ama", "Lan", "Fatemeh", "Hiwet", "Ludmila", "Zoé", "Ana",
)

FIRST_NAME_VARIANTS: tuple[tuple[str, ...], ...] = (
    ("Mohamed", "Mohammed", "Muhammed", "Mohammad", "Mohamad", "Mhamed"),
    ("Mohammed", "Mohamed", "Muhammad", "Mohammad"),
    ("Ahmed", "Ahmad", "Ahmet"),
    ("Youssef", "Yousef", "Youssouf", "Yusuf"),
    ("Mustapha", "Mustafa", "Moustapha"),
    ("Said", "Saïd", "Saied"),
    ("Rachid", "Rashid", "Rachied"),
    ("Khalid", "Khaled", "Chalid"),
    ("Hicham", "Hisham", "Hichem"),
    ("Nourdin", "Noureddine", "Nordin", "Nourdine"),
    ("Zakaria", "Zakariya", "Zakarya"),
    ("Ilias", "Ilyas", "Elias"),
    ("Fatima", "Fatma", "Fatiha", "Fátima"),
    ("Aicha", "Aisha", "Aïcha", "Ayşe"),
    ("Khadija", "Khadidja", "Chadija", "Hatice"),
    ("Meryem", "Meriem", "Maryam", "Mariam"),
    ("Naima", "Naïma", "Naeema"),
    ("Soumaya", "Soumia", "Sumaya"),
    ("İbrahim", "Ibrahim", "Ibrahiem"),
    ("İsmail", "Ismail", "Ismaël"),
    ("Hüseyin", "Huseyin", "Hussein", "Hüsseyin"),
    ("Ömer", "Omer", "Omar"),
    ("Çağrı", "Cagri", "Cağrı"),
    ("Barış", "Baris"),
    ("Oğuz", "Oguz"),
    ("Yiğit", "Yigit"),
    ("Büşra", "Busra", "Bushra"),
    ("Özlem", "Ozlem"),
    ("Şule", "Sule"),
    ("Çiğdem", "Cigdem"),
    ("Gülşen", "Gulsen"),
    ("İlayda", "Ilayda"),
    ("Zoë", "Zoe", "Zoey"),
    ("Chloë", "Chloe"),
    ("Noë", "Noe"),
    ("Renée", "Renee", "René"),
    ("René", "Rene"),
    ("André", "Andre"),
    ("Frédéric", "Frederic", "Frederik"),
    ("François", "Francois", "Frans"),
    ("Joël", "Joel"),
    ("Hélène", "Helene"),
    ("Amélie", "Amelie"),
    ("Łukasz", "Lukasz"),
    ("Paweł", "Pawel"),
    ("Małgorzata", "Malgorzata", "Margaretha"),
    ("Bartłomiej", "Bartlomiej", "Bartek"),
    ("Michał", "Michal"),
    ("Sofía", "Sofia", "Sophia"),
    ("João", "Joao"),
    ("José", "Jose"),
    ("Zoé", "Zoe"),
)

SURNAME_VARIANTS: tuple[tuple[str, ...], ...] = (
    ("El Amrani", "Elamrani", "El-Amrani", "Amrani"),
    ("El Idrissi", "Elidrissi", "El-Idrissi", "Idrissi"),
    ("El Khatib", "Elkhatib", "El-Khatib", "Khatib"),
    ("El Ouardi", "Elouardi", "El Ourdi"),
    ("El Haddouchi", "Elhaddouchi", "El Hadouchi"),
    ("El Yousfi", "Elyousfi", "El Youssfi"),
    ("El Fassi", "Elfassi", "Fassi"),
    ("Ait Taleb", "Aït Taleb", "Ayt Taleb", "Aittaleb"),
    ("Bouzid", "Bouzied", "Bouziane"),
    ("Benali", "Ben Ali", "Ben-Ali"),
    ("Boukhari", "Bukhari", "Bouchari"),
    ("Chaoui", "Chaouï", "Shaoui"),
    ("Boujemaa", "Boujemâa", "Bouzjemaa"),
    ("Achahbar", "Achahbbar", "Ashahbar"),
    ("Ouazzani", "Wazzani", "Ouazani"),
    ("Yılmaz", "Yilmaz", "Yelmaz"),
    ("Şahin", "Sahin", "Shahin"),
    ("Çelik", "Celik", "Tschelik"),
    ("Yıldız", "Yildiz"),
    ("Yıldırım", "Yildirim"),
    ("Öztürk", "Ozturk", "Oeztuerk"),
    ("Özdemir", "Ozdemir", "Oezdemir"),
    ("Aydın", "Aydin"),
    ("Doğan", "Dogan"),
    ("Kılıç", "Kilic", "Kiliç"),
    ("Çetin", "Cetin"),
    ("Koç", "Koc"),
    ("Özkan", "Ozkan"),
    ("Şimşek", "Simsek"),
    ("Erdoğan", "Erdogan"),
    ("Güneş", "Gunes"),
    ("Ünal", "Unal"),
    ("Güler", "Guler"),
    ("Uçar", "Ucar"),
    ("Akın", "Akin"),
    ("Başaran", "Basaran"),
    ("Wiśniewski", "Wisniewski"),
    ("Woźniak", "Wozniak"),
    ("Dąbrowski", "Dabrowski"),
    ("Kozłowski", "Kozlowski"),
    ("Zieliński", "Zielinski"),
    ("Szymański", "Szymanski"),
    ("Kamiński", "Kaminski"),
    ("Pawłowski", "Pawlowski"),
    ("Król", "Krol"),
    ("Müller", "Muller", "Mueller"),
    ("García", "Garcia"),
    ("Lefèvre", "Lefevre"),
    ("Dvořák", "Dvorak"),
    ("Novák", "Novak"),
    ("Mohammadi", "Mohamadi", "Muhammadi"),
    ("Al-Hassan", "Al Hassan", "Alhassan"),
    ("Ghebremariam", "Gebremariam", "Ghebremaryam"),
    ("Kasanmoentalib", "Kasanmoentalieb"),
    ("Sewdien", "Sewdin"),
    ("Soekhoe", "Sukhu"),
)


@dataclass(frozen=True)
class NamePool:
    """The names of one background, with their prefix column for surnames."""

    surname_prefixes: tuple[str, ...]
    surnames: tuple[str, ...]
    first_m: tuple[str, ...]
    first_v: tuple[str, ...]


def _dutch_surnames() -> list[tuple[str, str]]:
    """Common Dutch surnames plus generated toponymic and Frisian names for a long tail."""
    names = list(dict.fromkeys(DUTCH_SURNAMES))
    names += [("", name) for name in DUTCH_PATRONYMICS]
    for root in DUTCH_PLACE_ROOTS:
        names.append(("van", root))
    for word in DUTCH_LANDSCAPE_WORDS:
        names += [("van der", word), ("van de", word), ("ter", word)]
    for root in FRISIAN_ROOTS:
        for suffix in FRISIAN_SUFFIXES:
            base = root[:-1] if root.endswith(("a", "e")) else root
            names.append(("", base + suffix))
    return list(dict.fromkeys(names))


def _plain(surnames: tuple[str, ...]) -> list[tuple[str, str]]:
    return [("", s) for s in surnames]


def build_pools() -> dict[str, NamePool]:
    """One :class:`NamePool` per background in :data:`BACKGROUNDS`."""
    raw = {
        "dutch": (_dutch_surnames(), DUTCH_FIRST_M, DUTCH_FIRST_V),
        "turkish": (_plain(TURKISH_SURNAMES), TURKISH_FIRST_M, TURKISH_FIRST_V),
        "moroccan": (_plain(MOROCCAN_SURNAMES), MOROCCAN_FIRST_M, MOROCCAN_FIRST_V),
        "surinamese": (_plain(SURINAMESE_SURNAMES), SURINAMESE_FIRST_M, SURINAMESE_FIRST_V),
        "polish": (_plain(POLISH_SURNAMES), POLISH_FIRST_M, POLISH_FIRST_V),
        "antillean": (_plain(ANTILLEAN_SURNAMES), ANTILLEAN_FIRST_M, ANTILLEAN_FIRST_V),
        "other": (_plain(OTHER_SURNAMES), OTHER_FIRST_M, OTHER_FIRST_V),
    }
    pools = {}
    for key, (surnames, first_m, first_v) in raw.items():
        pools[key] = NamePool(
            surname_prefixes=tuple(p for p, _ in surnames),
            surnames=tuple(s for _, s in surnames),
            first_m=tuple(dict.fromkeys(first_m)),
            first_v=tuple(dict.fromkeys(first_v)),
        )
    return pools


def variant_map(groups: tuple[tuple[str, ...], ...]) -> dict[str, tuple[str, ...]]:
    """``{true spelling: other spellings}`` from variant groups (first group wins on overlap)."""
    out: dict[str, tuple[str, ...]] = {}
    for group in groups:
        out.setdefault(group[0], group[1:])
    return out
