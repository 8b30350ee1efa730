//! Source files: decoding, normalization and positions.
//!
//! Every file is decoded once: a UTF-8 BOM is stripped and CRLF becomes LF,
//! so that line numbers, spans and checksums are the same on every checkout.

use std::ops::Range;

/// Identifies a file within one check run (an index into [`crate::Report::files`]).
pub type FileId = usize;

/// A migration file as read from disk, normalized.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Path for messages, relative to the crate root with `/` separators
    /// (`migrations/0003_add_index.sql`).
    pub path: String,
    /// Path relative to the migrations directory (`0003_add_index.sql`, `2024_x/up.sql`).
    pub rel_path: String,
    /// The normalized text (empty when the file is not UTF-8 text).
    pub text: String,
    line_starts: Vec<usize>,
}

/// Why a file could not be read as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The file holds NUL bytes: binary, not SQL.
    Binary,
    /// The file is not valid UTF-8; the byte offset of the first bad byte.
    NotUtf8(usize),
}

impl SourceFile {
    /// Decodes bytes into a normalized source file.
    ///
    /// ```
    /// use migrate_check::SourceFile;
    /// let f = SourceFile::decode("m/1_a.sql", "1_a.sql", b"\xEF\xBB\xBFSELECT 1;\r\nSELECT 2;\r\n").unwrap();
    /// assert_eq!(f.text, "SELECT 1;\nSELECT 2;\n");
    /// ```
    pub fn decode(path: &str, rel_path: &str, bytes: &[u8]) -> Result<SourceFile, DecodeError> {
        if bytes.contains(&0) {
            return Err(DecodeError::Binary);
        }
        let text = std::str::from_utf8(bytes).map_err(|e| DecodeError::NotUtf8(e.valid_up_to()))?;
        Ok(SourceFile::from_text(path, rel_path, text))
    }

    /// A source file from text (normalized the same way as [`SourceFile::decode`]).
    pub fn from_text(path: &str, rel_path: &str, text: &str) -> SourceFile {
        let text = normalize(text);
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            path: path.to_string(),
            rel_path: rel_path.to_string(),
            text,
            line_starts,
        }
    }

    /// A file that could not be decoded: no text, but a name for diagnostics.
    pub(crate) fn unreadable(path: &str, rel_path: &str) -> SourceFile {
        SourceFile::from_text(path, rel_path, "")
    }

    /// Byte offset of a 1-based line and 1-based column counted in characters
    /// (sqlparser's locations). Out-of-range positions clamp to the text.
    pub fn offset(&self, line: u64, column: u64) -> usize {
        if line == 0 {
            return 0;
        }
        let Some(&start) = self.line_starts.get(line as usize - 1) else {
            return self.text.len();
        };
        let rest = &self.text[start..];
        let skip = column.saturating_sub(1) as usize;
        // Most SQL is ASCII: then the column is the byte offset.
        if let Some(prefix) = rest.as_bytes().get(..skip)
            && prefix.is_ascii()
        {
            return start + skip;
        }
        match rest.char_indices().nth(skip) {
            Some((i, _)) => start + i,
            None => self.text.len(),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        let col = self
            .text
            .get(start..offset)
            .map_or(1, |s| s.chars().count() + 1);
        (line as u32, col as u32)
    }

    /// The byte range of a whole 1-based line, without its newline.
    pub fn line_range(&self, line: u32) -> Range<usize> {
        let i = (line as usize)
            .saturating_sub(1)
            .min(self.line_starts.len() - 1);
        let start = self.line_starts[i];
        let end = self
            .line_starts
            .get(i + 1)
            .map_or(self.text.len(), |&n| n.saturating_sub(1));
        start..end.max(start)
    }
}

/// Strips a BOM and turns CRLF (and a lone CR, old Mac style) into LF: the
/// text checksums and spans are taken over.
pub fn normalize(text: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_round_trip_with_multibyte_text() {
        let f = SourceFile::from_text("p", "p", "é;\nab é c\n");
        let off = f.offset(2, 4);
        assert_eq!(&f.text[off..off + 2], "é");
        assert_eq!(f.line_col(off), (2, 4));
        assert_eq!(f.offset(9, 1), f.text.len());
        assert_eq!(&f.text[f.line_range(2)], "ab é c");
    }

    #[test]
    fn binary_and_invalid_utf8_are_refused() {
        assert_eq!(
            SourceFile::decode("p", "p", b"\x00\x01").unwrap_err(),
            DecodeError::Binary
        );
        assert_eq!(
            SourceFile::decode("p", "p", b"ok\xff").unwrap_err(),
            DecodeError::NotUtf8(2)
        );
    }
}
