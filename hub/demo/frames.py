"""Stage 4 of the generator: canonical DataFrames, partner ids, roles and truth."""


import numpy as np
import pandas as pd
import pyarrow as pa

from hub.demo import errors as err
from hub.demo.model import (
    BLIJF,
    CHILD,
    EXTRACTED_AT,
    FATHER,
    JBRA,
    JGB,
    LDH,
    MAIL_DOMAINS,
    MOTHER,
    PARTNERS,
    RVDK,
    STEP,
    TEAM,
    VT,
    WSS,
    Population,
    arrow_frame,
    hex_hashes,
)
from schemas.canonical import PERSON_COLUMNS, REGISTRATION_COLUMNS


class FrameStage:
    """Builds persons, registrations and truth frames with the partners' own ids."""

    def _frames(self, partner, case, person, rep, is_rep, ptype, first, prefix, surname, sex,
                birth, bsn, addr, confidential, special, in_scope, bsn_error, date_error,
                address_error, flags_name, record_errors) -> Population:
        rng = self.rng
        source = np.array(PARTNERS, dtype=object)[partner]
        case_ids = self._case_ids()
        record_ids = self._record_ids(partner, case, case_ids)
        roles = self._roles(partner, case, person, ptype, is_rep)
        persons = arrow_frame(
            {
                "source": source,
                "source_record_id": record_ids,
                "bsn": bsn,
                "first_names": first,
                "surname_prefix": prefix,
                "surname": surname,
                "birth_date": birth,
                "sex": sex,
                "street": addr["street"],
                "house_number": (addr["house_number"], pa.int32()),
                "house_letter": addr["house_letter"],
                "house_number_suffix": addr["house_number_suffix"],
                "postcode": addr["postcode"],
                "city": addr["city"],
                "municipality_code": addr["municipality_code"],
                "address_confidential": (confidential, pa.bool_()),
                "source_household_ref": case_ids[case],
                "role": roles,
            }
        )
        persons["extracted_at"] = EXTRACTED_AT
        persons["origin"] = "demo:" + persons["source"]
        persons["origin_row"] = persons.groupby("source").cumcount().astype("int64") + 1
        content = pd.util.hash_pandas_object(persons.iloc[:, 2:18], index=False).to_numpy()
        persons["content_hash"] = hex_hashes(content)
        persons = persons[PERSON_COLUMNS]

        true_person = np.where(is_rep, self.rep["id"][np.where(is_rep, rep, 0)],
                               self.p_id[np.where(is_rep, 0, person)])
        true_hh = np.where(is_rep, self.rep["hh"][np.where(is_rep, rep, 0)],
                           self.p_true_hh[np.where(is_rep, 0, person)])
        pi = np.where(is_rep, 0, person)
        truth = arrow_frame(
            {
                "source": source,
                "source_record_id": record_ids,
                "true_person_id": true_person,
                "true_household_id": true_hh,
                "twin_group": np.where(is_rep, None, self.p_twin_group[pi]),
                "is_reporter": (is_rep, pa.bool_()),
                "reporter_kind": np.where(is_rep, self.rep["kind"][np.where(is_rep, rep, 0)],
                                          None),
                "in_scope": (in_scope, pa.bool_()),
                "special_address": special,
                "separated_parent": (~is_rep & self.p_sep[pi], pa.bool_()),
                "moved_old_address": (~is_rep & self.c_old_address[case] & self.p_moved[pi],
                                      pa.bool_()),
                "name_changed": (~is_rep & self.p_name_changed[pi], pa.bool_()),
                "bsn_error": bsn_error,
                "date_error": date_error,
                "address_error": address_error,
                "name_errors": ["|".join(f) for f in flags_name],
                "record_errors": ["|".join(f) for f in record_errors],
                "true_birth_date": np.where(is_rep, self.rep["birth"][np.where(is_rep, rep, 0)],
                                            self.p_birth[pi]),
            }
        )
        registrations = self._registrations(persons, case_ids, rng)
        return Population(persons=persons, registrations=registrations, truth=truth,
                          households=self.n, seed=self.seed, profile=self.p.name)

    def _case_ids(self) -> np.ndarray:
        """The partners' own case numbers, each in its own format."""
        c = len(self.c_hh)
        year = np.datetime_as_string(self.c_start.astype("datetime64[D]"), unit="Y").astype(object)
        serial = self.rng.permutation(c) + 1
        fmt = {
            VT: lambda y, s: f"M{y}-{s:06d}",
            RVDK: lambda y, s: f"ZAAK-{y}-{s:06d}",
            BLIJF: lambda y, s: f"BGD{s:06d}",
            JBRA: lambda y, s: f"JBRA-{s:07d}",
            WSS: lambda y, s: f"WSS/{y}/{s:05d}",
            LDH: lambda y, s: f"D{100000 + s}",
            JGB: lambda y, s: f"JGB-Z{s:06d}",
        }
        triples = zip(self.c_partner.tolist(), year, serial.tolist(), strict=True)
        return np.array([fmt[pt](y, s) for pt, y, s in triples], dtype=object)

    def _record_ids(self, partner: np.ndarray, case: np.ndarray, case_ids: np.ndarray
                    ) -> np.ndarray:
        """Person record ids: per melding row at Veilig Thuis, per person elsewhere."""
        r = len(case)
        seq = pd.Series(case).groupby(case).cumcount().to_numpy() + 1
        serial = self.rng.permutation(r) + 1
        fmt = {
            RVDK: lambda s: f"RK{s:07d}",
            BLIJF: lambda s: f"BG-{s:06d}",
            JBRA: lambda s: f"c{s:08x}",
            WSS: lambda s: f"C{s:06d}",
            LDH: lambda s: f"{500000 + s}",
            JGB: lambda s: f"JGB-K{s:06d}",
        }
        out = np.empty(r, dtype=object)
        for pt, make in fmt.items():
            idx = np.flatnonzero(partner == pt)
            out[idx] = [make(int(x)) for x in serial[idx]]
        idx = np.flatnonzero(partner == VT)
        out[idx] = [f"{c}-{q:02d}" for c, q in zip(case_ids[case[idx]], seq[idx], strict=True)]
        return out

    def _roles(self, partner, case, person, ptype, is_rep) -> np.ndarray:
        rng = self.rng
        r = len(case)
        roles = np.full(r, "household_member", dtype=object)
        roles[ptype == CHILD] = "child"
        roles[ptype == MOTHER] = "parent_with_custody"
        roles[ptype == FATHER] = "parent_with_custody"
        roles[ptype == STEP] = "step_parent"
        sep = ~is_rep & self.p_sep[np.where(is_rep, 0, person)]
        roles[sep & (rng.random(r) < 0.5)] = "parent_without_custody"
        dv = (partner == VT) & (rng.random(len(self.c_hh)) < 0.4)[case]  # per melding
        roles[dv & (ptype == MOTHER)] = "victim"
        roles[dv & np.isin(ptype, (FATHER, STEP))] = "alleged_perpetrator"
        roles[(partner == VT) & sep & (rng.random(r) < 0.3)] = "ex_partner"
        roles[(partner == BLIJF) & (ptype == MOTHER)] = "victim"
        roles[(partner == BLIJF) & np.isin(ptype, (FATHER, STEP))] = "alleged_perpetrator"
        roles[(partner == VT) & (ptype == STEP) & (rng.random(r) < 0.5)] = "partner"
        roles[is_rep] = "reporter"
        return roles

    def _teams(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Names and contacts of TEAM case workers per partner (Dutch names, own domains)."""
        k = TEAM * len(PARTNERS)
        first = self._names(np.zeros(k, dtype=int), np.where(rng.random(k) < 0.75, "V", "M"))
        prefix, surname = self._surnames(np.zeros(k, dtype=int))
        names, contacts = [], []
        for j in range(k):
            names.append(" ".join(x for x in (first[j], prefix[j], surname[j]) if x))
            if j % 3 == 0:
                contacts.append(f"06-{(j * 7919 + 12345678) % 90_000_000 + 10_000_000}")
            else:
                local = (first[j][0] + "." + (prefix[j] or "").replace(" ", "") + surname[j])
                domain = MAIL_DOMAINS[j // TEAM]
                contacts.append(f"{err.fold_diacritics(local.lower())}@{domain}")
        return np.array(names, dtype=object), np.array(contacts, dtype=object)

    def _registrations(self, persons: pd.DataFrame, case_ids: np.ndarray,
                       rng: np.random.Generator) -> pd.DataFrame:
        c = len(case_ids)
        ids = persons["source_record_id"].to_numpy(dtype=object)
        bounds = np.searchsorted(self.r_case, np.arange(1, c))  # rows are sorted by case
        id_list = ids.tolist()
        starts = [0, *bounds.tolist()]
        ends = [*bounds.tolist(), len(id_list)]
        members = np.empty(c, dtype=object)
        members[:] = [id_list[a:b] for a, b in zip(starts, ends, strict=True)]
        # each partner has a team of TEAM case workers: the same names recur across cases
        team_names, team_contacts = self._teams(rng)
        member = self.c_partner * TEAM + rng.integers(0, TEAM, size=c)
        names = team_names[member]
        contacts = team_contacts[member]
        start = self.c_start.astype("datetime64[D]")
        end = np.where(self.c_end >= 0, self.c_end, 0).astype("datetime64[D]")
        registrations = pd.DataFrame(
            {
                "source": pd.array(np.array(PARTNERS, dtype=object)[self.c_partner], dtype="str"),
                "case_id": pd.array(case_ids, dtype="str"),
                "person_record_ids": members,
                "case_type": pd.array(self.c_type, dtype="str"),
                "status": pd.array(self.c_status, dtype="str"),
                "start_date": pd.Series(start.astype("datetime64[s]")).dt.date,
                "end_date": pd.Series(np.where(self.c_end >= 0, end.astype("datetime64[s]"),
                                               np.datetime64("NaT"))).dt.date,
                "end_reason": pd.array(self.c_end_reason, dtype="str"),
                "case_worker_name": pd.array(names, dtype="str"),
                "case_worker_contact": pd.array(contacts, dtype="str"),
            }
        )
        registrations["extracted_at"] = EXTRACTED_AT
        registrations["origin"] = "demo:" + registrations["source"]
        registrations["origin_row"] = registrations.groupby("source").cumcount().astype(
            "int64") + 1
        hashed = pd.util.hash_pandas_object(
            registrations[["source", "case_id", "case_type", "status", "end_reason"]], index=False)
        registrations["content_hash"] = hex_hashes(hashed.to_numpy())
        order = np.lexsort((np.arange(c), self.c_partner))
        return registrations[REGISTRATION_COLUMNS].iloc[order].reset_index(drop=True)

