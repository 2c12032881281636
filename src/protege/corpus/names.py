"""Invented names: servicers, people, places, vehicles, schools. Any resemblance to a real
servicer is accidental; none of these are real companies."""

from __future__ import annotations

SERVICERS: dict[str, tuple[str, ...]] = {
    "auto_loan": (
        "Summit Auto Finance", "Bluewater Motor Credit", "Crestline Auto Lending",
        "Northgate Vehicle Finance", "Prairie Motor Acceptance", "Keystone Auto Credit",
        "Harbor Point Auto Finance", "Redwood Drive Financial", "Silverline Auto Servicing",
        "Copperfield Motor Loans", "Lakeshore Credit Union", "Granite State Auto Finance",
    ),
    "mortgage": (
        "Meridian Home Loans", "Cedar Ridge Mortgage", "Hearthstone Mortgage Servicing",
        "Oakmont Home Lending", "Brightwater Mortgage", "Fairhaven Loan Servicing",
        "Pinecrest Mortgage Co.", "Ironwood Home Finance", "Stonebridge Mortgage Services",
        "Willowbrook Home Loans", "Lakeshore Credit Union", "First Cardinal Bank",
    ),
    "credit_card": (
        "Apex Card Services", "Horizon Rewards Card", "Nova Bank Card", "Sterling Card Co.",
        "Beacon Platinum Card", "Trailhead Visa", "Quarry Bank Mastercard", "Lumen Card",
        "First Cardinal Bank", "Orchard Cash Rewards",
    ),
    "student_loan": (
        "Scholar Loan Servicing", "Campus Trust Education Loans", "Ivy Path Student Finance",
        "EduServe Loan Center", "Graduate Bridge Lending", "Academy Loan Services",
        "Lakeshore Credit Union",
    ),
    "personal_loan": (
        "Clearpath Personal Lending", "Evergreen Installment Loans", "Mosaic Lending",
        "Upland Personal Finance", "Lakeshore Credit Union", "Trellis Loans",
        "Northstar Consumer Finance", "First Cardinal Bank",
    ),
}

FIRST_NAMES: tuple[str, ...] = (
    "James", "Maria", "Robert", "Linda", "Michael", "Patricia", "David", "Jennifer", "Carlos",
    "Aisha", "Wei", "Priya", "Daniel", "Elizabeth", "Thomas", "Keisha", "Andre", "Sofia",
    "Kevin", "Nguyen", "Olga", "Samuel", "Fatima", "Brian", "Rachel", "Luis", "Hannah",
    "Tyrone", "Megan", "Jorge", "Emily", "Dmitri", "Grace", "Marcus", "Yuki", "Brenda",
    "Omar", "Ashley", "Raj", "Teresa",
)
LAST_NAMES: tuple[str, ...] = (
    "Johnson", "Garcia", "Smith", "Nguyen", "Patel", "Williams", "Brown", "Martinez", "Okafor",
    "Kim", "Rodriguez", "Chen", "Davis", "Lopez", "Wilson", "Anderson", "Thompson", "Moore",
    "Jackson", "Hernandez", "Kowalski", "Singh", "O'Brien", "Murphy", "Rivera", "Cohen",
    "Walker", "Young", "Baker", "Reyes", "Ivanova", "Schmidt", "Adeyemi", "Sato", "Fischer",
)
REP_NAMES: tuple[str, ...] = (
    "Tanya", "Marcus", "Denise", "Jordan", "Alicia", "Kyle", "Renee", "Victor", "Crystal",
    "Darnell", "Monica", "Trevor", "Jasmine", "Glen", "Shauna", "Hector", "Bethany", "Ray",
)
STREETS: tuple[str, ...] = (
    "Maple Ave", "Oak Street", "Hillcrest Dr", "Lakeview Rd", "Pine Ct", "Sunset Blvd",
    "Elm Street", "Birchwood Ln", "Riverside Dr", "Cherry Hill Rd", "Willow Way", "Park Pl",
)
CITIES: tuple[tuple[str, str], ...] = (
    ("Springfield", "IL"), ("Columbus", "OH"), ("Tempe", "AZ"), ("Raleigh", "NC"),
    ("Boise", "ID"), ("Tacoma", "WA"), ("Austin", "TX"), ("Fresno", "CA"), ("Omaha", "NE"),
    ("Albany", "NY"), ("Macon", "GA"), ("Madison", "WI"), ("Reno", "NV"), ("Tulsa", "OK"),
)
VEHICLES: tuple[str, ...] = (
    "Honda Civic", "Toyota Camry", "Ford F-150", "Chevrolet Equinox", "Nissan Rogue",
    "Hyundai Tucson", "Subaru Outback", "Jeep Grand Cherokee", "Kia Sorento", "Toyota RAV4",
    "Mazda CX-5", "Ram 1500", "Tesla Model 3", "Volkswagen Jetta", "GMC Sierra",
)
SCHOOLS: tuple[str, ...] = (
    "Westbrook University", "Coastal State College", "Pinehurst Institute of Technology",
    "Riverton Community College", "Eastfield University", "Northern Plains University",
)
