//! The files a run writes: the suppression list, the per-recipient findings and the
//! baseline. Two promises, both about never destroying data:
//!
//! - No output is one of the run's inputs or another output. Files are compared by
//!   device and inode after links are resolved (an output that does not exist yet, by
//!   its resolved directory and name), so `a.csv`, `./a.csv` and a link to it are one
//!   file; the check runs before anything is opened for writing.
//! - Each output is written to a temporary file beside it and renamed into place only
//!   when the run completes ([`PendingFile::commit`]); a run that fails drops it, and the
//!   old file is left as it was. An output that is not a regular file (`/dev/null`, a
//!   pipe) cannot be replaced by a rename and is written straight into.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use crate::error::{Error, Result};

/// How a file is recognised whatever its spelling.
#[derive(Debug, PartialEq, Eq)]
enum Identity {
    /// An existing file: device and inode.
    Inode(u64, u64),
    /// A file that does not exist yet: its directory, resolved, and its name.
    Name(PathBuf),
}

fn identity(path: &Path) -> Option<Identity> {
    if let Ok(meta) = std::fs::metadata(path) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            return Some(Identity::Inode(meta.dev(), meta.ino()));
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            return std::fs::canonicalize(path).ok().map(Identity::Name);
        }
    }
    let name = path.file_name()?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Some(Identity::Name(std::fs::canonicalize(dir).ok()?.join(name)))
}

/// A file the run reads or writes, and the option or role that names it in messages.
#[derive(Debug, Clone)]
pub struct Named {
    pub role: String,
    pub path: PathBuf,
}

impl Named {
    pub fn new(role: impl Into<String>, path: impl Into<PathBuf>) -> Named {
        Named {
            role: role.into(),
            path: path.into(),
        }
    }
}

/// Err when an output is the same file as an input or as another output.
pub fn check_distinct(inputs: &[Named], outputs: &[Named]) -> Result<()> {
    let outputs: Vec<(&Named, Option<Identity>)> =
        outputs.iter().map(|o| (o, identity(&o.path))).collect();
    for (i, (out, id)) in outputs.iter().enumerate() {
        let Some(id) = id else { continue };
        // Writing to /dev/null or a pipe destroys nothing.
        if is_special(&out.path) {
            continue;
        }
        let same_input = inputs
            .iter()
            .find(|input| identity(&input.path).as_ref() == Some(id));
        let same_output = outputs[..i]
            .iter()
            .find(|(_, other)| other.as_ref() == Some(id))
            .map(|(o, _)| *o);
        if let Some(other) = same_input.or(same_output) {
            let what = if same_input.is_some() {
                "input"
            } else {
                "output"
            };
            return Err(Error::new(
                out.path.display().to_string(),
                format!(
                    "{} is the same file as {} {}: refusing to overwrite an {what} \
                     (nothing was written); write it to another file",
                    out.role,
                    other.role,
                    other.path.display()
                ),
            ));
        }
    }
    Ok(())
}

/// An existing file that is not a regular file (a device, a pipe): written straight into.
fn is_special(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file())
}

/// Tells apart the temporary files of one process.
static COUNTER: AtomicU32 = AtomicU32::new(0);

/// An output being written: to a temporary file beside it until [`commit`](Self::commit).
/// Dropped without a commit, the temporary file is removed and the old file kept.
#[derive(Debug)]
pub struct PendingFile {
    display: String,
    /// Where the file goes (links resolved, so that a link keeps pointing at it).
    target: PathBuf,
    /// The temporary file; None when writing straight into a special file.
    temp: Option<PathBuf>,
    writer: Option<BufWriter<File>>,
}

