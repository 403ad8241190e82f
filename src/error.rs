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

pub type Result<T, E = Error> = std::result::Result<T, E>;
