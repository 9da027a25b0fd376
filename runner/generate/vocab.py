"""Vocabulary for the synthetic export: names, providers, warnings, modules.

Our own lists (no Faker). No name or e-mail word here may be an account-pattern
word (`test`, `admin`, `meeting`), and no warning may hold the word
`commissioner(s)`: ordinary customers must never look like test accounts.
"""

from __future__ import annotations

FEMALE_FIRST = (
    "Olivia Amelia Isla Ava Mia Ivy Lily Isabella Freya Florence Sophia Grace Willow Evie Poppy "
    "Ella Rosie Sienna Harper Daisy Phoebe Emily Chloe Ruby Matilda Holly Erin Niamh Aoife Siobhan "
    "Bethan Ffion Cerys Seren Eilidh Isla Jasmine Amira Aisha Zara Priya Anaya Fatima Maryam Hafsa "
    "Adaeze Chiamaka Kemi Tobi Imani Abigail Hannah Charlotte Lucy Megan Jessica Katie Lauren Sophie "
    "Molly Maisie Millie Eleanor Alice Harriet Martha Orla Caitlin Nia Leah Maya Layla Esme Thea "
    "Elsie Iris Hallie Robyn Rhiannon Kirsty Shannon Bethany Courtney Paige Amber Keira Zoe Nicola "
    "Agnieszka Zuzanna Oliwia Julia Ana Beatriz Chanel Precious Blessing Nkechi"
).split()
MALE_FIRST = (
    "Oliver George Noah Arthur Muhammad Leo Oscar Harry Archie Jack Henry Charlie Freddie Theo Thomas "
    "Alfie Jacob Isaac Joshua James William Ethan Lucas Mason Dylan Rhys Owen Callum Kieran Connor "
    "Liam Cian Ruairi Euan Fraser Lewis Aaron Daniel Samuel Joseph Benjamin Max Toby Reuben Elliot "
    "Harrison Louie Finley Riley Tyler Jayden Kai Zain Yusuf Ibrahim Omar Ali Hamza Ayaan Arjun Rohan "
    "Dev Kofi Kwame Tunde Chidi Emeka Luca Mateusz Jakub Kacper Filip Tiago Rafael Sebastian Stanley "
    "Jude Ezra Hugo Albert Edward Frankie Reggie Ronnie Teddy Bobby Jamie Kyle Declan Niall Sean"
).split()
ADULT_FIRST = (
    "Sarah Claire Rachel Karen Joanne Helen Louise Michelle Lisa Nicola Emma Kelly Gemma Samantha "
    "Paul Mark David Andrew Richard Stephen Neil Gareth Darren Craig Lee Wayne Simon Martin Ian"
).split()
LAST_NAMES = (
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson "
    "Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner "
    "Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott "
    "Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson "
    "Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams "
    "Singh Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali Hunt Hussain Campbell "
    "Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens "
    "Jenkins Murray Dixon Harvey Graham Pearson Ahmed Fletcher Walsh Kaur Gibson Howard Andrews "
    "Stewart Elliott Reynolds Saunders Payne Fox Ford Pearce Day Brooks West Lawrence Cole Atkinson "
    "Bradley Spencer Gill Dawson Ball Burton O'Brien Watts Rose Booth Perry Ryan Grant Wells Armstrong "
    "Francis Rees Hayes Hart Hudson Newman Barrett Gregory Lowe Kennedy Lawson MacDonald McLean Fraser "
    "Nowak Kowalski Okafor Mensah Adeyemi Okonkwo Nguyen Chen Fernandes da-Silva Quinn O'Neill Doyle "
    "Byrne Gallagher Pritchard Bennett-Hale Sharma Chowdhury Rahman Iqbal Mahmood Akhtar Osei Boateng"
).split()
LAST_NAMES = tuple(n.replace("da-Silva", "da Silva") for n in LAST_NAMES)

EMAIL_DOMAINS = (
    ("gmail.com", 34),
    ("hotmail.co.uk", 14),
    ("outlook.com", 14),
    ("yahoo.co.uk", 9),
    ("icloud.com", 10),
    ("live.co.uk", 6),
    ("btinternet.com", 5),
    ("sky.com", 3),
    ("hotmail.com", 3),
    ("googlemail.com", 2),
)