impl PendingFile {
    pub fn create(path: &Path) -> Result<PendingFile> {
        let display = path.display().to_string();
        let cannot = |e: std::io::Error| Error::new(&display, format!("cannot write: {e}"));
        if is_special(path) {
            let file = OpenOptions::new().write(true).open(path).map_err(cannot)?;
            return Ok(PendingFile {
                display,
                target: path.to_owned(),
                temp: None,
                writer: Some(BufWriter::new(file)),
            });
        }
        let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .ok_or_else(|| Error::new(&display, "cannot write: not a file name"))?
            .to_string_lossy()
            .into_owned();
        let mut attempt = 0;
        let (temp, file) = loop {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let temp = dir.join(format!(
                ".{name}.campaign-lint-{}-{n}.tmp",
                std::process::id()
            ));
            match OpenOptions::new().write(true).create_new(true).open(&temp) {
                Ok(file) => break (temp, file),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                    attempt += 1;
                }
                Err(e) => return Err(cannot(e)),
            }
        };
        // The new file keeps the old one's permissions.
        if let Ok(meta) = std::fs::metadata(&target) {
            let _ = file.set_permissions(meta.permissions());
        }
        Ok(PendingFile {
            display,
            target,
            temp: Some(temp),
            writer: Some(BufWriter::new(file)),
        })
    }

    /// The path as the user wrote it.
    pub fn display(&self) -> &str {
        &self.display
    }

    pub fn write_all(&mut self, bytes: &[u8]) -> Result<()> {
        let display = &self.display;
        self.writer
            .as_mut()
            .map_or(Ok(()), |w| w.write_all(bytes))
            .map_err(|e| Error::new(display, format!("cannot write: {e}")))
    }

    /// Flushes the file and moves it into place.
    pub fn commit(mut self) -> Result<()> {
        let cannot = |e: std::io::Error| Error::new(&self.display, format!("cannot write: {e}"));
        if let Some(w) = self.writer.take() {
            let file = w.into_inner().map_err(|e| cannot(e.into_error()))?;
            if self.temp.is_some() {
                file.sync_all().map_err(cannot)?;
            }
        }
        if let Some(temp) = self.temp.take()
            && let Err(e) = std::fs::rename(&temp, &self.target)
        {
            let _ = std::fs::remove_file(&temp);
            return Err(cannot(e));
        }
        Ok(())
    }
}

impl Write for PendingFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writer.as_mut().map_or(Ok(buf.len()), |w| w.write(buf))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.writer.as_mut().map_or(Ok(()), BufWriter::flush)
    }
}

impl Drop for PendingFile {
    fn drop(&mut self) {
        if let Some(temp) = self.temp.take() {
            self.writer.take();
            let _ = std::fs::remove_file(temp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_and_links_of_one_file_are_one_file() {
        let dir = tempfile_dir();
        let file = dir.join("a.csv");
        std::fs::write(&file, "x").unwrap();
        let dotted = dir.join(".").join("a.csv");
        let input = [Named::new("--audience", &file)];
        let err = check_distinct(&input, &[Named::new("--suppress-out", &dotted)]).unwrap_err();
        assert!(
            err.message
                .contains("--suppress-out is the same file as --audience")
        );
        #[cfg(unix)]
        {
            let link = dir.join("link.csv");
            std::os::unix::fs::symlink(&file, &link).unwrap();
            assert!(check_distinct(&input, &[Named::new("--findings-out", &link)]).is_err());
        }
        // Two outputs that do not exist yet, spelt differently.
        let new = dir.join("new.csv");
        let new_dotted = dir.join(".").join("new.csv");
        assert!(
            check_distinct(
                &[],
                &[
                    Named::new("--suppress-out", &new),
                    Named::new("--findings-out", &new_dotted)
                ]
            )
            .is_err()
        );
        assert!(check_distinct(&input, &[Named::new("--suppress-out", &new)]).is_ok());
        assert!(check_distinct(&input, &[Named::new("--suppress-out", "/dev/null")]).is_ok());
    }

    #[test]
    fn a_dropped_file_leaves_the_old_one_and_no_temporary() {
        let dir = tempfile_dir();
        let path = dir.join("out.csv");
        std::fs::write(&path, "old").unwrap();
        let mut pending = PendingFile::create(&path).unwrap();
        pending.write_all(b"new").unwrap();
        drop(pending);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        let mut pending = PendingFile::create(&path).unwrap();
        pending.write_all(b"new").unwrap();
        pending.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(names.len(), 1, "a temporary file was left: {names:?}");
    }

    fn tempfile_dir() -> PathBuf {
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "campaign-lint-output-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
