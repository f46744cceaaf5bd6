//! The fault and bad-input matrix: one test per row. Every row asserts the
//! exit code, a message that says what happened and a `hint:` saying what to
//! do, that the token never shows, and that the project folder is byte for
//! byte and mode for mode what it was (nothing created, changed, lost or
//! left half-written).

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use crate::common::*;

/// Prepares the project before the run.
type Setup = Box<dyn Fn(&Project)>;

/// One row of the matrix, built up and then checked.
struct Row {
    setup: Option<Setup>,
    replies: Vec<Reply>,
    args: Vec<String>,
    stdin: Vec<u8>,
    env: Vec<(String, String)>,
    wrap: Option<String>,
    code: i32,
    says: Vec<String>,
    /// Every secret this row puts in play: the token read from stdin, each
    /// token-shaped run inside it (a quoted or doubled paste), and any the
    /// setup writes; none may show in the output.
    secrets: Vec<String>,
}

/// A project's usual contents, which a failure must leave alone.
fn seed(p: &Project) {
    p.write(".env", "# mine\nPORT=3000\nexport API_KEY='keep me'\n");
    std::fs::set_permissions(p.file(".env"), std::fs::Permissions::from_mode(0o640)).unwrap();
    p.write(
        "config.toml",
        "# team settings\nversion = 1\n[app]\nport = 3000\n",
    );
    p.write(".gitignore", "node_modules\n");
}

impl Row {
    /// `ghenv init --token-stdin --endpoint FAKE` with `stdin`.
    fn init(stdin: &[u8]) -> Row {
        Row {
            setup: None,
            replies: Vec::new(),
            args: ["init", "--token-stdin", "--endpoint", "{URL}"]
                .map(String::from)
                .to_vec(),
            stdin: stdin.to_vec(),
            env: Vec::new(),
            wrap: None,
            code: -1,
            says: Vec::new(),
            secrets: secrets_in(&String::from_utf8_lossy(stdin)),
        }
    }

    /// Also checks that `secret` (one the setup wrote) never shows.
    fn secret(mut self, secret: &str) -> Row {
        self.secrets.push(secret.to_owned());
        self
    }

    /// `ghenv init` with a valid token, against these replies.
    fn github(replies: Vec<Reply>) -> Row {
        let token = classic();
        let mut row = Row::init(format!("{token}\n").as_bytes());
        row.replies = replies;
        row
    }

    fn args(mut self, args: &[&str]) -> Row {
        self.args = args.iter().map(|s| s.to_string()).collect();
        self
    }

    fn extra(mut self, args: &[&str]) -> Row {
        self.args.extend(args.iter().map(|s| s.to_string()));
        self
    }

    fn setup(mut self, f: impl Fn(&Project) + 'static) -> Row {
        self.setup = Some(Box::new(f));
        self
    }

    fn env(mut self, k: &str, v: &str) -> Row {
        self.env.push((k.into(), v.into()));
        self
    }

    /// Runs ghenv through `sh -c` with this prefix (e.g. a `ulimit`).
    fn wrap(mut self, prefix: &str) -> Row {
        self.wrap = Some(prefix.into());
        self
    }

    fn fails(mut self, code: i32, says: &[&str]) -> Row {
        self.code = code;
        self.says = says.iter().map(|s| s.to_string()).collect();
        self
    }

