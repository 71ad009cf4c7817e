//! The spec runner's skip list (`filetests/spec-skips.txt`): every skipped file, folder or
//! directive of the test suite, each with its reason.
//!
//! One entry per line: `PATH REASON...`, where `PATH` is relative to the suite's `core/`
//! and is a folder (`simd/`), a file (`address.wast`) or a directive (`load.wast:123`, the
//! line where the directive starts). `#` starts a comment line.

/// A parsed skip list.
#[derive(Debug, Default, Clone)]
pub struct SkipList {
    entries: Vec<(String, Option<usize>, String)>,
}

impl SkipList {
    /// Parses the skip list text.
    ///
    /// # Errors
    /// A line without a reason, or with a bad line number.
    pub fn parse(text: &str) -> Result<SkipList, String> {
        let mut entries = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (path, reason) = line
                .split_once(char::is_whitespace)
                .ok_or_else(|| format!("skip list line {}: `{line}` has no reason", n + 1))?;
            let (path, at) = match path.rsplit_once(':') {
                Some((p, l)) => {
                    let l = l
                        .parse()
                        .map_err(|_| format!("skip list line {}: bad line number", n + 1))?;
                    (p, Some(l))
                }
                None => (path, None),
            };
            entries.push((path.to_string(), at, reason.trim().to_string()));
        }
        Ok(SkipList { entries })
    }

    /// The reason to skip all of `file`, if a folder or file entry covers it.
    pub fn file_reason(&self, file: &str) -> Option<&str> {
        self.entries.iter().find_map(|(p, at, r)| {
            let covers =
                at.is_none() && (p == file || (p.ends_with('/') && file.starts_with(p.as_str())));
            covers.then_some(r.as_str())
        })
    }

    /// The reason to skip the directive of `file` starting at `line`.
    pub fn reason(&self, file: &str, line: usize) -> Option<&str> {
        self.entries
            .iter()
            .find_map(|(p, at, r)| (p == file && *at == Some(line)).then_some(r.as_str()))
    }

    /// Every entry, for reports: `(path, line, reason)`.
    pub fn entries(&self) -> &[(String, Option<usize>, String)] {
        &self.entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_matches() {
        let s =
            SkipList::parse("# c\nsimd/ SIMD is out of scope\nload.wast:12 memory64\n").unwrap();
        assert_eq!(s.file_reason("simd/simd_add.wast"), Some("SIMD is out of scope"));
        assert_eq!(s.file_reason("load.wast"), None);
        assert_eq!(s.reason("load.wast", 12), Some("memory64"));
        assert_eq!(s.reason("load.wast", 13), None);
        assert!(SkipList::parse("nothing").is_err());
    }
}
