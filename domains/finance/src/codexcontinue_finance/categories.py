"""The spending categories, the merchant keywords the pack ships, and merchant category codes (ISO 18245) mapped to them."""

from __future__ import annotations

import re

import iso18245

UNCATEGORISED = "Uncategorised"

CATEGORIES = [
    "Income",
    "Housing",
    "Utilities",
    "Groceries",
    "Dining",
    "Transport",
    "Travel",
    "Shopping",
    "Subscriptions",
    "Health",
    "Entertainment",
    "Education",
    "Insurance",
    "Cash",
    "Transfers",
    "Fees",
    "Services",
    "Government & tax",
    UNCATEGORISED,
]

#: Words in a merchant name that say its category (whole words, checked in this order).
MERCHANT_KEYWORDS: dict[str, list[str]] = {
    "Income": ["SALARY", "PAYROLL", "DIRECT DEP", "WAGES", "PENSION", "DIVIDEND"],
    "Housing": ["RENT", "MORTGAGE", "LANDLORD", "COUNCIL TAX", "HOA"],
    "Utilities": [
        "BRITISH GAS",
        "EDF",
        "OCTOPUS ENERGY",
        "THAMES WATER",
        "CON ED",
        "PG&E",
        "VERIZON",
        "AT&T",
        "COMCAST",
        "XFINITY",
        "VODAFONE",
        "BT",
        "EE",
        "SKY",
        "T-MOBILE",
        "ELECTRIC",
        "WATER",
    ],
    "Groceries": [
        "TESCO",
        "SAINSBURYS",
        "SAINSBURY'S",
        "ASDA",
        "ALDI",
        "LIDL",
        "WAITROSE",
        "MORRISONS",
        "WHOLEFDS",
        "WHOLE FOODS",
        "TRADER JOE'S",
        "KROGER",
        "SAFEWAY",
        "COSTCO",
        "PUBLIX",
        "CO-OP",
    ],
    "Dining": [
        "STARBUCKS",
        "COSTA",
        "CAFÉ NERO",
        "CAFFE NERO",
        "PRET",
        "PRET A MANGER",
        "MCDONALD'S",
        "MCDONALDS",
        "CHIPOTLE",
        "DELIVEROO",
        "UBER EATS",
        "DOORDASH",
        "GREGGS",
        "NANDOS",
        "PIZZA",
        "CAFE",
        "RESTAURANT",
        "TACOS",
        "GRUBHUB",
        "JUST EAT",
    ],
    "Transport": [
        "UBER",
        "LYFT",
        "TFL",
        "TRAINLINE",
        "MTA",
        "SHELL",
        "BP",
        "EXXON",
        "CHEVRON",
        "PARKING",
        "AMTRAK",
        "NATIONAL RAIL",
        "ESSO",
    ],
    "Travel": [
        "AIRBNB",
        "BOOKING.COM",
        "EXPEDIA",
        "HOTEL",
        "RYANAIR",
        "EASYJET",
        "BRITISH AIRWAYS",
        "DELTA",
        "UNITED",
        "AMERICAN AIR",
    ],
    "Shopping": [
        "AMAZON",
        "AMAZON.COM",
        "AMAZON.CO.UK",
        "AMZN",
        "EBAY",
        "TARGET",
        "IKEA",
        "ARGOS",
        "JOHN LEWIS",
        "APPLE STORE",
        "BEST BUY",
        "WALMART",
        "PRIMARK",
        "ETSY",
    ],
    "Subscriptions": [
        "NETFLIX",
        "NETFLIX.COM",
        "SPOTIFY",
        "DISNEY PLUS",
        "DISNEYPLUS",
        "HULU",
        "APPLE.COM",
        "YOUTUBE",
        "AUDIBLE",
        "PATREON",
        "ADOBE",
    ],
    "Health": [
        "PHARMACY",
        "BOOTS",
        "CVS",
        "WALGREENS",
        "DENTAL",
        "DENTIST",
        "CLINIC",
        "HOSPITAL",
        "GYM",
    ],
    "Entertainment": [
        "CINEMA",
        "ODEON",
        "AMC",
        "TICKETMASTER",
        "STEAM",
        "PLAYSTATION",
        "XBOX",
    ],
    "Cash": ["ATM", "ATM WITHDRAWAL", "CASH", "CASHPOINT", "SAINSBURYS BANK CD"],
    "Transfers": [
        "TRANSFER",
        "ZELLE",
        "VENMO",
        "PAYPAL",
        "REVOLUT",
        "WISE",
        "CHECK",
        "CHEQUE",
        "REFUND",
    ],
    "Fees": ["FEE", "OVERDRAFT", "INTEREST CHARGE", "LATE CHARGE"],
    "Insurance": ["INSURANCE", "AVIVA", "GEICO", "ALLSTATE", "DIRECT LINE"],
    "Government & tax": ["HMRC", "IRS", "DVLA", "TAX"],
}

_KEYWORD_PATTERNS = [
    (category, word, re.compile(rf"(?<![A-Z0-9]){re.escape(word)}(?![A-Z0-9])"))
    for category, words in MERCHANT_KEYWORDS.items()
    for word in sorted(words, key=len, reverse=True)
]

#: (first, last, category) for merchant category codes; the first matching row wins.
MCC_CATEGORIES: list[tuple[int, int, str]] = [
    (742, 1499, "Services"),
    (1500, 2999, "Housing"),
    (3000, 3999, "Travel"),  # airlines, car rental, lodging
    (4011, 4131, "Transport"),
    (4411, 4722, "Travel"),
    (4784, 4789, "Transport"),
    (4812, 4899, "Utilities"),
    (4900, 4900, "Utilities"),
    (4000, 4799, "Transport"),
    (5411, 5499, "Groceries"),
    (5541, 5542, "Transport"),
    (5811, 5814, "Dining"),
    (5815, 5818, "Subscriptions"),
    (5912, 5912, "Health"),
    (5975, 5976, "Health"),
    (5000, 5999, "Shopping"),
    (6010, 6011, "Cash"),
    (6012, 6099, "Transfers"),
    (6300, 6399, "Insurance"),
    (6000, 6999, "Transfers"),
    (7011, 7012, "Travel"),
    (7512, 7523, "Transport"),
    (7800, 7999, "Entertainment"),
    (7000, 7799, "Services"),
    (8011, 8099, "Health"),
    (8211, 8299, "Education"),
    (8000, 8999, "Services"),
    (9211, 9402, "Government & tax"),
]


def keyword_category(merchant: str) -> tuple[str, str] | None:
    """The category a shipped keyword gives `merchant`, and that keyword; None when none matches."""
    for category, word, pattern in _KEYWORD_PATTERNS:
        if pattern.search(merchant):
            return category, word
    return None


def mcc_category(mcc: str) -> tuple[str, str] | None:
    """The category of merchant category code `mcc` and its ISO 18245 description; None for an unknown code."""
    try:
        entry = iso18245.get_mcc(mcc)
    except (iso18245.MCCNotFound, iso18245.InvalidMCC):
        return None
    code = int(mcc)
    category = next((name for first, last, name in MCC_CATEGORIES if first <= code <= last), None)
    if category is None:
        return None
    description = entry.iso_description or entry.usda_description or entry.visa_description or entry.range.description
    return category, description