    fn check(self) {
        let p = Project::new();
        seed(&p);
        if let Some(setup) = &self.setup {
            setup(&p);
        }
        let before = p.snapshot();
        let fake = FakeGitHub::start(self.replies.clone());
        let home = p.home.path().display().to_string();
        let args: Vec<String> = self
            .args
            .iter()
            .map(|a| a.replace("{URL}", &fake.url()).replace("{HOME}", &home))
            .collect();
        let mut cmd = match &self.wrap {
            None => p.cmd(&args.iter().map(String::as_str).collect::<Vec<_>>()),
            Some(prefix) => {
                let mut c = p.cmd(&[]);
                let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
                let program = env!("CARGO_BIN_EXE_ghenv");
                let mut sh = std::process::Command::new("sh");
                sh.args([
                    "-c",
                    &format!("{prefix}; exec '{program}' {}", quoted.join(" ")),
                ]);
                std::mem::swap(&mut c, &mut sh);
                c.current_dir(p.path())
                    .env_clear()
                    .env("PATH", std::env::var_os("PATH").unwrap())
                    .env("HOME", p.home.path());
                c
            }
        };
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let out = p.run_with(cmd, &self.stdin);
        out.code(self.code)
            .stderr_has(&self.says.iter().map(String::as_str).collect::<Vec<_>>())
            .stderr_has(&["hint:"]);
        for secret in &self.secrets {
            out.never_shows(secret);
        }
        assert_eq!(p.snapshot(), before, "the folder changed\n{out}");
        let leftovers: Vec<String> = std::fs::read_dir(p.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".ghenv-"))
            .collect();
        assert!(leftovers.is_empty(), "temp files left: {leftovers:?}");
    }
}

/// The secrets in what a row types: the trimmed input (when it is long
/// enough to be one) and every token-shaped run in it, each part of a
/// token split by a control character included.
fn secrets_in(input: &str) -> Vec<String> {
    let mut out = Vec::new();
    let trimmed = input.trim();
    if trimmed.len() >= 8 {
        out.push(trimmed.to_owned());
    }
    let mut run = String::new();
    for c in input.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
            run.push(c);
            continue;
        }
        for prefix in ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"] {
            let mut from = 0;
            while let Some(at) = run[from..].find(prefix) {
                let piece = &run[from + at..];
                if piece.len() >= prefix.len() + 8 {
                    out.push(piece.to_owned());
                }
                from += at + prefix.len();
            }
        }
        if run.len() >= 16 && !out.contains(&run) {
            out.push(run.clone());
        }
        run.clear();
    }
    out.sort();
    out.dedup();
    out
}

fn with_len(n: usize) -> String {
    let t = classic();
    if n <= t.len() {
        t[..n].to_owned()
    } else {
        format!("{t}{}", "A".repeat(n - t.len()))
    }
}

// ------------------------------------------------------------ token input

#[test]
fn token_empty() {
    Row::init(b"").fails(3, &["the token is empty"]).check();
}

#[test]
fn token_only_whitespace() {
    Row::init(b"  \t \r\n")
        .fails(3, &["the token is empty"])
        .check();
}

#[test]
fn token_with_a_carriage_return_inside() {
    let t = classic();
    Row::init(format!("{}\r{}\n", &t[..20], &t[20..]).as_bytes())
        .fails(3, &["white space or a control character"])
        .check();
}

#[test]
fn token_on_the_second_line_only() {
    Row::init(format!("paste-here:\n{}\n", classic()).as_bytes())
        .fails(3, &["does not start with a GitHub token prefix"])
        .check();
}

#[test]
fn token_not_utf8() {
    Row::init(b"ghp_\xff\xfe\xfd\n")
        .fails(3, &["not valid UTF-8"])
        .check();
}

#[test]
fn token_a_one_megabyte_line() {
    Row::init("g".repeat(1 << 20).as_bytes())
        .fails(3, &["longer than 4096 bytes"])
        .check();
}

#[test]
fn token_unknown_prefix() {
    Row::init(classic().replacen("ghp_", "ghx_", 1).as_bytes())
        .fails(3, &["GitHub issues no tokens that start with \"ghx_\""])
        .check();
}

#[test]
fn token_upper_case_prefix() {
    Row::init(classic().replacen("ghp_", "GHP_", 1).as_bytes())
        .fails(3, &["GitHub token prefix"])
        .check();
}

#[test]
fn token_too_short() {
    Row::init(with_len(39).as_bytes())
        .fails(3, &["40 characters but this one has 39"])
        .check();
}

