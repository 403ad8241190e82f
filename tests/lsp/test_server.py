"""`campaign-lint server` driven by a real LSP client (pytest-lsp).

Run by tests/server.rs, which passes the binary in CAMPAIGN_LINT_BIN. The documents
are never written to disk: the server must check the text the editor holds. Only the
config is a file, in the documents' directory (the server runs elsewhere), so that
finding it proves the server looks for the config nearest to each document.
"""

import asyncio
import os

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

PUBLISH = types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS

# A generous bound so that a broken server fails the test instead of hanging it; the
# test never waits on a clock otherwise.
LIMIT = 120

# "ü" and "ß" are one UTF-16 unit each (two bytes), "😀" two units (four bytes): a
# server that counted bytes or characters would put the range elsewhere.
HIDDEN = """<!DOCTYPE html>
<html lang="en">
<head><title>Spring sale</title></head>
<body>
<p>Our spring sale starts today: every garden chair is 20% off until Sunday. Visit the shop to see the whole range.</p>
<p>Grüße 😀 from the team. <a href="https://example.com/unsubscribe" style="display:none">Unsubscribe</a></p>
<p>Example GmbH, Hauptstraße 1, 10115 Berlin, Germany</p>
</body>
</html>
"""

CONFIG = """
[profile]
language = "en"

[rules.hidden-unsubscribe-link]
severity = "warning"
"""


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[os.environ["CAMPAIGN_LINT_BIN"], "server"])
)
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=types.ClientCapabilities())
    )
    yield
    await lsp_client.shutdown_session()


def eml(headers: list[str], html: str) -> str:
    """A message with CRLF line endings: the usual headers, `headers`, an HTML body."""
    fields = [
        "From: Example Shop <news@example.com>",
        "To: anna@example.com",
        "Subject: Spring sale",
        *headers,
        "Content-Type: text/html; charset=utf-8",
    ]
    return "\r\n".join(fields) + "\r\n\r\n" + html.replace("\n", "\r\n")


def utf16_position(text: str, offset: int) -> types.Position:
    """The LSP position of character offset `offset`, computed independently of the server."""
    before = text[:offset]
    line = before.count("\n")
    column = before[before.rfind("\n") + 1 :]
    return types.Position(line=line, character=len(column.encode("utf-16-le")) // 2)


def apply(text: str, edit: types.TextEdit) -> str:
    """`text` with one edit applied (positions in UTF-16 units, as the protocol says)."""

    def offset(position: types.Position) -> int:
        lines = text.split("\n")
        start = sum(len(line) + 1 for line in lines[: position.line])
        units = lines[position.line].encode("utf-16-le")[: position.character * 2]
        return start + len(units.decode("utf-16-le"))

    return text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]


async def diagnostics(client: LanguageClient, uri: str, send) -> list[types.Diagnostic]:
    """Sends a notification and returns the diagnostics it leads to for `uri`."""
    send()
    while True:
        params = await asyncio.wait_for(client.wait_for_notification(PUBLISH), LIMIT)
        if params.uri == uri:
            return list(params.diagnostics)


async def code_actions(client: LanguageClient, uri: str, diagnostic: types.Diagnostic):
    """The code actions the server offers for one diagnostic."""
    return await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )


def open_document(client: LanguageClient, uri: str, text: str, version: int = 1):
    return lambda: client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="html", version=version, text=text
            )
        )
    )


def change_document(client: LanguageClient, uri: str, text: str, version: int):
    return lambda: client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


@pytest.mark.asyncio
async def test_hidden_link_reported_fixed_and_suppressed(client: LanguageClient, tmp_path):
    (tmp_path / "campaign-lint.toml").write_text(CONFIG)
    uri = (tmp_path / "spring.html").as_uri()

    found = await diagnostics(client, uri, open_document(client, uri, HIDDEN))
    assert [d.code for d in found] == ["hidden-unsubscribe-link"], found
    hidden = found[0]
    link = HIDDEN.index(">Unsubscribe<") + 1
    assert hidden.range == types.Range(
        start=utf16_position(HIDDEN, link),
        end=utf16_position(HIDDEN, link + len("Unsubscribe")),
    )
    # The config next to the document turned the rule into a warning.
    assert hidden.severity == types.DiagnosticSeverity.Warning
    assert hidden.source == "campaign-lint"
    # The second label (the declaration that hides the link) is related information.
    style = HIDDEN.index("display:none")
    related = hidden.related_information
    assert related and related[0].location.uri == uri
    assert related[0].location.range.start == utf16_position(HIDDEN, style)
    assert "display:none" in related[0].message

    # Hover on the finding shows the rule's docs.
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=hidden.range.start,
        )
    )
    assert hover is not None
    assert "hidden-unsubscribe-link (warning" in hover.contents.value
    assert "## What it does" in hover.contents.value
    # Away from any finding: nothing.
    nothing = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=0, character=0),
        )
    )
    assert nothing is None

    # Editing the unsaved text so that the link shows clears the diagnostic.
    shown = HIDDEN.replace(' style="display:none"', "")
    found = await diagnostics(client, uri, change_document(client, uri, shown, 2))
    assert found == [], found

    # Back to hidden; the quick fix writes the suppression comment, and the text with
    # it applied has no finding (and no unused-suppression either).
    found = await diagnostics(client, uri, change_document(client, uri, HIDDEN, 3))
    assert [d.code for d in found] == ["hidden-unsubscribe-link"]
    actions = await code_actions(client, uri, found[0])
    titles = [a.title for a in actions]
    assert "Suppress hidden-unsubscribe-link on the next line" in titles, titles
    action = actions[titles.index("Suppress hidden-unsubscribe-link on the next line")]
    assert action.kind == types.CodeActionKind.QuickFix
    (edit,) = action.edit.changes[uri]
    fixed = apply(HIDDEN, edit)
    assert "<!-- campaign-lint-disable-next-line hidden-unsubscribe-link -->\n<p>Grüße" in fixed
    found = await diagnostics(client, uri, change_document(client, uri, fixed, 4))
    assert found == [], found


