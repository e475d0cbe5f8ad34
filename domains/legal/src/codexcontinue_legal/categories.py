"""The CUAD clause categories the contract review detects, with what each one means."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    """One clause category: its CUAD name and a one-line description for people."""

    name: str
    description: str


CATEGORIES: tuple[Category, ...] = (
    Category("Parties", "The two or more parties who signed the contract."),
    Category("Agreement Date", "The date of the contract."),
    Category("Effective Date", "The date when the contract is effective."),
    Category("Expiration Date", "On what date will the contract's initial term expire?"),
    Category("Renewal Term", "The renewal term after the initial term expires, automatic or not."),
    Category(
        "Notice Period To Terminate Renewal",
        "The notice period required to terminate renewal.",
    ),
    Category("Governing Law", "Which state's or country's law governs the contract?"),
    Category(
        "Termination For Convenience",
        "Can a party terminate the contract without cause (solely by giving notice)?",
    ),
    Category(
        "Anti-Assignment",
        "Is consent or notice required of a party if the contract is assigned to a third party?",
    ),
    Category(
        "Change Of Control",
        "Does a change of control (merger, sale of stock or assets) give a party a right to "
        "terminate, or require consent or notice?",
    ),
    Category(
        "Non-Compete",
        "Is a party restricted from competing with the counterparty or operating in a certain "
        "geography or business?",
    ),
    Category(
        "Exclusivity",
        "Is there an exclusive dealing commitment, or a restriction on dealing with others?",
    ),
    Category(
        "Cap On Liability",
        "Does the contract cap liability on breach, or limit the time to bring claims?",
    ),
    Category(
        "Uncapped Liability",
        "Is a party's liability uncapped on breach (e.g. for fraud, IP infringement or "
        "confidentiality breaches)?",
    ),
    Category(
        "Audit Rights",
        "Does a party have the right to audit the books, records or operations of the other?",
    ),
    Category("Insurance", "Is a party required to maintain insurance for the benefit of the other?"),
    Category(
        "Ip Ownership Assignment",
        "Does intellectual property created by one party become the property of the other?",
    ),
    Category("License Grant", "Does the contract contain a license granted by one party to another?"),
)

CATEGORY_NAMES: tuple[str, ...] = tuple(category.name for category in CATEGORIES)
