"""The DCB0129/DCB0160 risk matrix: severity and likelihood give a risk rating from 1 to 5.

Encoded once, here. The matrix, the five severity and likelihood levels and the meaning of each
rating are those of NHS Digital's implementation guidance for DCB0129 ("Clinical Risk
Management: its Application in the Manufacture of Health IT Systems") and DCB0160 ("... its
Application in the Deployment and Use of Health IT Systems"): the rating is a look-up in the
table, not a product of two scores, so Major/Medium and Major/Low are both 3.
"""

from enum import StrEnum


class Severity(StrEnum):
    MINOR = "minor"
    SIGNIFICANT = "significant"
    CONSIDERABLE = "considerable"
    MAJOR = "major"
    CATASTROPHIC = "catastrophic"


class Likelihood(StrEnum):
    VERY_LOW = "very low"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very high"


# Severity as the guidance defines it, per patient affected ("single"/"multiple" laddering).
SEVERITY_MEANING: dict[Severity, str] = {
    Severity.MINOR: "Minor injury or upset, recovery expected in the short term; inconvenience (one patient).",
    Severity.SIGNIFICANT: "Minor injury not expected to recover in the short term, or significant psychological "
    "trauma (one patient); minor injury or inconvenience to several patients.",
    Severity.CONSIDERABLE: "Severe injury or incapacity, recovery expected in the short term, or severe psychological "
    "trauma (one patient); minor lasting injury to several patients.",
    Severity.MAJOR: "Death, permanent life-changing incapacity or severe injury without short-term recovery "
    "(one patient); severe injury with recovery to several patients.",
    Severity.CATASTROPHIC: "Death, permanent life-changing incapacity or severe injury without short-term recovery "
    "(several patients).",
}

LIKELIHOOD_MEANING: dict[Likelihood, str] = {
    Likelihood.VERY_LOW: "Negligible or nearly negligible possibility of occurring.",
    Likelihood.LOW: "Could occur, but in the great majority of occasions will not.",
    Likelihood.MEDIUM: "Possible.",
    Likelihood.HIGH: "Not certain but very possible; reasonably expected in the majority of cases.",
    Likelihood.VERY_HIGH: "Certain or almost certain; highly likely to occur.",
}

# Rows: likelihood; columns: severity from minor to catastrophic.
RISK_MATRIX: dict[Likelihood, tuple[int, int, int, int, int]] = {
    Likelihood.VERY_HIGH: (3, 4, 4, 5, 5),
    Likelihood.HIGH: (2, 3, 3, 4, 5),
    Likelihood.MEDIUM: (2, 2, 3, 3, 4),
    Likelihood.LOW: (1, 2, 2, 3, 4),
    Likelihood.VERY_LOW: (1, 1, 2, 2, 3),
}

RATING_MEANING: dict[int, str] = {
    5: "Unacceptable level of risk.",
    4: "Mandatory elimination of the hazard or addition of control measures to reduce the risk to an acceptable level.",
    3: "Undesirable level of risk: acceptable only when further risk reduction is impractical.",
    2: "Acceptable where the cost of further reduction outweighs the benefits gained or further risk reduction "
    "is impractical.",
    1: "Acceptable, no further action required.",
}

_SEVERITY_ORDER = list(Severity)


def risk_rating(*, severity: Severity | str, likelihood: Likelihood | str) -> int:
    """The matrix's rating for a severity and a likelihood (raises ValueError for an unknown level)."""
    return RISK_MATRIX[Likelihood(likelihood)][_SEVERITY_ORDER.index(Severity(severity))]
