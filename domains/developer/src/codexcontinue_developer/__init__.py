"""The developer pack for CodexContinue: code analysis, project scaffolding and documentation generation."""

from codexcontinue import PackInfo

__version__ = "0.1.0"

INFO = PackInfo(
    name="developer",
    title="Developer",
    description="Code analysis, project scaffolding and documentation generation.",
    icon=":material/code:",
    version=__version__,
)
