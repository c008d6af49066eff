"""Render the safety case as a standalone HTML document and, with WeasyPrint, as a PDF.

The document and the app's page share one template body (safety/_case.jinja), so what an
auditor reads in the app is what `make safety-case` writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from notifyadmin.safety.case import SafetyCase

HERE = Path(__file__).resolve().parent
TEMPLATES_DIR = HERE / "jinja2"
CSS_FILES = (HERE / "document.css", HERE / "static" / "safety" / "case.css")


@dataclass(frozen=True)
class RenderedCase:
    html: Path
    pdf: Path | None


def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True, undefined=StrictUndefined)


def safety_case_html(*, case: SafetyCase) -> str:
    """The whole document, styles inline, readable offline and printable."""
    css = "\n".join(path.read_text(encoding="utf-8") for path in CSS_FILES)
    return _environment().get_template("safety/case_document.jinja").render(case=case, css=css)


def safety_case_write(*, case: SafetyCase, out_dir: Path, pdf: bool = True) -> RenderedCase:
    """Write safety-case.html (and safety-case.pdf) into `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    html = safety_case_html(case=case)
    html_path = out_dir / "safety-case.html"
    html_path.write_text(html, encoding="utf-8")
    pdf_path = None
    if pdf:
        from weasyprint import HTML  # imported here: it loads Pango, which only the PDF needs

        pdf_path = out_dir / "safety-case.pdf"
        HTML(string=html, base_url=str(out_dir)).write_pdf(pdf_path)
    return RenderedCase(html_path, pdf_path)
