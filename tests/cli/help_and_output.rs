//! Output conventions (quiet, verbose, colour, JSON shapes), help,
//! completions, the man page, and the small commands.

use crate::common::*;

#[test]
fn templates_lists_the_builtin_ones() {
    let p = Project::new();
    let out = p.run(&["templates"], "");
    out.code(0);
    for name in ["react (default)", "vite", "node", "plain"] {
        assert!(out.stdout.contains(name), "{out}");
    }
    assert!(
        out.stdout
            .contains("REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN, REACT_APP_GITHUB_GRAPHQL_URL")
    );
    let j = p.run(&["templates", "--json"], "").json();
    let names: Vec<&str> = j
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "react",
            "vite",
            "node",
            "plain",
            "react-proxy",
            "vite-proxy"
        ]
    );
    assert_eq!(j[0]["default"], true);
    assert_eq!(j[3]["variables"], serde_json::json!(["GITHUB_TOKEN"]));
}

#[test]
fn an_unknown_template_is_a_usage_error() {
    let p = Project::new();
    p.run(
        &[
            "init",
            "--template",
            "angular",
            "--offline",
            "--token-stdin",
        ],
        &classic(),
    )
    .code(2)
    .stderr_has(&[
        "no such template",
        "react, vite, node, plain",
        "ghenv templates",
    ]);
}

#[test]
fn quiet_prints_nothing_on_success() {
    let p = Project::new();
    let out = p.run(
        &["init", "--token-stdin", "--offline", "--quiet"],
        &classic(),
    );
    out.code(0);
    assert_eq!(out.stderr, "");
    assert_eq!(out.stdout, "");
}

#[test]
fn no_escape_codes_when_not_a_terminal() {
    let p = Project::new();
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", "repo")]);
    let out = p.init(&fake, &classic(), &[]);
    out.code(4);
    assert!(!out.stderr.contains('\x1b'), "{out}");
}

#[test]
fn verbose_shows_the_endpoint_and_request_id_but_not_the_token() {
    let p = Project::new();
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    let token = classic();
    p.init(&fake, &token, &["--verbose"])
        .code(0)
        .never_shows(&token)
        .stderr_has(&[&format!("POST {}", fake.url()), "X-GitHub-Request-Id: E3C4"]);
}

#[test]
fn help_and_version_work_and_no_arguments_shows_the_overview() {
    let p = Project::new();
    let out = p.run(&["--help"], "");
    out.code(0);
    assert!(out.stdout.contains("Exit codes"));
    for cmd in ["init", "check", "templates"] {
        let out = p.run(&[cmd, "--help"], "");
        out.code(0);
        assert!(out.stdout.contains("Examples:"), "{cmd}: {out}");
    }
    let out = p.run(&["--version"], "");
    out.code(0);
    assert_eq!(
        out.stdout,
        format!("ghenv {}\n", env!("CARGO_PKG_VERSION")),
        "the version, alone, on stdout"
    );
    // ghenv alone prints the overview, on stdout, and succeeds.
    let out = p.run(&[], "");
    out.code(0);
    assert!(out.stdout.contains("Commands:"), "{out}");
}

#[test]
fn a_misspelt_command_gets_a_suggestion() {
    let p = Project::new();
    p.run(&["chek"], "").code(2).stderr_has(&["check"]);
}

#[test]
fn completions_generate_for_every_shell() {
    let p = Project::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = p.run(&["completions", shell], "");
        out.code(0);
        for word in ["init", "unlock", "scan", "token-stdin"] {
            assert!(out.stdout.contains(word), "{shell} lacks {word}");
        }
        // --template <TAB> offers the built-in templates (clap_complete
        // lists values for these shells, not for PowerShell or Elvish).
        if ["bash", "zsh", "fish"].contains(&shell) {
            assert!(
                out.stdout.contains("vite"),
                "{shell} lacks the template names"
            );
        }
    }
    let bash = p.run(&["completions", "bash"], "").stdout;
    assert!(
        bash.contains("compgen -W \"react vite node plain react-proxy vite-proxy\""),
        "{bash}"
    );
    p.run(&["completions", "tcsh"], "").code(2);
}

