"""Statement ratios: Apple's FY2023 balance sheet and income statement (10-K figures, USD millions)."""

from __future__ import annotations

import pytest

API = "/api/v1/finance"


@pytest.fixture
def apple(upload):
    response = upload("/statements", "apple_fy2023_statement.csv", name="Apple FY2023")
    assert response.status_code == 201, response.text
    return response.json()


def test_each_ratio_comes_with_its_formula_and_inputs(apple):
    ratios = {r["name"]: r for r in apple["ratios"]}
    current = ratios["Current ratio"]
    assert current["formula"] == "Current assets / Current liabilities"
    assert current["inputs"] == {
        "Current assets": 143566.0,
        "Current liabilities": 145308.0,
    }
    assert current["value"] == pytest.approx(143566 / 145308)
    assert ratios["Quick ratio"]["value"] == pytest.approx((143566 - 6331) / 145308)
    assert ratios["Debt to equity"]["value"] == pytest.approx((5985 + 9822 + 95281) / 62146)  # paper + term debt
    assert ratios["Interest coverage"]["value"] == pytest.approx(114301 / 3933)
    assert ratios["Gross margin"]["value"] == pytest.approx(169148 / 383285)
    assert ratios["Return on equity"]["value"] == pytest.approx(96995 / 62146)
    assert ratios["Days sales outstanding"]["formula"] == "365 × Accounts receivable / Revenue"
    assert ratios["Days sales outstanding"]["value"] == pytest.approx(365 * 29508 / 383285)
    assert {r["group"] for r in apple["ratios"]} == {
        "liquidity",
        "leverage",
        "profitability",
        "efficiency",
    }


def test_items_no_ratio_uses_are_reported_back(apple):
    assert apple["statement"]["unused"] == {
        "Vendor non-trade receivables": 31477.0,
        "Other current assets": 14695.0,
    }


def test_a_ratio_whose_items_are_missing_says_which(api_client, headers):
    csv = b"Item,Amount\nRevenue,1000\nCost of sales,600\nNet income,50\n"
    report = api_client.post(f"{API}/statements", headers=headers, files={"file": ("small.csv", csv)}).json()
    ratios = {r["name"]: r for r in report["ratios"]}
    assert ratios["Gross margin"]["value"] == pytest.approx(0.4)
    assert report["statement"]["derived"] == {"gross_profit": "Revenue − Cost of revenue"}
    assert ratios["Current ratio"] == {
        "group": "liquidity",
        "name": "Current ratio",
        "formula": "Current assets / Current liabilities",
        "value": None,
        "inputs": {},
        "missing": ["Current assets", "Current liabilities"],
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"Item,Amount\nRevenue,1000\nRevenue,1200\n",
            "line 3: 'Revenue' repeats Revenue from line 2",
        ),
        (b"Item,Amount\nRevenue,lots\n", "line 2: 'Revenue' has no amount (lots)"),
        (b"Item,Amount\nFavourite colour,12\n", "has no line item this pack knows"),
    ],
)
def test_a_malformed_statement_gets_a_422(api_client, headers, content, message):
    response = api_client.post(f"{API}/statements", headers=headers, files={"file": ("bad.csv", content)})
    assert response.status_code == 422
    assert message in response.json()["detail"]


def test_another_key_cannot_read_the_statement(apple, api_client, headers, other_headers):
    assert api_client.get(f"{API}/statements/{apple['id']}", headers=headers).json()["name"] == "Apple FY2023"
    assert api_client.get(f"{API}/statements/{apple['id']}", headers=other_headers).status_code == 404


@pytest.mark.parametrize(
    ("expenses", "derived"),
    [
        ("Total operating expenses,54847\n", "Revenue − Cost of revenue − Operating expenses"),
        ('Research and development,29915\n"Selling, general and administrative",(24932)\n', "Revenue − Cost of revenue − the operating expense lines"),
    ],
    ids=["total", "lines"],
)
def test_operating_income_is_derived_when_the_statement_does_not_give_it(api_client, headers, expenses, derived):
    # Apple's FY2023 income statement without its 'Operating income' line: 383,285 - 214,137 - 54,847 = 114,301
    text = f"Line item,FY2023\nTotal net sales,383285\nTotal cost of sales,214137\n{expenses}Net income,96995\n"
    report = api_client.post(f"{API}/statements", headers=headers, files={"file": ("s.csv", text.encode())}).json()
    assert report["statement"]["items"]["operating_income"] == 114301
    assert report["statement"]["derived"]["operating_income"] == derived
    margin = next(r for r in report["ratios"] if r["name"] == "Operating margin")
    assert margin["value"] == pytest.approx(114301 / 383285)
