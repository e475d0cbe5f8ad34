"""The PHI categories the de-identifier finds, mapped to HIPAA Safe Harbor's 18 identifier kinds."""

from __future__ import annotations

from enum import StrEnum


class PhiCategory(StrEnum):
    """One kind of protected health information; the value is the label used in `[LABEL]` redactions."""

    NAME = "NAME"
    LOCATION = "LOCATION"
    ZIP = "ZIP"
    DATE = "DATE"
    AGE = "AGE"
    PHONE = "PHONE"
    FAX = "FAX"
    EMAIL = "EMAIL"
    SSN = "SSN"
    MRN = "MRN"
    HEALTH_PLAN = "HEALTH_PLAN"
    ACCOUNT = "ACCOUNT"
    LICENSE = "LICENSE"
    VEHICLE = "VEHICLE"
    DEVICE = "DEVICE"
    URL = "URL"
    IP_ADDRESS = "IP_ADDRESS"
    BIOMETRIC = "BIOMETRIC"
    PHOTO = "PHOTO"
    ID = "ID"


SAFE_HARBOR: dict[PhiCategory, str] = {
    PhiCategory.NAME: "(A) Names",
    PhiCategory.LOCATION: "(B) Geographic subdivisions smaller than a state: street address, city, county",
    PhiCategory.ZIP: "(B) ZIP codes (the first three digits kept only where that area has over 20,000 people)",
    PhiCategory.DATE: "(C) All elements of dates (except the year) directly related to an individual",
    PhiCategory.AGE: "(C) Ages over 89 (aggregated as 90 or older)",
    PhiCategory.PHONE: "(D) Telephone numbers",
    PhiCategory.FAX: "(E) Fax numbers",
    PhiCategory.EMAIL: "(F) Email addresses",
    PhiCategory.SSN: "(G) Social security numbers",
    PhiCategory.MRN: "(H) Medical record numbers",
    PhiCategory.HEALTH_PLAN: "(I) Health plan beneficiary numbers",
    PhiCategory.ACCOUNT: "(J) Account numbers",
    PhiCategory.LICENSE: "(K) Certificate and license numbers",
    PhiCategory.VEHICLE: "(L) Vehicle identifiers and serial numbers, including license plates",
    PhiCategory.DEVICE: "(M) Device identifiers and serial numbers",
    PhiCategory.URL: "(N) Web URLs",
    PhiCategory.IP_ADDRESS: "(O) IP addresses",
    PhiCategory.BIOMETRIC: "(P) Biometric identifiers, including finger and voice prints",
    PhiCategory.PHOTO: "(Q) Full-face photographs and comparable images (image attachments are flagged)",
    PhiCategory.ID: "(R) Any other unique identifying number, characteristic or code",
}

GROUPS: dict[str, tuple[PhiCategory, ...]] = {
    "names": (PhiCategory.NAME,),
    "dates": (PhiCategory.DATE, PhiCategory.AGE),
    "locations": (PhiCategory.LOCATION, PhiCategory.ZIP),
    "phone numbers": (PhiCategory.PHONE, PhiCategory.FAX),
    "identifiers": (
        PhiCategory.EMAIL,
        PhiCategory.SSN,
        PhiCategory.MRN,
        PhiCategory.HEALTH_PLAN,
        PhiCategory.ACCOUNT,
        PhiCategory.LICENSE,
        PhiCategory.VEHICLE,
        PhiCategory.DEVICE,
        PhiCategory.URL,
        PhiCategory.IP_ADDRESS,
        PhiCategory.BIOMETRIC,
        PhiCategory.PHOTO,
        PhiCategory.ID,
    ),
}
"""The groups the quality targets are stated for (recall >= 0.97 and precision >= 0.75 each)."""
