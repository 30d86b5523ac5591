"""Shared YAML snippets for connector tests (a plain module: conftest names are not unique)."""

PERSON_FIELDS = """
        source_record_id: {column: id}
        bsn: {column: bsn}
        surname: {column: naam, parse: surname_with_prefix}
        sex: {column: geslacht, values: {man: M, vrouw: V, onbekend: X}}
        birth_date: {column: geboren, date_format: ["%d-%m-%Y", "%Y"]}
        postcode: {column: postcode, parse: postcode}
        house_number: {column: huisnr, parse: house_number}
        municipality_code: {column: gemeente}
        address_confidential: {column: geheim}
        role: {column: rol, values: {kind: child, moeder: parent_with_custody,
                                     vader: parent_with_custody}}
"""

SCOPE = 'scope: {municipality_codes: ["0479"], postcode_ranges: [[1500, 1509]]}'

HEADER = "id;bsn;naam;geslacht;geboren;postcode;huisnr;gemeente;geheim;rol"


def files_config(scope: bool = True) -> str:
    """A files partner 'vt' with persons (personen*.csv / *.xlsx) and registrations."""
    return (SCOPE if scope else "") + """
partners:
  vt:
    kind: files
    connection: {folder: "${HUB_HOME}/partners/vt/inbox"}
    persons:
      pattern: "personen*"
      fields:
""" + PERSON_FIELDS + """
    registrations:
      pattern: "meldingen*.csv"
      aggregate_by: case_id
      fields:
        case_id: {column: melding}
        person_record_ids: {column: persoon}
        case_type: {column: soort, values: {melding: melding, advies: advies}}
        start_date: {column: start, date_format: "%d-%m-%Y"}
"""


def person_line(i: int, bsn: str = "", name: str = "Berg, van der", postcode: str = "1501 AB",
                municipality: str = "0479", secret: str = "nee", born: str = "07-03-2014") -> str:
    return f"{i};{bsn};{name};man;{born};{postcode};12a;{municipality};{secret};kind"
