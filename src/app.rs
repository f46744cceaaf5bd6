//! The app: its framework, where it is (one folder down, or a workspace of
//! a monorepo), the env files its dev server reads, the prefixes that reach
//! the browser, its dev command. One detection for every command: init,
//! check, scopes, doctor and the hints they print see the same app.

use std::path::{Path, PathBuf};

/// The framework that serves the app, from `package.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framework {
    /// Create React App (`react-scripts`).
    Cra,
    /// Vite.
    Vite,
    /// Next.js.
    Next,
    /// Plain Node.js: nothing reaches a browser.
    Node,
}

impl Framework {
    /// What people call it.
    pub fn name(self) -> &'static str {
        match self {
            Framework::Cra => "Create React App",
            Framework::Vite => "Vite",
            Framework::Next => "Next.js",
            Framework::Node => "Node.js",
        }
    }

    /// What people call an app made with it ("Vite app", never "Create
    /// React App app").
    pub fn app_name(self) -> &'static str {
        match self {
            Framework::Cra => "Create React App project",
            Framework::Vite => "Vite app",
            Framework::Next => "Next.js app",
            Framework::Node => "Node.js app",
        }
    }

    /// The prefix of the variables it copies into the JavaScript it ships
    /// to browsers (none for plain Node.js).
    pub fn prefix(self) -> Option<&'static str> {
        match self {
            Framework::Cra => Some("REACT_APP_"),
            Framework::Vite => Some("VITE_"),
            Framework::Next => Some("NEXT_PUBLIC_"),
            Framework::Node => None,
        }
    }

    /// The env files its dev server loads, highest precedence first.
    pub fn env_files(self) -> &'static [&'static str] {
        match self {
            Framework::Cra => &[
                ".env.development.local",
                ".env.local",
                ".env.development",
                ".env",
            ],
            Framework::Vite | Framework::Next => &[
                ".env.development.local",
                ".env.development",
                ".env.local",
                ".env",
            ],
            Framework::Node => &[".env"],
        }
    }

    /// Whether `arg` (a program or the script node runs) is its dev
    /// server: `…/vite`, `…/vite/bin/vite.js`, `…/react-scripts`,
    /// `…/react-scripts/scripts/start.js`, `…/next`.
    pub fn is_server_program(self, arg: &str) -> bool {
        let path = Path::new(arg);
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let parent = |n: usize| {
            path.ancestors()
                .nth(n)
                .and_then(|p| p.file_name())
                .and_then(|p| p.to_str())
                .unwrap_or("")
        };
        match self {
            Framework::Vite => name == "vite" || (name == "vite.js" && parent(2) == "vite"),
            Framework::Cra => {
                name == "react-scripts"
                    || name == "react-scripts.js"
                    || (name == "start.js" && parent(2) == "react-scripts")
            }
            Framework::Next => name == "next",
            Framework::Node => false,
        }
    }

    /// Where its build puts the JavaScript it ships.
    pub fn build_dirs(self) -> &'static [&'static str] {
        match self {
            Framework::Cra => &["build"],
            Framework::Vite => &["dist"],
            Framework::Next => &[".next", "out"],
            Framework::Node => &[],
        }
    }
}

/// The app: the folder of the `package.json` whose dev server runs it.
#[derive(Debug, Clone)]
pub struct App {
    /// Its folder.
    pub dir: PathBuf,
    /// Its framework.
    pub framework: Framework,
}

/// The framework a `package.json` text depends on, if any.
fn framework_of(package_json: &str) -> Option<Framework> {
    let v: serde_json::Value = serde_json::from_str(package_json).ok()?;
    let has = |name: &str| {
        ["dependencies", "devDependencies"]
            .iter()
            .any(|k| v[k].get(name).is_some())
    };
    Some(if has("react-scripts") {
        Framework::Cra
    } else if has("vite") {
        Framework::Vite
    } else if has("next") {
        Framework::Next
    } else {
        Framework::Node
    })
}

/// The framework of the `package.json` in `dir` itself, if there is one.
pub fn framework_here(dir: &Path) -> Option<Framework> {
    std::fs::read_to_string(dir.join("package.json"))
        .ok()
        .and_then(|t| framework_of(&t))
}

/// The template an app of `framework` gets when nobody names one: what
/// init writes, and what check, scopes and doctor read without config.toml.
pub fn template_for(framework: Framework) -> &'static str {
    match framework {
        Framework::Vite => "vite",
        Framework::Node => "node",
        Framework::Cra | Framework::Next => crate::render::DEFAULT_TEMPLATE,
    }
}

/// The template the app in `dir` itself would get, from its package.json.
pub fn inferred_template(dir: &Path) -> Option<&'static str> {
    framework_here(dir).map(template_for)
}

