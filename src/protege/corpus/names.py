"""Invented names: servicers, people, places, vehicles, schools. Any resemblance to a real
servicer is accidental; none of these are real companies."""

from __future__ import annotations

import random

# Servicer names are composed: a stem, then a suffix that names the product or one that could
# serve any. A short fixed list per type let a student learn names as shortcuts to the type
# (a "Meridian" name meant a mortgage); composed names are many, and half of a typed account's
# names say nothing of its product, so the type has to be read from the text.
SERVICER_STEMS: tuple[str, ...] = (
    "Summit", "Bluewater", "Crestline", "Northgate", "Prairie", "Keystone", "Harbor Point",
    "Redwood", "Silverline", "Copperfield", "Lakeshore", "Granite State", "Meridian",
    "Cedar Ridge", "Hearthstone", "Oakmont", "Brightwater", "Fairhaven", "Pinecrest", "Ironwood",
    "Stonebridge", "Willowbrook", "Apex", "Horizon", "Sterling", "Beacon", "Trailhead", "Quarry",
    "Lumen", "Orchard", "Campus Trust", "Ivy Path", "Clearpath", "Evergreen", "Mosaic", "Upland",
    "Trellis", "Northstar", "First Cardinal", "Riverbend", "Commonwealth", "Harborview",
    "Mid-Valley", "Union Square", "Bayside", "Foxglove", "Westbrook", "Tamarack", "Heron Lake",
    "Bristlecone", "Driftwood", "Halcyon", "Ashgrove", "Saltbrush", "Wrenfield", "Amberly",
    "Coralline", "Fennimore", "Glenrock", "Hollis Park", "Jasper Creek", "Kittering", "Moorland",
    "Norwell", "Pembrook", "Starling", "Thistledown", "Verity", "Windmere", "Yarrow", "Zephyr",
    "Clover Hill", "Eastgate", "Foxhall", "Highmark", "Ivywood", "Maple Grove",
)  # fmt: skip
# Suffixes that name the product (the product words of ``test_corpus``'s unstated-type check).
TYPED_SUFFIXES: dict[str, tuple[str, ...]] = {
    "auto_loan": (
        "Auto Finance", "Motor Credit", "Auto Lending", "Vehicle Finance", "Auto Credit",
        "Auto Servicing", "Motor Loans", "Auto Acceptance",
    ),
    "mortgage": (
        "Home Loans", "Mortgage", "Mortgage Servicing", "Home Lending", "Mortgage Co.",
        "Home Finance", "Mortgage Services",
    ),
    "credit_card": (
        "Card Services", "Rewards Card", "Bank Card", "Card Co.", "Platinum Card", "Visa",
        "Mastercard", "Card",
    ),
    "student_loan": (
        "Student Finance", "Education Loans", "Student Loan Servicing", "Education Finance",
        "Student Lending",
    ),
    "personal_loan": (
        "Personal Lending", "Personal Finance", "Personal Loans", "Signature Lending",
    ),
}  # fmt: skip
# Suffixes any servicer may have: they never name a product.
NEUTRAL_SUFFIXES: tuple[str, ...] = (
    "Bank", "Credit Union", "Federal Credit Union", "Financial", "Savings Bank", "Trust",
    "Lending", "Loan Servicing", "Finance Company", "Bank & Trust", "Community Bank",
    "Servicing, LLC", "Consumer Finance", "Capital",
)  # fmt: skip
TYPED_NAME_SHARE = 0.5  # of a typed account's servicer names, those whose suffix names it


def servicer_name(rng: random.Random, liability_type: str | None) -> str:
    """An invented servicer name; a neutral one (naming no product) when ``liability_type`` is
    None, and for a typed account half the time."""
    stem = rng.choice(SERVICER_STEMS)
    if liability_type is not None and rng.random() < TYPED_NAME_SHARE:
        return f"{stem} {rng.choice(TYPED_SUFFIXES[liability_type])}"
    return f"{stem} {rng.choice(NEUTRAL_SUFFIXES)}"


