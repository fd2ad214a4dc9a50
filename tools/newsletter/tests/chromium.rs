//! The public page and the HTML newsletter in a real browser: headless Chromium loads
//! the page from a running server and the issue from a file, and the text it renders
//! shows the demo result (190 libraries, 92%). Screenshots at 600 px wide are written to
//! `target/tmp/screenshots/` for people to look at.
//!
//! The layout and accessibility test puts a copy of each document, with axe-core and a
//! small measuring script added, in an iframe of exactly 390 × 844 px (a phone) and
//! 1280 × 800 px (a desktop): Chromium's own window cannot be narrower than 500 px. The
//! script writes what it measured (overflow, the first heading, where the headline
//! ends, axe's WCAG 2.2 AA violations) into the DOM, which `--dump-dom` returns.
//!
//! Without Chromium (or without axe-core, which `.ci/run` installs with `npm ci` from
//! `tools/newsletter/browser`) a test says why and passes, except under CI (the `CI`
//! variable set), where their absence is a failure.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{newsletter, serve_demo};
use serde_json::Value;

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

/// axe-core as `npm ci` installs it from `tools/newsletter/browser`.
fn axe_core() -> Option<PathBuf> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("browser/node_modules/axe-core/axe.min.js");
    path.exists().then_some(path)
}

/// Skips (or fails under CI) when a tool the test needs is missing.
fn missing(what: &str, how: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("{what} is not installed; {how}");
    }
    eprintln!("skipped: {what} is not installed ({how})");
}

/// Runs in the measured document: what the test asserts, as JSON in `<pre id=measured>`,
/// posted to the frame around it too.
const MEASURE: &str = r#"<script>
window.addEventListener('load', function () {
  var d = document.documentElement;
  var h = document.querySelector('h1, h2, h3, h4, h5, h6');
  var lead = document.querySelector('p.lead');
  var r = lead ? lead.getBoundingClientRect() : null;
  var out = { scrollWidth: d.scrollWidth, clientWidth: d.clientWidth,
    innerWidth: window.innerWidth, innerHeight: window.innerHeight,
    firstHeading: h ? h.textContent : null, leadBottom: r ? r.bottom : null };
  axe.run(document, { runOnly: { type: 'tag',
      values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
    .then(function (res) {
      out.violations = res.violations.map(function (v) {
        return v.id + ' (' + v.nodes.length + '): ' + v.help; });
      var text = JSON.stringify(out);
      if (window.parent !== window) { window.parent.postMessage(text, '*'); }
    });
});
</script>"#;

/// Measures `html` at `width` × `height` CSS pixels in Chromium.
fn measure(
    browser: &Path,
    profile: &Path,
    dir: &Path,
    name: &str,
    html: &str,
    axe: &str,
    (width, height): (u32, u32),
) -> Value {
    let copy = html.replacen(
        "</head>",
        &format!("<script>{axe}</script>\n{MEASURE}\n</head>"),
        1,
    );
    std::fs::write(dir.join(format!("{name}.html")), copy).unwrap();
    let frame = dir.join(format!("{name}-{width}.frame.html"));
    std::fs::write(
        &frame,
        format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"><style>body{{margin:0}} iframe{{border:0}}</style>\
             <script>window.addEventListener('message', function (e) {{ var pre = document.createElement('pre'); \
             pre.id = 'measured'; pre.textContent = e.data; document.body.appendChild(pre); }});</script>\
             </head><body><iframe src=\"{name}.html\" width=\"{width}\" height=\"{height}\"></iframe></body></html>"
        ),
    )
    .unwrap();
    let dom = run_chromium(
        browser,
        profile,
        &[
            "--dump-dom",
            "--virtual-time-budget=30000",
            "--window-size=1400,1000",
            "--allow-file-access-from-files",
        ],
        &format!("file://{}", frame.display()),
    );
    let text = dom
        .split("<pre id=\"measured\">")
        .nth(1)
        .and_then(|rest| rest.split("</pre>").next())
        .unwrap_or_else(|| panic!("{name} at {width} px was not measured: {dom}"));
    let json = text
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("{name}: {e}: {json}"))
}

#[test]
fn the_page_fits_a_phone_and_a_desktop_and_axe_finds_nothing() {
    let Some(browser) = chromium() else {
        return missing("chromium", ".ci/run installs Debian's chromium package");
    };
    let Some(axe) = axe_core() else {
        return missing(
            "axe-core",
            "run `npm ci --prefix tools/newsletter/browser`, as .ci/run does",
        );
    };
    let axe = std::fs::read_to_string(axe).unwrap();
    let served = serve_demo();
    let work = tempfile::tempdir().unwrap();
    let profile = work.path().join("profile");
    let get = |path: &str| {
        ureq::get(&format!("{}{path}", served.url))
            .call()
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
            .into_string()
            .unwrap()
    };
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
    let documents = [
        ("page-nl", get("/"), true),
        ("page-en", get("/?lang=en"), true),
        (
            "newsletter-nl",
            std::fs::read_to_string(&issue).unwrap(),
            false,
        ),
    ];
    for (name, html, is_page) in &documents {
        for size in [(390, 844), (1280, 800)] {
            let m = measure(&browser, &profile, work.path(), name, html, &axe, size);
            let at = format!("{name} at {} px", size.0);
            assert_eq!(m["innerWidth"], size.0, "{at}: the frame is the viewport");
            assert!(
                m["scrollWidth"].as_u64() <= m["clientWidth"].as_u64(),
                "{at} overflows sideways: {m}"
            );
            assert_eq!(m["violations"], serde_json::json!([]), "{at}: axe: {m}");
            if !is_page {
                continue;
            }
            let heading = m["firstHeading"].as_str().unwrap_or_default();
            assert!(
                heading.starts_with("Stemronde mei 2023"),
                "{at}: the first heading is {heading:?}"
            );
            if size.0 == 1280 {
                let bottom = m["leadBottom"].as_f64().expect("a headline sentence");
                assert!(
                    bottom <= f64::from(size.1),
                    "{at}: the headline ends at {bottom} px, below the fold"
                );
            }
        }
    }
}