#[test]
fn token_too_long() {
    // Lengths other than 40 up to 255 are left to GitHub; beyond, refused.
    Row::init(with_len(256).as_bytes())
        .fails(3, &["at most 255 characters but this one has 256"])
        .check();
}

#[test]
fn token_pasted_twice() {
    let t = classic();
    Row::init(format!("{t}{t}").as_bytes())
        .fails(3, &["pasted twice"])
        .check();
}

#[test]
fn token_fine_grained_truncated() {
    Row::init(&fine_grained().as_bytes()[..92])
        .fails(3, &["93 characters but this one has 92"])
        .check();
}

#[test]
fn token_fine_grained_without_separator() {
    let t = fine_grained();
    let bad = format!("{}x{}", &t[..33], &t[34..]);
    Row::init(bad.as_bytes())
        .fails(3, &["character 34 is not allowed"])
        .check();
}

#[test]
fn token_bad_character() {
    let mut t = classic();
    t.replace_range(20..21, "+");
    Row::init(t.as_bytes())
        .fails(3, &["character 21 is not allowed"])
        .check();
}

#[test]
fn token_checksum() {
    Row::init(flipped(&classic()).as_bytes())
        .fails(3, &["checksum does not match", "mistyped or truncated"])
        .check();
}

#[test]
fn token_in_quotes() {
    Row::init(format!("'{}'", classic()).as_bytes())
        .fails(3, &["wrapped in quotes"])
        .check();
}

// ------------------------------------------------------------ network

#[test]
fn network_connection_refused() {
    Row::github(vec![])
        .args(&["init", "--token-stdin", "--endpoint", &refused_url()])
        .fails(5, &["cannot reach", "Connection refused", "--offline"])
        .check();
}

#[test]
fn network_reset_mid_body() {
    Row::github(vec![Reply::ok("octocat", COURSE_SCOPES).cut(30)])
        .fails(5, &["broke while reading"])
        .check();
}

#[test]
fn network_timeout() {
    Row::github(vec![
        Reply::ok("octocat", COURSE_SCOPES).delayed(Duration::from_secs(3)),
    ])
    .extra(&["--timeout", "1"])
    .fails(5, &["no answer", "within 1 seconds", "--timeout"])
    .check();
}

#[test]
fn network_401_bad_credentials() {
    Row::github(vec![Reply::bad_credentials()])
        .fails(
            3,
            &[
                "GitHub rejected the token",
                "Bad credentials",
                "settings/tokens",
            ],
        )
        .check();
}

#[test]
fn network_403_secondary_rate_limit() {
    Row::github(vec![Reply::secondary_rate_limit(90)])
        .fails(
            5,
            &[
                "secondary rate limit",
                "try again in 90 seconds",
                "nothing was written",
            ],
        )
        .check();
}

#[test]
fn network_403_primary_rate_limit() {
    // 150 s ahead reads "in 3 minutes" for anything from 121 to 150 s
    // left: the answer stays the same however slowly the test runs (up to
    // 29 s), where 120 s ahead turned into "119 seconds" a second later.
    let reset = jiff::Timestamp::now().as_second() as u64 + 150;
    Row::github(vec![Reply::primary_rate_limit(reset)])
        .fails(
            5,
            &[
                "API rate limit exceeded",
                "try again at",
                "UTC (in 3 minutes)",
            ],
        )
        .check();
}

#[test]
fn network_429() {
    Row::github(vec![Reply::too_many(5)])
        .fails(5, &["rate limit", "try again in 5 seconds"])
        .check();
}

#[test]
fn network_500() {
    let mut r = Reply::bad_gateway();
    r.status = 500;
    r.reason = "Internal Server Error";
    Row::github(vec![r])
        .fails(5, &["GitHub answered 500"])
        .check();
}

#[test]
fn network_502_html() {
    Row::github(vec![Reply::bad_gateway()])
        .fails(5, &["GitHub answered 502", "githubstatus"])
        .check();
}

