"""Planted cases of SOP-90/91: test accounts."""

from __future__ import annotations

from runner.generate import archetypes as A
from runner.generate.planted.base import (
    Family,
)

scenario = Family()


# --- SOP-90/91 Test accounts --------------------------------------------------------------------
@scenario
def sop90_test1(g, c):
    A.therapy(g, c)
    c.first = "TEST1"
    c.hit("SOP-90", "first name 'TEST1', in Therapy")


@scenario
def sop90_email_word(g, c):
    A.therapy(g, c)
    c.email = f"qa.test{g.ri(1, 9)}@gmail.com"
    c.hit("SOP-90", "e-mail local part 'qa.test', in Therapy")


@scenario
def sop90_admin_name(g, c):
    A.icbt(g, c)
    c.last = "Admin"
    c.hit("SOP-90", "last name 'Admin', in iCBT")


@scenario
def sop90_staff_domain(g, c):
    A.sandbox(g, c)
    c.email = f"{c.first.lower()}.{g.ri(1, 99)}@thesandbox.org.uk"
    c.hit("SOP-90", "internal thesandbox.org.uk e-mail, in Sandbox")


@scenario
def sop90_commissioner_warning(g, c):
    A.therapy(g, c)
    c.warnings = "Commissioner - do not book"
    c.hit("SOP-90", "commissioner by warning note, in Therapy")


@scenario
def sop90_commissioner_domain_warned(g, c):
    A.discharged(g, c)
    c.email = (
        f"{c.last.lower().replace(' ', '').replace(chr(39), '')}{g.ri(1, 99)}@commissioner.nhs.uk"
    )
    c.warnings = "NHS commissioner"
    c.hit("SOP-90", "commissioner e-mail domain and warning, in Discharged")


@scenario
def sop90_commissioner_domain_unwarned(g, c):
    A.therapy(g, c)
    c.email = (
        f"{c.last.lower().replace(' ', '').replace(chr(39), '')}{g.ri(1, 99)}@commissioner.nhs.uk"
    )
    c.warnings = ""
    c.hit("SOP-90", "commissioner e-mail domain, in Therapy")
    c.hit("SOP-91", "commissioner e-mail domain, no warning")


@scenario
def sop90_contestant(g, c):
    A.icbt(g, c)
    c.last = "Contestant"
    c.email = f"contestant{g.ri(10, 99)}@hotmail.co.uk"
    c.near("SOP-90", "'Contestant' is not the word 'test'")


@scenario
def sop90_testa(g, c):
    A.therapy(g, c)
    c.last = "Testa"
    c.email = f"{c.first.lower()}.testa@outlook.com"
    c.near("SOP-90", "'Testa' is not the word 'test'")


@scenario
def sop90_subdomain(g, c):
    A.therapy(g, c)
    c.email = f"{c.first.lower()}@mail.thesandbox.org.uk"
    c.near("SOP-90", "a subdomain of thesandbox.org.uk does not match")


@scenario
def sop90_attestation(g, c):
    A.discharged(g, c)
    c.email = f"attestation.{c.first.lower()}@gmail.com"
    c.warnings = 'Uses the name "Admiral"; meetings on Fridays'
    c.near("SOP-90", "'attestation', 'Admiral' and 'meetings' are not the words")


@scenario
def sop90_in_test(g, c):
    A.test_account(g, c)
    c.near("SOP-90", "test-like account already in Test")


@scenario
def sop91_no_warning(g, c):
    A.test_account(g, c, ident=("{first}", "{last}", "{f}.{l}@commissioner.nhs.uk", ""))
    c.hit("SOP-91", "commissioner e-mail domain, no warning")


@scenario
def sop91_other_warning(g, c):
    A.test_account(
        g, c, ident=("{first}", "{last}", "{f}{n}@commissioner.nhs.uk", "NHS contact - do not book")
    )
    c.hit("SOP-91", "commissioner e-mail domain, warning without the word")


@scenario
def sop91_commissioning(g, c):
    A.test_account(
        g,
        c,
        ident=(
            "{first}",
            "{last}",
            "{l}.{f}@commissioner.nhs.uk",
            "Commissioning lead for the ICB",
        ),
    )
    c.hit("SOP-91", "warning says 'Commissioning' (not the word)")


@scenario
def sop91_upper_domain(g, c):
    A.test_account(g, c, ident=("{first}", "{last}", "{F}.{L}@COMMISSIONER.NHS.UK", ""))
    c.hit("SOP-91", "e-mail domain in capitals, no warning")


@scenario
def sop91_warned(g, c):
    A.test_account(
        g,
        c,
        ident=(
            "{first}",
            "{last}",
            "{f}.{l}@commissioner.nhs.uk",
            "NHS commissioner - do not book",
        ),
    )
    c.near("SOP-91", "domain and 'NHS commissioner' warning")


@scenario
def sop91_warned_plural(g, c):
    A.test_account(
        g,
        c,
        ident=("{first}", "{last}", "{f}{n}@commissioner.nhs.uk", "COMMISSIONERS' shared account"),
    )
    c.near("SOP-91", "domain and 'COMMISSIONERS' warning")


@scenario
def sop91_subdomain(g, c):
    A.test_account(g, c, ident=("{first}", "{last}", "{f}.{l}@north.commissioner.nhs.uk", ""))
    c.near("SOP-91", "a subdomain of commissioner.nhs.uk is not the domain")


@scenario
def sop91_by_warning_only(g, c):
    A.test_account(
        g, c, ident=("{first}", "{last}", "{f}{l}{n}@gmail.com", "Commissioner (personal e-mail)")
    )
    c.near("SOP-91", "commissioner by warning only, not by domain")
