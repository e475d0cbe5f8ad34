"""Portfolio page: trade history and prices uploaded; positions, allocation, gains and returns shown."""

import altair as alt
import pandas as pd
import streamlit as st

from codexcontinue.ui.session import backend
from codexcontinue_finance.ui_parts import call, money, plain, show_report, table, uploader

client = backend()
st.title("Portfolio")

with st.expander("Upload a trade history, a broker's statement, or prices"):
    name = st.text_input("Portfolio name", "main", key="fin_pf_name")
    history = uploader(
        client,
        "Trade history CSV (Date, Action, Symbol, Quantity, Price, Fees, Amount, Lot, Ratio, Asset Class), or the "
        "broker's OFX/QFX investment statement",
        ["csv", "ofx", "qfx"],
        "fin_pf_history",
    )
    account = st.text_input("Account (last four digits; only for a statement of several accounts)", key="fin_pf_account")
    prices = uploader(client, "Prices CSV (Date, Symbol, Close; or Date and a column per symbol)", ["csv"], "fin_pf_prices")
    if st.button("Upload", key="fin_pf_upload"):
        for part, file in (("activity", history), ("prices", prices)):
            form = {"account": account} if part == "activity" and account else {}
            if file is None:
                continue
            with st.spinner(f"Reading and checking the {part}…"):
                saved = call(
                    client, "PUT", f"/portfolios/{name}/{part}", files={"file": (file.name, file.getvalue())}, data=form
                )
            if saved:
                st.success(f"Saved the {part} of '{plain(name)}'.")

portfolios = call(client, "GET", "/portfolios") or []
if not portfolios:
    st.info("No portfolio yet: upload a trade history above.")
    st.stop()
chosen = st.selectbox("Portfolio", [p["name"] for p in portfolios], key="fin_pf_selected")
info = next(p for p in portfolios if p["name"] == chosen)
as_of = st.date_input("Valued on", value=None, key="fin_pf_as_of")
report = call(
    client,
    "GET",
    f"/portfolios/{chosen}",
    params={"as_of": as_of.isoformat()} if as_of else {},
)
if not report:
    st.stop()

currency = report["currency"]
returns = report["returns"]
st.caption(f"Valued on {report['as_of']} in {plain(currency)}; returns measured against {returns['flows_from']}.")
top = st.columns(4)
top[0].metric("Total value", money(report["total_value"]))
top[1].metric("Unrealised gain", money(report["unrealised_gain"]))
top[2].metric("Realised gain", money(report["realised_gain"]))
top[3].metric("Dividends", money(report["dividends"]))
rates = st.columns(3)
for box, label, value in (
    (rates[0], "Time-weighted return", returns["time_weighted"]),
    (rates[1], "TWR, annualised", returns["time_weighted_annualised"]),
    (rates[2], "Money-weighted (XIRR)", returns["money_weighted"]),
):
    box.metric(label, "n/a" if value is None else f"{value:.2%}")
if returns["note"]:
    st.info(plain(returns["note"]))
statement = info.get("statement")
if statement:
    agreement = "agree" if statement["agrees"] else "do not agree"
    st.caption(
        plain(
            f"From the statement of account {statement['account']} ({statement['broker'] or 'broker not named'}) as of "
            f"{statement['as_of']}: its positions and cash {agreement} with this portfolio within a cent."
        )
    )
    for inferred in statement["inferred"]:
        st.caption(plain(f"Worked out from the statement: {inferred}."))
    for fallback in info.get("fallbacks", []):
        st.caption(plain(fallback))
    with st.expander("The statement's positions beside the portfolio's"):
        table(statement["positions"])

st.subheader("Positions")
positions = pd.DataFrame(report["positions"])
if not positions.empty:
    table(
        positions[
            [
                "symbol",
                "asset_class",
                "quantity",
                "average_cost",
                "price",
                "price_date",
                "market_value",
                "unrealised_gain",
                "realised_gain",
                "dividends",
                "weight",
            ]
        ]
    )
if report["cash"] is not None:
    st.caption(f"Cash: {report['cash']:,.2f} {plain(currency)}")

st.subheader("Allocation")
left, right = st.columns(2)
for box, key, title in (
    (left, "allocation_by_asset", "By asset"),
    (right, "allocation_by_class", "By class"),
):
    parts = pd.DataFrame(report[key])
    if not parts.empty:
        box.caption(title)
        box.altair_chart(
            alt.Chart(parts)
            .mark_arc(innerRadius=50)
            .encode(
                theta="value:Q",
                color="name:N",
                tooltip=["name", alt.Tooltip("weight:Q", format=".1%")],
            )
        )

if report["sales"]:
    st.subheader("Sales (lots matched FIFO, or as named)")
    table(report["sales"])

if st.button("Write a report", key="fin_pf_report"):
    with st.spinner("Writing the report (the model may take a minute)…"):
        checked = call(
            client,
            "POST",
            f"/reports/portfolio/{chosen}",
            json={"as_of": as_of.isoformat()} if as_of else {},
        )
    if checked:
        show_report(checked)
