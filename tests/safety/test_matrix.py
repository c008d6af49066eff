"""The DCB0129 risk matrix, cell by cell, written out here independently of the code."""

import pytest

from notifyadmin.safety.matrix import RATING_MEANING, Likelihood, Severity, risk_rating

# (likelihood, severity, rating) for all 25 cells, as published with DCB0129/DCB0160.
CELLS = [
    ("very high", "minor", 3), ("very high", "significant", 4), ("very high", "considerable", 4),
    ("very high", "major", 5), ("very high", "catastrophic", 5),
    ("high", "minor", 2), ("high", "significant", 3), ("high", "considerable", 3),
    ("high", "major", 4), ("high", "catastrophic", 5),
    ("medium", "minor", 2), ("medium", "significant", 2), ("medium", "considerable", 3),
    ("medium", "major", 3), ("medium", "catastrophic", 4),
    ("low", "minor", 1), ("low", "significant", 2), ("low", "considerable", 2),
    ("low", "major", 3), ("low", "catastrophic", 4),
    ("very low", "minor", 1), ("very low", "significant", 1), ("very low", "considerable", 2),
    ("very low", "major", 2), ("very low", "catastrophic", 3),
]  # fmt: skip


@pytest.mark.parametrize(("likelihood", "severity", "rating"), CELLS)
def test_each_cell_of_the_matrix(likelihood, severity, rating):
    assert risk_rating(severity=severity, likelihood=likelihood) == rating


def test_the_cells_cover_every_pair_once():
    assert sorted((lk, sv) for lk, sv, _ in CELLS) == sorted(
        (lk.value, sv.value) for lk in Likelihood for sv in Severity
    )


def test_levels_are_also_accepted_as_enums():
    assert risk_rating(severity=Severity.MAJOR, likelihood=Likelihood.VERY_LOW) == 2


@pytest.mark.parametrize(("severity", "likelihood"), [("moderate", "low"), ("major", "likely")])
def test_an_unknown_level_is_refused(severity, likelihood):
    with pytest.raises(ValueError, match="is not a valid"):
        risk_rating(severity=severity, likelihood=likelihood)


def test_every_rating_has_its_meaning():
    assert sorted(RATING_MEANING) == [1, 2, 3, 4, 5]
    assert RATING_MEANING[5] == "Unacceptable level of risk."
    assert RATING_MEANING[1] == "Acceptable, no further action required."
