"""The finance pack's settings, read from `CODEXCONTINUE_FINANCE__<FIELD>`."""

from __future__ import annotations

from pydantic import Field, field_validator

from codexcontinue import PackSettings


class FinanceSettings(PackSettings):
    """Upload limit, the currency assumed when a file names none, and the anomaly thresholds."""

    max_upload_bytes: int = Field(
        default=50 * 1024 * 1024,
        gt=0,
        description="Largest file a finance upload accepts, in bytes (the core's CODEXCONTINUE_MAX_BODY_BYTES must allow it too).",
    )
    default_currency: str = Field(
        default="USD",
        description="ISO 4217 code given to transactions whose file names no currency.",
    )
    unusual_amount_z: float = Field(
        default=3.5,
        gt=0,
        description="Robust z-score above which an amount is unusual for its merchant.",
    )
    unusual_amount_min_history: int = Field(
        default=4,
        ge=2,
        description="Transactions a merchant needs before its amounts can look unusual.",
    )
    duplicate_window_days: int = Field(
        default=1,
        ge=0,
        description="Same merchant and amount within this many days is a possible duplicate.",
    )
    new_merchant_after_days: int = Field(
        default=30,
        ge=0,
        description="Merchants first seen this many days after the ledger starts are flagged as new.",
    )

    @field_validator("default_currency")
    @classmethod
    def _iso_code(cls, value: str) -> str:
        code = value.strip().upper()
        if len(code) != 3 or not code.isalpha():
            raise ValueError(f"default_currency must be a three-letter ISO 4217 code such as USD, got {value!r}")
        return code