#[test]
fn network_truncated_json() {
    Row::github(vec![Reply::truncated_json()])
        .fails(5, &["could not be read", "truncated"])
        .check();
}

#[test]
fn network_html_instead_of_json() {
    let mut r = Reply::ok("octocat", COURSE_SCOPES);
    r.body = b"<!DOCTYPE html><title>Sign in</title>".to_vec();
    Row::github(vec![r])
        .fails(5, &["not the JSON GitHub sends"])
        .check();
}

#[test]
fn network_graphql_errors_array() {
    Row::github(vec![Reply::graphql_errors()])
        .fails(5, &["GraphQL error", "Something went wrong"])
        .check();
}

#[test]
fn network_missing_scopes_header() {
    Row::github(vec![Reply::fine_grained("octocat")])
        .fails(5, &["lacks the X-OAuth-Scopes header"])
        .check();
}

#[test]
fn network_oversized_body() {
    Row::github(vec![Reply::huge(3 << 20)])
        .fails(5, &["larger than 1024 KiB"])
        .check();
}

#[test]
fn network_plain_403() {
    let r = Reply::bad_credentials();
    let mut r = Reply {
        status: 403,
        reason: "Forbidden",
        ..r
    };
    r.body = br#"{"message":"Resource protected by organization SAML enforcement."}"#.to_vec();
    Row::github(vec![r]).fails(5, &["SAML", "SSO"]).check();
}

// ------------------------------------------------------------ files

#[test]
fn files_read_only_folder() {
    if ignores_permissions() {
        // Root writes through permission bits: a read-only mount stops it.
        let p = Project::new();
        seed(&p);
        let before = p.snapshot();
        let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
        let token = classic();
        let ro = ReadOnly::mount(p.path())
            .expect("as root, the test needs to mount a read-only bind mount");
        let out = p.init(&fake, &token, &[]);
        drop(ro);
        out.code(7)
            .never_shows(&token)
            .stderr_has(&["Read-only file system", "hint:"]);
        assert_eq!(p.snapshot(), before);
        return;
    }
    Row::github(vec![Reply::ok("octocat", COURSE_SCOPES)])
        .setup(|p| {
            std::fs::set_permissions(p.path(), std::fs::Permissions::from_mode(0o555)).unwrap()
        })
        .fails(7, &["Permission denied"])
        .check();
}

#[test]
fn files_env_is_a_directory() {
    Row::github(vec![])
        .setup(|p| {
            std::fs::remove_file(p.file(".env")).unwrap();
            std::fs::create_dir(p.file(".env")).unwrap();
        })
        .fails(7, &["is a directory"])
        .check();
}

#[test]
fn files_env_is_a_symlink_outside_the_project() {
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("elsewhere.env");
    std::fs::write(&target, "OTHER=1\n").unwrap();
    let t = target.clone();
    Row::github(vec![])
        .setup(move |p| {
            std::fs::remove_file(p.file(".env")).unwrap();
            std::os::unix::fs::symlink(&t, p.file(".env")).unwrap();
        })
        .fails(7, &["symbolic link", "does not write through links"])
        .check();
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "OTHER=1\n");
}

#[test]
fn files_env_tracked_by_git() {
    Row::github(vec![])
        .setup(|p| {
            p.git_init();
            p.git(&["add", ".env"]);
            p.git(&["commit", "-qm", "oops"]);
        })
        .fails(7, &["tracked by git", "rm --cached"])
        .check();
}

#[test]
fn files_config_not_toml() {
    Row::github(vec![])
        .setup(|p| p.write("config.toml", "[app\nport = \n"))
        .fails(
            7,
            &["not valid TOML", "line 1, column", "will not overwrite"],
        )
        .check();
}

