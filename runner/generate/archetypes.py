"""Customer archetypes that follow the SOP (no rule hit), and the identity of a customer.

Each builder takes keyword overrides so the planted cases (planted/) can move
exactly one fact across (or up to) a rule's boundary.

Longer than 400 lines on purpose: a catalogue of independent builders, one per
group of the SOP, and the weights table (CORRECT) at the end that names them all;
read top to bottom, each builder stands alone.
"""

from __future__ import annotations

from runner.generate import vocab as V
from runner.generate.journeys import BLANK, BOOKED, CANCELLED, MISSED, Cust, Gen


def _expand(weighted) -> tuple:  # type: ignore[no-untyped-def]
    out = []
    for v, w in weighted:
        out += [v] * w
    return tuple(out)


DOMAINS = _expand(V.EMAIL_DOMAINS)
WARNINGS = _expand(V.WARNINGS)
BRANCHES = _expand(V.BRANCHES)
GENDERS = ("female",) * 52 + ("male",) * 42 + ("unknown",) * 3 + ("private",) * 2 + ("",)
_LETTERS = {}


def _letters(name: str) -> str:
    s = _LETTERS.get(name)
    if s is None:
        s = _LETTERS[name] = "".join(ch for ch in name.lower() if ch.isalpha())
    return s


def phone(g: Gen) -> str:
    n = g.ri(100000000, 999999999)
    s = f"7{n:09d}"[:10]
    f = g.r()
    if f < 0.45:
        return f"0{s[:4]} {s[4:]}"
    if f < 0.65:
        return f"0{s[:4]} {s[4:7]} {s[7:]}"
    if f < 0.85:
        return f"+44 {s[:4]} {s[4:]}"
    return f"0{s}"


def email(g: Gen, first: str, last: str, year: str) -> str:
    f, la = _letters(first), _letters(last)
    dom = g.pick(DOMAINS)
    k = g.r()
    if k < 0.25:
        local = f"{f}.{la}{g.ri(10, 99)}"
    elif k < 0.45:
        local = f"{f}{la}{year}"
    elif k < 0.65:
        local = f"{f[0]}{la}{g.ri(10, 99)}"
    elif k < 0.8:
        local = f"{la}.{f}{year[2:]}"
    elif k < 0.9:
        local = f"{f}_{la}"
    else:
        local = f"{f}.{la}"
    return f"{local}@{dom}"


def identity(g: Gen, c: Cust, adult: bool = False) -> None:
    cal = g.cal
    gender = g.pick(GENDERS)
    if adult:
        first = g.pick(V.ADULT_FIRST)
        gender = "female" if first in V.ADULT_FIRST[:14] else "male"
        dob = cal.adult_dob(g.ri(0, 5000)) if g.r() < 0.5 else ""
    else:
        if gender == "female" or (gender not in ("male",) and g.r() < 0.5):
            first = g.pick(V.FEMALE_FIRST)
        else:
            first = g.pick(V.MALE_FIRST)
        dob = cal.dob(-g.ri(8 * 365 + 30, 25 * 365 - 30)) if g.r() > 0.03 else ""
    last = g.pick(V.LAST_NAMES)
    c.first, c.last, c.gender, c.dob = first, last, gender, dob
    c.email = email(g, first, last, dob[:4] or "2010") if g.r() > 0.06 else ""
    c.phone = phone(g) if g.r() > 0.04 else ""
    c.chart = None if g.r() > 0.04 else ""  # None: the writer assigns a unique chart number
    c.branch = g.pick(BRANCHES)
    c.warnings = g.pick(WARNINGS)
    c.therapist = g.pick(g.therapists)
    c.adult = adult


# --- archetypes that hit no rule --------------------------------------------------------------


def therapy(
    g: Gen,
    c: Cust,
    last: int | None = None,
    n: int | None = None,
    future: int | None = None,
    status: str = "active",
    icbt: bool | None = None,
    group: bool = True,
) -> int:
    """In therapy, 1..11 sessions attended, the last within 3 months. Returns the first session's day."""
    if last is None:
        last = -g.ri(0, min(70, -g.m3 - 3))
    if n is None:
        n = g.ri(1, 11)
    first = g.therapy_block(c, last, n)
    if future is None:
        future = g.ri(0, 2) if g.r() < 0.75 else 0
    if future:
        g.book_future(c, 2, future)
    if icbt if icbt is not None else g.chance(0.08):
        g.module(c, first + g.ri(0, max(0, last - first)), last)
    g.intake(c, first, "Therapy")
    if group:
        c.group("Therapy")
    c.status = status
    return first


