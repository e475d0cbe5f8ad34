"""The finance pack for CodexContinue: transactions, investment tracking and market analysis."""

from codexcontinue import PackInfo

__version__ = "0.1.0"

INFO = PackInfo(
    name="finance",
    title="Finance",
    description="Transactions, investment tracking and market analysis.",
    icon=":material/payments:",
    version=__version__,
)