/// The app in `dir`: its `package.json`, else the one workspace of a
/// monorepo (`workspaces` in package.json, or pnpm-workspace.yaml) whose
/// framework serves a browser, else one in a folder below it (one level,
/// `node_modules` aside) whose framework serves a browser.
pub fn find_app(dir: &Path) -> Option<App> {
    if let Some(framework) = framework_here(dir)
        && framework != Framework::Node
    {
        return Some(App {
            dir: dir.to_path_buf(),
            framework,
        });
    }
    let mut apps = workspace_apps(dir);
    if apps.len() == 1 {
        return apps.pop();
    }
    let mut below: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n != "node_modules" && n != ".git")
        })
        .collect();
    below.sort();
    if apps.is_empty() {
        for sub in below {
            if let Some(framework) = framework_here(&sub).filter(|f| *f != Framework::Node) {
                return Some(App {
                    dir: sub,
                    framework,
                });
            }
        }
    }
    framework_here(dir).map(|framework| App {
        dir: dir.to_path_buf(),
        framework,
    })
}

/// The workspaces of the monorepo rooted at `dir` whose framework serves a
/// browser (Vite, Create React App, Next.js), in path order; none when
/// `dir` is not a monorepo's root.
pub fn workspace_apps(dir: &Path) -> Vec<App> {
    let mut out: Vec<App> = workspace_globs(dir)
        .iter()
        .flat_map(|g| expand(dir, g))
        .filter_map(|d| {
            framework_here(&d)
                .filter(|f| *f != Framework::Node)
                .map(|framework| App { dir: d, framework })
        })
        .collect();
    out.sort_by(|a, b| a.dir.cmp(&b.dir));
    out.dedup_by(|a, b| a.dir == b.dir);
    out
}

/// The workspace globs of `dir`: package.json's `workspaces` (a list, or
/// yarn's `{ "packages": [...] }`), else pnpm-workspace.yaml's `packages`.
/// Exclusions (`!…`) are left out.
fn workspace_globs(dir: &Path) -> Vec<String> {
    let mut globs = Vec::new();
    if let Ok(text) = std::fs::read_to_string(dir.join("package.json"))
        && let Ok(v) = serde_json::from_str::<serde_json::Value>(&text)
    {
        let list = v["workspaces"]
            .as_array()
            .or_else(|| v["workspaces"]["packages"].as_array());
        globs.extend(
            list.into_iter()
                .flatten()
                .filter_map(|g| g.as_str().map(str::to_owned)),
        );
    }
    if let Ok(text) = std::fs::read_to_string(dir.join("pnpm-workspace.yaml")) {
        // The one key read here is a list of strings; no YAML library for it.
        let mut inside = false;
        // The flow style (`packages: ['apps/*']`, as pnpm's docs write it),
        // on one line or several: the text from `[` until `]`.
        let mut flow: Option<String> = None;
        for line in text.lines() {
            let trimmed = line.trim();
            if let Some(list) = &mut flow {
                list.push_str(trimmed.split(" #").next().unwrap_or(""));
                list.push(' ');
            } else if !line.starts_with([' ', '\t', '-'])
                && let Some(rest) = trimmed.strip_prefix("packages:")
                && let Some(rest) = rest.trim_start().strip_prefix('[')
            {
                flow = Some(format!("{rest} "));
            }
            if let Some(list) = flow.take_if(|l| l.contains(']')) {
                let items = list.split(']').next().unwrap_or("");
                globs.extend(
                    items
                        .split(',')
                        .map(|i| i.trim().trim_matches(['"', '\'']).to_owned()),
                );
                continue;
            }
            if flow.is_some() || trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            if !line.starts_with([' ', '\t', '-']) {
                inside = trimmed.starts_with("packages:");
                continue;
            }
            if inside && let Some(item) = trimmed.strip_prefix('-') {
                let item = item.split(" #").next().unwrap_or("").trim();
                globs.push(item.trim_matches(['"', '\'']).to_owned());
            }
        }
    }
    globs.retain(|g| !g.is_empty() && !g.starts_with('!'));
    globs
}

/// The folders under `root` that `glob` names: `*` and `?` within one
/// folder name, `**` for any depth (at most four); never `node_modules`,
/// hidden folders, or a path that leaves `root`.
fn expand(root: &Path, glob: &str) -> Vec<PathBuf> {
    let parts: Vec<&str> = glob
        .trim_start_matches("./")
        .trim_end_matches('/')
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if parts.contains(&"..") {
        return Vec::new();
    }
    let mut out = Vec::new();
    walk(root, &parts, 0, &mut out);
    out
}

