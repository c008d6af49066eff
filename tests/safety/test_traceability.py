"""The traceability check, on the repository (this is what fails `make test` when a control loses
its test) and on small logs built to break each rule."""

import pytest

from notifyadmin.safety.hazard_log import REPO_ROOT, hazard_log_load
from notifyadmin.safety.traceability import code_reference_exists, marked_tests_index, traceability_problems
from tests.safety.builders import TESTED, control, hazard, write_hazards, write_repo


def check(tmp_path, *hazards, test_source=None):
    write_repo(tmp_path, test_source=test_source)
    loaded = hazard_log_load(directory=write_hazards(tmp_path, *hazards))
    index = marked_tests_index(tests_dir=tmp_path / "tests", root=tmp_path)
    return traceability_problems(hazards=loaded, index=index, root=tmp_path)


def test_the_repository_hazard_log_is_fully_traced():
    problems = traceability_problems(hazards=hazard_log_load(), index=marked_tests_index(tests_dir=REPO_ROOT / "tests"))
    assert problems == []


def test_a_good_log_passes(tmp_path):
    assert check(tmp_path, hazard()) == []


def test_a_mitigated_hazard_with_a_control_without_tests_fails(tmp_path):
    unmarked = "def test_pause_stops_sending():\n    pass\n"
    assert check(tmp_path, hazard(existing_controls=[control(tests=[])]), test_source=unmarked) == [
        "HAZ-001/C1: HAZ-001 is mitigated but this control names no test: "
        "add the tests that prove it, marked @pytest.mark.hazard"
    ]


def test_an_open_hazard_may_have_an_untested_control(tmp_path):
    unmarked = "def test_pause_stops_sending():\n    pass\n"
    open_hazard = hazard(status="open", existing_controls=[control(tests=[])])
    assert check(tmp_path, open_hazard, test_source=unmarked) == []


def test_a_mitigated_hazard_cannot_rest_on_a_planned_control(tmp_path):
    mitigated = hazard(additional_controls=[control("C2", state="planned")])
    assert check(tmp_path, mitigated) == [
        "HAZ-001/C2: HAZ-001 is mitigated but this control is only planned: "
        "a hazard is mitigated only by controls the code has"
    ]


def test_a_control_naming_a_test_that_does_not_exist_fails(tmp_path):
    missing = "tests/test_sending.py::test_kill_switch"
    assert check(tmp_path, hazard(existing_controls=[control(tests=[TESTED, missing])])) == [
        f"HAZ-001/C1: names the test {missing}, which does not exist"
    ]


def test_a_control_naming_a_test_without_the_hazards_marker_fails(tmp_path):
    other_marker = 'import pytest\n\n\n@pytest.mark.hazard("HAZ-002")\ndef test_pause_stops_sending():\n    pass\n'
    second = hazard("HAZ-002", existing_controls=[control(tests=[TESTED])])
    assert check(tmp_path, hazard(), second, test_source=other_marker) == [
        f'HAZ-001/C1: names the test {TESTED}, which is not marked @pytest.mark.hazard("HAZ-001")'
    ]


def test_a_marker_naming_an_unknown_hazard_fails(tmp_path):
    source = 'import pytest\n\n\n@pytest.mark.hazard("HAZ-001", "HAZ-404")\ndef test_pause_stops_sending():\n    pass\n'
    assert check(tmp_path, hazard(), test_source=source) == [
        f"{TESTED}: marked with HAZ-404, which is not in the hazard log"
    ]


def test_a_marked_test_that_no_control_names_fails(tmp_path):
    source = (
        'import pytest\n\npytestmark = [pytest.mark.hazard("HAZ-001")]\n\n\n'
        "def test_pause_stops_sending():\n    pass\n\n\n"
        "class TestKillSwitch:\n    def test_stops(self):\n        pass\n"
    )
    assert check(tmp_path, hazard(), test_source=source) == [
        "tests/test_sending.py::TestKillSwitch::test_stops: marked with HAZ-001, but no control of HAZ-001 "
        "names this test: add it to the control it proves"
    ]


def test_marker_ids_must_be_string_literals(tmp_path):
    source = (
        'import pytest\n\nHAZARD = "HAZ-001"\n\n\n@pytest.mark.hazard("HAZ-001")\n@pytest.mark.hazard(HAZARD)\n'
        "def test_pause_stops_sending():\n    pass\n"
    )
    assert check(tmp_path, hazard(), test_source=source) == [
        f"{TESTED}: @pytest.mark.hazard takes hazard ids as string literals only"
    ]


def test_a_control_naming_code_that_does_not_exist_fails(tmp_path):
    gone = hazard(existing_controls=[control(enforced_in=["app/sending.py::pause", "app/sending.py::resume"])])
    assert check(tmp_path, gone) == ["HAZ-001/C1: enforced in app/sending.py::resume, which does not exist"]


@pytest.mark.parametrize(
    ("reference", "exists"),
    [
        ("notifyadmin/safety/matrix.py::risk_rating", True),
        ("templates_app/models.py::TemplateVersion.save", True),
        ("templates_app/models.py::TemplateVersion.publish", False),
        ("templates_app/models.py::NoSuchClass", False),
        ("no/such/module.py::anything", False),
    ],
)
def test_code_references_resolve_functions_classes_and_methods(reference, exists):
    assert code_reference_exists(reference=reference) is exists
