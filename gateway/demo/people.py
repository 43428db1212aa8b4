"""Deterministic people and addresses for the demo operator (Kenya by default).

Everything comes from a seeded ``random.Random``, so two runs produce the same customers.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

GIVEN_NAMES = (
    "Amina", "Brian", "Cynthia", "David", "Esther", "Faith", "George", "Halima", "Ian", "Joy",
    "Kevin", "Lilian", "Moses", "Naomi", "Otieno", "Purity", "Quincy", "Rose", "Samuel", "Tabitha",
    "Usman", "Violet", "Wanjiru", "Xavier", "Yusuf", "Zawadi", "Achieng", "Baraka", "Chebet", "Dennis",
    "Eunice", "Felix", "Grace", "Hassan", "Irene", "James", "Kamau", "Leah", "Mercy", "Njeri",
)
FAMILY_NAMES = (
    "Wanjiku", "Otieno", "Mwangi", "Kariuki", "Njoroge", "Ochieng", "Kiprop", "Chebet", "Mutua",
    "Wambui", "Omondi", "Kimani", "Akinyi", "Mohamed", "Ali", "Kiptoo", "Nyambura", "Onyango",
    "Maina", "Kilonzo", "Wafula", "Barasa", "Jeptoo", "Were", "Odhiambo", "Gitau", "Muthoni",
)
TOWNS = (
    ("Nairobi", "00100"), ("Mombasa", "80100"), ("Kisumu", "40100"), ("Nakuru", "20100"),
    ("Eldoret", "30100"), ("Thika", "01000"), ("Malindi", "80200"), ("Nyeri", "10100"),
)
STREETS = ("Moi Avenue", "Kenyatta Avenue", "Ngong Road", "Oginga Odinga Street", "Uhuru Highway",
           "Digo Road", "Kimathi Street", "Tom Mboya Street", "Haile Selassie Avenue", "Langata Road")
COMPANIES = ("Savannah Logistics Ltd", "Tana River Agro Ltd", "Kilima Engineering Ltd", "Pwani Fresh Ltd",
             "Rift Valley Couriers Ltd", "Jua Kali Works Ltd", "Mvua Solar Ltd", "Baobab Clinics Ltd",
             "Simba Security Services Ltd", "Maziwa Dairy Co-operative")


@dataclass(frozen=True)
class Person:
    given_name: str
    family_name: str
    gender: str
    birth_year: int
    email: str
    street: str
    city: str
    post_code: str
    national_id: str
    language: str


def people(count: int, seed: int = 2026) -> list[Person]:
    """``count`` distinct demo people, always the same ones for the same seed."""
    rng = random.Random(seed)
    out: list[Person] = []
    seen: set[tuple[str, str]] = set()
    while len(out) < count:
        given, family = rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES)
        if (given, family) in seen:  # 1,080 combinations; a few hundred people never run out
            continue
        seen.add((given, family))
        city, post_code = rng.choice(TOWNS)
        index = len(out) + 1
        out.append(Person(
            given_name=given,
            family_name=family,
            gender=rng.choice(("female", "male")),
            birth_year=rng.randint(1960, 2005),
            email=f"{given}.{family}.{index}@example.co.ke".lower().replace(" ", ""),
            street=f"{rng.randint(1, 240)} {rng.choice(STREETS)}",
            city=city,
            post_code=post_code,
            national_id=str(20_000_000 + rng.randint(0, 9_999_999)),
            language="sw" if rng.random() < 0.3 else "en",
        ))
    return out


def msisdns(count: int, seed: int = 2026) -> list[str]:
    """``count`` distinct valid Kenyan mobile numbers in E.164 (+2547XXXXXXXX)."""
    rng = random.Random(seed + 1)
    numbers: list[str] = []
    seen: set[str] = set()
    while len(numbers) < count:
        number = f"+2547{rng.choice('0129')}{rng.randint(0, 9_999_999):07d}"
        if number not in seen:
            seen.add(number)
            numbers.append(number)
    return numbers
