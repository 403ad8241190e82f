//! `campaign-lint server`: a language server over stdio, so that an editor shows the
//! findings while a template is written.
//!
//! It checks the text the editor holds (unsaved edits included), not the file on disk,
//! under the `campaign-lint.toml` nearest to the file and its `[profile]`, exactly as
//! `check` would check that text. Open documents are checked at once; edits are checked
//! once typing pauses ([`DEBOUNCE`]). The protocol plumbing is `lsp-server` (the
//! synchronous transport Ruff and rust-analyzer use); everything here is one thread.

mod document;
mod position;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _,
    PublishDiagnostics,
};
use lsp_types::request::{CodeActionRequest, HoverRequest, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionProviderCapability, CodeActionResponse, Hover, HoverContents,
    HoverProviderCapability, InitializeResult, MarkupContent, MarkupKind, PositionEncodingKind,
    PublishDiagnosticsParams, ServerCapabilities, ServerInfo, TextDocumentSyncCapability,
    TextDocumentSyncKind, Uri,
};

use document::Document;

/// How long an edited document waits for the next keystroke before it is checked.
const DEBOUNCE: Duration = Duration::from_millis(150);

/// Runs the server on stdin and stdout until the client shuts it down. Err: the
/// connection broke (the client went away without `shutdown`, or sent something that is
/// not the protocol).
pub fn run() -> Result<(), String> {
    let (connection, io_threads) = Connection::stdio();
    serve(&connection)?;
    drop(connection);
    io_threads.join().map_err(|e| e.to_string())
}

fn serve(connection: &Connection) -> Result<(), String> {
    let capabilities = ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(
            lsp_types::CodeActionOptions {
                code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                ..Default::default()
            },
        )),
        ..Default::default()
    };
    let init = InitializeResult {
        capabilities,
        server_info: Some(ServerInfo {
            name: "campaign-lint".to_owned(),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        }),
    };
    let init = serde_json::to_value(init).map_err(|e| e.to_string())?;
    connection.initialize(init).map_err(|e| e.to_string())?;
    Server {
        connection,
        documents: HashMap::new(),
    }
    .main_loop()
}

struct Server<'a> {
    connection: &'a Connection,
    /// Open documents by URI.
    documents: HashMap<String, Document>,
}

