//! Compatibility with the real consumers of `.env`: node's dotenv +
//! dotenv-expand as Create React App uses them (dotenv 10, dotenv-expand 5,
//! which skip `export` lines), current dotenv + dotenv-expand, Vite's
//! `loadEnv`, python-dotenv, `node --env-file`, and `docker run
//! --env-file`'s rule (values verbatim, quotes included).
//!
//! These tests need Node.js packages and python-dotenv, so they are
//! `#[ignore]`d in a plain `cargo test`; `scripts/test.sh` (and so CI)
//! installs them and runs these too. Unix only, like the binary tests
//! whose helpers they share.

#![cfg(unix)]

#[path = "cli/common.rs"]
#[allow(clippy::print_stderr)]
mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

type Values = BTreeMap<String, BTreeMap<String, String>>;

const TOKEN: &str = "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";
const ENDPOINT: &str = "https://api.github.com/graphql";

/// What every reader makes of `dir/.env`: reader name → key → value.
fn read(dir: &Path) -> Values {
    let compat = Path::new(env!("CARGO_MANIFEST_DIR")).join("compat");
    assert!(
        compat.join("node_modules/vite").exists(),
        "compat/node_modules is missing: run scripts/test.sh, or `npm ci --prefix compat`"
    );
    let mut all = Values::new();
    // node --env-file (Node.js 20.6+): the variables node itself puts in
    // process.env, with nothing else in the environment.
    let out = Command::new("node")
        .arg(format!("--env-file={}", dir.join(".env").display()))
        .args([
            "-e",
            "process.stdout.write(JSON.stringify(Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'PATH'))))",
        ])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .output()
        .expect("node is installed");
    assert!(
        out.status.success(),
        "node --env-file: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    all.insert(
        "node-env-file".into(),
        serde_json::from_slice(&out.stdout).unwrap(),
    );
    for (program, script) in [("node", "read.mjs"), ("python3", "read.py")] {
        let out = Command::new(program)
            .arg(compat.join(script))
            .arg(dir)
            .output()
            .expect("node and python3 are installed");
        assert!(
            out.status.success(),
            "{program} {script}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let parsed: BTreeMap<String, BTreeMap<String, Option<String>>> =
            serde_json::from_slice(&out.stdout).unwrap();
        for (reader, values) in parsed {
            all.insert(
                reader,
                values
                    .into_iter()
                    .map(|(k, v)| (k, v.unwrap_or_default()))
                    .collect(),
            );
        }
    }
    all
}

fn init(dir: &Path, template: &str) {
    init_in(dir, dir, &["--offline", "--quiet", "--template", template]);
}

/// `ghenv init --token-stdin ARGS` in `dir`, with `home` as HOME and its
/// `.config` as ghenv's folder, the token on stdin; it must succeed.
fn init_in(dir: &Path, home: &Path, args: &[&str]) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ghenv"))
        .arg("init")
        .arg("--token-stdin")
        .args(args)
        .current_dir(dir)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env_remove("GH_TOKEN")
        .env_remove("GITHUB_TOKEN")
        .env_remove("GHENV_GRAPHQL_URL")
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(TOKEN.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
}

/// Writes `existing` as `.env` (if any), runs init with `template`, and
/// checks that every reader gets exactly the token and URL, and the same
/// values as before for every other key.
fn check(existing: Option<&str>, template: &str, token_var: &str, url_var: &str) {
    let dir = tempfile::tempdir().unwrap();
    let before = match existing {
        Some(text) => {
            std::fs::write(dir.path().join(".env"), text).unwrap();
            read(dir.path())
        }
        None => Values::new(),
    };
    init(dir.path(), template);
    let after = read(dir.path());
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        ["cra", "docker", "node", "node-env-file", "python", "vite"]
    );
    for (reader, values) in &after {
        assert_eq!(
            values.get(token_var).map(String::as_str),
            Some(TOKEN),
            "{reader} reads the token"
        );
        assert_eq!(
            values.get(url_var).map(String::as_str),
            Some(ENDPOINT),
            "{reader} reads the URL"
        );
        if let Some(old) = before.get(reader) {
            // A name behind a byte-order mark was the token variable,
            // misread: it is the one line ghenv rewrites on purpose.
            let ours = |k: &str| {
                let k = k.trim_start_matches('\u{feff}');
                k == token_var || k == url_var
            };
            for (k, v) in old.iter().filter(|(k, _)| !ours(k)) {
                assert_eq!(
                    values.get(k),
                    Some(v),
                    "{reader} reads {k} as before\n{}",
                    std::fs::read_to_string(dir.path().join(".env")).unwrap()
                );
            }
        }
    }
}

