"""Error rates of the synthetic population: "normal" is plausible, "hard" stresses matching,
"harsh" adds the record-level cases that leave a record identified by little more than its
household (issue 10; written before any tuning of the matching engine on it).

Rates are per person row (one partner's registration of one person) unless said otherwise. They are
documented with their values in docs/demo-data.md; change them here, not in the generator.
"""

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Profile:
    """Rates of hard cases and errors."""

    name: str
    # household make-up
    twins: float = 0.03  # of households with 2+ children
    triplets: float = 0.002
    separated: float = 0.16  # separated parents: father in his own household
    blended: float = 0.06
    moved: float = 0.12  # family moved: old address at some partners
    moved_from_outside: float = 0.15  # of moved families: old address outside the region
    outside_region: float = 0.012  # household lives outside the pilot region
    asylum_centre: float = 0.008
    postal_address: float = 0.006
    group_home_child: float = 0.015  # of children aged 10+
    name_change_child: float = 0.08  # of children of single or blended mothers
    # BSN
    bsn_missing: float = 0.03
    bsn_missing_vt: float = 0.30  # partial Veilig Thuis reports
    bsn_missing_blijf: float = 0.15
    bsn_mistyped: float = 0.015
    bsn_sibling: float = 0.006  # of child rows with a sibling
    bsn_unpadded: float = 0.20  # of BSNs starting with 0, outside wss (always there)
    # dates
    date_swap: float = 0.010
    date_placeholder: float = 0.007
    date_year_only: float = 0.010
    date_month_only: float = 0.004
    date_typo: float = 0.010
    date_missing: float = 0.01
    date_missing_vt: float = 0.06
    # names
    first_name_variant: float = 0.35  # of rows whose name has transliteration variants
    surname_variant: float = 0.30
    diacritics_dropped: float = 0.15  # of rows with diacritics, beyond cp1252 folding
    ij_as_y: float = 0.08  # of rows with 'ij' in the surname
    prefix_glued: float = 0.04  # of rows with a tussenvoegsel
    prefix_moved: float = 0.04
    prefix_abbreviated: float = 0.04
    prefix_capitalised: float = 0.05
    partner_name: float = 0.25  # of rows of mothers living with a partner: "Jansen-de Vries"
    husband_name_only: float = 0.05
    initials: float = 0.04
    all_given_names: float = 0.45  # rows that list all given names, not just the first
    name_typo: float = 0.02
    # addresses
    postcode_typo: float = 0.012
    house_number_typo: float = 0.005
    address_missing: float = 0.02
    # record-level hard cases (hub.demo.harsh); zero in normal and hard
    vt_child_first_name_age: float = 0.0  # of Veilig Thuis child rows: call name + age only
    vt_child_no_birth_year: float = 0.0  # of those: not even an estimated birth year
    surname_missing: float = 0.0
    name_missing_date_error: float = 0.0  # one name missing and a one-digit date typo
    names_swapped: float = 0.0  # first name in the surname field and the other way round
    first_name_replaced: float = 0.0  # another given name registered (same sex and background)
    first_name_scrambled: float = 0.0  # given names in another order, or two letters exchanged
    sex_wrong: float = 0.0
    caps_given_names: float = 0.0  # given names in capitals ("UWE", "ANNA")
    caps_ldh_export: float = 0.0  # of ldh rows: the whole name exported in capitals

    @property
    def has_harsh_cases(self) -> bool:
        """Whether any record-level hard case of :mod:`hub.demo.harsh` is switched on."""
        return any(getattr(self, name) > 0 for name in HARSH_FIELDS)


HARSH_FIELDS = ("vt_child_first_name_age", "surname_missing", "name_missing_date_error",
                "names_swapped", "first_name_replaced", "first_name_scrambled", "sex_wrong",
                "caps_given_names", "caps_ldh_export")

NORMAL = Profile(name="normal")

HARD = replace(
    NORMAL,
    name="hard",
    twins=0.06,
    triplets=0.006,
    separated=0.22,
    moved=0.22,
    bsn_missing=0.06,
    bsn_missing_vt=0.45,
    bsn_missing_blijf=0.25,
    bsn_mistyped=0.04,
    bsn_sibling=0.02,
    bsn_unpadded=0.40,
    date_swap=0.03,
    date_placeholder=0.02,
    date_year_only=0.03,
    date_month_only=0.01,
    date_typo=0.03,
    date_missing=0.03,
    date_missing_vt=0.12,
    first_name_variant=0.55,
    surname_variant=0.50,
    diacritics_dropped=0.35,
    ij_as_y=0.20,
    prefix_glued=0.08,
    prefix_moved=0.08,
    prefix_abbreviated=0.08,
    prefix_capitalised=0.08,
    partner_name=0.35,
    husband_name_only=0.10,
    initials=0.12,
    name_typo=0.05,
    postcode_typo=0.03,
    house_number_typo=0.015,
    address_missing=0.05,
)

HARSH = replace(
    HARD,
    name="harsh",
    twins=0.07,
    moved=0.28,
    bsn_missing=0.10,
    bsn_missing_vt=0.55,
    bsn_missing_blijf=0.35,
    bsn_mistyped=0.05,
    bsn_sibling=0.03,
    date_swap=0.03,
    date_placeholder=0.025,
    date_year_only=0.04,
    date_month_only=0.015,
    date_typo=0.05,
    date_missing=0.05,
    date_missing_vt=0.18,
    initials=0.15,
    name_typo=0.07,
    husband_name_only=0.12,
    postcode_typo=0.04,
    house_number_typo=0.02,
    address_missing=0.08,
    vt_child_first_name_age=0.15,
    vt_child_no_birth_year=0.35,
    surname_missing=0.02,
    name_missing_date_error=0.015,
    names_swapped=0.02,
    first_name_replaced=0.015,
    first_name_scrambled=0.01,
    sex_wrong=0.015,
    caps_given_names=0.05,
    caps_ldh_export=0.9,
)

PROFILES = {"normal": NORMAL, "hard": HARD, "harsh": HARSH}