def therapy_waiting(g: Gen, c: Cust, status: str = "active", missed: bool | None = None) -> None:
    """Offered therapy recently (booked for after D, maybe one no-show), not yet engaged."""
    first = -g.ri(0, 40)
    if missed if missed is not None else g.chance(0.3):
        g.appt(c, first, 2, g.pick(MISSED), staff=c.therapist)
    g.book_future(c, 2, g.ri(1, 3))
    g.intake(c, first, "Therapy")
    c.group("Therapy")
    c.status = status


def icbt(
    g: Gen,
    c: Cust,
    last: int | None = None,
    n: int | None = None,
    status: str = "active",
    group: bool = True,
) -> int:
    """Only iCBT; last activity within 3 months. Returns the first module's start."""
    if last is None:
        last = -g.ri(0, min(80, -g.m3 - 5))
    start = last - g.ri(0, 60)
    g.icbt_course(c, start, last, n or g.ri(1, 3))
    for _ in range(g.ri(0, 3)):
        d = g.ri(start, last)
        g.appt(c, d, 4, g.att(d), staff=c.therapist)
    if g.chance(0.15):
        g.book_future(c, 4, 1)
    if g.chance(0.05):
        g.appt(c, g.ri(start, last), 2, g.pick(CANCELLED), staff=c.therapist)  # not an offer
    g.intake(c, start, "iCBT", assess=g.chance(0.5))
    if group:
        c.group("iCBT")
    c.status = status
    return start


def group_therapy(
    g: Gen,
    c: Cust,
    start: int | None = None,
    attended: list[bool] | None = None,
    status: str = "active",
) -> None:
    if start is None:
        start = g.ri(-41, 10)
    if attended is None:
        attended = [g.r() < 0.8 for _ in range(6)]
    g.group_block(c, start, attended)
    g.intake(c, start, "Group Therapy")
    c.group("Group Therapy")
    c.status = status


def triage(g: Gen, c: Cust, created: int | None = None, status: str = "active") -> None:
    c.created = -g.ri(0, 7) if created is None else created
    if c.created <= -2 and g.chance(0.3):
        g.appt(
            c,
            g.ri(c.created + 1, -1),
            0,
            g.pick(MISSED),
            created=c.created,
            staff=g.pick(g.coordinators),
        )
    g.appt(c, g.ri(0, 7), 0, g.pick(BOOKED), created=c.created, staff=g.pick(g.coordinators))
    c.group("Triage")
    c.status = status


def graduated_therapy(
    g: Gen,
    c: Cust,
    n: int | None = None,
    last: int | None = None,
    grad_staff: str | None = None,
    status: str = "discharged",
) -> int:
    n = (12 if g.chance(0.6) else g.ri(8, 11)) if n is None else n
    last = -g.ri(1, 1000) if last is None else last
    first = g.therapy_block(c, last, n)
    if grad_staff != "none":
        kind = grad_staff or ("Therapist" if g.chance(0.8) else "Coordinator")
        staff = {
            "Therapist": c.therapist,
            "Coordinator": g.pick(g.coordinators),
            "Administrator": g.pick(g.admins),
        }[kind]
        g.enc(c, min(0, last + g.ri(0, 7)), "Graduation Summary", staff=staff)
    g.intake(c, first, "Therapy")
    c.group("Graduated")
    c.status = status
    return last


def graduated_group(
    g: Gen,
    c: Cust,
    start: int | None = None,
    n_att: int | None = None,
    summary: bool | None = None,
    status: str = "discharged",
) -> None:
    start = -g.ri(50, 900) if start is None else start
    n_att = g.ri(3, 6) if n_att is None else n_att
    flags = [True] * n_att + [False] * (6 - n_att)
    g.rng.shuffle(flags)
    g.group_block(c, start, flags)
    if summary if summary is not None else g.chance(0.5):
        g.enc(c, min(0, start + 35 + g.ri(0, 10)), "Graduation Summary", staff=c.therapist)
    g.intake(c, start, "Group Therapy")
    c.group("Graduated")
    c.status = status