const TRICKY: &str = "\
# my project
PORT=3000
export HOST=localhost
GREETING=\"hello world\" # inline comment
HASH='a#b'
EMPTY=
QUOTED_HASH=\"issue #1\"
SPACED = spaced
BASE=https://example.com
DERIVED=${BASE}/api

# the old token, to be replaced everywhere:
REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN=ghp_old
VITE_GITHUB_PERSONAL_ACCESS_TOKEN='ghp_old'
REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN=\"ghp_older\"
# end";

#[test]
#[ignore = "needs compat/node_modules and python-dotenv: run scripts/test.sh"]
fn a_fresh_env_reads_back_in_every_consumer() {
    check(
        None,
        "react",
        "REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN",
        "REACT_APP_GITHUB_GRAPHQL_URL",
    );
    check(
        None,
        "vite",
        "VITE_GITHUB_PERSONAL_ACCESS_TOKEN",
        "VITE_GITHUB_GRAPHQL_URL",
    );
    check(None, "node", "GITHUB_TOKEN", "GITHUB_GRAPHQL_URL");
}

#[test]
#[ignore = "needs compat/node_modules and python-dotenv: run scripts/test.sh"]
fn tricky_existing_content_keeps_its_values_in_every_consumer() {
    check(
        Some(TRICKY),
        "react",
        "REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN",
        "REACT_APP_GITHUB_GRAPHQL_URL",
    );
    check(
        Some(TRICKY),
        "vite",
        "VITE_GITHUB_PERSONAL_ACCESS_TOKEN",
        "VITE_GITHUB_GRAPHQL_URL",
    );
}

#[test]
#[ignore = "needs compat/node_modules and python-dotenv: run scripts/test.sh"]
fn crlf_content_keeps_its_values_in_every_consumer() {
    check(
        Some(&TRICKY.replace('\n', "\r\n")),
        "react",
        "REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN",
        "REACT_APP_GITHUB_GRAPHQL_URL",
    );
}

#[test]
#[ignore = "needs compat/node_modules and python-dotenv: run scripts/test.sh"]
fn an_export_token_line_or_a_byte_order_mark_is_rewritten_so_every_consumer_reads_it() {
    // Create React App's dotenv 10 skips `export` lines: the app saw no token.
    check(
        Some("PORT=3000\nexport REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN=ghp_old\n"),
        "react",
        "REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN",
        "REACT_APP_GITHUB_GRAPHQL_URL",
    );
    // Behind a byte-order mark, the first variable's name is another one.
    check(
        Some("\u{feff}VITE_GITHUB_PERSONAL_ACCESS_TOKEN=ghp_old\nPORT=3000\n"),
        "vite",
        "VITE_GITHUB_PERSONAL_ACCESS_TOKEN",
        "VITE_GITHUB_GRAPHQL_URL",
    );
}

