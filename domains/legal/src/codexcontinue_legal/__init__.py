"""The legal pack for CodexContinue: citations, contract review and matters for legal work."""

from codexcontinue import PackInfo

__version__ = "0.1.0"

INFO = PackInfo(
    name="legal",
    title="Legal",
    description="Citations, contract review and matters for legal work.",
    icon=":material/gavel:",
    version=__version__,
)