# Free-text Warnings blocks (as delivered). None may hold `commissioner`.
WARNINGS = (
    ("", 880),
    ("Prefers text messages", 20),
    ("Phone number is parent's, not patient's", 15),
    ("Contact via mum (number on file)", 15),
    ("Hearing impaired, email preferred", 6),
    ("Do not call before 4pm, she is at college", 6),
    ("Do not call before 4pm, he is at college", 6),
    ('Uses the name "Sam"; please use it', 4),
    ("Safeguarding plan in place.\nSpeak to the duty coordinator before contact", 4),
    ("Interpreter needed (Polish)", 4),
    ("Interpreter needed (Urdu)", 3),
    ("Dad is main contact; do not leave voicemail", 8),
    ("Young carer - flexible appointment times", 6),
    ("Exam period: avoid May-June mornings", 3),
    ("Autistic; prefers a written agenda before sessions", 5),
    ("Shared phone with sibling", 5),
)
PARENT_WARNINGS = (
    "Parent contact account",
    "Mum of two patients; contact account",
    "Parent account - used for communications only",
    "Dad's account for appointment reminders",
    "Guardian contact account (foster carer)",
)

BRANCHES = (("SBX-N", 45), ("SBX-S", 35), ("SBX-E", 12), ("SBX-W", 8))

ICBT_MODULES = (
    "Understanding Anxiety",
    "Managing Worry",
    "Healthy Thinking",
    "Sleep Well",
    "Building Self-Esteem",
    "Exam Stress",
    "Coping with Low Mood",
    "Panic and Physical Symptoms",
    "Friendships and Bullying",
    "Anger and Frustration",
)

# The patient group catalogue: name -> Juvonno short code.
GROUP_CODES = {
    "No Group": "",
    "Triage": "TRI",
    "Therapy": "THR",
    "iCBT": "ICBT",
    "Group Therapy": "GRP",
    "Hybrid": "HYB",
    "Lost Sheep": "LST",
    "Parent Contact": "PAR",
    "Sandbox": "SBX",
    "Test": "TST",
    "Discharged": "DIS",
    "Graduated": "GRAD",
    "Pt Requested End of Services": "PRE",
    "Referred to External Services": "REF",
}
UNKNOWN_GROUPS = (("WL", "Waiting List"), ("CAMHS", "CAMHS Waiting"), ("X", "Old Referrals 2024"))

# Schedule types: key -> (schedule_type_id, schedule_type_name, duration minutes).
TRIAGE, ASSESS, THERAPY, GROUP, ICBT_REVIEW, ADMIN = range(6)
SCHEDULE_TYPES = (
    (13, "Triage Call", 30),
    (12, "Initial Assessment", 60),
    (11, "1:1 Therapy Session", 50),
    (14, "Group Therapy Session", 90),
    (15, "iCBT Review", 30),
    (16, "Admin", 15),
)

# Encounter templates (the encounter_templates seed's defaults).
T_NOTE = "Session Note"
T_TRIAGE = "Triage Outcome"
T_CHASE = "Chase Attempt"
T_GRAD = "Graduation Summary"
T_DISCHARGE = "Discharge Summary"
T_REFERRAL = "External Referral"
T_END = "End of Services Request"

STAFF_FIRST = FEMALE_FIRST[:60] + MALE_FIRST[:60] + ADULT_FIRST
STAFF_LAST = (
    "Okonjo Whitaker Raman Gillespie Featherstone Mossley Hewitson Dunmore Lakhani Brabazon Ashworth "
    "Pemberton Kettering Lindqvist Obi Castellano Dhillon Rutherford Fairbairn Moriarty Sandhu Achterberg "
    "Blackwood Carrington Devereux Ellingham Faulkner Greenhalgh Holloway Ingram Jessop Kershaw Loughlin "
    "Merriman Northcott Oyelaran Pickering Quayle Radcliffe Sutcliffe Thackeray Underwood Varma Winstanley"
).split()

_FORBIDDEN_WORDS = {"test", "admin", "meeting", "commissioner", "commissioners"}


def words(text: str) -> set[str]:
    """Maximal runs of letters, lower-cased (the spec's definition of a word)."""
    out, cur = set(), []
    for ch in text.lower():
        if ch.isalpha():
            cur.append(ch)
        elif cur:
            out.add("".join(cur))
            cur = []
    if cur:
        out.add("".join(cur))
    return out


def _check() -> None:
    for lst in (FEMALE_FIRST, MALE_FIRST, ADULT_FIRST, LAST_NAMES, STAFF_LAST):
        for n in lst:
            assert not words(n) & _FORBIDDEN_WORDS, n
    for w, _ in WARNINGS:
        assert not words(w) & _FORBIDDEN_WORDS, w
    for w in PARENT_WARNINGS:
        assert not words(w) & _FORBIDDEN_WORDS, w


_check()
