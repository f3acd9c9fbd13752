//! A real browser for the page tests: Debian's chromium, driven through
//! chromedriver (WebDriver) by fantoccini. Each `Browser` has its own
//! chromedriver and profile, so tests run in parallel without sharing
//! cookies.
//!
//! Without chromium and chromedriver the browser tests are skipped, unless
//! GUILDHALL_TEST_BROWSER=required (set by .ci/run), which makes them fail.
//! The accessibility check injects axe-core (installed by .ci/run with npm
//! into target/axe; GUILDHALL_AXE names another axe.min.js). Screenshots
//! go to target/screenshots (GUILDHALL_SCREENSHOTS names another folder).

#![allow(dead_code)]

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct Browser {
    pub client: Client,
    /// The server under test, e.g. "http://localhost:41234".
    pub base: String,
    driver: Child,
    _profile: tempfile::TempDir,
}

/// Whether JavaScript runs in the browser.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Script {
    On,
    Off,
}

fn required() -> bool {
    std::env::var("GUILDHALL_TEST_BROWSER").is_ok_and(|v| v == "required")
}

fn find(env: &str, candidates: &[&str]) -> Option<PathBuf> {
    if let Ok(p) = std::env::var(env) {
        return Some(PathBuf::from(p));
    }
    candidates.iter().map(PathBuf::from).find(|p| p.exists())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Browser {
    /// A browser on `base`, or None (after saying so) when none is
    /// installed and the tests may skip.
    pub async fn start(base: &str, script: Script) -> Option<Browser> {
        let chromium = find(
            "GUILDHALL_CHROMIUM",
            &["/usr/bin/chromium", "/usr/bin/chromium-browser"],
        );
        let driver = find("GUILDHALL_CHROMEDRIVER", &["/usr/bin/chromedriver"]);
        let (Some(chromium), Some(driver)) = (chromium, driver) else {
            assert!(
                !required(),
                "GUILDHALL_TEST_BROWSER=required but chromium or chromedriver is missing \
                 (apt-get install chromium chromium-driver fonts-liberation)"
            );
            eprintln!("skipped: no chromium and chromedriver (set GUILDHALL_TEST_BROWSER=required to fail instead)");
            return None;
        };
        let port = free_port();
        let mut child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let profile = tempfile::tempdir().expect("profile dir");
        let mut args = vec![
            "--headless=new".to_string(),
            "--no-sandbox".to_string(),
            "--disable-gpu".to_string(),
            "--disable-dev-shm-usage".to_string(),
            "--no-first-run".to_string(),
            "--disable-extensions".to_string(),
            "--window-size=1280,900".to_string(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        if script == Script::Off {
            args.push("--blink-settings=scriptEnabled=false".to_string());
        }
        let mut prefs = serde_json::Map::new();
        if script == Script::Off {
            prefs.insert(
                "profile.managed_default_content_settings.javascript".into(),
                json!(2),
            );
        }
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({ "binary": chromium, "args": args, "prefs": prefs }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let mut last = None;
        for _ in 0..100 {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Some(Browser {
                        client,
                        base: base.trim_end_matches('/').to_string(),
                        driver: child,
                        _profile: profile,
                    })
                }
                Err(e) => {
                    last = Some(e);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
        let _ = child.kill();
        panic!("chromedriver did not start a session: {last:?}");
    }

    /// Opens `path` of the server under test.
    pub async fn open(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("open {path}: {e}"));
    }

    /// Waits until the page shown is `path` (and query): the positive sign
    /// that a form was accepted and its redirect followed, where the page
    /// sent from shows the same text.
    pub async fn wait_for_path(&self, path: &str) {
        for _ in 0..200 {
            if self.path().await == path {
                self.settle().await;
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("still on {} after 10 s, not {path}", self.path().await);
    }

    /// The path (and query) of the page shown.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("current url");
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        }
    }

    pub async fn find(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css} on {}: {e}", self.base))
    }

    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        self.client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_default()
    }

    /// Types `value` into the control labelled `label` (its `<label>` text).
    pub async fn fill(&self, label: &str, value: &str) {
        let field = self.labelled(label).await;
        field.clear().await.ok();
        field
            .send_keys(value)
            .await
            .unwrap_or_else(|e| panic!("type into {label}: {e}"));
    }

    /// The control a `<label>` with this text (exactly, trimmed) names.
    pub async fn labelled(&self, label: &str) -> Element {
        let xpath = format!("//label[normalize-space(.)={q}]", q = xpath_literal(label));
        let l = self
            .client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("no label {label:?}: {e}"));
        let id = l
            .attr("for")
            .await
            .ok()
            .flatten()
            .unwrap_or_else(|| panic!("label {label:?} has no for="));
        self.find(&format!("[id=\"{id}\"]")).await
    }

    /// Clicks the button (or submit input) whose text is `text`, and waits
    /// for the page it leads to when it submits a form.
    pub async fn press(&self, text: &str) {
        let xpath = format!(
            "//button[normalize-space(.)={q}] | //input[@type='submit' and @value={q}]",
            q = xpath_literal(text)
        );
        let b = self
            .client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("no button {text:?}: {e}"));
        b.click()
            .await
            .unwrap_or_else(|e| panic!("click {text:?}: {e}"));
        self.settle().await;
    }

    /// Follows the link whose text is `text`.
    pub async fn follow(&self, text: &str) {
        let xpath = format!("//a[normalize-space(.)={q}]", q = xpath_literal(text));
        let a = self
            .client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("no link {text:?}: {e}"));
        a.click()
            .await
            .unwrap_or_else(|e| panic!("click {text:?}: {e}"));
        self.settle().await;
    }

    /// Waits for the document to have loaded.
    pub async fn settle(&self) {
        for _ in 0..100 {
            if let Ok(v) = self
                .client
                .execute("return document.readyState", vec![])
                .await
            {
                if v == "complete" {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The visible text of the page.
    pub async fn text(&self) -> String {
        // Read in one script call: an element found first may be gone by
        // the time its text is read, when a page is still loading.
        for _ in 0..100 {
            if let Ok(v) = self
                .client
                .execute(
                    "return document.body ? document.body.innerText : null",
                    vec![],
                )
                .await
            {
                if let Some(s) = v.as_str() {
                    return s.to_string();
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the page has no text");
    }

    /// Waits until the page's text contains `needle` (10 s).
    pub async fn wait_for_text(&self, needle: &str) {
        for _ in 0..200 {
            if self.text().await.contains(needle) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "the page {} never showed {needle:?}; it shows:\n{}",
            self.path().await,
            self.text().await
        );
    }

    /// The page's HTML source.
    pub async fn source(&self) -> String {
        self.client.source().await.expect("page source")
    }

    /// Checks the page shown: axe-core finds no violation of impact
    /// serious or critical, and screenshots at 375 and 1280 px wide are
    /// written as `{name}-375.png` and `{name}-1280.png`.
    pub async fn check_page(&self, name: &str) {
        self.light(name).await;
        self.accessible(name).await;
        self.screenshots(name).await;
    }

    /// The page's HTML, style sheets and scripts together, images aside,
    /// weigh at most 100 KB (as the server sends them, uncompressed).
    pub async fn light(&self, name: &str) {
        const MOST: u64 = 100 * 1024;
        let weighed = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 const urls = [location.href,
                     ...[...document.querySelectorAll('link[rel=stylesheet][href]')].map(l => l.href),
                     ...[...document.querySelectorAll('script[src]')].map(s => s.src)];
                 Promise.all(urls.map(u => fetch(u, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
                         .then(r => r.arrayBuffer()).then(b => [u, b.byteLength])))
                     .then(done)
                     .catch(e => done([['error: ' + e, 0]]));",
                vec![],
            )
            .await
            .expect("weigh the page");
        let parts: Vec<(String, u64)> = serde_json::from_value(weighed).expect("urls and sizes");
        let total: u64 = parts.iter().map(|(_, n)| n).sum();
        assert!(
            parts.iter().all(|(u, _)| !u.starts_with("error")) && total <= MOST,
            "{name} weighs {total} bytes (at most {MOST}): {parts:?}"
        );
    }

    pub async fn accessible(&self, name: &str) {
        let Some(axe) = axe_source() else {
            assert!(
                !required(),
                "GUILDHALL_TEST_BROWSER=required but axe-core is missing (npm install axe-core into target/axe)"
            );
            eprintln!("skipped the accessibility check of {name}: no axe-core");
            return;
        };
        // Scripts run through WebDriver are not subject to the page's CSP.
        self.client
            .execute(&axe, vec![])
            .await
            .expect("inject axe-core");
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { resultTypes: ['violations'] })
                    .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.slice(0, 3).map(n => n.html) }))))
                    .catch(e => done([{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }]));",
                vec![],
            )
            .await
            .expect("run axe-core");
        let bad: Vec<&Value> = result
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
                    .collect()
            })
            .unwrap_or_default();
        assert!(
            bad.is_empty(),
            "accessibility violations on {name} ({}):\n{}",
            self.path().await,
            serde_json::to_string_pretty(&bad).unwrap()
        );
    }

    pub async fn screenshots(&self, name: &str) {
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("screenshot folder");
        for width in [375u32, 1280] {
            self.client
                .set_window_size(width, 900)
                .await
                .expect("resize");
            tokio::time::sleep(Duration::from_millis(100)).await;
            let png = self.client.screenshot().await.expect("screenshot");
            std::fs::write(dir.join(format!("{name}-{width}.png")), png).expect("write screenshot");
        }
        self.client
            .set_window_size(1280, 900)
            .await
            .expect("resize");
    }

    /// The value of cookie `name` in this browser.
    pub async fn cookie(&self, name: &str) -> Option<String> {
        self.client
            .get_named_cookie(name)
            .await
            .ok()
            .map(|c| c.value().to_string())
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}

pub fn screenshot_dir() -> PathBuf {
    std::env::var("GUILDHALL_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots"))
}

fn axe_source() -> Option<String> {
    let path = std::env::var("GUILDHALL_AXE")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("target/axe/node_modules/axe-core/axe.min.js")
        });
    std::fs::read_to_string(path).ok()
}

/// A string as an XPath literal (XPath 1.0 has no escapes).
fn xpath_literal(s: &str) -> String {
    if !s.contains('\'') {
        format!("'{s}'")
    } else if !s.contains('"') {
        format!("\"{s}\"")
    } else {
        let parts: Vec<String> = s.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}
