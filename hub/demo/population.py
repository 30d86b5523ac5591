"""A seeded synthetic population of the pilot region and its registrations at the seven partners.

The generator works in stages (one module each), all driven by one numpy random generator so that a
seed fully determines the result:

1. households: background, make-up (two parents, single parent, separated, blended), children with
   twins and triplets, an address in the region (a few outside it), moves, shared addresses;
2. cases: each household is known to 1-4 partners (Veilig Thuis most often), with one or more cases
   per partner; each case registers some of the household's members, Veilig Thuis meldingen also a
   reporter who is not a household member;
3. rows: one canonical person row per registration of a person, with the errors real registrations
   contain (:mod:`hub.demo.corruption`, rates in :mod:`hub.demo.profiles`) and the partners' own ids
   (:mod:`hub.demo.frames`).

Ground truth (true person and household per row) is returned separately in ``truth``.
"""

from foundation.errors import ConfigError
from hub.demo.cases import CaseStage
from hub.demo.corruption import CorruptionStage
from hub.demo.frames import FrameStage
from hub.demo.harsh import HarshStage
from hub.demo.households import HouseholdStage
from hub.demo.model import PARTNERS, REFERENCE_DATE, Population
from hub.demo.profiles import PROFILES

__all__ = ["PARTNERS", "REFERENCE_DATE", "Population", "generate_population"]


def generate_population(households: int, seed: int = 0, profile: str = "normal") -> Population:
    """Generate ``households`` involved households and their registrations at the seven partners.

    About 4.25 person rows per household; 235,000 households give about a million rows.
    """
    if households < 1:
        raise ConfigError("households must be at least 1", field="households")
    if profile not in PROFILES:
        raise ConfigError(f"unknown profile {profile!r}; use one of {sorted(PROFILES)}",
                          field="profile")
    return _Generator(households, seed, PROFILES[profile]).run()


class _Generator(HouseholdStage, CaseStage, CorruptionStage, HarshStage, FrameStage):
    """One generation run: the stages share the random generator and intermediate arrays."""

    def run(self) -> Population:
        self.households()
        self.people()
        self.cases()
        self.rows()
        return self.build()