impl Server<'_> {
    fn main_loop(&mut self) -> Result<(), String> {
        loop {
            let due = self.documents.values().filter_map(|d| d.due).min();
            let message = match due {
                Some(deadline) => match self.connection.receiver.recv_deadline(deadline) {
                    Ok(message) => Some(message),
                    Err(e) if e.is_timeout() => None,
                    Err(_) => return Err("the client closed the connection".to_owned()),
                },
                None => match self.connection.receiver.recv() {
                    Ok(message) => Some(message),
                    Err(_) => return Err("the client closed the connection".to_owned()),
                },
            };
            match message {
                None => self.check_due(Instant::now())?,
                Some(Message::Request(request)) => {
                    if self
                        .connection
                        .handle_shutdown(&request)
                        .map_err(|e| e.to_string())?
                    {
                        return Ok(());
                    }
                    self.request(request)?;
                }
                Some(Message::Notification(notification)) => self.notification(notification)?,
                Some(Message::Response(_)) => {}
            }
        }
    }

    /// Checks the edited documents whose pause is over, and publishes their findings.
    fn check_due(&mut self, now: Instant) -> Result<(), String> {
        let due: Vec<String> = self
            .documents
            .iter()
            .filter(|(_, d)| d.due.is_some_and(|t| t <= now))
            .map(|(uri, _)| uri.clone())
            .collect();
        for uri in due {
            self.check(&uri)?;
        }
        Ok(())
    }

    /// Checks one document now and publishes its diagnostics.
    fn check(&mut self, uri: &str) -> Result<(), String> {
        let Some(document) = self.documents.get_mut(uri) else {
            return Ok(());
        };
        document.check();
        let params = PublishDiagnosticsParams {
            uri: document.uri.clone(),
            diagnostics: document.diagnostics(),
            version: Some(document.version),
        };
        self.notify::<PublishDiagnostics>(params)
    }

    fn notification(&mut self, notification: Notification) -> Result<(), String> {
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Some(params) = extract::<lsp_types::DidOpenTextDocumentParams>(notification)
                else {
                    return Ok(());
                };
                let item = params.text_document;
                let Some(document) = Document::open(item.uri, item.version, item.text) else {
                    return Ok(());
                };
                let key = document.uri.as_str().to_owned();
                self.documents.insert(key.clone(), document);
                self.check(&key)
            }
            DidChangeTextDocument::METHOD => {
                let Some(params) = extract::<lsp_types::DidChangeTextDocumentParams>(notification)
                else {
                    return Ok(());
                };
                let Some(document) = self.documents.get_mut(params.text_document.uri.as_str())
                else {
                    return Ok(());
                };
                // Full sync: the last change holds the whole text.
                if let Some(change) = params.content_changes.into_iter().last() {
                    document.edit(params.text_document.version, change.text);
                    document.due = Some(Instant::now() + DEBOUNCE);
                }
                Ok(())
            }
            DidCloseTextDocument::METHOD => {
                let Some(params) = extract::<lsp_types::DidCloseTextDocumentParams>(notification)
                else {
                    return Ok(());
                };
                let uri = params.text_document.uri;
                if self.documents.remove(uri.as_str()).is_none() {
                    return Ok(());
                }
                self.notify::<PublishDiagnostics>(PublishDiagnosticsParams {
                    uri,
                    diagnostics: Vec::new(),
                    version: None,
                })
            }
            _ => Ok(()),
        }
    }

    fn request(&mut self, request: Request) -> Result<(), String> {
        let id = request.id.clone();
        match request.method.as_str() {
            HoverRequest::METHOD => {
                let params: lsp_types::HoverParams = match extract_request(request) {
                    Ok(params) => params,
                    Err(message) => return self.invalid(id, message),
                };
                let at = params.text_document_position_params;
                let hover = self.current(&at.text_document.uri).and_then(|d| {
                    let text = d.explain_at(at.position)?;
                    Some(Hover {
                        contents: HoverContents::Markup(MarkupContent {
                            kind: MarkupKind::Markdown,
                            value: text,
                        }),
                        range: None,
                    })
                });
                self.respond(id, &hover)
            }
            CodeActionRequest::METHOD => {
                let params: lsp_types::CodeActionParams = match extract_request(request) {
                    Ok(params) => params,
                    Err(message) => return self.invalid(id, message),
                };
                let actions: CodeActionResponse = self
                    .current(&params.text_document.uri)
                    .map(|d| d.actions(params.range))
                    .unwrap_or_default();
                self.respond(id, &actions)
            }
            _ => {
                let response = Response::new_err(
                    id,
                    lsp_server::ErrorCode::MethodNotFound as i32,
                    format!("campaign-lint does not answer {}", request.method),
                );
                self.send(Message::Response(response))
            }
        }
    }

    /// The document with its findings up to date: an edit still waiting for its pause
    /// is checked first, so that an answer never refers to older text.
    fn current(&mut self, uri: &Uri) -> Option<&Document> {
        if self.documents.get(uri.as_str())?.due.is_some() {
            self.check(uri.as_str()).ok()?;
        }
        self.documents.get(uri.as_str())
    }

    fn invalid(&self, id: RequestId, message: String) -> Result<(), String> {
        let code = lsp_server::ErrorCode::InvalidParams as i32;
        self.send(Message::Response(Response::new_err(id, code, message)))
    }

    fn respond(&self, id: RequestId, result: &impl serde::Serialize) -> Result<(), String> {
        let result = serde_json::to_value(result).map_err(|e| e.to_string())?;
        self.send(Message::Response(Response {
            id,
            result: Some(result),
            error: None,
        }))
    }

    fn notify<N: lsp_types::notification::Notification>(
        &self,
        params: N::Params,
    ) -> Result<(), String> {
        self.send(Message::Notification(Notification::new(
            N::METHOD.to_owned(),
            params,
        )))
    }

    fn send(&self, message: Message) -> Result<(), String> {
        self.connection
            .sender
            .send(message)
            .map_err(|_| "the client closed the connection".to_owned())
    }
}

/// A notification's parameters; one the server cannot read is left out (and said on
/// stderr, which editors show as the server's log), as a client would not answer it.
fn extract<P: serde::de::DeserializeOwned>(notification: Notification) -> Option<P> {
    let method = notification.method.clone();
    match notification.extract(&method) {
        Ok(params) => Some(params),
        Err(e) => {
            eprintln!("campaign-lint server: {method}: {e}");
            None
        }
    }
}

fn extract_request<P: serde::de::DeserializeOwned>(request: Request) -> Result<P, String> {
    let method = request.method.clone();
    request
        .extract(&method)
        .map(|(_, params)| params)
        .map_err(|e| format!("{method}: {e}"))
}
