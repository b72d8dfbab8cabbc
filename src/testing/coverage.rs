//! Line coverage of the classes a test run exercised: which lines hold
//! statements, and how often each ran.
//!
//! A line counts as executable when a statement starts on it (blocks and
//! declarations of classes, methods and fields do not count); it is covered
//! when one of its statements ran. Test classes are left out, as the platform
//! leaves them out of an org's coverage. The platform's exact choice of
//! executable lines is not documented; this one is close for code written one
//! statement per line.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::syntax::source::SourceFile;

/// Coverage of every non-test class file with statements.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Coverage {
    /// One entry per file, in file order.
    pub files: Vec<FileCoverage>,
}

/// Coverage of one file.
#[derive(Clone, Debug, Serialize)]
pub struct FileCoverage {
    /// The file's path as it was found.
    pub path: String,
    /// Each executable line with how many times its statements ran.
    pub lines: Vec<LineHits>,
}

/// One executable line.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct LineHits {
    /// The 1-based line number.
    pub line: usize,
    /// Runs of the statements starting on it.
    pub hits: u32,
}

impl FileCoverage {
    /// Lines whose statements ran at least once.
    pub fn covered(&self) -> usize {
        self.lines.iter().filter(|l| l.hits > 0).count()
    }

    /// Executable lines.
    pub fn total(&self) -> usize {
        self.lines.len()
    }
}

impl Coverage {
    /// Covered lines over all files.
    pub fn covered(&self) -> usize {
        self.files.iter().map(FileCoverage::covered).sum()
    }

    /// Executable lines over all files.
    pub fn total(&self) -> usize {
        self.files.iter().map(FileCoverage::total).sum()
    }

    /// The covered share in percent; 100 when nothing is executable.
    pub fn percent(&self) -> f64 {
        percent(self.covered(), self.total())
    }
}

/// The covered share in percent; 100 when nothing is executable.
pub fn percent(covered: usize, total: usize) -> f64 {
    if total == 0 {
        100.0
    } else {
        covered as f64 * 100.0 / total as f64
    }
}

/// Folds the runs of each coverage point (`points[i]` is a file and byte
/// offset, `hits[i]` its runs) into lines per file, leaving out `skip`ped
/// files (those declaring test classes).
pub fn summarize(
    files: &[SourceFile],
    points: &[(usize, usize)],
    hits: &[u32],
    skip: &[usize],
) -> Coverage {
    let mut by_file: BTreeMap<usize, BTreeMap<usize, u32>> = BTreeMap::new();
    for (i, &(file, offset)) in points.iter().enumerate() {
        if skip.contains(&file) {
            continue;
        }
        let Some(source) = files.get(file) else {
            continue;
        };
        let (line, _) = source.line_col(offset);
        let runs = hits.get(i).copied().unwrap_or(0);
        let entry = by_file.entry(file).or_default().entry(line).or_insert(0);
        *entry = entry.saturating_add(runs);
    }
    Coverage {
        files: by_file
            .into_iter()
            .map(|(file, lines)| FileCoverage {
                path: files[file].name.clone(),
                lines: lines
                    .into_iter()
                    .map(|(line, hits)| LineHits { line, hits })
                    .collect(),
            })
            .collect(),
    }
}
