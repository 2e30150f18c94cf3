"""The YAML mistakes a beginner makes first get a message that says what to do, at the right place."""

from __future__ import annotations

import pytest

from slactl.loading import LoadError, load_text

HEAD = "apiVersion: slactl/v1\nkind: Agreement\nmetadata:\n"


def refused(text: str) -> LoadError:
    with pytest.raises(LoadError) as info:
        load_text(text)
    return info.value


def test_a_tab_in_the_indentation_says_to_indent_with_spaces() -> None:
    err = refused(HEAD + "\tid: x\n")
    assert (err.code, err.line, err.column) == ("SLA001", 4, 1)
    assert err.hint == "YAML indents with spaces: replace the tab at 4:1 with spaces"


@pytest.mark.parametrize("quote", ['"', "'"])
def test_an_unclosed_quote_is_reported_where_it_opens(quote: str) -> None:
    # libyaml gives up at the end of the file (line 9 here); the mistake is on line 5.
    err = refused(HEAD + "  title: Café\n  note: " + quote + "never closed\n  a: b\n  c: d\n  e: f\n")
    assert (err.code, err.line, err.column) == ("SLA001", 5, 9)
    assert err.message == f"a quoted value opened here with {quote} is never closed"


def test_a_colon_in_a_plain_value_says_how_to_quote_it() -> None:
    err = refused(HEAD + '  note: Note: the "desk" closes at 5\n')
    assert err.line == 4
    assert err.hint == 'quote the value: `note: "Note: the \\"desk\\" closes at 5"`'


def test_a_duplicate_key_names_both_lines_once() -> None:
    err = refused(HEAD + "  id: a\n  id: b\n")
    assert err.code == "SLA005"
    assert err.message == "duplicate key `id`: also defined on line 4"
    assert err.hint == "keep one of the two `id` entries, on lines 4 and 5"
    assert "((" not in f"{err.message} ({err.hint})" and "))" not in f"{err.message} ({err.hint})"


def test_other_syntax_errors_keep_libyamls_words() -> None:
    err = refused(HEAD + "  id: [a, b\n")
    assert err.code == "SLA001"
    assert err.message.startswith("YAML syntax error: ")


@pytest.mark.parametrize(
    ("given", "guess"), [("availabilty", "availability"), ("Resolution-Time", "resolution_time"), ("uptime", None)]
)
def test_a_wrong_choice_names_the_value_given_and_a_did_you_mean(given: str, guess: str | None) -> None:
    from pathlib import Path

    from slactl.parse import parse_document

    text = Path("examples/cec-fy2027-rural-lending.yaml").read_text(encoding="utf-8")
    assert text.count("metric: availability") >= 1
    loaded = load_text(text.replace("metric: availability", f"metric: {given}", 1))
    findings = parse_document(loaded, "a.yaml").findings
    assert len(findings) == 1
    message = findings[0].message
    assert message.startswith(f"`{given}` is not one of `availability`, `response_time`, ")
    if guess is None:
        assert "did you mean" not in message
    else:
        assert message.endswith(f"; did you mean `{guess}`?")


@pytest.mark.parametrize(
    ("written", "exact"), [("12.50", "12.50"), ("0.1", "0.1"), ("2.5e1", "25"), ("1999.99", "1999.99")]
)
def test_money_written_as_a_plain_number_is_read_exactly(written: str, exact: str) -> None:
    from decimal import Decimal

    from slactl.model.types import parse_amount

    value = load_text(f"fee: {written}\n").data["fee"]
    assert not isinstance(value, float)
    assert parse_amount(value) == Decimal(exact)
    assert str(parse_amount(value)) == str(Decimal(written))