def discharged(
    g: Gen,
    c: Cust,
    last: int | None = None,
    n: int | None = None,
    chases: int | None = None,
    chase_after: int | None = None,
    status: str = "discharged",
    group: bool = True,
) -> int:
    """Therapy, then disengaged more than 3 months ago, chased twice or more, discharged. Returns last session."""
    last = -g.ri(-g.m3 + 10, 1000) if last is None else last
    n = g.ri(2, 11) if n is None else n
    first = g.therapy_block(c, last, n)
    after = last
    for k in range(g.ri(1, 3)):  # missed sessions after the last one, then the chasing starts
        d = last + 7 * (k + 1)
        if d < 0:
            g.appt(c, d, 2, g.pick(MISSED), staff=c.therapist)
            after = d
    _chase_and_discharge(
        g,
        c,
        after if chase_after is None else chase_after,
        g.ri(2, 3) if chases is None else chases,
    )
    g.intake(c, first, "Therapy")
    if group:
        c.group("Discharged")
    c.status = status
    return last


def _chase_and_discharge(g: Gen, c: Cust, after: int, n: int) -> None:
    until = min(0, after + g.ri(40, 150))
    end = g.chases(c, after, n, until) if n else after + 1
    g.enc(c, min(0, max(end, after + 1) + g.ri(0, 14)), "Discharge Summary")


def discharged_never(
    g: Gen, c: Cust, created: int | None = None, chases: int | None = None
) -> None:
    c.created = -g.ri(-g.m3 + 20, 1000) if created is None else created
    for _ in range(g.ri(1, 2)):
        g.appt(c, c.created + g.ri(1, 10), 0, g.pick(MISSED), staff=g.pick(g.coordinators))
    _chase_and_discharge(g, c, c.created, g.ri(2, 3) if chases is None else chases)
    c.group("Discharged")
    c.status = "discharged"


def discharged_icbt(g: Gen, c: Cust, last: int | None = None) -> None:
    last = -g.ri(-g.m3 + 10, 900) if last is None else last
    start = last - g.ri(0, 60)
    g.icbt_course(c, start, last, g.ri(1, 2))
    _chase_and_discharge(g, c, last, g.ri(2, 3))
    g.intake(c, start, "iCBT", assess=False)
    c.group("Discharged")
    c.status = "discharged"


def referred(
    g: Gen, c: Cust, ref: int | None = None, record: bool = True, status: str | None = None
) -> int:
    ref = -g.ri(0, 900) if ref is None else ref
    g.intake(c, ref, "External referral", assess=g.chance(0.4))
    if record:
        g.enc(
            c,
            ref,
            "External Referral",
            staff=g.pick(g.coordinators) if g.chance(0.7) else c.therapist,
        )
    c.group("Referred to External Services")
    c.status = status or ("discharged" if g.chance(0.7) else "inactive")
    return ref


def pt_requested_end(
    g: Gen,
    c: Cust,
    began: str | None = None,
    request: int | bool | None = True,
    status: str | None = None,
) -> int:
    """began: 'therapy', 'icbt' or 'none' (triage and assessment only). Returns the last engagement day."""
    began = began or ("therapy" if g.chance(0.7) else "icbt")
    last = -g.ri(5, 900)
    if began == "therapy":
        first = g.therapy_block(c, last, g.ri(1, 6))
        g.intake(c, first, "Therapy")
    elif began == "icbt":
        start = last - g.ri(0, 40)
        g.icbt_course(c, start, last, 1)
        g.intake(c, start, "iCBT", assess=False)
    else:
        g.appt(c, last + 3, 2, g.pick(MISSED), staff=c.therapist)
        g.intake(c, last + 3, "Therapy", gap=(3, 3))
    if request is True:
        g.enc(c, min(0, last + g.ri(1, 20)), "End of Services Request")
    elif request is not None and request is not False:
        g.enc(c, request, "End of Services Request")
    c.group("Pt Requested End of Services")
    c.status = status or ("discharged" if g.chance(0.8) else "inactive")
    return last


