"""The health pack for CodexContinue: pHI de-identification, clinical note structuring and ICD-10 codes."""

from codexcontinue import PackInfo

__version__ = "0.1.0"

INFO = PackInfo(
    name="health",
    title="Health",
    description="PHI de-identification, clinical note structuring and ICD-10 codes.",
    icon=":material/stethoscope:",
    version=__version__,
    always_audited=True,  # every request touches patient records
)