@pytest.mark.asyncio
async def test_profile_of_the_nearest_config(client: LanguageClient, tmp_path):
    (tmp_path / "campaign-lint.toml").write_text('[profile]\nlanguage = "de"\n')
    uri = (tmp_path / "spring.html").as_uri()
    shown = HIDDEN.replace(' style="display:none"', "")
    found = await diagnostics(client, uri, open_document(client, uri, shown))
    assert [d.code for d in found] == ["language-mismatch"], found
    assert "recipient reads German" in found[0].message


@pytest.mark.asyncio
async def test_unparsable_document_gets_one_diagnostic_and_the_server_goes_on(
    client: LanguageClient, tmp_path
):
    uri = (tmp_path / "broken.eml").as_uri()
    text = "Hallo 😀,\njust some words\nwith no header block\n"
    found = await diagnostics(client, uri, open_document(client, uri, text))
    assert len(found) == 1, found
    assert found[0].severity == types.DiagnosticSeverity.Error
    assert "not an email message" in found[0].message
    assert found[0].range.start == types.Position(line=0, character=0)

    # Still running: it checks the next document.
    other = (tmp_path / "spring.html").as_uri()
    found = await diagnostics(client, other, open_document(client, other, HIDDEN))
    assert [d.code for d in found] == ["hidden-unsubscribe-link"]
    assert found[0].severity == types.DiagnosticSeverity.Error


@pytest.mark.asyncio
async def test_suppression_header_in_an_eml(client: LanguageClient, tmp_path):
    uri = (tmp_path / "offer.eml").as_uri()
    text = eml([], HIDDEN)
    found = await diagnostics(client, uri, open_document(client, uri, text))
    codes = [d.code for d in found]
    assert "hidden-unsubscribe-link" in codes, codes
    target = found[codes.index("hidden-unsubscribe-link")]
    actions = await code_actions(client, uri, target)
    action = next(a for a in actions if "hidden-unsubscribe-link in this file" in a.title)
    (edit,) = action.edit.changes[uri]
    fixed = apply(text, edit)
    assert fixed.startswith("X-Campaign-Lint-Disable: hidden-unsubscribe-link\r\nFrom:")
    found = await diagnostics(client, uri, change_document(client, uri, fixed, 2))
    codes = [d.code for d in found]
    assert "hidden-unsubscribe-link" not in codes and "unused-suppression" not in codes, codes


@pytest.mark.asyncio
async def test_safe_fix_as_code_action(client: LanguageClient, tmp_path):
    uri = (tmp_path / "sale.eml").as_uri()
    text = eml(
        ["List-Unsubscribe: https://example.com/unsub/1"],
        HIDDEN.replace(' style="display:none"', ""),
    )
    found = await diagnostics(client, uri, open_document(client, uri, text))
    before = sorted(d.code for d in found)
    assert "missing-one-click-unsubscribe" in before, before
    assert "missing-list-unsubscribe" in before, before
    # As an editor does: one quick fix, the new text sent, the next fix asked of it.
    fixed = text
    for version, rule in enumerate(["missing-list-unsubscribe", "missing-one-click-unsubscribe"]):
        target = next(d for d in found if d.code == rule)
        actions = await code_actions(client, uri, target)
        action = next(a for a in actions if a.title.startswith("Fix: ") and a.diagnostics[0].code == rule)
        assert action.kind == types.CodeActionKind.QuickFix
        # Last edit first, so that the earlier positions stay valid.
        edits = action.edit.changes[uri]
        for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
            fixed = apply(fixed, edit)
        found = await diagnostics(client, uri, change_document(client, uri, fixed, version + 2))
        assert rule not in [d.code for d in found], found
    assert (
        "List-Unsubscribe: <https://example.com/unsub/1>\r\n"
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\nContent-Type:" in fixed
    )
    after = sorted(d.code for d in found)
    expected = [c for c in before if c not in ("missing-one-click-unsubscribe", "missing-list-unsubscribe")]
    assert after == expected, (before, after)
