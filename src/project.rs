//! Finding the class files a script may use: `--path` folders, or the
//! package folders of the SFDX project (`sfdx-project.json`) around the
//! current directory.

use std::path::{Path, PathBuf};

use crate::syntax::source::SourceFile;

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

/// Every `.cls` file under the folders, in a stable (sorted) order.
pub fn class_files(dirs: &[PathBuf]) -> Result<Vec<SourceFile>, String> {
    let mut paths = Vec::new();
    for dir in dirs {
        if !dir.is_dir() {
            return Err(format!("{} is not a folder", dir.display()));
        }
        collect(dir, &mut paths)?;
    }
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p)
                .map_err(|e| format!("cannot read {}: {e}", p.display()))?;
            let text = text
                .strip_prefix('\u{feff}')
                .map(str::to_string)
                .unwrap_or(text);
            Ok(SourceFile::new(p.display().to_string(), text))
        })
        .collect()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
            .path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("cls"))
        {
            out.push(path);
        }
    }
    Ok(())
}