#[test]
fn files_config_from_a_newer_ghenv() {
    Row::github(vec![])
        .setup(|p| p.write("config.toml", "version = 9\n"))
        .fails(7, &["version = 9", "newer"])
        .check();
}

#[test]
fn files_env_not_utf8() {
    Row::github(vec![])
        .setup(|p| std::fs::write(p.file(".env"), b"A=\xff\n").unwrap())
        .fails(7, &["not UTF-8"])
        .check();
}

#[test]
fn files_gitignore_is_a_directory() {
    Row::github(vec![])
        .setup(|p| {
            std::fs::remove_file(p.file(".gitignore")).unwrap();
            std::fs::create_dir(p.file(".gitignore")).unwrap();
        })
        .fails(7, &[".gitignore is a directory"])
        .check();
}

#[test]
fn files_full_disk() {
    // A file-size limit of zero makes every write fail as on a full disk
    // (EFBIG instead of ENOSPC); ghenv ignores SIGXFSZ itself, so the
    // write returns an error instead of killing it.
    Row::github(vec![Reply::ok("octocat", COURSE_SCOPES)])
        .wrap("ulimit -f 0")
        .fails(7, &["cannot write", "File too large"])
        .check();
}

#[test]
fn files_full_disk_on_a_small_tmpfs() {
    let mount = tempfile::tempdir().unwrap();
    let ok = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=16k", "tmpfs"])
        .arg(mount.path())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!(
            "skipped: cannot mount a tmpfs here (needs root); files_full_disk covers a failing write"
        );
        return;
    }
    let dir = mount.path().to_path_buf();
    // An .env to keep, then the disk filled up but for a few bytes: both
    // writes must succeed, or the test would compare two empty files.
    std::fs::write(dir.join(".env"), "PORT=3000\n").unwrap();
    let before: Vec<u8> = std::fs::read(dir.join(".env")).unwrap();
    assert_eq!(before, b"PORT=3000\n");
    let mut filler = std::fs::File::create(dir.join("filler")).unwrap();
    let chunk = [b'x'; 512];
    while std::io::Write::write_all(&mut filler, &chunk).is_ok() {}
    drop(filler);
    let p = Project::new();
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    let token = classic();
    let out = p.run(
        &[
            "init",
            "--token-stdin",
            "--endpoint",
            &fake.url(),
            "--dir",
            dir.to_str().unwrap(),
        ],
        &token,
    );
    let after: Vec<u8> = std::fs::read(dir.join(".env")).unwrap_or_default();
    let _ = std::process::Command::new("umount").arg(&dir).status();
    out.code(7)
        .never_shows(&token)
        .stderr_has(&["No space left on device", "hint:"]);
    assert_eq!(after, before);
}

#[test]
fn files_missing_folder() {
    Row::init(classic().as_bytes())
        .args(&["init", "--token-stdin", "--offline", "--dir", "no/such/dir"])
        .fails(7, &["cannot use the folder"])
        .check();
}

// ------------------------------------------------------------ crypto

/// The token [`encrypted`] seals.
fn sealed_token() -> String {
    token_with("ghp_", 77)
}

fn encrypted(p: &Project) {
    let (_, public) = p.keygen("owner.txt");
    let t = sealed_token();
    let out = p.run(&["init", "--token-stdin", "--offline", "-r", &public], &t);
    out.code(0);
}

fn armor_edit(p: &Project, f: impl Fn(&str) -> String) {
    let config = p.read("config.toml");
    let start = config.find("-----BEGIN").unwrap();
    let end = config.find("-----END AGE ENCRYPTED FILE-----").unwrap() + 32;
    let edited = f(&config[start..end]);
    p.write(
        "config.toml",
        &format!("{}{edited}{}", &config[..start], &config[end..]),
    );
}

#[test]
fn crypto_wrong_key() {
    Row::init(b"")
        .args(&["unlock", "-i", "{HOME}/other.txt"])
        .setup(|p| {
            encrypted(p);
            p.keygen("other.txt");
        })
        .secret(&sealed_token())
        .fails(6, &["none of the identities tried", "other.txt"])
        .check();
}