#[test]
#[ignore = "needs compat/node_modules (vite): run scripts/test.sh"]
fn doctor_finds_the_token_in_a_real_vite_build() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path();
    std::fs::write(
        app.join("package.json"),
        "{\"name\":\"app\",\"private\":true,\"devDependencies\":{\"vite\":\"*\"}}\n",
    )
    .unwrap();
    std::fs::write(
        app.join("index.html"),
        "<!doctype html><script type=\"module\" src=\"/main.js\"></script>\n",
    )
    .unwrap();
    std::fs::write(
        app.join("main.js"),
        "document.body.textContent = import.meta.env.VITE_GITHUB_PERSONAL_ACCESS_TOKEN;\n",
    )
    .unwrap();
    init(app, "vite");
    let vite = Path::new(env!("CARGO_MANIFEST_DIR")).join("compat/node_modules/vite/bin/vite.js");
    let built = Command::new("node")
        .arg(vite)
        .args(["build", "--logLevel", "error"])
        .current_dir(app)
        .status()
        .expect("node is installed");
    assert!(built.success());
    let out = Command::new(env!("CARGO_BIN_EXE_ghenv"))
        .args(["doctor", "--offline", "--json"])
        .current_dir(app)
        .env_remove("GH_TOKEN")
        .env_remove("GITHUB_TOKEN")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let checks: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let build = checks
        .iter()
        .find(|c| c["id"] == "build_output" && c["status"] == "fail")
        .unwrap_or_else(|| panic!("{checks:#?}"));
    let file = build["file"].as_str().unwrap();
    assert!(
        file.contains("dist/assets/") && file.ends_with(".js"),
        "{file}"
    );
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains(TOKEN),
        "doctor never prints the token"
    );
}

#[test]
#[ignore = "needs compat/node_modules (vite, @apollo/client): run scripts/test.sh"]
fn a_vite_app_made_with_init_proxy_queries_through_the_proxy_and_its_bundle_holds_no_token() {
    use common::{COURSE_SCOPES, FakeGitHub, Reply};
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path();
    std::fs::write(
        app.join("package.json"),
        "{\"name\":\"app\",\"private\":true,\"devDependencies\":{\"vite\":\"*\"}}\n",
    )
    .unwrap();
    std::fs::write(
        app.join("index.html"),
        "<!doctype html><script type=\"module\" src=\"/main.js\"></script>\n",
    )
    .unwrap();
    std::fs::write(
        app.join("main.js"),
        "fetch(import.meta.env.VITE_GITHUB_GRAPHQL_URL, { method: 'POST', body: '{}' });\n",
    )
    .unwrap();
    init_in(
        app,
        app,
        &["--offline", "-q", "--template", "vite", "--proxy"],
    );

    // The app's Apollo query, through `ghenv proxy -- CMD`, on the URL the
    // .env gives the browser, against the look-alike.
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    let compat = Path::new(env!("CARGO_MANIFEST_DIR")).join("compat");
    let out = Command::new(env!("CARGO_BIN_EXE_ghenv"))
        .args(["proxy", "--endpoint", &fake.url(), "--", "node"])
        .arg(compat.join("apollo-query.mjs"))
        .arg(app)
        .current_dir(app)
        .env("HOME", app)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "octocat");
    assert_eq!(
        fake.requests()[0].header("authorization"),
        Some(format!("bearer {TOKEN}").as_str())
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains(TOKEN));

    // The built bundle holds the proxy's URL, never the token.
    let built = Command::new("node")
        .arg(compat.join("node_modules/vite/bin/vite.js"))
        .args(["build", "--logLevel", "error"])
        .current_dir(app)
        .status()
        .unwrap();
    assert!(built.success());
    let mut bundle = String::new();
    for entry in std::fs::read_dir(app.join("dist/assets")).unwrap() {
        bundle.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    assert!(bundle.contains("127.0.0.1:8787/graphql"), "{bundle}");
    assert!(!bundle.contains(TOKEN), "the token is in the bundle");
}

