//! Bounded memory on hostile input: every reader keeps its limit while reading (a FIFO
//! or a device has no size to check first), and a record past its limit is skipped and
//! counted without being held in memory.

mod common;

use std::io::Write;

use common::{run_in, temp_dir};

/// A config with a small campaign limit, for inputs whose metadata says nothing.
fn small_campaign_limit(name: &str) -> std::path::PathBuf {
    let dir = temp_dir(name);
    std::fs::write(
        dir.join("campaign-lint.toml"),
        "[limits]\nmax-campaign-mb = 0.05\n",
    )
    .unwrap();
    dir
}

#[test]
fn a_device_campaign_stops_at_the_size_limit() {
    let dir = small_campaign_limit("dev-zero");
    let out = run_in(
        &dir,
        &["check", "/dev/zero", "--config", "campaign-lint.toml"],
    );
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(
        all.contains("/dev/zero") && all.contains("past the 50 KB limit for a campaign"),
        "{all}"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_fifo_campaign_stops_at_the_size_limit() {
    let dir = small_campaign_limit("fifo");
    let fifo = dir.join("endless.html");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    // The writer feeds far more than the limit; it stops when the reader closes the pipe.
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut pipe = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
            let chunk = "<p>never ending</p>\n".repeat(1000);
            for _ in 0..10_000 {
                if pipe.write_all(chunk.as_bytes()).is_err() {
                    return true;
                }
            }
            false
        })
    };
    let out = run_in(&dir, &["check", "endless.html"]);
    // Should the run never have opened the pipe, a reader that opens and closes it at
    // once lets the writer's open return and its first write fail (no hang).
    {
        use std::os::unix::fs::OpenOptionsExt;
        const O_NONBLOCK: i32 = 0o4000;
        let _ = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(O_NONBLOCK)
            .open(&fifo);
    }
    assert!(writer.join().unwrap(), "the writer wrote everything");
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(
        all.contains("endless.html") && all.contains("past the 50 KB limit for a campaign"),
        "{all}"
    );
}
