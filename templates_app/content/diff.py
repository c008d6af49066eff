"""Side-by-side comparison of two texts, for the version compare page.

Lines are matched with difflib. A changed block pairs its old and new lines in order;
extra lines on either side become deletions or insertions. Within a changed pair,
words (and the spaces between them) are compared, so each row carries segments marked
changed or not, ready for an HTML table with highlighted words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum

_TOKEN = re.compile(r"\s+|[^\s]+")


class RowKind(StrEnum):
    """What happened to a line."""

    EQUAL = "equal"
    CHANGED = "changed"
    DELETED = "deleted"
    INSERTED = "inserted"


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of a line, and whether it differs from the other side."""

    text: str
    changed: bool


@dataclass(frozen=True, slots=True)
class DiffRow:
    """One row of the side-by-side table. A side with no line has number None and no segments."""

    kind: RowKind
    old_number: int | None
    new_number: int | None
    old_segments: tuple[Segment, ...]
    new_segments: tuple[Segment, ...]

    @property
    def old_text(self) -> str:
        return "".join(segment.text for segment in self.old_segments)

    @property
    def new_text(self) -> str:
        return "".join(segment.text for segment in self.new_segments)


def _merge(segments: list[Segment]) -> tuple[Segment, ...]:
    merged: list[Segment] = []
    for segment in segments:
        if not segment.text:
            continue
        if merged and merged[-1].changed == segment.changed:
            merged[-1] = Segment(merged[-1].text + segment.text, segment.changed)
        else:
            merged.append(segment)
    return tuple(merged)


def intraline(old: str, new: str) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    """Word-level segments of two versions of a line."""
    old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
    old_segments: list[Segment] = []
    new_segments: list[Segment] = []
    matcher = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        changed = tag != "equal"
        old_segments.append(Segment("".join(old_tokens[old_start:old_end]), changed))
        new_segments.append(Segment("".join(new_tokens[new_start:new_end]), changed))
    return _merge(old_segments), _merge(new_segments)


def side_by_side(old: str, new: str) -> list[DiffRow]:
    """Rows comparing ``old`` with ``new`` line by line (1-based line numbers)."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    rows: list[DiffRow] = []
    matcher = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if tag == "equal":
            for offset in range(old_end - old_start):
                text = old_lines[old_start + offset]
                segments: tuple[Segment, ...] = (Segment(text, False),) if text else ()
                rows.append(
                    DiffRow(
                        RowKind.EQUAL,
                        old_start + offset + 1,
                        new_start + offset + 1,
                        segments,
                        segments,
                    )
                )
            continue
        pairs = max(old_end - old_start, new_end - new_start)
        for offset in range(pairs):
            old_index, new_index = old_start + offset, new_start + offset
            has_old, has_new = old_index < old_end, new_index < new_end
            if has_old and has_new:
                old_segments, new_segments = intraline(old_lines[old_index], new_lines[new_index])
                rows.append(
                    DiffRow(
                        RowKind.CHANGED,
                        old_index + 1,
                        new_index + 1,
                        old_segments,
                        new_segments,
                    )
                )
            elif has_old:
                segments = _merge([Segment(old_lines[old_index], True)])
                rows.append(DiffRow(RowKind.DELETED, old_index + 1, None, segments, ()))
            else:
                segments = _merge([Segment(new_lines[new_index], True)])
                rows.append(DiffRow(RowKind.INSERTED, None, new_index + 1, (), segments))
    return rows