#[test]
fn the_man_page_generates() {
    let p = Project::new();
    let out = p.run(&["man"], "");
    out.code(0);
    assert!(out.stdout.contains(".TH ghenv 1"));
    assert!(out.stdout.contains("init"));
    // Every page ghenv(1) refers to exists.
    let dir = p.home.path().join("man1");
    std::fs::create_dir(&dir).unwrap();
    p.run(&["man", "--dir", dir.to_str().unwrap()], "").code(0);
    let mut refs = 0;
    for page in std::fs::read_dir(&dir).unwrap() {
        let text = std::fs::read_to_string(page.unwrap().path()).unwrap();
        for line in text
            .lines()
            .filter(|l| l.starts_with("ghenv\\-") && l.ends_with("(1)"))
        {
            let name = line["ghenv\\-".len()..line.len() - 3].replace("\\-", "-");
            assert!(
                dir.join(format!("ghenv-{name}.1")).exists(),
                "ghenv-{name}(1) has no page"
            );
            refs += 1;
        }
    }
    assert!(refs >= 14, "{}", out.stdout);
    // A folder that does not exist yet is made.
    let fresh = p.home.path().join("share/man/man1");
    p.run(&["man", "--dir", fresh.to_str().unwrap()], "")
        .code(0);
    assert!(fresh.join("ghenv-init.1").exists());
    let page = p.run(&["man", "recipients", "add"], "");
    page.code(0);
    assert!(page.stdout.contains(".TH ghenv-recipients-add 1"), "{page}");
    p.run(&["man", "nope"], "")
        .code(2)
        .stderr_has(&["no command"]);
    // A reader that stops early is not an error.
    let ghenv = env!("CARGO_BIN_EXE_ghenv");
    let out = std::process::Command::new("sh")
        .args(["-c", &format!("'{ghenv}' man | head -1 >/dev/null")])
        .output()
        .unwrap();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_command_has_help_with_an_example() {
    let p = Project::new();
    for cmd in [
        vec!["init"],
        vec!["check"],
        vec!["doctor"],
        vec!["unlock"],
        vec!["run"],
        vec!["proxy"],
        vec!["revoke"],
        vec!["rotate"],
        vec!["recipients", "list"],
        vec!["recipients", "add"],
        vec!["recipients", "remove"],
        vec!["keygen"],
        vec!["pubkey"],
        vec!["scopes"],
        vec!["scan"],
        vec!["hook", "install"],
        vec!["hook", "uninstall"],
        vec!["completions"],
        vec!["man"],
        vec!["templates"],
    ] {
        let mut args = cmd.clone();
        args.push("--help");
        let out = p.run(&args, "");
        out.code(0);
        assert!(
            out.stdout.contains("Example"),
            "{cmd:?} --help has no example\n{out}"
        );
    }
}

#[test]
fn every_commands_help_starts_with_what_the_overview_says_it_does() {
    // The commands' arguments are built only when run (clap's defer): a
    // doc comment on an argument struct would then replace the command's
    // about, in its --help and its man page.
    let p = Project::new();
    let overview = p.run(&["--help"], "").stdout;
    let listed: Vec<(String, String)> = overview
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter_map(|l| {
            let l = l.strip_prefix("  ")?;
            let (name, about) = l.split_once(' ')?;
            (!name.is_empty()).then(|| (name.to_owned(), about.trim().to_owned()))
        })
        .filter(|(name, _)| name != "help")
        .collect();
    assert!(listed.len() >= 17, "{overview}");
    for (name, about) in listed {
        let help = p.run(&[&name, "--help"], "");
        help.code(0);
        // The overview wraps long lines; compare the start.
        let start: String = about.chars().take(30).collect();
        assert!(
            help.stdout.starts_with(&start),
            "{name} --help does not start with {start:?}\n{help}"
        );
        let page = p.run(&["man", &name], "").stdout;
        let page = page.replace("\\-", "-").replace("\\*(Aq", "'");
        assert!(page.contains(&start), "man {name}\n{page}");
    }
}

fn keys(v: &serde_json::Value) -> Vec<String> {
    let mut k: Vec<String> = v
        .as_object()
        .expect("a JSON object")
        .keys()
        .cloned()
        .collect();
    k.sort();
    k
}

#[test]
fn json_shapes_are_the_documented_ones() {
    let p = Project::new();
    p.git_init();
    let token = classic();
    let (key, public) = p.keygen("a.txt");
    let fake = FakeGitHub::start(vec![
        Reply::ok("octocat", COURSE_SCOPES),
        Reply::ok("octocat", COURSE_SCOPES),
        Reply::ok("octocat", COURSE_SCOPES),
    ]);
    let k = key.to_str().unwrap();

    let init = p.init(&fake, &token, &["--json", "-r", &public]).json();
    assert_eq!(
        keys(&init),
        [
            "encrypted",
            "endpoint",
            "expires_at",
            "files",
            "hook",
            "login",
            "name",
            "ok",
            "rate_limit",
            "request_id",
            "scopes",
            "template",
            "token",
            "validated"
        ]
    );
    assert_eq!(keys(&init["token"]), ["masked", "source", "type"]);
    assert_eq!(keys(&init["scopes"]), ["granted", "missing", "required"]);
    assert_eq!(keys(&init["encrypted"]), ["passphrase", "recipients"]);

    let check = p.run(&["check", "--json"], "").json();
    assert_eq!(
        keys(&check),
        [
            "endpoint",
            "expires_at",
            "login",
            "name",
            "ok",
            "rate_limit",
            "request_id",
            "scopes",
            "token",
            "validated"
        ]
    );
    let rotate = p.run(
        &["rotate", "--json", "--token-stdin", "-i", k],
        &token_with("ghp_", 8),
    );
    assert_eq!(keys(&rotate.json()), keys(&init));

    assert_eq!(
        keys(&p.run(&["unlock", "--json", "-i", k], "").json()),
        ["files", "ok", "token"]
    );
    assert_eq!(
        keys(&p.run(&["recipients", "list", "--json"], "").json()),
        [
            "accepted",
            "fingerprints",
            "origins",
            "passphrase",
            "recipients"
        ]
    );
    let (_, other) = p.keygen("b.txt");
    assert_eq!(
        keys(
            &p.run(&["recipients", "add", &other, "-i", k, "--json"], "")
                .json()
        ),
        ["changed", "ok", "recipients"]
    );
    assert_eq!(
        keys(
            &p.run(
                &[
                    "keygen",
                    "--json",
                    "--output",
                    p.home.path().join("c.txt").to_str().unwrap()
                ],
                ""
            )
            .json()
        ),
        ["path", "public_key"]
    );
    assert_eq!(
        keys(&p.run(&["pubkey", "--json", "-i", k], "").json()),
        ["path", "public_keys"]
    );
    assert_eq!(
        keys(&p.run(&["scopes", "--json"], "").json()),
        ["new_token_url", "scopes", "template"]
    );
    assert_eq!(
        keys(&p.run(&["scan", "--json"], "").json()),
        ["binary_files", "files_scanned", "findings", "mode", "ok"]
    );
    assert_eq!(
        keys(&p.run(&["hook", "install", "--json"], "").json()),
        ["hook", "ok", "status"]
    );
    assert_eq!(
        keys(&p.run(&["hook", "uninstall", "--json"], "").json()),
        ["hook", "ok", "status"]
    );
    let templates = p.run(&["templates", "--json"], "").json();
    assert_eq!(
        keys(&templates[0]),
        [
            "default",
            "description",
            "name",
            "origin",
            "scopes",
            "token_var",
            "variables"
        ]
    );
    let failed = p.run(&["check", "--json", "--token-stdin"], "nope").json();
    assert_eq!(keys(&failed), ["error", "ok"]);
    assert_eq!(keys(&failed["error"]), ["code", "hint", "kind", "message"]);
}

#[test]
fn a_broken_template_file_does_not_hide_the_others() {
    let p = Project::new();
    let dir = p.home.path().join("templates");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("mine.toml"),
        "description = \"mine\"\nscopes = [\"repo\"]\ntoken_var = \"MY_TOKEN\"\nenv = \"MY_TOKEN={{ token | dotenv }}\\n\"\nenv_example = \"MY_TOKEN=\\n\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("broken.toml"), "description = \n").unwrap();
    let d = dir.to_str().unwrap();
    let out = p.run(&["templates", "--template-dir", d, "--json"], "");
    out.code(0).stderr_has(&["template broken", "skipped"]);
    let names: Vec<String> = out
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(names.contains(&"mine".to_owned()) && names.contains(&"react".to_owned()));
    // Using it says to fix the file, not to list the templates.
    let out = p.run(
        &[
            "init",
            "--offline",
            "--token-stdin",
            "-t",
            "broken",
            "--template-dir",
            d,
            "--json",
        ],
        &classic(),
    );
    out.code(2);
    let j = out.json();
    assert_eq!(j["error"]["kind"], "template_invalid");
    assert!(
        j["error"]["hint"]
            .as_str()
            .unwrap()
            .contains("fix the template file")
    );
    // check finds a project's own template like run does.
    p.run(
        &[
            "init",
            "--offline",
            "--token-stdin",
            "-t",
            "mine",
            "--template-dir",
            d,
        ],
        &classic(),
    )
    .code(0);
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", "repo")]);
    p.run(
        &["check", "--template-dir", d, "--endpoint", &fake.url()],
        "",
    )
    .code(0);
}

// ------------------------------------------------------------ the process
// ghenv has its own entry point instead of std's runtime set-up (start-up
// speed); these are the parts of that set-up it must keep.

#[test]
fn a_closed_standard_descriptor_is_held_by_dev_null() {
    // With stdout closed, the first file ghenv opened would take its
    // number, and what ghenv prints would go into that file. ghenv opens
    // /dev/null there first, which the command `run` starts inherits.
    let p = Project::new();
    p.run(&["init", "--token-stdin", "--offline"], &classic())
        .code(0);
    // python3 closes fd 1 and execs ghenv, whose command prints where its
    // own fd 1 leads (shells re-arrange descriptors on their own).
    let ghenv = env!("CARGO_BIN_EXE_ghenv");
    let show = "import os, sys; sys.stderr.write(os.readlink('/proc/self/fd/1'))";
    let launch = "import os, sys; os.close(1); os.execv(sys.argv[1], sys.argv[1:])";
    let mut cmd = std::process::Command::new("python3");
    cmd.args(["-c", launch, ghenv, "run", "--", "python3", "-c", show]);
    cmd.current_dir(p.path()).env("HOME", p.home.path());
    let out = p.run_with(cmd, b"");
    out.code(0);
    assert_eq!(out.stderr.trim(), "/dev/null", "{out}");
}

#[test]
fn a_closed_pipe_ends_ghenv_quietly_not_by_a_signal() {
    // The reader is gone before ghenv starts: its read end is closed
    // here, so the first write fails, however fast or slow the machine.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ghenv"))
        .arg("man")
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    // Killed by SIGPIPE, there would be no exit code at all.
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "",
        "quietly: no broken-pipe message"
    );
}