#[test]
#[ignore = "needs compat/cra/node_modules (react-scripts): run scripts/test.sh"]
fn doctor_finds_the_token_in_a_real_create_react_app_build() {
    let cra = Path::new(env!("CARGO_MANIFEST_DIR")).join("compat/cra");
    assert!(
        cra.join("node_modules/react-scripts").exists(),
        "compat/cra/node_modules is missing: run scripts/test.sh"
    );
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path();
    std::fs::create_dir_all(app.join("src")).unwrap();
    std::fs::create_dir_all(app.join("public")).unwrap();
    std::fs::write(
        app.join("package.json"),
        "{\"name\":\"app\",\"private\":true,\"dependencies\":{\"react-scripts\":\"5.0.1\"}}\n",
    )
    .unwrap();
    std::fs::write(
        app.join("public/index.html"),
        "<!doctype html><div id=\"root\"></div>\n",
    )
    .unwrap();
    std::fs::write(
        app.join("src/index.js"),
        "document.getElementById('root').textContent = process.env.REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN;\n",
    )
    .unwrap();
    // react-scripts resolves its tools from the app's node_modules.
    std::os::unix::fs::symlink(cra.join("node_modules"), app.join("node_modules")).unwrap();
    init(app, "react");
    let built = Command::new("node")
        .arg(cra.join("node_modules/react-scripts/bin/react-scripts.js"))
        .arg("build")
        .current_dir(app)
        .env("CI", "true")
        .env("GENERATE_SOURCEMAP", "false")
        .output()
        .expect("node is installed");
    assert!(built.status.success(), "{built:?}");
    let out = Command::new(env!("CARGO_BIN_EXE_ghenv"))
        .args(["doctor", "--offline", "--json"])
        .current_dir(app)
        .env_remove("GH_TOKEN")
        .env_remove("GITHUB_TOKEN")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let checks: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let build = checks
        .iter()
        .find(|c| c["id"] == "build_output" && c["status"] == "fail")
        .unwrap_or_else(|| panic!("{checks:#?}"));
    let file = build["file"].as_str().unwrap();
    assert!(
        file.contains("build/static/js/main.") && file.ends_with(".js"),
        "{file}"
    );
    let framework = checks.iter().find(|c| c["id"] == "framework").unwrap();
    assert!(
        framework["message"]
            .as_str()
            .unwrap()
            .contains("Create React App")
    );
}

#[path = "cli/lookalike.rs"]
#[allow(dead_code)] // the probe's profiles, used by tests/cli
mod lookalike;

/// Each file `ghenv proxy --graphiql` serves from assets/graphiql/ is,
/// once gunzipped, the registry's file of the package and version
/// SOURCES names: the same package npm ci installed in compat/.
#[test]
#[ignore = "needs compat/node_modules (graphiql, react, react-dom): run scripts/test.sh"]
fn the_vendored_graphiql_files_are_the_registry_packages_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sources = std::fs::read_to_string(root.join("assets/graphiql/SOURCES")).unwrap();
    let mut checked = 0;
    for line in sources.lines().filter(|l| !l.starts_with('#')) {
        let fields: Vec<&str> = line.split(' ').collect();
        let [spec, _integrity, file, sum] = fields[..] else {
            panic!("{line}")
        };
        let (name, version) = spec.rsplit_once('@').unwrap();
        let installed = root.join("compat/node_modules").join(name);
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(installed.join("package.json")).unwrap())
                .unwrap();
        assert_eq!(
            manifest["version"], version,
            "compat/package.json pins {spec}"
        );
        let original = installed.join(file.strip_prefix("package/").unwrap());
        let base = file.rsplit('/').next().unwrap();
        let gunzipped = Command::new("gzip")
            .arg("-dc")
            .arg(root.join("assets/graphiql").join(format!("{base}.gz")))
            .output()
            .unwrap();
        assert!(gunzipped.status.success());
        assert!(
            gunzipped.stdout == std::fs::read(&original).unwrap(),
            "assets/graphiql/{base}.gz is not {spec}'s {file}: run scripts/vendor-graphiql.sh"
        );
        let sha = Command::new("sha256sum").arg(&original).output().unwrap();
        assert!(
            String::from_utf8_lossy(&sha.stdout).starts_with(sum),
            "{line}"
        );
        checked += 1;
    }
    assert_eq!(checked, 4, "{sources}");
}

