"""Statement ratios page: upload a balance sheet and income statement; liquidity, leverage, profitability and
efficiency ratios, each with its formula."""

import streamlit as st

from codexcontinue.ui.session import backend
from codexcontinue_finance.ui_parts import call, plain, table, uploader

client = backend()
st.title("Statement ratios")

with st.expander("Upload a statement"):
    name = st.text_input("Name", key="fin_st_name", placeholder="ACME FY2023")
    file = uploader(client, "Statement CSV ('line item,amount' rows)", ["csv"], "fin_st_file")
    if file is not None and st.button("Upload", key="fin_st_upload"):
        files = {"file": (file.name, file.getvalue())}
        if call(
            client,
            "POST",
            "/statements",
            files=files,
            data={"name": name} if name else {},
        ):
            st.success("Saved.")

statements = call(client, "GET", "/statements") or []
if not statements:
    st.info("No statement yet: upload one above.")
    st.stop()
chosen = st.selectbox(
    "Statement",
    [s["id"] for s in statements],
    key="fin_st_selected",
    format_func=lambda i: next(s["name"] for s in statements if s["id"] == i),
)
statement = next(s for s in statements if s["id"] == chosen)
for group in ("liquidity", "leverage", "profitability", "efficiency"):
    st.subheader(group.title())
    rows = [
        {
            "ratio": r["name"],
            "value": None if r["value"] is None else round(r["value"], 4),
            "formula": r["formula"],
            "inputs": ", ".join(f"{k} = {v:,.0f}" for k, v in r["inputs"].items()),
            "missing": ", ".join(r["missing"]),
        }
        for r in statement["ratios"]
        if r["group"] == group
    ]
    table(rows)
if statement["statement"]["unused"]:
    st.caption("Line items no ratio uses: " + plain(", ".join(statement["statement"]["unused"])))
if statement["statement"]["derived"]:
    st.caption(
        "Worked out from other items: "
        + plain("; ".join(f"{item} = {how}" for item, how in statement["statement"]["derived"].items()))
    )
