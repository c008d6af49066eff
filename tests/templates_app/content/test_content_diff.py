"""Side-by-side diff for the compare page."""

from __future__ import annotations

from templates_app.content.diff import (
    DiffRow,
    RowKind,
    Segment,
    intraline,
    side_by_side,
)


def test_identical_texts_are_all_equal_rows() -> None:
    rows = side_by_side("a\n\nb", "a\n\nb")
    assert [(row.kind, row.old_number, row.new_number, row.old_text) for row in rows] == [
        (RowKind.EQUAL, 1, 1, "a"),
        (RowKind.EQUAL, 2, 2, ""),
        (RowKind.EQUAL, 3, 3, "b"),
    ]


def test_changed_lines_mark_the_changed_words() -> None:
    # Given a line where one word changed
    rows = side_by_side("Hi\nYour appointment is on Monday.\n", "Hi\nYour appointment is on Tuesday.\n")
    # Then the row is changed and only that word is marked
    assert rows[1] == DiffRow(
        RowKind.CHANGED,
        2,
        2,
        (Segment("Your appointment is on ", False), Segment("Monday.", True)),
        (Segment("Your appointment is on ", False), Segment("Tuesday.", True)),
    )


def test_extra_lines_are_deletions_and_insertions() -> None:
    # Given one line replaced by two, and one line removed
    rows = side_by_side("keep\nold\ngone\nend", "keep\nnew one\nnew two\nend")
    assert [(row.kind, row.old_number, row.new_number) for row in rows] == [
        (RowKind.EQUAL, 1, 1),
        (RowKind.CHANGED, 2, 2),
        (RowKind.CHANGED, 3, 3),
        (RowKind.EQUAL, 4, 4),
    ]
    rows = side_by_side("a\nb\nc", "a\nc\nd")
    assert [(row.kind, row.old_number, row.new_number, row.old_text, row.new_text) for row in rows] == [
        (RowKind.EQUAL, 1, 1, "a", "a"),
        (RowKind.DELETED, 2, None, "b", ""),
        (RowKind.EQUAL, 3, 2, "c", "c"),
        (RowKind.INSERTED, None, 3, "", "d"),
    ]


def test_intraline_keeps_whitespace_and_merges_segments() -> None:
    old, new = intraline("call  us today", "call  them today now")
    assert old == (
        Segment("call  ", False),
        Segment("us", True),
        Segment(" today", False),
    )
    assert new == (
        Segment("call  ", False),
        Segment("them", True),
        Segment(" today", False),
        Segment(" now", True),
    )


def test_empty_old_text_is_all_insertions() -> None:
    assert [row.kind for row in side_by_side("", "a\nb")] == [
        RowKind.INSERTED,
        RowKind.INSERTED,
    ]
