"""Transactions page: import bank files (mapping checked first), categories and corrections, budgets, anomalies."""

import json

import altair as alt
import pandas as pd
import streamlit as st

from codexcontinue.ui.session import backend
from codexcontinue_finance.ui_parts import call, show_report

client = backend()
st.title("Transactions")
imports_tab, ledger_tab, summary_tab, anomalies_tab = st.tabs(
    ["Import", "Transactions", "Summary & budgets", "Anomalies"]
)

with imports_tab:
    upload = st.file_uploader(
        "Bank export (CSV, OFX or QFX)",
        type=["csv", "txt", "ofx", "qfx"],
        key="fin_tx_file",
    )
    account = st.text_input("Account name (for a CSV without one)", key="fin_tx_account")
    currency = st.text_input("Currency (ISO code, for a CSV without one)", max_chars=3, key="fin_tx_currency")
    form = {k: v for k, v in {"account": account, "currency": currency.upper()}.items() if v}
    mapping: dict[str, str] = {}
    if upload is not None and not upload.name.lower().endswith((".ofx", ".qfx")):
        preview = call(
            client,
            "POST",
            "/transactions/preview",
            files={"file": (upload.name, upload.getvalue())},
            data=form,
        )
        if preview:
            layout = preview["layout"]
            st.caption(
                f"Header on line {layout['header_line']}; columns not read: {', '.join(layout['ignored_columns']) or 'none'}"
            )
            for note in layout["notes"]:
                st.info(note)
            options = ["(none)", *layout["columns"]]
            detected = layout["mapping"]
            columns = st.columns(5)
            for box, field in zip(columns, ["date", "description", "amount", "debit", "credit"]):
                chosen = box.selectbox(
                    field.title(),
                    options,
                    index=options.index(detected[field] or "(none)"),
                    key=f"fin_tx_map_{field}",
                )
                if chosen != (detected[field] or "(none)"):
                    mapping[field] = None if chosen == "(none)" else chosen
            date_format = st.text_input("Date format", detected["date_format"], key="fin_tx_date_format")
            if date_format != detected["date_format"]:
                mapping["date_format"] = date_format
            st.dataframe(pd.DataFrame(preview["rows"]), hide_index=True)
    if upload is not None and st.button("Import", key="fin_tx_import"):
        data = {**form, **({"mapping": json.dumps(mapping)} if mapping else {})}
        record = call(
            client,
            "POST",
            "/transactions/imports",
            files={"file": (upload.name, upload.getvalue())},
            data=data,
        )
        if record:
            st.success(
                f"Imported {record['added']} of {record['rows_read']} transactions "
                f"({record['duplicates']} were already there)."
            )
    imports = call(client, "GET", "/transactions/imports") or []
    if imports:
        st.subheader("Imported files")
        st.dataframe(
            pd.DataFrame(imports)[
                [
                    "filename",
                    "format",
                    "rows_read",
                    "added",
                    "duplicates",
                    "first_date",
                    "last_date",
                    "imported_at",
                ]
            ],
            hide_index=True,
        )

with ledger_tab:
    categories = call(client, "GET", "/transactions/categories") or []
    left, right = st.columns(2)
    month = left.text_input("Month (YYYY-MM)", key="fin_tx_month")
    category = right.selectbox("Category", ["(all)", *categories], key="fin_tx_category")
    params = {
        "limit": 500,
        **({"month": month} if month else {}),
        **({"category": category} if category != "(all)" else {}),
    }
    page = call(client, "GET", "/transactions", params=params) or {
        "total": 0,
        "transactions": [],
    }
    st.caption(f"{page['total']} transactions")
    rows = page["transactions"]
    if rows:
        table = pd.DataFrame(rows)
        st.dataframe(
            table[
                [
                    "date",
                    "merchant",
                    "amount",
                    "currency",
                    "category",
                    "category_reason",
                    "account",
                    "id",
                ]
            ],
            hide_index=True,
        )
        with st.form("fin_tx_correct"):
            st.write("File a merchant under another category (similar merchants learn from it)")
            chosen = st.selectbox(
                "Transaction",
                [r["id"] for r in rows],
                key="fin_tx_correct_id",
                format_func=lambda i: next(
                    f"{r['date']} {r['merchant']} {r['amount']:.2f}" for r in rows if r["id"] == i
                ),
            )
            new_category = st.text_input("Category", key="fin_tx_correct_category")
            if st.form_submit_button("Correct"):
                fixed = call(
                    client,
                    "POST",
                    "/transactions/corrections",
                    json={"transaction_id": chosen, "category": new_category},
                )
                if fixed:
                    st.success(
                        f"{fixed['merchant']} is now {fixed['category']} ({fixed['transactions']} transactions)."
                    )

with summary_tab:
    months = call(client, "GET", "/transactions/summary") or []
    if months:
        summary = pd.DataFrame(months)
        st.dataframe(
            summary[["month", "currency", "income", "spending", "net", "transactions"]],
            hide_index=True,
        )
        flows = summary.melt(
            id_vars=["month", "currency"],
            value_vars=["income", "spending"],
            var_name="flow",
        )
        st.altair_chart(
            alt.Chart(flows)
            .mark_bar()
            .encode(
                x="month:N",
                xOffset="flow:N",
                y="value:Q",
                color="flow:N",
                column="currency:N",
            )
        )
        latest = months[-1]
        spent = pd.DataFrame([{"category": k, "spent": -v} for k, v in latest["by_category"].items() if v < 0])
        if not spent.empty:
            st.caption(f"Spending by category, {latest['month']} ({latest['currency']})")
            st.altair_chart(alt.Chart(spent).mark_bar().encode(x="spent:Q", y=alt.Y("category:N", sort="-x")))
    report = call(client, "GET", "/transactions/budgets") or {
        "month": None,
        "budgets": [],
    }
    st.subheader(f"Budgets{' for ' + report['month'] if report['month'] else ''}")
    if report["budgets"]:
        st.dataframe(pd.DataFrame(report["budgets"]), hide_index=True)
    budgets = [{"category": b["category"], "limit": b["limit"], "currency": b["currency"]} for b in report["budgets"]]
    edited = st.data_editor(
        pd.DataFrame(budgets, columns=["category", "limit", "currency"]),
        num_rows="dynamic",
        key="fin_tx_budgets",
    )
    if st.button("Save budgets", key="fin_tx_save_budgets"):
        rows = edited.dropna(how="all").to_dict("records")
        if call(client, "PUT", "/transactions/budgets", json=rows) is not None:
            st.success("Budgets saved.")
    if months and st.button("Write a report of the latest month", key="fin_tx_report"):
        checked = call(client, "POST", "/reports/account", json={})
        if checked:
            show_report(checked)

with anomalies_tab:
    flagged = call(client, "GET", "/transactions/anomalies") or {
        "counts": {},
        "anomalies": [],
    }
    labels = {
        "unusual_amount": "Unusual amounts",
        "duplicate": "Possible duplicates",
        "new_merchant": "New merchants",
    }
    for box, (kind, label) in zip(st.columns(3), labels.items()):
        box.metric(label, flagged["counts"].get(kind, 0))
    if flagged["anomalies"]:
        st.dataframe(
            pd.DataFrame(flagged["anomalies"])[["date", "merchant", "amount", "currency", "kind", "reason"]],
            hide_index=True,
        )
    else:
        st.info("Nothing flagged.")
