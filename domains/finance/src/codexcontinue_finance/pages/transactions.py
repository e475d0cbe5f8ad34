"""Transactions page: import bank files (read, checked and asked about first), categories and corrections, budgets,
anomalies."""

import json

import altair as alt
import pandas as pd
import streamlit as st

from codexcontinue.ui.session import backend
from codexcontinue_finance.ui_parts import call, plain, show_report, table, uploader

client = backend()
st.title("Transactions")
imports_tab, ledger_tab, summary_tab, anomalies_tab = st.tabs(
    ["Import", "Transactions", "Summary & budgets", "Anomalies"]
)
MAPPED_FIELDS = ["date", "description", "amount", "debit", "credit", "balance"]


def _remember_answer(question_id: str, answers: list[dict]) -> None:
    """Keep the answer the user picked (the radio goes once the question is answered)."""
    label = st.session_state.get(f"fin_tx_q_{question_id}")
    chosen = next((a["mapping"] for a in answers if a["label"] == label), None)
    if chosen is not None:
        st.session_state["fin_tx_answers"][question_id] = chosen


with imports_tab:
    upload = uploader(client, "Bank export (CSV, OFX or QFX)", ["csv", "txt", "tsv", "ofx", "qfx"], "fin_tx_file")
    account = st.text_input(
        "Account name (for a CSV without an account column; a layout you correct is remembered for it)",
        key="fin_tx_account",
    )
    currency = st.text_input("Currency (ISO code, for a CSV without one)", max_chars=3, key="fin_tx_currency")
    form = {k: v for k, v in {"account": account, "currency": currency.upper()}.items() if v}
    upload_id = f"{upload.name}:{upload.size}" if upload is not None else None
    if st.session_state.get("fin_tx_upload_id") != upload_id:  # a new file: nothing answered or chosen yet
        st.session_state["fin_tx_upload_id"] = upload_id
        st.session_state["fin_tx_answers"] = {}
        st.session_state.pop("fin_tx_detected", None)
        for field in MAPPED_FIELDS:
            st.session_state.pop(f"fin_tx_map_{field}", None)
    answers: dict[str, dict] = st.session_state.setdefault("fin_tx_answers", {})
    mapping: dict = {}
    for patch in answers.values():
        mapping.update(patch)
    detected = st.session_state.get("fin_tx_detected")
    if detected:
        for field in MAPPED_FIELDS:
            chosen = st.session_state.get(f"fin_tx_map_{field}")
            if chosen is not None and chosen != (detected.get(field) or "(none)"):
                mapping[field] = None if chosen == "(none)" else chosen
    ready = False
    if upload is not None:
        files = {"file": (upload.name, upload.getvalue())}
        with st.spinner("Reading the file and checking it…"):
            preview = call(
                client,
                "POST",
                "/transactions/preview",
                files=files,
                data={**form, **({"mapping": json.dumps(mapping)} if mapping else {})},
            )
        layout = preview["layout"] if preview else None
        if layout:
            if detected is None:
                detected = st.session_state["fin_tx_detected"] = dict(layout["mapping"])
            st.caption(
                plain(
                    f"{layout['encoding']}, {layout['separator']}-separated, line endings {layout['line_endings']}, "
                    + (f"header on line {layout['header_line']}" if layout["header_line"] else "no header row")
                    + f"; columns not read: {', '.join(layout['ignored_columns']) or 'none'}"
                )
            )
            options = ["(none)", *layout["columns"]]
            for box, field in zip(st.columns(len(MAPPED_FIELDS)), MAPPED_FIELDS, strict=True):
                current = detected.get(field) or "(none)"
                current = current if current in options else "(none)"
                box.selectbox(field.title(), options, index=options.index(current), key=f"fin_tx_map_{field}")
        if preview:
            layout = preview["layout"]
            for fallback in preview["fallbacks"]:
                st.info(plain(fallback))
            if layout:
                st.caption(
                    plain(
                        f"Dates written as {layout['dates_written_as'] or 'not settled'}; decimal mark "
                        f"'{layout['decimal_mark'] or '?'}'; {layout['transactions']} transactions."
                    )
                )
                for note in layout["notes"]:
                    st.info(plain(note))
                for check in layout["checks"]:
                    st.caption("✓ " + plain(check))
                if layout["skipped"]:
                    with st.expander(f"{layout['skipped_count']} lines are not transactions and are left out"):
                        table(layout["skipped"])
            for answered in answers:
                st.caption(plain(f"Answered: {answered.replace('_', ' ')}."))
            if answers and st.button("Change my answers", key="fin_tx_reset_answers"):
                st.session_state["fin_tx_answers"] = {}
                st.rerun()
            for question in preview["questions"]:
                st.warning(plain(question["text"]) + (f" (lines {question['lines']})" if question["lines"] else ""))
                st.radio(
                    "Your answer",
                    [a["label"] for a in question["answers"]],
                    index=None,
                    key=f"fin_tx_q_{question['id']}",
                    on_change=_remember_answer,
                    args=(question["id"], question["answers"]),
                )
            if preview["rows"]:
                st.caption("The first rows, exactly as they will be stored:")
                table(preview["rows"])
            elif preview["raw_rows"]:
                st.caption("The first rows as written in the file (answer the questions above to see them as stored):")
                table(preview["raw_rows"])
            ready = not preview["questions"]
    if upload is not None and st.button("Import", key="fin_tx_import", disabled=not ready):
        data = {**form, **({"mapping": json.dumps(mapping)} if mapping else {})}
        with st.spinner("Importing…"):
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
        table(
            pd.DataFrame(imports)[
                ["filename", "format", "rows_read", "added", "duplicates", "first_date", "last_date", "imported_at"]
            ]
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
    page = call(client, "GET", "/transactions", params=params) or {"total": 0, "transactions": []}
    st.caption(f"{page['total']} transactions")
    rows = page["transactions"]
    if rows:
        table(
            pd.DataFrame(rows)[
                ["date", "merchant", "amount", "currency", "category", "category_reason", "account", "id"]
            ]
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
            new_category = st.selectbox("Category", categories, key="fin_tx_correct_category")
            created = st.text_input("…or a new category of your own", key="fin_tx_new_category")
            if st.form_submit_button("Correct"):
                body = {"transaction_id": chosen, "category": created.strip() or new_category}
                fixed = call(client, "POST", "/transactions/corrections", json={**body, "create": bool(created.strip())})
                if fixed:
                    st.success(
                        f"{plain(fixed['merchant'])} is now {plain(fixed['category'])} "
                        f"({fixed['transactions']} transactions)."
                    )

with summary_tab:
    months = call(client, "GET", "/transactions/summary") or []
    if months:
        summary = pd.DataFrame(months)
        table(summary[["month", "currency", "income", "spending", "net", "transactions"]])
        flows = summary.melt(id_vars=["month", "currency"], value_vars=["income", "spending"], var_name="flow")
        st.altair_chart(
            alt.Chart(flows)
            .mark_bar()
            .encode(x="month:N", xOffset="flow:N", y="value:Q", color="flow:N", column="currency:N")
        )
        latest = months[-1]
        spent = pd.DataFrame([{"category": k, "spent": -v} for k, v in latest["by_category"].items() if v < 0])
        if not spent.empty:
            st.caption(f"Spending by category, {latest['month']} ({latest['currency']})")
            st.altair_chart(alt.Chart(spent).mark_bar().encode(x="spent:Q", y=alt.Y("category:N", sort="-x")))
    report = call(client, "GET", "/transactions/budgets") or {"month": None, "budgets": []}
    st.subheader(f"Budgets{' for ' + report['month'] if report['month'] else ''}")
    if report["budgets"]:
        table(report["budgets"])
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
        with st.spinner("Writing the report (the model may take a minute)…"):
            checked = call(client, "POST", "/reports/account", json={})
        if checked:
            show_report(checked)

with anomalies_tab:
    flagged = call(client, "GET", "/transactions/anomalies") or {"counts": {}, "anomalies": []}
    labels = {
        "unusual_amount": "Unusual amounts",
        "duplicate": "Possible duplicates",
        "new_merchant": "New merchants",
    }
    for box, (kind, label) in zip(st.columns(3), labels.items(), strict=True):
        box.metric(label, flagged["counts"].get(kind, 0))
    if flagged["anomalies"]:
        table(pd.DataFrame(flagged["anomalies"])[["date", "merchant", "amount", "currency", "kind", "reason"]])
    else:
        st.info("Nothing flagged.")
