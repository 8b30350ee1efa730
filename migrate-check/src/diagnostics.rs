//! Diagnostics: what a check found, where, and how to fix it; rendered like rustc.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level as SnippetLevel, Renderer, Snippet};

use crate::source::{FileId, SourceFile};

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Fails the build.
    Error,
    /// Reported, does not fail the build.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding, located in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule id (`create-index-non-concurrently`) or structural id (`missing-down`).
    pub rule: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// The file it points into.
    pub file: FileId,
    /// Byte range of the primary span in the file's normalized text.
    pub span: Range<usize>,
    /// 1-based line of the span's start.
    pub line: u32,
    /// 1-based column (in characters) of the span's start.
    pub column: u32,
    /// The migration version, when the finding belongs to one.
    pub version: Option<String>,
    /// The headline.
    pub message: String,
    /// The label under the span.
    pub label: String,
    /// The lock taken and what it blocks, for rules about locks.
    pub lock: Option<Cow<'static, str>>,
    /// The safe way to do it.
    pub help: Option<Cow<'static, str>>,
    /// Why it matters, and anything else worth knowing. (Borrowed where the
    /// text is a rule's declaration: no copy per finding.)
    pub notes: Vec<Cow<'static, str>>,
}

impl Diagnostic {
    /// A diagnostic at `span` of `file`; line and column are computed from the span.
    pub fn new(
        rule: &'static str,
        severity: Severity,
        files: &[SourceFile],
        file: FileId,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Diagnostic {
        let (line, column) = files[file].line_col(span.start);
        Diagnostic {
            rule,
            severity,
            file,
            span,
            line,
            column,
            version: None,
            message: message.into(),
            label: String::new(),
            lock: None,
            help: None,
            notes: Vec::new(),
        }
    }

    /// Sets the label under the span.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Sets the `help:` line.
    pub fn help(mut self, help: impl Into<Cow<'static, str>>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a `note:` line.
    pub fn note(mut self, note: impl Into<Cow<'static, str>>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Sets the lock line.
    pub fn lock(mut self, lock: impl Into<Cow<'static, str>>) -> Self {
        self.lock = Some(lock.into());
        self
    }

    /// Sets the migration version.
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }

    /// Renders the diagnostic as rustc would, with the file's source lines.
    ///
    /// `color` selects ANSI styles (for a terminal) or plain text.
    pub fn render(&self, files: &[SourceFile], color: bool) -> String {
        let file = &files[self.file];
        let level = match self.severity {
            Severity::Error => SnippetLevel::ERROR,
            Severity::Warning => SnippetLevel::WARNING,
        };
        let mut group = Group::with_title(level.primary_title(self.message.as_str()).id(self.rule));
        if file.text.is_empty() {
            // Nothing to show (empty or unreadable file): name the file only.
            group = group.element(annotate_snippets::Origin::path(file.path.as_str()));
        } else {
            let (excerpt, line_start) = excerpt(file, &self.span);
            let span = self.span.start.saturating_sub(excerpt.start)
                ..self.span.end.saturating_sub(excerpt.start);
            group = group.element(
                Snippet::source(&file.text[excerpt.clone()])
                    .line_start(line_start as usize)
                    .path(file.path.as_str())
                    .fold(true)
                    .annotation(
                        AnnotationKind::Primary
                            .span(span)
                            .label(self.label.as_str()),
                    ),
            );
        }
        if let Some(lock) = &self.lock {
            group = group.element(SnippetLevel::NOTE.message(format!("lock: {lock}")));
        }
        for note in &self.notes {
            group = group.element(SnippetLevel::NOTE.message(note.as_ref()));
        }
        if let Some(help) = &self.help {
            group = group.element(SnippetLevel::HELP.message(help.as_ref()));
        }
        let report: &[Group<'_>] = &[group];
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        renderer.render(report)
    }

    /// `path:line:column`, for one-line summaries.
    pub fn location(&self, files: &[SourceFile]) -> String {
        format!("{}:{}:{}", files[self.file].path, self.line, self.column)
    }
}

/// The whole lines around a span, and the number of the first one: only they
/// are handed to the renderer, so rendering cost does not grow with the file.
fn excerpt(file: &SourceFile, span: &Range<usize>) -> (Range<usize>, u32) {
    let (first, _) = file.line_col(span.start);
    let (last, _) = file.line_col(span.end.max(span.start));
    let start = file.line_range(first).start;
    let end = file.line_range(last).end.max(span.end.min(file.text.len()));
    (start..end, first)
}
