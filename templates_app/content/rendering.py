"""The restricted template syntax: checking, placeholders and rendering.

Content may use only:

- placeholders: ``{{ name }}``, a bare field name with no filters, dots, brackets,
  calls, maths or literal values;
- conditionals on a bare name, optionally negated:
  ``{% if name %}``, ``{% elif not name %}``, ``{% else %}``, ``{% endif %}``,
  which may nest; an empty value counts as false.

Anything else is a :class:`SyntaxProblem`: other tags (``for``, ``set``, ``import``,
``include``, ``extends``, ``macro``, ``raw`` ...), and comments (``{# ... #}``), which
are refused because reviewers approve what the preview shows and a comment is hidden
from it. Whitespace control (``{%-`` / ``-%}``) is allowed.

The check walks Jinja2's own parse tree and allows only Template, Output,
TemplateData, Name (load), If and Not-of-Name nodes, so nothing Jinja can evaluate
beyond a variable lookup gets through. Rendering then uses a SandboxedEnvironment
with no globals, filters or tests, and StrictUndefined, as a second line of defence.
Block tags swallow the newline after them (``trim_blocks``) so a conditional on its
own line leaves no blank line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, UndefinedError, nodes
from jinja2.sandbox import SandboxedEnvironment

ALLOWED_TAGS: frozenset[str] = frozenset({"if", "elif", "else", "endif"})

# Bounds checked before Jinja parses anything: its parser recurses once per nested
# {% if %} and per nested bracket, so thousands of them would exhaust Python's recursion
# limit. Real content needs a few levels at most; the longest channel (email) allows
# 100,000 characters.
MAX_SOURCE_CHARACTERS = 100_000
MAX_CONDITION_DEPTH = 10
MAX_BRACKET_DEPTH = 10

# Words the syntax reads as operators or constants, and names Jinja binds itself
# (``{{ self }}`` is the template object): none can be a field name.
RESERVED_NAMES: frozenset[str] = frozenset(
    {
        "and", "or", "not", "in", "is", "if", "elif", "else", "endif",
        "true", "false", "none", "self", "loop", "caller", "varargs", "kwargs",
    }
)  # fmt: skip

_EXPRESSION_DESCRIPTIONS: dict[type[nodes.Node], str] = {
    nodes.Getattr: "a dot (attribute access)",
    nodes.Getitem: "square brackets",
    nodes.Slice: "square brackets",
    nodes.Call: "a function call",
    nodes.Filter: "a filter (the | symbol)",
    nodes.Test: "a test (the word 'is')",
    nodes.Const: "a fixed value",
    nodes.TemplateData: "a fixed value",
    nodes.Concat: "joining with ~",
    nodes.Compare: "a comparison",
    nodes.And: "'and'",
    nodes.Or: "'or'",
    nodes.CondExpr: "an inline if",
    nodes.List: "a list",
    nodes.Tuple: "a list",
    nodes.Dict: "a dictionary",
    nodes.Not: "'not' (which only works in {% if %})",
    nodes.BinExpr: "a calculation",
    nodes.UnaryExpr: "a calculation",
}


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    """A place where content breaks the restricted syntax (1-based line)."""

    line: int
    message: str


class TemplateSyntaxProblem(ValueError):
    """Raised when content that breaks the restricted syntax is used."""

    def __init__(self, problems: list[SyntaxProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"Line {p.line}: {p.message}" for p in problems))


class RenderError(ValueError):
    """Raised when content cannot be rendered with the values given."""

    def __init__(self, message: str, *, missing: Iterable[str] = ()) -> None:
        self.missing = sorted(missing)
        super().__init__(message)


def _environment(*, autoescape: bool) -> SandboxedEnvironment:
    environment = SandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=autoescape,
        trim_blocks=True,
        keep_trailing_newline=True,
    )
    # Nothing but the caller's values is reachable: no range, lipsum, cycler, ...
    environment.globals.clear()
    environment.filters.clear()
    environment.tests.clear()
    return environment


_TEXT_ENVIRONMENT = _environment(autoescape=False)
_HTML_ENVIRONMENT = _environment(autoescape=True)


def _structure_problems(source: str) -> list[SyntaxProblem]:
    """Refuse content too long or too deeply nested to parse safely, reading only the token
    stream (the lexer does not recurse), before the parser sees it."""
    if len(source) > MAX_SOURCE_CHARACTERS:
        return [
            SyntaxProblem(
                1,
                f"The text is {len(source):,} characters long. A template can hold at most "
                f"{MAX_SOURCE_CHARACTERS:,} characters.",
            )
        ]
    conditions = brackets = 0
    expecting_tag = False
    try:
        for line, token_type, value in _TEXT_ENVIRONMENT.lex(source):
            if token_type == "block_begin":
                expecting_tag = True
                continue
            if expecting_tag and token_type == "name":
                conditions += 1 if value == "if" else -1 if value == "endif" else 0
                if conditions > MAX_CONDITION_DEPTH:
                    return [
                        SyntaxProblem(
                            line,
                            f"Conditions are nested more than {MAX_CONDITION_DEPTH} deep. "
                            "Close some with {% endif %} or write the text more simply.",
                        )
                    ]
            if token_type != "whitespace":
                expecting_tag = False
            if token_type == "operator" and value in "([{":
                brackets += 1
                if brackets > MAX_BRACKET_DEPTH:
                    return [
                        SyntaxProblem(
                            line,
                            f"Brackets are nested more than {MAX_BRACKET_DEPTH} deep. "
                            "A placeholder holds only a field name, like {{ name }}.",
                        )
                    ]
            elif token_type == "operator" and value in ")]}":
                brackets = max(brackets - 1, 0)
    except TemplateSyntaxError:
        # Malformed content is reported by the parser, which is now safe to run on it.
        pass
    return []


def _tag_problems(source: str) -> list[SyntaxProblem]:
    """Refuse tags, raw blocks and comments before parsing, for clearer messages.

    A refused tag is usually also malformed (``{% for %}``), and the message should
    say it is not allowed rather than how Jinja failed to read it.
    """
    problems: list[SyntaxProblem] = []
    expecting_tag = False
    try:
        for line, token_type, value in _TEXT_ENVIRONMENT.lex(source):
            if token_type == "block_begin":
                expecting_tag = True
            elif expecting_tag and token_type == "name":
                expecting_tag = False
                if value not in ALLOWED_TAGS:
                    problems.append(
                        SyntaxProblem(
                            line,
                            f"{{% {value} %}} is not allowed. Only {{% if %}}, {{% elif %}}, "
                            "{% else %} and {% endif %} can be used.",
                        )
                    )
            elif expecting_tag and token_type != "whitespace":
                expecting_tag = False
                problems.append(SyntaxProblem(line, "A {% ... %} tag must start with if, elif, else or endif."))
            elif token_type == "raw_begin":
                problems.append(SyntaxProblem(line, "{% raw %} is not allowed."))
            elif token_type == "comment_begin":
                problems.append(
                    SyntaxProblem(
                        line,
                        "Comments ({# ... #}) are not allowed, because the preview would not "
                        "show them. Put notes for reviewers in the change notes.",
                    )
                )
    except TemplateSyntaxError:
        # The parser reports it below, with the same line.
        pass
    return problems


def _parse_error_message(error: TemplateSyntaxError) -> str:
    message = error.message or ""
    if message.startswith("Unexpected end of template") and "'if'" in message:
        return "An {% if %} is not closed. Add {% endif %} after its text."
    if message.startswith("Encountered unknown tag 'endif'"):
        return "{% endif %} has no matching {% if %}."
    if message.startswith(("Encountered unknown tag 'else'", "Encountered unknown tag 'elif'")):
        return "{% else %} or {% elif %} has no matching {% if %}."
    if "expected 'end of print statement'" in message:
        return "A placeholder is not closed, or holds more than a name. Write it as {{ name }}."
    if "expected 'end of statement block'" in message:
        return "A {% ... %} tag is not closed, or holds more than one name. Write it as {% if name %}."
    if message.startswith("Expected an expression"):
        return "Something is missing: write a field name, like {{ name }} or {% if name %}."
    return f"The template could not be read: {message}"


def _expression_problem(node: nodes.Node, *, in_condition: bool) -> str | None:
    if isinstance(node, nodes.Name) and node.ctx == "load":
        if node.name in RESERVED_NAMES:
            return f"'{node.name}' is a reserved word and cannot be a placeholder."
        return None
    if in_condition and isinstance(node, nodes.Not) and isinstance(node.node, nodes.Name):
        return _expression_problem(node.node, in_condition=True)
    found = next(
        (text for kind, text in _EXPRESSION_DESCRIPTIONS.items() if isinstance(node, kind)),
        "something other than a name",
    )
    if in_condition:
        return f"A condition may only test a field name, like {{% if name %}} or {{% if not name %}}; found {found}."
    return f"A placeholder may only hold a field name, like {{{{ name }}}}; found {found}."


def _walk(body: Iterable[nodes.Node], problems: list[SyntaxProblem]) -> None:
    for node in body:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if isinstance(child, nodes.TemplateData):
                    continue
                problem = _expression_problem(child, in_condition=False)
                if problem:
                    problems.append(SyntaxProblem(child.lineno, problem))
        elif isinstance(node, nodes.If):
            problem = _expression_problem(node.test, in_condition=True)
            if problem:
                problems.append(SyntaxProblem(node.lineno, problem))
            _walk(node.body, problems)
            _walk(node.elif_, problems)
            _walk(node.else_, problems)
        else:
            tag = type(node).__name__.lower()
            problems.append(SyntaxProblem(node.lineno, f"This kind of tag ({tag}) is not allowed."))


def check_template(source: str) -> list[SyntaxProblem]:
    """Return every way ``source`` breaks the restricted syntax, in line order. Content too
    long or too deeply nested to parse safely is refused before it is parsed."""
    problems = _structure_problems(source) or _tag_problems(source)
    if problems:
        return problems
    try:
        tree = _TEXT_ENVIRONMENT.parse(source)
    except TemplateSyntaxError as error:
        return [SyntaxProblem(error.lineno, _parse_error_message(error))]
    _walk(tree.body, problems)
    return sorted(problems, key=lambda problem: problem.line)


def placeholder_lines(source: str) -> dict[str, int]:
    """Each placeholder used (in output or a condition) and the line it first appears on.

    Raises TemplateSyntaxProblem if ``source`` breaks the restricted syntax.
    """
    problems = check_template(source)
    if problems:
        raise TemplateSyntaxProblem(problems)
    first_lines: dict[str, int] = {}
    for name_node in _TEXT_ENVIRONMENT.parse(source).find_all(nodes.Name):
        first_lines[name_node.name] = min(name_node.lineno, first_lines.get(name_node.name, name_node.lineno))
    return dict(sorted(first_lines.items(), key=lambda item: (item[1], item[0])))


def placeholders_used(source: str) -> set[str]:
    """The names used as placeholders or in conditions.

    Raises TemplateSyntaxProblem if ``source`` breaks the restricted syntax.
    """
    return set(placeholder_lines(source))


@dataclass(frozen=True, slots=True)
class CompiledTemplate:
    """Content checked and compiled once, to render many times: its placeholders and the
    sandboxed Jinja template."""

    placeholders: frozenset[str]
    template: Template

    def render(self, values: Mapping[str, str]) -> str:
        """Rules as :func:`render`: every placeholder needs a text value."""
        missing = self.placeholders - set(values)
        if missing:
            names = ", ".join(sorted(missing))
            raise RenderError(f"No value was given for: {names}.", missing=missing)
        not_text = sorted(name for name in self.placeholders if not isinstance(values[name], str))
        if not_text:
            raise RenderError(f"Values must be text; these are not: {', '.join(not_text)}.")
        try:
            return self.template.render({name: values[name] for name in self.placeholders})
        except UndefinedError as error:  # pragma: no cover - guarded by the checks above
            raise RenderError(f"The template could not be rendered: {error.message}") from error


def compile_template(source: str, *, html: bool = False) -> CompiledTemplate:
    """Check ``source`` against the restricted syntax (else TemplateSyntaxProblem) and
    compile it with the sandboxed environment (HTML-escaping values when ``html``)."""
    used = frozenset(placeholders_used(source))
    environment = _HTML_ENVIRONMENT if html else _TEXT_ENVIRONMENT
    return CompiledTemplate(placeholders=used, template=environment.from_string(source))


def render(source: str, values: Mapping[str, str], *, html: bool = False) -> str:
    """Render ``source`` with ``values``.

    Rules: the source must pass :func:`check_template` (else TemplateSyntaxProblem);
    every name it uses, even in a branch not taken, needs a text value (else
    RenderError naming the missing ones; pass "" to make a condition false). With
    ``html=True`` values are HTML-escaped, for content that is itself HTML.
    """
    return compile_template(source, html=html).render(values)