def is_neutral(name: str) -> bool:
    """Whether a servicer name ends in a suffix that names no product."""
    return name.endswith(NEUTRAL_SUFFIXES)


FIRST_NAMES: tuple[str, ...] = (
    "James",
    "Maria",
    "Robert",
    "Linda",
    "Michael",
    "Patricia",
    "David",
    "Jennifer",
    "Carlos",
    "Aisha",
    "Wei",
    "Priya",
    "Daniel",
    "Elizabeth",
    "Thomas",
    "Keisha",
    "Andre",
    "Sofia",
    "Kevin",
    "Nguyen",
    "Olga",
    "Samuel",
    "Fatima",
    "Brian",
    "Rachel",
    "Luis",
    "Hannah",
    "Tyrone",
    "Megan",
    "Jorge",
    "Emily",
    "Dmitri",
    "Grace",
    "Marcus",
    "Yuki",
    "Brenda",
    "Omar",
    "Ashley",
    "Raj",
    "Teresa",
)
LAST_NAMES: tuple[str, ...] = (
    "Johnson",
    "Garcia",
    "Smith",
    "Nguyen",
    "Patel",
    "Williams",
    "Brown",
    "Martinez",
    "Okafor",
    "Kim",
    "Rodriguez",
    "Chen",
    "Davis",
    "Lopez",
    "Wilson",
    "Anderson",
    "Thompson",
    "Moore",
    "Jackson",
    "Hernandez",
    "Kowalski",
    "Singh",
    "O'Brien",
    "Murphy",
    "Rivera",
    "Cohen",
    "Walker",
    "Young",
    "Baker",
    "Reyes",
    "Ivanova",
    "Schmidt",
    "Adeyemi",
    "Sato",
    "Fischer",
)
REP_NAMES: tuple[str, ...] = (
    "Tanya",
    "Marcus",
    "Denise",
    "Jordan",
    "Alicia",
    "Kyle",
    "Renee",
    "Victor",
    "Crystal",
    "Darnell",
    "Monica",
    "Trevor",
    "Jasmine",
    "Glen",
    "Shauna",
    "Hector",
    "Bethany",
    "Ray",
)
STREETS: tuple[str, ...] = (
    "Maple Ave",
    "Oak Street",
    "Hillcrest Dr",
    "Lakeview Rd",
    "Pine Ct",
    "Sunset Blvd",
    "Elm Street",
    "Birchwood Ln",
    "Riverside Dr",
    "Cherry Hill Rd",
    "Willow Way",
    "Park Pl",
)
CITIES: tuple[tuple[str, str], ...] = (
    ("Springfield", "IL"),
    ("Columbus", "OH"),
    ("Tempe", "AZ"),
    ("Raleigh", "NC"),
    ("Boise", "ID"),
    ("Tacoma", "WA"),
    ("Austin", "TX"),
    ("Fresno", "CA"),
    ("Omaha", "NE"),
    ("Albany", "NY"),
    ("Macon", "GA"),
    ("Madison", "WI"),
    ("Reno", "NV"),
    ("Tulsa", "OK"),
)
VEHICLES: tuple[str, ...] = (
    "Honda Civic",
    "Toyota Camry",
    "Ford F-150",
    "Chevrolet Equinox",
    "Nissan Rogue",
    "Hyundai Tucson",
    "Subaru Outback",
    "Jeep Grand Cherokee",
    "Kia Sorento",
    "Toyota RAV4",
    "Mazda CX-5",
    "Ram 1500",
    "Tesla Model 3",
    "Volkswagen Jetta",
    "GMC Sierra",
)
SCHOOLS: tuple[str, ...] = (
    "Westbrook University",
    "Coastal State College",
    "Pinehurst Institute of Technology",
    "Riverton Community College",
    "Eastfield University",
    "Northern Plains University",
)

# Servicer names that say nothing about the product, for sources whose liability type is
# deliberately left unstated (the record's liability_type is null).