def sandbox(
    g: Gen,
    c: Cust,
    t: int | None = None,
    outcome: str | None = "Sandbox website",
    status: str = "inactive",
) -> int:
    t = -g.ri(1, 900) if t is None else t
    g.appt(c, t, 0, g.att(t), staff=g.pick(g.coordinators))
    if outcome is not None:
        g.enc(c, t, "Triage Outcome", outcome)
    c.created = t - g.ri(1, 12)
    c.group("Sandbox")
    c.status = status
    return t


def parent_contact(g: Gen, c: Cust, status: str = "inactive") -> None:
    c.warnings = g.pick(V.PARENT_WARNINGS)
    c.created = -g.ri(2, 1000)
    if g.chance(0.3):
        d = min(0, c.created + g.ri(1, 30))
        g.appt(c, d, 5, g.att(d) if d < 0 else "Confirmed", staff=g.pick(g.admins))
    if g.chance(0.2):
        g.appt(
            c, min(-1, c.created + g.ri(1, 60)), 0, g.pick(CANCELLED), staff=g.pick(g.coordinators)
        )
    c.group("Parent Contact")
    c.status = status


TEST_IDENTITIES = (
    ("Test", "Patient", "test.patient{n}@thesandbox.org.uk", ""),
    ("TEST", "Account", "", "Training account"),
    ("Admin", "Reception", "reception@thesandbox.org.uk", ""),
    ("Meeting", "Room", "", "Team meeting slot holder"),
    ("Demo", "Patient", "demo{n}@thesandbox.org.uk", ""),
    ("Sarah", "Test", "s.test{n}@gmail.com", ""),
    ("Training", "Admin", "", ""),
    ("{first}", "{last}", "{f}.{l}@commissioner.nhs.uk", "Commissioner - do not book"),
    ("{first}", "{last}", "{f}.{l}@commissioner.nhs.uk", "NHS commissioners' shared login"),
    ("{first}", "{last}", "{f}{l}{n}@gmail.com", "ICB commissioner (personal e-mail)"),
)


def test_account(
    g: Gen, c: Cust, ident: tuple | None = None, status: str = "inactive", group: bool = True
) -> None:
    first, last, mail, warn = ident or g.pick(TEST_IDENTITIES)
    rf, rl = g.pick(V.ADULT_FIRST), g.pick(V.LAST_NAMES)
    fmt = {
        "first": rf,
        "last": rl,
        "f": rf.lower(),
        "l": "".join(ch for ch in rl.lower() if ch.isalpha()),
        "n": g.ri(1, 99),
    }
    fmt["F"], fmt["L"] = fmt["f"].upper(), fmt["l"].upper()
    c.first, c.last = first.format(**fmt), last.format(**fmt)
    c.email = mail.format(**fmt)
    c.warnings = warn
    c.dob = ""
    c.created = -g.ri(0, 1000)
    if g.chance(0.4):
        d = min(-1, c.created + g.ri(0, 20))
        g.appt(
            c,
            d,
            g.pick((0, 1, 2)),
            g.pick(("Completed", "Cancelled", "Cancelled")),
            staff=c.therapist,
        )
    if group:
        c.group("Test")
    c.status = status


# (builder, weight per 1000 customers)
CORRECT = (
    (therapy, 200),
    (therapy_waiting, 30),
    (icbt, 80),
    (group_therapy, 40),
    (triage, 12),
    (graduated_therapy, 200),
    (graduated_group, 40),
    (discharged, 200),
    (discharged_never, 30),
    (discharged_icbt, 20),
    (referred, 45),
    (pt_requested_end, 35),
    (sandbox, 45),
    (parent_contact, 20),
    (test_account, 5),
)
_TABLE = _expand(CORRECT)
TOTAL_WEIGHT = len(_TABLE)
DELETED_PER_1000 = 10


def build_correct(g: Gen, c: Cust) -> None:
    b = g.pick(_TABLE)
    identity(g, c, adult=b is parent_contact)
    b(g, c)


def build_deleted(g: Gen, c: Cust) -> None:
    """A deleted record (duplicate, created in error): any journey, never a hit."""
    build_correct(g, c)
    c.status = "deleted"
    if g.chance(0.4):
        g.appt(c, -g.ri(1, 60), 2, g.pick(BOOKED), staff=c.therapist)  # stale booking, ignored


__all__ = ["BLANK", "CORRECT", "build_correct", "build_deleted", "identity"]
