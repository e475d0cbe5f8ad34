"""Market analysis page: a price series (shipped sample or upload) with drawdowns, rolling metrics and crossovers."""

import altair as alt
import pandas as pd
import streamlit as st

from codexcontinue.ui.session import backend
from codexcontinue_finance.ui_parts import call, plain, table, uploader

#: Time axes label months with their year ('Mar 2009'), whatever the span.
DATE_AXIS = alt.X("date:T", title="date", axis=alt.Axis(format="%b %Y", labelAngle=0))

client = backend()
st.title("Market analysis")

with st.expander("Upload a price series"):
    name = st.text_input("Series name", key="fin_mk_name")
    file = uploader(client, "Prices CSV (Date and Close or Adj Close)", ["csv"], "fin_mk_file")
    if file is not None and name and st.button("Upload", key="fin_mk_upload"):
        files = {"file": (file.name, file.getvalue())}
        if call(client, "POST", "/market/series", files=files, data={"name": name}):
            st.success(f"Saved '{plain(name)}'.")

series = call(client, "GET", "/market/series") or []
names = [s["name"] for s in series]
titles = {s["name"]: s["title"] for s in series}
left, right = st.columns(2)
chosen = left.selectbox("Series", names, format_func=lambda n: titles[n], key="fin_mk_series")
benchmark = right.selectbox("Benchmark", ["(none)", *[n for n in names if n != chosen]], key="fin_mk_benchmark")
settings = st.columns(4)
window = settings[0].number_input("Rolling window", 2, 2520, 63, key="fin_mk_window")
short = settings[1].number_input("Short average", 1, 1000, 50, key="fin_mk_short")
long = settings[2].number_input("Long average", 2, 2000, 200, key="fin_mk_long")
risk_free = settings[3].number_input(
    "Risk-free rate (a year)",
    -0.5,
    1.0,
    0.0,
    step=0.005,
    format="%.3f",
    key="fin_mk_risk_free",
)
params = {
    "window": window,
    "short": short,
    "long": long,
    "risk_free": risk_free,
    **({"benchmark": benchmark} if benchmark != "(none)" else {}),
}
analysis = call(client, "GET", f"/market/analysis/{chosen}", params=params)
if not analysis:
    st.stop()

metrics = analysis["metrics"]
st.caption(
    f"{analysis['start']} to {analysis['end']}, {analysis['observations']} returns, "
    f"{analysis['periods_per_year']} periods a year"
)
row = st.columns(4)
row[0].metric("Annual return", f"{metrics['annual_return']:.2%}")
row[1].metric("Annual volatility", f"{metrics['annual_volatility']:.2%}")
row[2].metric(
    "Sharpe ratio",
    "n/a" if metrics["sharpe_ratio"] is None else f"{metrics['sharpe_ratio']:.2f}",
)
row[3].metric(
    "Sortino ratio",
    "n/a" if metrics["sortino_ratio"] is None else f"{metrics['sortino_ratio']:.2f}",
)
row = st.columns(4)
row[0].metric("Maximum drawdown", f"{metrics['max_drawdown']:.2%}")
row[1].metric("Drawdown peak", str(metrics["max_drawdown_peak"]))
row[2].metric("Drawdown trough", str(metrics["max_drawdown_trough"]))
row[3].metric("Recovered", metrics["max_drawdown_recovery"] or "not yet")
if metrics["beta"] is not None:
    st.columns(4)[0].metric("Beta / correlation", f"{metrics['beta']:.2f} / {metrics['correlation']:.2f}")

averages = analysis["moving_averages"]
prices = pd.DataFrame(
    {
        "date": pd.to_datetime(analysis["dates"]),
        "price": analysis["prices"],
        f"SMA {short}": averages["short"],
        f"SMA {long}": averages["long"],
    }
)
lines = prices.melt("date", var_name="line", value_name="value").dropna()
st.subheader("Prices and moving averages")
st.altair_chart(
    alt.Chart(lines).mark_line().encode(x=DATE_AXIS, y="value:Q", color="line:N"),
    use_container_width=True,
)
if averages["crossovers"]:
    st.subheader(f"Crossovers of the {short}- and {long}-period averages")
    table(averages["crossovers"])

st.subheader("Drawdown")
drawdown = pd.DataFrame({"date": pd.to_datetime(analysis["dates"]), "drawdown": analysis["drawdown"]})
st.altair_chart(
    alt.Chart(drawdown).mark_area(opacity=0.6).encode(x=DATE_AXIS, y=alt.Y("drawdown:Q", axis=alt.Axis(format="%"))),
    use_container_width=True,
)

rolling = analysis["rolling"]
if rolling:
    st.subheader(f"Rolling {rolling['window']}-period metrics")
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(rolling["dates"]),
            "volatility": rolling["volatility"],
            "Sharpe ratio": rolling["sharpe_ratio"],
            **({"beta": rolling["beta"]} if rolling["beta"] is not None else {}),
        }
    )
    long_form = frame.melt("date", var_name="metric", value_name="value").dropna()
    st.altair_chart(
        alt.Chart(long_form)
        .mark_line()
        .encode(x=DATE_AXIS, y="value:Q", color="metric:N")
        .facet(row="metric:N")
        .resolve_scale(y="independent")
    )
