//! The public page and the HTML newsletter in a real browser: headless Chromium loads
//! the page from a running server and the issue from a file, and the text it renders
//! shows the demo result (190 libraries, 92%). Screenshots at 600 px wide are written to
//! `target/tmp/screenshots/` for people to look at.
//!
//! Without Chromium the test says why and passes, except under CI (the `CI` variable
//! set), where `.ci/run` installs Debian's `chromium` and its absence is a failure.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{newsletter, serve_demo};

fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// Runs headless Chromium on `url` with `mode` (`--dump-dom` or `--screenshot=...`) and
/// returns its standard output; kills it after two minutes.
fn run_chromium(browser: &Path, profile: &Path, mode: &[&str], url: &str) -> String {
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(mode)
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let mut stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut text).ok();
        text
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if child.try_wait().expect("wait for chromium").is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish on {url} within two minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    reader.join().expect("read chromium's output")
}

/// The text a reader sees: the DOM without tags, scripts or styles, spaces collapsed.
fn visible_text(dom: &str) -> String {
    let mut text = String::new();
    let mut rest = dom;
    while let Some(start) = rest.find('<') {
        text.push_str(&rest[..start]);
        text.push(' ');
        let tail = &rest[start..];
        let skip_to = ["<style", "<title"]
            .iter()
            .find(|t| tail.starts_with(**t))
            .and_then(|t| tail.find(&format!("</{}>", &t[1..])));
        let end = match skip_to {
            Some(close) => close + tail[close..].find('>').unwrap_or(0) + 1,
            None => tail.find('>').map_or(tail.len(), |e| e + 1),
        };
        rest = &tail[end..];
    }
    text.push_str(rest);
    text.replace("&nbsp;", " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot directory");
    dir
}

#[test]
fn the_page_and_the_issue_render_the_demo_result_in_chromium() {
    let Some(browser) = chromium() else {
        if std::env::var_os("CI").is_some() {
            panic!("chromium is not installed; .ci/run installs Debian's chromium package");
        }
        eprintln!(
            "skipped: no /usr/bin/chromium (install Debian's chromium package to run this test)"
        );
        return;
    };
    let served = serve_demo();
    let work = tempfile::tempdir().unwrap();
    let profile = work.path().join("profile");
    let shots = screenshots();

    // The public page, served, in Dutch and in English.
    for (query, voted) in [
        ("", "190 van 300 bibliotheken stemden"),
        ("?lang=en", "190 of 300 libraries voted"),
    ] {
        let url = format!("{}/{query}", served.url);
        let text = visible_text(&run_chromium(&browser, &profile, &["--dump-dom"], &url));
        assert!(
            text.contains(voted),
            "{url} does not show {voted:?}: {text}"
        );
        assert!(text.contains("92%"), "{url} does not show 92%");
    }
    let page_png = shots.join("page.nl.png");
    run_chromium(
        &browser,
        &profile,
        &[
            &format!("--screenshot={}", page_png.display()),
            "--window-size=600,1600",
        ],
        &format!("{}/", served.url),
    );

    // The HTML newsletter, written to a file by the generator.
    let issue = work.path().join("nieuwsbrief.html");
    let output = newsletter(&[
        "--server",
        &served.url,
        "--since",
        "0",
        "--format",
        "html",
        "--out",
        issue.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let url = format!("file://{}", issue.display());
    let text = visible_text(&run_chromium(&browser, &profile, &["--dump-dom"], &url));
    assert!(text.contains("190 van 300 bibliotheken stemden"), "{text}");
    assert!(text.contains("92% stemde ja"), "{text}");
    let issue_png = shots.join("newsletter.nl.png");
    run_chromium(
        &browser,
        &profile,
        &[
            &format!("--screenshot={}", issue_png.display()),
            "--window-size=600,1600",
        ],
        &url,
    );
    for png in [&page_png, &issue_png] {
        let bytes = std::fs::read(png).unwrap_or_default();
        assert!(
            bytes.len() > 10_000 && bytes.starts_with(b"\x89PNG"),
            "{} is not a real screenshot",
            png.display()
        );
        eprintln!("screenshot: {}", png.display());
    }
}
