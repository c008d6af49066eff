"""Form pieces shared by every app's pages, shaped for the NHS.UK design system."""

import unicodedata
from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class DayMonthYearWidget(forms.MultiWidget):
    """The NHS.UK date input: three boxes named <name>_day, <name>_month, <name>_year."""

    def __init__(self) -> None:
        parts: dict[str, forms.Widget | type[forms.Widget]] = {
            "day": forms.TextInput(attrs={"inputmode": "numeric"}),
            "month": forms.TextInput(attrs={"inputmode": "numeric"}),
            "year": forms.TextInput(attrs={"inputmode": "numeric"}),
        }
        super().__init__(parts)

    def decompress(self, value: date | None) -> list[Any]:
        if value:
            return [value.day, value.month, value.year]
        return [None, None, None]


class DayMonthYearField(forms.MultiValueField):
    """A date entered as day, month and year, with the NHS.UK error messages."""

    widget = DayMonthYearWidget

    def __init__(self, *, label: str, **kwargs: Any) -> None:
        self.label_text = label
        fields = (
            forms.IntegerField(min_value=1, max_value=31),
            forms.IntegerField(min_value=1, max_value=12),
            forms.IntegerField(min_value=1900, max_value=2100),
        )
        super().__init__(fields=fields, require_all_fields=False, label=label, **kwargs)

    def clean(self, value: list[Any] | None) -> date | None:
        parts = [str(part).strip() if part is not None else "" for part in (value or ["", "", ""])]
        if not any(parts):
            if self.required:
                raise forms.ValidationError(f"Enter {self.label_text.lower()}")
            return None
        names = ("day", "month", "year")
        missing = [name for name, part in zip(names, parts, strict=True) if not part]
        if missing:
            raise forms.ValidationError(f"{self.label_text} must include a {' and '.join(missing)}")
        # Bounded before any conversion: ASCII digits only, at most 2 for day and month and
        # exactly 4 for the year, so no part can overflow the date constructor.
        if (
            not all(part.isascii() and part.isdigit() for part in parts)
            or len(parts[0]) > 2
            or len(parts[1]) > 2
            or len(parts[2]) != 4
        ):
            raise forms.ValidationError(f"{self.label_text} must be a real date, for example 27 3 2026")
        try:
            return date(int(parts[2]), int(parts[1]), int(parts[0]))
        except (ValueError, OverflowError) as error:
            raise forms.ValidationError(f"{self.label_text} must be a real date, for example 27 3 2026") from error

    def compress(self, data_list: list[Any]) -> date | None:  # pragma: no cover - clean() does the work
        return None


# Unicode "other" categories that never belong in what a person types: controls (NUL, bell,
# escape, DEL, C1 controls), surrogates, unassigned code points. Tab and newlines are controls
# too, and are allowed only where a field says so (multi-line text).
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Cn"})
_LINE_CHARACTERS = frozenset("\t\n\r")


def control_character_in(value: str, *, multiline: bool = False) -> bool:
    """Whether `value` holds a character no form field accepts: a control character (tab and
    line breaks only when `multiline`), a lone surrogate or an unassigned code point."""
    return any(
        unicodedata.category(character) in _REFUSED_CATEGORIES and not (multiline and character in _LINE_CHARACTERS)
        for character in value
    )


def error_summary_items(form: forms.Form) -> list[dict[str, str]]:
    """Errors for the NHS.UK error summary, each linking to its field."""
    items = []
    for name, errors in form.errors.items():
        anchor = "#maincontent"  # the id NHS.UK gives <main>: for errors of the whole form
        if name in form.fields:
            field, auto_id = form.fields[name], form[name].auto_id
            if isinstance(field, DayMonthYearField):
                anchor = f"#{auto_id}_day"
            elif isinstance(field.widget, forms.HiddenInput):
                anchor = "#maincontent"  # a hidden field has nothing to focus
            else:
                # A radio or checkbox group's first box carries the field's id (NHS.UK macros).
                anchor = f"#{auto_id}"
        for error in errors:
            items.append({"text": str(error), "href": anchor})
    return items


def field_error(form: forms.Form, name: str) -> dict[str, str] | None:
    """The errorMessage parameter for an NHS.UK form macro, or None when the field is fine."""
    errors = form.errors.get(name)
    return {"text": " ".join(str(error) for error in errors)} if errors else None


def render_form_page(request: HttpRequest, template_name: str, context: dict[str, Any]) -> HttpResponse:
    """Render a page built around `context["form"]`, with the NHS.UK error summary, answering
    400 when the form has errors so that refused input is never reported as a success."""
    form = context["form"]
    full_context = {**context, "error_list": error_summary_items(form) if form.errors else []}
    return render(request, template_name, full_context, status=400 if form.errors else 200)


def model_select_items(form: forms.Form, name: str, text: Callable[[Any], str] = str) -> list[dict[str, Any]]:
    """The items of a design-system select for a ModelChoiceField: its empty choice, then its
    queryset, each marked selected when it is the form's current value."""
    field = form.fields[name]
    chosen = str(form[name].value() or "")
    items: list[dict[str, Any]] = [{"value": "", "text": field.empty_label, "selected": not chosen}]  # type: ignore[attr-defined]
    items += [
        {"value": str(row.pk), "text": text(row), "selected": str(row.pk) == chosen}
        for row in field.queryset  # type: ignore[attr-defined]
    ]
    return items
