//! The library's error: input that stops the job, located in a file.

/// Input the tool cannot work with: an unreadable file, a file that is not an email, a
/// malformed profile, a bad catalog, config or rule file. Displayed as `file:line:col: message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}", self.location(), self.message)]
pub struct Error {
    pub file: String,
    /// 1-based line and column, when the problem has a position.
    pub position: Option<(usize, usize)>,
    pub message: String,
}

impl Error {
    pub fn new(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            position: None,
            message: message.into(),
        }
    }

    /// Locates the error at a 1-based line and column.
    #[must_use]
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.position = Some((line, column));
        self
    }

    /// Locates the error at a byte offset of `text`.
    #[must_use]
    pub fn at_offset(self, text: &str, offset: usize) -> Self {
        let (line, column) = crate::diagnostic::line_col(text, offset);
        self.at(line, column)
    }

    fn location(&self) -> String {
        match self.position {
            Some((line, column)) => format!("{}:{line}:{column}: ", self.file),
            None if self.file.is_empty() => String::new(),
            None => format!("{}: ", self.file),
        }
    }
}

/// A short, user-facing description of an I/O error.
pub fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        std::io::ErrorKind::IsADirectory => "is a directory".to_owned(),
        _ => format!("cannot read: {e}"),
    }
}

/// A TOML error as a located [`Error`].
pub fn toml_error(path: &str, text: &str, e: &toml::de::Error) -> Error {
    let message = e.message().trim().to_owned();
    match e.span() {
        Some(span) => Error::new(path, message).at_offset(text, span.start),
        None => Error::new(path, message),
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
