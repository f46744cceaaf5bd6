//! What holds when ghenv dies half-way or runs twice at once: it writes
//! under a lock on the project folder, re-reads the files just before it
//! replaces them (nothing the user or another ghenv wrote meanwhile is
//! lost), renames config.toml last (it stays the source of truth), and
//! removes the temp files a crash left behind the next time it writes.
//! Also: new files follow the umask, and root keeps a file's owner.

use std::os::unix::fs::MetadataExt;

use crate::common::*;

const VAR: &str = "REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN";

fn temp_files(p: &Project) -> Vec<String> {
    std::fs::read_dir(p.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".ghenv-") && n.ends_with(".tmp"))
        .collect()
}

fn spawn_init(p: &Project, args: &[&str], token: &str) -> std::process::Child {
    let mut all = vec!["init", "--token-stdin"];
    all.extend_from_slice(args);
    let mut child = p
        .cmd(&all)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), token.as_bytes()).unwrap();
    child
}

#[test]
fn a_line_added_while_init_waits_for_github_is_kept() {
    let p = Project::new();
    p.write(".env", "PORT=3000\n");
    let fake = FakeGitHub::start(vec![
        Reply::ok("octocat", COURSE_SCOPES).delayed(std::time::Duration::from_millis(1200)),
    ]);
    let token = classic();
    let child = spawn_init(&p, &["--endpoint", &fake.url()], &token);
    // Once GitHub has the request, ghenv is waiting for its answer (held
    // back 1.2 s): the edit lands then, however loaded the machine.
    fake.wait_for_request();
    // The user edits .env while ghenv waits for GitHub.
    p.write(".env", "PORT=3000\nADDED_MEANWHILE=yes\n");
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let pairs = dotenv_pairs(&p.read(".env"));
    assert!(
        pairs.contains(&("ADDED_MEANWHILE".into(), "yes".into())),
        "{pairs:?}"
    );
    assert!(pairs.contains(&(VAR.into(), token)));
}

#[test]
fn concurrent_inits_both_succeed_and_every_line_is_kept() {
    for _ in 0..3 {
        let p = Project::new();
        p.write(".env", "PORT=3000\n");
        let (a, b) = (token_with("ghp_", 111), token_with("ghp_", 222));
        // Different templates: each adds its own variables.
        let x = spawn_init(&p, &["--offline", "--template", "react"], &a);
        let y = spawn_init(&p, &["--offline", "--template", "node"], &b);
        assert!(x.wait_with_output().unwrap().status.success());
        assert!(y.wait_with_output().unwrap().status.success());
        let pairs = dotenv_pairs(&p.read(".env"));
        let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
        for key in ["PORT", VAR, "GITHUB_TOKEN", "GITHUB_GRAPHQL_URL"] {
            assert!(keys.contains(&key), "{key} was lost: {keys:?}");
        }
        assert!(temp_files(&p).is_empty());
    }
}

/// An encrypted project with token `old`; returns the key's path.
fn encrypted(p: &Project, old: &str) -> String {
    let (key, public) = p.keygen("a.txt");
    p.run(&["init", "--offline", "--token-stdin", "-r", &public], old)
        .code(0);
    key.to_str().unwrap().to_owned()
}

fn secret_token(p: &Project, key: &str) -> String {
    let out = age_cmd(&["-d", "-i", key], p.armored().as_bytes());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the crash and fail points exist only in debug builds"
)]
fn a_crash_at_any_step_of_rotate_leaves_no_split_state_once_config_is_new() {
    let (old, new) = (classic(), token_with("ghp_", 81));
    // rotate renames .env, .env.example (unchanged: skipped) and config.toml.
    for point in ["after-temp", "after-rename-1", "after-rename-2"] {
        let p = Project::new();
        let key = encrypted(&p, &old);
        let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
        // Trusted beforehand, so that the only write of this run is the
        // project's (the crash point fires in the first one).
        let trust = p.home.path().join(".config/ghenv");
        std::fs::create_dir_all(&trust).unwrap();
        std::fs::write(trust.join("trusted-endpoints"), fake.url() + "\n").unwrap();
        let mut cmd = p.cmd(&[
            "rotate",
            "--token-stdin",
            "-i",
            &key,
            "--endpoint",
            &fake.url(),
        ]);
        cmd.env("GHENV_CRASHPOINT", point);
        let out = p.run_with(cmd, new.as_bytes());
        assert_eq!(out.code, -1, "{point}: killed by a signal\n{out}");
        let in_secret = secret_token(&p, &key);
        let in_env = p.env_token();
        assert!(in_secret == old || in_secret == new, "{point}");
        // config.toml is renamed last: if it is new, everything is.
        if in_secret == new {
            assert_eq!(in_env, new, "{point}: config.toml new, .env old");
        }
        if point == "after-temp" {
            assert_eq!(
                (in_secret.as_str(), in_env.as_str()),
                (old.as_str(), old.as_str())
            );
            // The crash left the temp files; the next writer removes them.
            assert!(!temp_files(&p).is_empty(), "{point}\n{out}");
        }
        // config.toml is the source of truth: unlock makes .env agree
        // (told to replace a token .env holds, which it never does by
        // itself).
        p.run(&["unlock", "-i", &key, "--replace"], "").code(0);
        assert_eq!(p.env_token(), in_secret, "{point}");
        assert!(temp_files(&p).is_empty(), "{point}: {:?}", temp_files(&p));
    }
}

#[test]
fn new_files_follow_the_umask_and_secrets_stay_0600() {
    // `ghenv init` in a new project under `umask mask`.
    let init_under = |mask: &str| {
        let p = Project::new();
        let ghenv = env!("CARGO_BIN_EXE_ghenv");
        let out = std::process::Command::new("sh")
            .args([
                "-c",
                &format!(
                    "umask {mask}; printf '%s' \"$T\" | '{ghenv}' init --offline --token-stdin"
                ),
            ])
            .current_dir(p.path())
            .env("T", classic())
            .env("HOME", p.home.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        p
    };
    let p = init_under("077");
    for name in ["config.toml", ".env.example", ".gitignore", ".env"] {
        assert_eq!(p.mode(name), 0o600, "{name}");
    }
    // Under 027 the two differ: new public files follow the umask (0640),
    // the env file is 0600 whatever it says.
    let p = init_under("027");
    for name in ["config.toml", ".env.example", ".gitignore"] {
        assert_eq!(p.mode(name), 0o640, "{name} follows the umask");
    }
    assert_eq!(p.mode(".env"), 0o600);
    let p = Project::new();
    p.run(&["init", "--offline", "--token-stdin"], &classic())
        .code(0);
    assert_eq!(p.mode(".env"), 0o600);
}

#[test]
fn root_keeps_the_owner_of_the_users_files() {
    let p = Project::new();
    if std::fs::metadata(p.path()).unwrap().uid() != 0 {
        eprintln!("skipped: not running as root");
        return;
    }
    p.write(".env", "PORT=3000\n");
    for path in [p.path().to_path_buf(), p.file(".env")] {
        std::os::unix::fs::chown(&path, Some(4321), Some(4321)).unwrap();
    }
    p.run(&["init", "--offline", "--token-stdin"], &classic())
        .code(0);
    for name in [".env", "config.toml", ".env.example", ".gitignore"] {
        let meta = std::fs::metadata(p.file(name)).unwrap();
        assert_eq!((meta.uid(), meta.gid()), (4321, 4321), "{name}");
    }
}
