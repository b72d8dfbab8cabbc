//! Finding the class and trigger files a script may use: `--path` folders, or the
//! package folders of the SFDX project (`sfdx-project.json`) around the
//! current directory.

use std::path::{Path, PathBuf};

use crate::syntax::ast;
use crate::syntax::source::{Diagnostic, SourceFile};

/// The folders named by an SFDX project file found in `start` or one of its
/// parents: each `packageDirectories[].path`, relative to the project.
pub fn sfdx_package_dirs(start: &Path) -> Vec<PathBuf> {
    let Some(root) = start
        .ancestors()
        .find(|d| d.join("sfdx-project.json").is_file())
    else {
        return Vec::new();
    };
    let Ok(text) = std::fs::read_to_string(root.join("sfdx-project.json")) else {
        return Vec::new();
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Vec::new();
    };
    json["packageDirectories"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["path"].as_str())
        .map(|p| root.join(p))
        .collect()
}

/// Every `.cls` and `.trigger` file under the folders, in a stable
/// (sorted) order.
pub fn class_files(dirs: &[PathBuf]) -> Result<Vec<SourceFile>, String> {
    for dir in dirs {
        if !dir.is_dir() {
            return Err(format!("{} is not a folder", dir.display()));
        }
    }
    source_files(dirs, &["cls", "trigger"])
}

/// Every file with one of `extensions` under the paths (folders, or files
/// named directly), read as sources in a stable (sorted) order.
pub fn source_files(paths: &[PathBuf], extensions: &[&str]) -> Result<Vec<SourceFile>, String> {
    source_paths(paths, extensions)?
        .into_iter()
        .map(|p| read_source(&p))
        .collect()
}

/// Every file with one of `extensions` under the paths, in a stable
/// (sorted) order, not read yet.
fn source_paths(paths: &[PathBuf], extensions: &[&str]) -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    for path in paths {
        if path.is_dir() {
            collect(path, extensions, &mut found)?;
        } else if path.is_file() {
            found.push(path.clone());
        } else {
            return Err(format!("{} is not a file or folder", path.display()));
        }
    }
    found.sort();
    found.dedup();
    Ok(found)
}

/// A source file that must be UTF-8 text.
fn read_source(path: &Path) -> Result<SourceFile, String> {
    match read_checked(path)? {
        (file, None) => Ok(file),
        (_, Some(_)) => Err(format!("cannot read {}: not UTF-8 text", path.display())),
    }
}

/// A source file, with the diagnostic for its first byte that is not UTF-8.
fn read_checked(path: &Path) -> Result<(SourceFile, Option<Diagnostic>), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(SourceFile::decode(path.display().to_string(), bytes))
}

fn collect(dir: &Path, extensions: &[&str], out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
            .path();
        let linked = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
        if path.is_dir() {
            // A linked folder could lead back into the tree (`a -> .`) and be
            // walked forever; source trees are walked without following them.
            if !linked {
                collect(&path, extensions, out)?;
            }
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// The diagnostics of every file under the paths: classes are checked
/// together (they may use each other), each `.apex` script with all the
/// classes and triggers. With `syntax_only`, nothing is checked beyond parsing.
/// Returns the files and each one's diagnostics.
pub fn check_paths(
    paths: &[PathBuf],
    syntax_only: bool,
) -> Result<(Vec<SourceFile>, Vec<Vec<Diagnostic>>), String> {
    let mut files = Vec::new();
    let mut diags: Vec<Vec<Diagnostic>> = Vec::new();
    for path in source_paths(paths, &["cls", "trigger", "apex"])? {
        let (file, bad) = read_checked(&path)?;
        files.push(file);
        diags.push(bad.into_iter().collect());
    }
    let mut types = Vec::new();
    let mut triggers = Vec::new();
    let mut scripts = Vec::new();
    for (i, file) in files.iter().enumerate() {
        if !diags[i].is_empty() {
            // Text that is not UTF-8 is reported as such, not parsed.
            continue;
        }
        let parsed = if extension(file) == "apex" {
            crate::syntax::parse_script(file).map(|s| scripts.push((i, s)))
        } else {
            crate::syntax::parse_unit(file).map(|unit| match unit {
                ast::Unit::Type(t) => types.push((i + 1, t)),
                ast::Unit::Trigger(t) => triggers.push((i + 1, t)),
            })
        };
        if let Err(errors) = parsed {
            diags[i] = errors;
        }
    }
    if syntax_only {
        return Ok((files, diags));
    }
    // Class errors come back numbered from 1 (0 is the script checked with
    // them), so `file - 1` is the class file's index.
    let empty = ast::Script {
        stmts: Vec::new(),
        methods: Vec::new(),
        types: Vec::new(),
    };
    if let Err(errors) = crate::check::check_project(&empty, &types, &triggers, false) {
        for d in errors {
            diags[d.file.saturating_sub(1)].push(d);
        }
    }
    for (i, script) in &scripts {
        if let Err(errors) = crate::check::check_project(script, &types, &triggers, false) {
            diags[*i].extend(errors.into_iter().filter(|d| d.file == 0));
        }
    }
    Ok((files, diags))
}

fn extension(file: &SourceFile) -> String {
    Path::new(&file.name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase()
}