/// `ghenv proxy --graphiql` in headless Chromium, as a student uses it in
/// the course's first lessons: the page opens on the proxy's own origin,
/// a query typed into GraphiQL runs against the (look-alike) API and its
/// answer is shown; the token is in no request the page made, no answer
/// it got, nothing it stored, and the page broke no rule of its
/// Content-Security-Policy (so it loaded nothing from elsewhere).
#[test]
#[ignore = "needs Chromium (apt-get install chromium) and compat/node_modules (playwright-core): run scripts/test.sh"]
fn graphiql_on_the_proxy_runs_a_typed_query_in_chromium_and_the_page_never_holds_the_token() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "no Chromium at {chromium}: apt-get install chromium (scripts/test.sh does)"
    );
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let app = dir.path().join("app");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::create_dir_all(&app).unwrap();
    init_in(&app, &home, &["--offline", "-q", "-t", "vite", "--proxy"]);

    let github = lookalike::LookAlike::start(lookalike::Profile::Classic(common::COURSE_SCOPES));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ghenv"));
    cmd.args([
        "proxy",
        "--graphiql",
        "--port",
        "0",
        "--endpoint",
        &github.url(),
    ])
    .current_dir(&app)
    .env("HOME", &home)
    .env("XDG_CONFIG_HOME", home.join(".config"));
    let mut proxy = common::Proxy::start_with(cmd);
    let said = proxy.wait_for("GraphiQL on ");
    let rest = said.split("GraphiQL on ").nth(1).unwrap();
    let page_url = rest.split(':').take(3).collect::<Vec<_>>().join(":");
    assert!(
        page_url.starts_with("http://127.0.0.1:") && page_url.ends_with('/'),
        "{page_url}"
    );

    let compat = Path::new(env!("CARGO_MANIFEST_DIR")).join("compat");
    let driven = Command::new("node")
        .arg(compat.join("graphiql-page.mjs"))
        .arg(&page_url)
        .arg("query Lesson1 { viewer { login } }")
        .env("CHROMIUM", &chromium)
        .output()
        .unwrap();
    // Every line of its log, to the end.
    let log = proxy.stop();
    assert!(driven.status.success(), "{driven:?}\nproxy: {log}");
    let out: serde_json::Value = serde_json::from_slice(&driven.stdout).unwrap();

    // Opened, not yet touched: nothing was sent (any site can open the
    // page; none can act in it).
    assert_eq!(out["sentBeforeTouch"], 0, "{out:#}");

    // The query typed is the one run, and its answer is on the page.
    assert_eq!(
        out["typed"], "query Lesson1 { viewer { login } }",
        "{out:#}"
    );
    let shown = out["shown"].as_str().unwrap();
    assert!(
        shown.contains("\"login\": \"the-road-to-learn-react\""),
        "{shown}"
    );
    assert!(
        github.queries().iter().any(|q| q.contains("Lesson1")),
        "{:?}",
        github.queries()
    );
    // GraphiQL asked for the schema through the proxy too (its docs and
    // completion), and got it.
    assert!(github.queries().iter().any(|q| q.contains("__schema")));
    let docs = out["docs"].as_str().unwrap();
    assert!(
        docs.contains("query") && docs.contains("mutation"),
        "{docs}"
    );

    // Every request the page made stayed on its own origin and carried no
    // token; no header editor was there to paste one into.
    let requests = out["requests"].as_array().unwrap();
    assert!(requests.len() >= 6, "{requests:#?}");
    for r in requests {
        let url = r["url"].as_str().unwrap();
        assert!(
            url.starts_with(&page_url),
            "a request left the origin: {url}"
        );
        assert!(r["headers"].get("authorization").is_none(), "{r:#}");
    }
    let tools: Vec<&str> = out["editorTools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().trim())
        .collect();
    assert!(tools.contains(&"Variables"), "{tools:?}");
    assert!(!tools.contains(&"Headers"), "{tools:?}");
    let everything = out.to_string();
    for piece in [TOKEN, &TOKEN[4..], &TOKEN[TOKEN.len() - 12..]] {
        assert!(
            !everything.contains(piece),
            "the page saw the token: {everything}"
        );
    }
    assert!(out["storage"]["cookie"] == "" && out["cookies"] == serde_json::json!([]));
    // GraphiQL kept the query (its tabs) in localStorage: that is all.
    let local = out["storage"]["local"].as_object().unwrap();
    assert!(
        local.keys().all(|k| k.starts_with("graphiql:")),
        "{local:#?}"
    );
    assert!(out["pageErrors"].as_array().unwrap().is_empty(), "{out:#}");
    let console = out["console"].as_array().unwrap();
    assert!(
        !console
            .iter()
            .any(|m| m.as_str().unwrap().contains("Content Security Policy")),
        "{console:#?}"
    );
    // The proxy logged the query by name, and never the token.
    assert!(log.contains("POST /graphql Lesson1 200"), "{log}");
    assert!(!log.contains(&TOKEN[4..]));
}
