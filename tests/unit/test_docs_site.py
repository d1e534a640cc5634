"""The documentation site as a user meets it: built once per session with ``mkdocs build
--strict`` (a few seconds, in a subprocess) and read back from its HTML.

- every object the API reference renders has a description;
- no line of a reference signature is longer than :data:`MAX_SIGNATURE_LINE`;
- no page speaks the project's internal language (:data:`INTERNAL_WORDS`);
- the home page starts with an install line;
- the samples of "Coming from stripe-python" run against the sandbox, as written.

Layout (clipping, overlaps at phone width) is checked by eye: ``python
docs/_ext/screenshots.py`` takes screenshots with headless Chromium (see
``docs/contributing.md``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAX_SIGNATURE_LINE = 110

# Words that belong to the project's own tracker and work log, never to a user's page.
INTERNAL_WORDS = {
    "a seed document's number": re.compile(r"\bseeds? 0\d\d\b", re.IGNORECASE),
    "an issue number": re.compile(r"\b(?:issues?|PR|pull request)\s*#\d+|\(and #\d+", re.I),
    "a round of work": re.compile(
        r"\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|this|last|"
        r"previous|next) round\b",
        re.IGNORECASE,
    ),
    "a work-log marker": re.compile(r"\b(?:TODO|FIXME|XXX|work[- ]log)\b"),
    "a note to the team": re.compile(r"\b(?:profiler notes|the lead|reverted within)\b", re.I),
}

_VOID_TAGS = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class _Entry:
    kind: str = ""
    signature: str = ""
    description: str = ""


class _ReferenceReader(HTMLParser):
    """What mkdocstrings rendered for each object: its signature and its own description.

    An object's description is the text of its ``doc-contents`` block, without its bases line
    and without its members (``doc-children``, described under their own ids).
    """

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[str, _Entry] = {}
        self._stack: list[tuple[str, str, str | None]] = []
        self._heading: str | None = None
        self._kind = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID_TAGS:
            return
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        role, owner = "", None
        if "doc-object" in classes:
            self._kind = next(
                (c[4:] for c in classes if c.startswith("doc-") and c != "doc-object"), ""
            )
        if re.fullmatch(r"h[1-6]", tag) and "doc-heading" in classes:
            self._heading = attributes.get("id")
            if self._heading:
                self.entries.setdefault(self._heading, _Entry(kind=self._kind))
        elif "doc-signature" in classes:
            role, owner = "signature", self._heading
        elif "doc-contents" in classes:
            role, owner = "contents", self._heading
        elif "doc-children" in classes or "doc-class-bases" in classes:
            role = "skip"
        self._stack.append((tag, role, owner))

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            if self._stack.pop()[0] == tag:
                return

    def handle_data(self, data: str) -> None:
        for _tag, role, owner in reversed(self._stack):
            if role == "skip":
                return
            if role in ("signature", "contents") and owner in self.entries:
                entry = self.entries[owner]
                if role == "signature":
                    entry.signature += data
                else:
                    entry.description += data
                return


def _page_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.DOTALL)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site_dir = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return site_dir


@pytest.fixture(scope="session")
def reference(site: Path) -> dict[str, _Entry]:
    entries: dict[str, _Entry] = {}
    for page in sorted((site / "reference").glob("**/*.html")):
        reader = _ReferenceReader()
        reader.feed(page.read_text(encoding="utf-8"))
        entries.update(reader.entries)
    return entries


def _pages(site: Path) -> Iterator[tuple[str, str]]:
    for page in sorted(site.glob("**/*.html")):
        yield page.relative_to(site).as_posix(), _page_text(page.read_text(encoding="utf-8"))


def test_the_reference_renders_the_public_api(reference: dict[str, _Entry]) -> None:
    for name in ("customers_sdk.CustomersClient.list", "customers_sdk.Customer.email"):
        assert name in reference
    assert len(reference) > 200


def test_every_reference_entry_has_a_description(reference: dict[str, _Entry]) -> None:
    missing = sorted(name for name, entry in reference.items() if not entry.description.strip())
    assert missing == []


def test_reference_signatures_fit_the_page(reference: dict[str, _Entry]) -> None:
    too_long = [
        (name, line)
        for name, entry in reference.items()
        for line in entry.signature.splitlines()
        if len(line) > MAX_SIGNATURE_LINE
    ]
    assert too_long == []


def test_signatures_show_public_types_not_library_internals(reference: dict[str, _Entry]) -> None:
    internals = re.compile(r"\b_[a-z]\w*\b|\bAnnotated\[|= (?:content\.|message\b|query\b)")
    leaking = [
        (name, entry.signature)
        for name, entry in reference.items()
        if internals.search(entry.signature)
    ]
    assert leaking == []


def test_every_reference_function_has_parameters_and_returns_sections(
    reference: dict[str, _Entry],
) -> None:
    incomplete = []
    for name, entry in reference.items():
        call = re.fullmatch(r"[\w.]+\((.*)\)(?: -> (.+))?", entry.signature.strip(), re.DOTALL)
        if entry.kind != "function" or call is None:
            continue
        takes_arguments = re.sub(r"[\s,*/]", "", call.group(1)) != ""
        returns = (call.group(2) or "None").strip() not in ("None", "Self")
        if takes_arguments and "Parameters:" not in entry.description:
            incomplete.append((name, "Args:"))
        if returns and not re.search(r"\b(?:Returns|Yields):", entry.description):
            incomplete.append((name, "Returns:"))
    assert incomplete == []


@pytest.mark.parametrize("owner", ["StripeCustomersClient", "AsyncStripeCustomersClient"])
@pytest.mark.parametrize("alias", ["retrieve", "modify"])
def test_stripe_python_s_method_names_render_as_methods(
    reference: dict[str, _Entry], owner: str, alias: str
) -> None:
    # `retrieve = get` in the class body: a method a user calls, not an attribute to read.
    entry = reference[f"customers_sdk.{owner}.{alias}"]
    assert entry.kind == "function"
    assert entry.signature.strip().startswith(f"{alias}(")
    assert "stripe-python's name" in entry.description
    assert "Parameters:" in entry.description


def test_no_page_speaks_the_project_s_internal_language(site: Path) -> None:
    found = [
        (page, what, match.group(0))
        for page, text in _pages(site)
        for what, pattern in INTERNAL_WORDS.items()
        for match in pattern.finditer(text)
    ]
    assert found == []


def test_the_home_page_starts_with_an_install_line(site: Path) -> None:
    text = _page_text((site / "index.html").read_text(encoding="utf-8"))
    install = re.search(r"pip install (?:customers-sdk|\.)", text)
    first_sample = text.find("from customers_sdk import")
    assert install is not None
    assert 0 <= install.start() < first_sample


def _run_with_no_key(code: str) -> list[str]:
    """The lines ``code`` prints, run as a script with no API key in its environment."""
    env = {k: v for k, v in os.environ.items() if k not in ("STRIPE_API_KEY", "CUSTOMERS_API_KEY")}
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_the_home_page_s_first_sample_runs_with_no_key() -> None:
    markdown = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    sample = re.search(r"```python\n(.*?)```", markdown, re.DOTALL)
    assert sample is not None
    lines = _run_with_no_key(sample.group(1))
    assert len(lines) == 42
    assert all(line.startswith("cus_") for line in lines)


def test_the_stripe_python_page_s_samples_run_against_the_sandbox() -> None:
    """Its ``customers-sdk`` samples, in page order, as one script (the first builds the
    sandbox client); those titled ``customers-sdk (against Stripe)`` need Stripe itself."""
    markdown = (ROOT / "docs" / "guides" / "coming-from-stripe-python.md").read_text("utf-8")
    samples = re.findall(r'```python title="customers-sdk"\n(.*?)```', markdown, re.DOTALL)
    assert len(samples) >= 12
    lines = _run_with_no_key("\n".join(samples))
    assert "None None {'tier': 'gold'}" in lines  # unset with "" and None, one metadata key
    assert lines.count("True") == 2  # deleted; one customer for one idempotency key
    assert "404 resource_missing id" in " ".join(lines)