#[test]
fn crypto_truncated_armor() {
    Row::init(b"")
        .args(&["unlock", "-i", "{HOME}/owner.txt"])
        .setup(|p| {
            encrypted(p);
            armor_edit(p, |a| {
                let lines: Vec<&str> = a.lines().collect();
                format!(
                    "{}\n{}\n-----END AGE ENCRYPTED FILE-----",
                    lines[0], lines[1]
                )
            });
        })
        .secret(&sealed_token())
        .fails(6, &["damaged"])
        .check();
}

#[test]
fn crypto_tampered_byte() {
    Row::init(b"")
        .args(&["unlock", "-i", "{HOME}/owner.txt"])
        .setup(|p| {
            encrypted(p);
            armor_edit(p, |a| {
                let mut b = a.as_bytes().to_vec();
                let at = a.len() - 40;
                b[at] = if b[at] == b'Q' { b'R' } else { b'Q' };
                String::from_utf8(b).unwrap()
            });
        })
        .secret(&sealed_token())
        .fails(6, &["damaged"])
        .check();
}

#[test]
fn crypto_wrong_passphrase() {
    Row::init(b"")
        .args(&["unlock"])
        .setup(|p| {
            let mut cmd = p.cmd(&["init", "--token-stdin", "--offline", "--passphrase"]);
            cmd.env("GHENV_PASSPHRASE", "right");
            p.run_with(cmd, token_with("ghp_", 78).as_bytes()).code(0);
        })
        .env("GHENV_PASSPHRASE", "wrong")
        .secret(&token_with("ghp_", 78))
        .fails(6, &["wrong passphrase"])
        .check();
}

#[test]
fn crypto_unknown_recipient_type() {
    Row::init(classic().as_bytes())
        .args(&["init", "--token-stdin", "--offline", "-r", "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEmKSENjQEezOmxkZMy7opKgwFB9nkt5YRrYMjNuG5N87uRgg6CLrbo5wAdT/y6v0mKV0U2w0WZ2YB/++Tpockg="])
        .fails(6, &["cannot be used"])
        .check();
}

// ------------------------------------------------------------ concurrency and crashes

#[test]
fn concurrency_two_inits_at_once_leave_one_complete_env() {
    for _ in 0..5 {
        let p = Project::new();
        seed(&p);
        let (a, b) = (token_with("ghp_", 101), token_with("ghp_", 202));
        let spawn = |t: &str| {
            let mut cmd = p.cmd(&["init", "--offline", "--token-stdin"]);
            cmd.stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null());
            let mut child = cmd.spawn().unwrap();
            use std::io::Write;
            child.stdin.take().unwrap().write_all(t.as_bytes()).unwrap();
            child
        };
        let (mut x, mut y) = (spawn(&a), spawn(&b));
        assert!(x.wait().unwrap().success() && y.wait().unwrap().success());
        let pairs = dotenv_pairs(&p.read(".env"));
        let token = &pairs
            .iter()
            .find(|(k, _)| k == "REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN")
            .unwrap()
            .1;
        assert!(*token == a || *token == b);
        assert!(
            pairs.contains(&("PORT".into(), "3000".into())),
            "the user's lines survive: {pairs:?}"
        );
        assert_eq!(pairs.len(), 4, "{pairs:?}");
        assert_eq!(p.mode(".env"), 0o600);
        let names: Vec<String> = std::fs::read_dir(p.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(!names.iter().any(|n| n.starts_with(".ghenv-")), "{names:?}");
    }
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the crash and fail points exist only in debug builds"
)]
fn crash_after_the_temp_files_leaves_the_old_files() {
    Row::github(vec![Reply::ok("octocat", COURSE_SCOPES)])
        .env("GHENV_FAILPOINT", "after-temp")
        .fails(7, &["failpoint"])
        .check();
}