#[test]
fn run_gives_the_command_the_default_sigpipe() {
    let p = Project::new();
    p.run(&["init", "--token-stdin", "--offline"], &classic())
        .code(0);
    let out = p.run(&["run", "--", "cat", "/proc/self/status"], "");
    out.code(0);
    let ignored = out
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("SigIgn:"))
        .map(|m| u64::from_str_radix(m.trim(), 16).unwrap())
        .expect("SigIgn");
    let sigpipe = 1u64 << (13 - 1);
    assert_eq!(ignored & sigpipe, 0, "SIGPIPE ignored in the command");
}

#[test]
fn colour_follows_each_stream_and_the_usual_variables() {
    let p = Project::new();
    p.write(
        "package.json",
        "{\"name\":\"app\",\"dependencies\":{\"vite\":\"*\"}}\n",
    );
    // stdout is a pipe here: no escape codes, whatever stderr is.
    let out = p.run(&["doctor", "--offline"], "");
    assert!(!out.stdout.contains('\u{1b}'), "{out}");
    // Forced, the results are coloured even into a pipe...
    for (k, v) in [("CLICOLOR_FORCE", "1"), ("FORCE_COLOR", "1")] {
        let mut cmd = p.cmd(&["doctor", "--offline"]);
        cmd.env(k, v);
        let out = p.run_with(cmd, b"");
        assert!(out.stdout.contains("\u{1b}["), "{k}: {out}");
    }
    // ...unless forced off; NO_COLOR wins over nothing but a force.
    let mut cmd = p.cmd(&["doctor", "--offline"]);
    cmd.env("FORCE_COLOR", "0").env("NO_COLOR", "1");
    let out = p.run_with(cmd, b"");
    assert!(!out.stdout.contains('\u{1b}'), "{out}");
}
