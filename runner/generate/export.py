"""write_export: the synthetic export, customer by customer, streamed to the six files."""

from __future__ import annotations

import datetime as dt
import random
from operator import itemgetter
from pathlib import Path

from runner.contract import TABLES
from runner.generate import archetypes as A
from runner.generate import vocab as V
from runner.generate.calendar import BACK_DAYS, Calendar, csv_field
from runner.generate.journeys import AUTO, BLANK, Cust, Gen
from runner.generate.planted import SCENARIOS
from runner.generate.writers import TableFile, write_manifest

FIRST_CUSTOMER_ID = 100001
FIRST_APPOINTMENT_ID = 10_000_001
FIRST_ENCOUNTER_ID = 90_000_001
PLANTED_FILE = "planted.csv"
PLANTED_PER_CUSTOMER = 0.01  # at least one of every scenario, then 1% of customers
FLUSH_EVERY = 2000  # customers
CHART_MULT = (
    611953  # coprime with 9,000,000: chart numbers SBX1000000-SBX9999999, unique per customer
)


def _staff(rng: random.Random, customers: int) -> tuple[list[str], dict[str, list[int]]]:
    therapists = max(5, min(400, customers // 2500))
    counts = (
        ("Therapist", 1001, "T", therapists),
        ("Coordinator", 2001, "C", max(2, therapists // 3)),
        ("Administrator", 3001, "A", max(2, therapists // 5)),
        ("Other", 4001, "V", 1 + therapists // 50),
    )
    rows: list[str] = []
    pools: dict[str, list[int]] = {}
    for kind, first_id, prefix, n in counts:
        active: list[int] = []
        for i in range(n):
            sid = first_id + i
            status = "inactive" if i and rng.random() < 0.1 else "active"
            if status == "active":
                active.append(sid)
            rows.append(
                f"{sid},{prefix}{i + 1:03d},{rng.choice(V.STAFF_FIRST)},{rng.choice(V.STAFF_LAST)},{kind},{status}\n"
            )
        pools[kind] = active
    return rows, pools


def write_export(
    out: Path | str, customers: int, seed: int, as_of: dt.date
) -> dict[str, tuple[int, str]]:
    """Write the six export files, manifest.json and planted.csv into `out`. Returns {file: (rows, sha256)}."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    cal = Calendar(as_of)
    rng = random.Random(seed)
    staff_rows, pools = _staff(random.Random(f"staff-{seed}"), customers)
    g = Gen(rng, cal, pools)
    r = rng.random

    files = {name: TableFile(out / f"{name}.csv", TABLES[name].column_names) for name in TABLES}
    files["staff"].buf.extend(staff_rows)
    planted_f = TableFile(out / PLANTED_FILE, ("customer_id", "rule_id", "kind", "note"))

    # which customers are planted: a fixed-size sorted sample, scenarios round-robin
    n_planted = min(customers, max(len(SCENARIOS), int(customers * PLANTED_PER_CUSTOMER)))
    prng = random.Random(f"planted-{seed}")
    if n_planted == customers:
        planted_at = list(range(customers))
    else:
        planted_at = sorted(prng.sample(range(customers), n_planted))
    planted_at.append(customers)  # sentinel
    next_planted = planted_at[0]
    pk = 0

    c_buf, g_buf, a_buf, e_buf, i_buf = (
        files[n].buf
        for n in ("customers", "customer_groups", "appointments", "encounters", "icbt_activity")
    )
    p_buf = planted_f.buf
    dates = cal.dates_from_back
    OFF = BACK_DAYS
    dts = cal.dt_suffixes
    n_dts = len(dts)
    chs = cal.chart_suffixes
    n_chs = len(chs)
    st_text = tuple((f"{dur}", f"{stid},{name}") for stid, name, dur in V.SCHEDULE_TYPES)
    warn_cache: dict[str, str] = {}
    name_cache: dict[str, str] = {}

    def quoted(text: str) -> str:
        q = name_cache.get(text)
        if q is None:
            q = csv_field(text)
            if len(name_cache) < 100_000:
                name_cache[text] = q
        return q

    by_day = itemgetter(0)
    icbt_key = itemgetter(1)
    aid = FIRST_APPOINTMENT_ID
    eid = FIRST_ENCOUNTER_ID
    deleted_p = A.DELETED_PER_1000 / 1000

    for i in range(customers):
        cid = FIRST_CUSTOMER_ID + i
        c = Cust()
        if i == next_planted:
            A.identity(g, c)
            SCENARIOS[pk % len(SCENARIOS)](g, c)
            pk += 1
            next_planted = planted_at[pk]
            for rule, kind, note in c.planted:
                p_buf.append(f"{cid},{rule},{kind},{csv_field(note)}\n")
        elif r() < deleted_p:
            A.build_deleted(g, c)
        else:
            A.build_correct(g, c)

        # customer
        w = c.warnings or ""
        wq = warn_cache.get(w)
        if wq is None:
            wq = warn_cache[w] = csv_field(w)
        created = dates[OFF + c.created] + (
            c.created_sfx if c.created_sfx is not None else dts[int(r() * n_dts)]
        )
        c_buf.append(
            f"{cid},{f'SBX{(cid * CHART_MULT) % 9_000_000 + 1_000_000}' if c.chart is None else c.chart},{quoted(c.first)},{quoted(c.last)},{c.gender},{c.dob},{c.email},"
            f"{c.phone},{c.status},{c.branch},{created},{wq}\n"
        )
        for code, name in c.groups:
            g_buf.append(f"{cid},{code},{csv_field(name)}\n")

        branch = c.branch
        c_created = c.created
        if c.appts:
            c.appts.sort(key=by_day)
            for day, sfx, status, stype, staff, cr, csfx in c.appts:
                start = dates[OFF + day] + (sfx if sfx is not None else dts[int(r() * n_dts)])
                if cr is AUTO:
                    if r() < 0.03:
                        created_s = ""
                    else:
                        cd = day - 1 - int(r() * 14)
                        if cd > 0:
                            cd = 0
                        if cd < c_created:
                            cd = c_created if c_created <= day else day
                        created_s = dates[OFF + cd] + dts[int(r() * n_dts)]
                elif cr == BLANK:
                    created_s = ""
                else:
                    created_s = dates[OFF + cr] + (
                        csfx if csfx is not None else dts[int(r() * n_dts)]
                    )
                dur, st = st_text[stype]
                a_buf.append(
                    f"{aid},{cid},{start},{dur},{status},{st},{staff if staff else ''},{branch},{created_s}\n"
                )
                aid += 1
        if c.encs:
            c.encs.sort(key=by_day)
            for day, sfx, template, outcome, staff in c.encs:
                chart = dates[OFF + day] + (sfx if sfx is not None else chs[int(r() * n_chs)])
                e_buf.append(f"{eid},{cid},{staff if staff else ''},{template},{chart},{outcome}\n")
                eid += 1
        if c.icbt:
            c.icbt.sort(key=icbt_key)
            for module, st_day, s1, comp, s2, last, s3 in c.icbt:
                started = dates[OFF + st_day] + (s1 if s1 is not None else dts[int(r() * n_dts)])
                comp_s = (
                    ""
                    if comp is None
                    else dates[OFF + comp] + (s2 if s2 is not None else dts[int(r() * n_dts)])
                )
                last_s = (
                    ""
                    if last is None
                    else dates[OFF + last] + (s3 if s3 is not None else dts[int(r() * n_dts)])
                )
                i_buf.append(f"{cid},{module},{started},{comp_s},{last_s}\n")

        if i % FLUSH_EVERY == FLUSH_EVERY - 1:
            for f in files.values():
                f.flush()
            planted_f.flush()

    result = {f"{name}.csv": f.close() for name, f in files.items()}
    planted_f.close()
    write_manifest(out, f"{as_of.isoformat()}T23:30:00Z", result)
    return result