fn walk(dir: &Path, parts: &[&str], depth: usize, out: &mut Vec<PathBuf>) {
    let Some((first, rest)) = parts.split_first() else {
        out.push(dir.to_path_buf());
        return;
    };
    let subdirs = || -> Vec<(String, PathBuf)> {
        let mut v: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
            .map(|r| {
                r.flatten()
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                    .filter_map(|e| {
                        let name = e.file_name().to_str()?.to_owned();
                        (name != "node_modules" && !name.starts_with('.')).then(|| (name, e.path()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    };
    if *first == "**" {
        walk(dir, rest, depth, out);
        if depth < 4 {
            for (_, path) in subdirs() {
                walk(&path, parts, depth + 1, out);
            }
        }
    } else if first.contains(['*', '?']) {
        for (name, path) in subdirs() {
            if wildcard(first, &name) {
                walk(&path, rest, depth + 1, out);
            }
        }
    } else {
        let path = dir.join(first);
        if path.is_dir() {
            walk(&path, rest, depth + 1, out);
        }
    }
}

/// Whether `name` matches `pattern` (`*` any run, `?` one character).
fn wildcard(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    let (mut pi, mut ni, mut star, mut mark) = (0, 0, None, 0);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// The command that starts the app's dev server in `dir`, as a message
/// names it: its `dev` script, else its `start` script, run by the package
/// manager whose lockfile is there or above (`npm run dev`, `pnpm dev`,
/// `yarn dev`; `npm start`...); without either script, the framework's
/// (`dev` for Vite and Next.js, `start` otherwise).
pub fn dev_command(dir: &Path) -> String {
    let package: serde_json::Value = std::fs::read_to_string(dir.join("package.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    let has = |s: &str| package["scripts"].get(s).is_some();
    let script = if has("dev") {
        "dev"
    } else if has("start") {
        "start"
    } else {
        match framework_here(dir) {
            Some(Framework::Vite | Framework::Next) => "dev",
            _ => "start",
        }
    };
    let manager = dir
        .ancestors()
        .take(4)
        .find_map(|d| {
            if d.join("pnpm-lock.yaml").is_file() {
                Some("pnpm")
            } else if d.join("yarn.lock").is_file() {
                Some("yarn")
            } else if d.join("package-lock.json").is_file() {
                Some("npm")
            } else {
                None
            }
        })
        .unwrap_or("npm");
    match (manager, script) {
        ("npm", "start") => "npm start".into(),
        ("npm", s) => format!("npm run {s}"),
        (m, s) => format!("{m} {s}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_globs_lead_to_the_app() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for (d, pkg) in [
            ("apps/web", r#"{"devDependencies":{"vite":"5"}}"#),
            ("apps/api", r#"{"dependencies":{"express":"4"}}"#),
            ("packages/ui", r#"{"dependencies":{"react":"18"}}"#),
        ] {
            std::fs::create_dir_all(root.join(d)).unwrap();
            std::fs::write(root.join(d).join("package.json"), pkg).unwrap();
        }
        std::fs::write(
            root.join("package.json"),
            r#"{"private":true,"workspaces":["apps/*","packages/*"]}"#,
        )
        .unwrap();
        let app = find_app(root).unwrap();
        assert_eq!(app.dir, root.join("apps/web"));
        assert_eq!(app.framework, Framework::Vite);
        std::fs::write(root.join("package.json"), r#"{"private":true}"#).unwrap();
        std::fs::write(
            root.join("pnpm-workspace.yaml"),
            "packages:\n  - 'apps/*'\n  - \"packages/**\"\n  - '!**/test/**'\n",
        )
        .unwrap();
        assert_eq!(workspace_apps(root).len(), 1);
        assert!(wildcard("web-*", "web-app") && !wildcard("web-*", "api"));
        // The flow style, on one line or several, with a comment.
        for yaml in [
            "packages: ['apps/*', \"packages/**\", '!**/test/**']\n",
            "packages: [\n  'apps/*', # the app\n  'packages/**'\n]\ncatalog:\n  react: ^18\n",
        ] {
            std::fs::write(root.join("pnpm-workspace.yaml"), yaml).unwrap();
            assert_eq!(workspace_globs(root)[0], "apps/*", "{yaml}");
            assert_eq!(workspace_apps(root).len(), 1, "{yaml}");
        }
    }

    #[test]
    fn the_dev_command_comes_from_the_scripts() {
        let dir = tempfile::tempdir().unwrap();
        let write = |pkg: &str| std::fs::write(dir.path().join("package.json"), pkg).unwrap();
        write(r#"{"scripts":{"dev":"vite","start":"vite"}}"#);
        assert_eq!(dev_command(dir.path()), "npm run dev");
        write(r#"{"scripts":{"start":"react-scripts start"}}"#);
        assert_eq!(dev_command(dir.path()), "npm start");
        write(r#"{"devDependencies":{"vite":"5"}}"#);
        assert_eq!(dev_command(dir.path()), "npm run dev");
        std::fs::write(dir.path().join("pnpm-lock.yaml"), "").unwrap();
        assert_eq!(dev_command(dir.path()), "pnpm dev");
    }

    #[test]
    fn frameworks_come_from_dependencies() {
        assert_eq!(
            framework_of(r#"{"dependencies":{"react-scripts":"5"}}"#),
            Some(Framework::Cra)
        );
        assert_eq!(
            framework_of(r#"{"devDependencies":{"vite":"8"}}"#),
            Some(Framework::Vite)
        );
        assert_eq!(framework_of(r#"{"name":"x"}"#), Some(Framework::Node));
        assert_eq!(framework_of("not json"), None);
    }
}
