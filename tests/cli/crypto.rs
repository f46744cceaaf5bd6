//! age encryption: round trips, several recipients, interop with the Go
//! `age`, and every decryption error. Each test that writes config.toml
//! searches it for the plaintext token.

use crate::common::*;

/// `ghenv init --offline --encrypt ARGS` with `token` on stdin.
fn init_encrypted(p: &Project, token: &str, args: &[&str]) -> Output {
    let mut all = vec!["init", "--token-stdin", "--offline", "--encrypt"];
    all.extend_from_slice(args);
    p.run(&all, token)
}

#[test]
fn encrypt_without_recipients_creates_the_default_identity() {
    let p = Project::new();
    let token = classic();
    let out = init_encrypted(&p, &token, &[]);
    out.code(0)
        .never_shows(&token)
        .stderr_has(&["Created your age identity", ".config/ghenv/identity.txt"]);
    let id = p.home.path().join(".config/ghenv/identity.txt");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&id).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(
        std::fs::metadata(id.parent().unwrap())
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o700
    );
    let text = std::fs::read_to_string(&id).unwrap();
    assert!(text.starts_with("# created: "), "{text}");
    assert!(text.contains("# public key: age1"));
    assert!(text.contains("\nAGE-SECRET-KEY-1"));

    let config = p.config_without(&token);
    assert!(config.contains("-----BEGIN AGE ENCRYPTED FILE-----"));
    let c: toml::Table = toml::from_str(&config).unwrap();
    assert_eq!(c["secret"]["format"].as_str(), Some("age"));
    let public = p.run(&["pubkey"], "").stdout.trim().to_owned();
    assert_eq!(p.recipients(), vec![public]);

    // A fresh clone: no .env; the default identity decrypts.
    p.unlock(&[]).code(0).never_shows(&token);
    assert_eq!(p.env_token(), token);
    assert_eq!(p.mode(".env"), 0o600);
}

#[test]
fn x25519_recipient_round_trip() {
    let p = Project::new();
    let (key, public) = p.keygen("alice.txt");
    let token = classic();
    init_encrypted(&p, &token, &["-r", &public])
        .code(0)
        .never_shows(&token);
    p.config_without(&token);
    assert_eq!(p.recipients(), vec![public]);
    p.unlock(&["-i", key.to_str().unwrap()])
        .code(0)
        .never_shows(&token);
    assert_eq!(p.env_token(), token);
}

#[test]
fn ssh_ed25519_round_trip() {
    let p = Project::new();
    let (key, public) = p.ssh_keygen("id_ed25519", "ed25519", "");
    let token = classic();
    init_encrypted(&p, &token, &["-r", &public]).code(0);
    p.config_without(&token);
    assert!(p.recipients()[0].starts_with("ssh-ed25519 "));
    p.unlock(&["-i", key.to_str().unwrap()])
        .code(0)
        .never_shows(&token);
    assert_eq!(p.env_token(), token);
}

#[test]
fn ssh_rsa_round_trip_from_the_default_ssh_key() {
    let p = Project::new();
    std::fs::create_dir(p.home.path().join(".ssh")).unwrap();
    let (_, public) = p.ssh_keygen(".ssh/id_rsa", "rsa", "");
    let token = classic();
    init_encrypted(&p, &token, &["-r", &public]).code(0);
    p.config_without(&token);
    assert!(p.recipients()[0].starts_with("ssh-rsa "));
    // No -i: ~/.ssh/id_rsa is found on its own.
    p.unlock(&[]).code(0).never_shows(&token);
    assert_eq!(p.env_token(), token);
}

#[test]
fn passphrase_round_trip_and_wrong_passphrase() {
    let p = Project::new();
    let token = classic();
    let mut cmd = p.cmd(&["init", "--token-stdin", "--offline", "--passphrase"]);
    cmd.env("GHENV_PASSPHRASE", "correct horse battery staple");
    p.run_with(cmd, token.as_bytes())
        .code(0)
        .never_shows(&token);
    let config = p.config_without(&token);
    let c: toml::Table = toml::from_str(&config).unwrap();
    assert_eq!(c["secret"]["passphrase"].as_bool(), Some(true));
    assert!(p.recipients().is_empty());

    let _ = std::fs::remove_file(p.file(".env"));
    let mut cmd = p.cmd(&["unlock"]);
    cmd.env("GHENV_PASSPHRASE", "correct horse battery staple");
    p.run_with(cmd, b"").code(0).never_shows(&token);
    assert_eq!(p.env_token(), token);

    let _ = std::fs::remove_file(p.file(".env"));
    let mut cmd = p.cmd(&["unlock"]);
    cmd.env("GHENV_PASSPHRASE", "wrong");
    let out = p.run_with(cmd, b"");
    out.code(6).stderr_has(&[
        "wrong passphrase",
        "GHENV_PASSPHRASE is set",
        "unset GHENV_PASSPHRASE",
    ]);
    assert!(!out.stderr.contains("set GHENV_PASSPHRASE or"), "{out}");
    assert!(!p.exists(".env"));

    // Not interactive and no GHENV_PASSPHRASE.
    p.unlock(&[])
        .code(6)
        .stderr_has(&["encrypted with a passphrase", "GHENV_PASSPHRASE"]);
}

#[test]
fn passphrase_cannot_be_mixed_with_recipients() {
    let p = Project::new();
    let (_, public) = p.keygen("a.txt");
    let out = init_encrypted(&p, &classic(), &["--passphrase", "-r", &public]);
    out.code(2)
        .stderr_has(&["--passphrase", "cannot be used with"]);
    assert!(!p.exists("config.toml"));
}

#[test]
fn several_recipients_can_each_decrypt() {
    let p = Project::new();
    let (ka, pa) = p.keygen("a.txt");
    let (kb, pb) = p.keygen("b.txt");
    let (kc, pc) = p.ssh_keygen("c_ed25519", "ed25519", "");
    let team = p.home.path().join("team.keys");
    std::fs::write(&team, format!("# the team\n\n{pb}\n{pc}\n")).unwrap();
    let token = classic();
    init_encrypted(&p, &token, &["-r", &pa, "-R", team.to_str().unwrap()]).code(0);
    p.config_without(&token);
    assert_eq!(p.recipients().len(), 3);
    for key in [ka, kb, kc] {
        p.unlock(&["-i", key.to_str().unwrap()]).code(0);
        assert_eq!(p.env_token(), token);
    }
}

#[test]
fn the_reference_age_decrypts_what_ghenv_encrypts() {
    let p = Project::new();
    let (key, public) = p.keygen("a.txt");
    let token = classic();
    init_encrypted(&p, &token, &["-r", &public]).code(0);
    let file = p.home.path().join("token.age");
    std::fs::write(&file, p.armored()).unwrap();
    let out = age_cmd(
        &["-d", "-i", key.to_str().unwrap(), file.to_str().unwrap()],
        b"",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), token);
}

#[test]
fn ghenv_decrypts_what_the_reference_age_encrypts() {
    let p = Project::new();
    let (key, public) = p.keygen("a.txt");
    let old = classic();
    init_encrypted(&p, &old, &["-r", &public]).code(0);
    // Replace [secret].token with Go age's armored output for another token.
    let token = token_with("ghp_", 99);
    let out = age_cmd(&["-a", "-r", &public], token.as_bytes());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let armored = String::from_utf8(out.stdout).unwrap();
    let config = p.read("config.toml");
    let start = config.find("-----BEGIN").unwrap();
    let end = config.find("-----END AGE ENCRYPTED FILE-----").unwrap()
        + "-----END AGE ENCRYPTED FILE-----\n".len();
    p.write(
        "config.toml",
        &format!("{}{}{}", &config[..start], armored, &config[end..]),
    );
    // A token swapped in [secret] is only used once accepted here.
    p.unlock(&["-i", key.to_str().unwrap()])
        .code(7)
        .never_shows(&token);
    p.run(&["allow", "-i", key.to_str().unwrap()], "")
        .code(0)
        .never_shows(&token);
    p.unlock(&["-i", key.to_str().unwrap(), "--replace"])
        .code(0)
        .never_shows(&token);
    assert_eq!(p.env_token(), token);
}

#[test]
fn ghenv_identity_in_the_environment_is_for_ci() {
    let p = Project::new();
    let (key, public) = p.keygen("ci.txt");
    let token = classic();
    init_encrypted(&p, &token, &["-r", &public]).code(0);
    let _ = std::fs::remove_file(p.file(".env"));
    let mut cmd = p.cmd(&["unlock"]);
    cmd.env("GHENV_IDENTITY", std::fs::read_to_string(&key).unwrap());
    p.run_with(cmd, b"").code(0).never_shows(&token);
    assert_eq!(p.env_token(), token);
}

#[test]
fn no_env_keeps_the_token_only_in_config() {
    let p = Project::new();
    let (_, public) = p.keygen("a.txt");
    let token = classic();
    init_encrypted(&p, &token, &["-r", &public, "--no-env"])
        .code(0)
        .stderr_has(&["No .env written"]);
    assert!(!p.exists(".env"));
    p.config_without(&token);
    // --no-env alone makes no sense.
    let q = Project::new();
    q.run(&["init", "--token-stdin", "--offline", "--no-env"], &token)
        .code(2)
        .stderr_has(&["--no-env"]);
    assert!(q.snapshot().is_empty());
}

#[test]
fn rerunning_init_keeps_the_recipients_unless_new_ones_are_given() {
    let p = Project::new();
    let (ka, pa) = p.keygen("a.txt");
    let (_, pb) = p.keygen("b.txt");
    let token = classic();
    init_encrypted(&p, &token, &["-r", &pa, "-r", &pb]).code(0);
    // Kept recipients were accepted on this machine when this user set
    // them: no identity is needed to re-encrypt to them.
    init_encrypted(&p, &token, &[])
        .code(0)
        .stderr_has(&["recipients config.toml already has"]);
    init_encrypted(&p, &token, &["-i", ka.to_str().unwrap()])
        .code(0)
        .stderr_has(&["recipients config.toml already has"]);
    assert_eq!(p.recipients(), vec![pa.clone(), pb]);
    init_encrypted(&p, &token, &["-r", &pa]).code(0);
    assert_eq!(p.recipients(), vec![pa]);
    // Without --encrypt, an encrypted project stays encrypted and consistent.
    let new = token_with("ghp_", 5);
    p.run(
        &[
            "init",
            "--token-stdin",
            "--offline",
            "-i",
            ka.to_str().unwrap(),
        ],
        &new,
    )
    .code(0);
    p.config_without(&new);
    assert!(p.read("config.toml").contains("[secret]"));
}

#[test]
fn check_works_from_config_alone_when_env_is_absent() {
    let p = Project::new();
    let (key, public) = p.keygen("a.txt");
    let token = classic();
    init_encrypted(&p, &token, &["-r", &public, "--no-env"]).code(0);
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    let out = p.run(
        &[
            "check",
            "--json",
            "-i",
            key.to_str().unwrap(),
            "--endpoint",
            &fake.url(),
        ],
        "",
    );
    out.code(0).never_shows(&token);
    assert_eq!(out.json()["token"]["source"], "config");
    assert_eq!(
        fake.requests()[0].header("authorization"),
        Some(format!("bearer {token}").as_str())
    );
}

// ------------------------------------------------------------ run

#[test]
fn run_passes_the_environment_and_the_exit_code() {
    let p = Project::new();
    let (key, public) = p.keygen("a.txt");
    let token = classic();
    init_encrypted(&p, &token, &["-r", &public]).code(0);
    // The template's variables and the environment ghenv was given; the
    // rest of .env is the app's to read, never exported (issue 30: it may
    // be a pusher's, with `LD_PRELOAD=` in it).
    let env = p.read(".env");
    p.write(".env", &format!("{env}PORT=3000\nHOST=from-dotenv\n"));
    let script = "test \"$REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN\" = \"$EXPECTED\" && test -z \"$PORT\" && test \"$HOST\" = from-env && test -n \"$REACT_APP_GITHUB_GRAPHQL_URL\" && exit 42";
    let mut cmd = p.cmd(&["run", "-i", key.to_str().unwrap(), "--", "sh", "-c", script]);
    cmd.env("EXPECTED", &token).env("HOST", "from-env");
    let out = p.run_with(cmd, b"");
    out.code(42).never_shows(&token);
}

#[test]
fn run_writes_no_plaintext_file() {
    let p = Project::new();
    let (key, public) = p.keygen("a.txt");
    let token = classic();
    init_encrypted(&p, &token, &["-r", &public, "--no-env"]).code(0);
    let before = p.snapshot();
    let out = p.run(
        &[
            "run",
            "-i",
            key.to_str().unwrap(),
            "--",
            "sh",
            "-c",
            "test -n \"$REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN\"",
        ],
        "",
    );
    out.code(0);
    assert_eq!(p.snapshot(), before);
    assert!(!p.exists(".env"));
}

#[test]
fn run_with_a_missing_command_exits_127() {
    let p = Project::new();
    let token = classic();
    p.run(&["init", "--token-stdin", "--offline"], &token)
        .code(0);
    p.run(&["run", "--", "no-such-command-ghenv"], "")
        .code(127)
        .stderr_has(&["cannot run no-such-command-ghenv"]);
}

#[test]
fn run_needs_a_command() {
    let p = Project::new();
    let out = p.run(&["run"], "");
    // clap's own usage error, naming what is missing, before any project
    // or token is looked at.
    out.code(2).stderr_has(&["<CMD>", "Usage:"]);
    assert!(!out.stderr.contains("no token"), "{out}");
}

// ------------------------------------------------------------ recipients and rotate

#[test]
fn recipients_add_and_remove_change_who_can_decrypt() {
    let p = Project::new();
    let (ka, pa) = p.keygen("a.txt");
    let (kb, pb) = p.keygen("b.txt");
    let token = classic();
    init_encrypted(&p, &token, &["-r", &pa]).code(0);

    // b cannot decrypt yet.
    p.unlock(&["-i", kb.to_str().unwrap()])
        .code(6)
        .stderr_has(&["none of the identities", &pa, "b.txt"]);

    // a adds b.
    p.run(&["recipients", "add", &pb, "-i", ka.to_str().unwrap()], "")
        .code(0)
        .never_shows(&token);
    p.config_without(&token);
    assert_eq!(p.recipients(), vec![pa.clone(), pb.clone()]);
    let listed = p.run(&["recipients", "list", "-i", ka.to_str().unwrap()], "");
    assert_eq!(
        listed.stdout,
        format!("{pa}  (accepted here)\n{pb}  (accepted here)\n")
    );
    p.unlock(&["-i", kb.to_str().unwrap()]).code(0);
    assert_eq!(p.env_token(), token);

    // b removes a; a can no longer decrypt.
    p.run(
        &["recipients", "remove", &pa, "-i", kb.to_str().unwrap()],
        "",
    )
    .code(0)
    .stderr_has(&["ghenv rotate"]);
    p.config_without(&token);
    assert_eq!(p.recipients(), vec![pb.clone()]);
    p.unlock(&["-i", ka.to_str().unwrap()])
        .code(6)
        .stderr_has(&["none of the identities"]);

    // The last one cannot be removed.
    let before = p.snapshot();
    p.run(
        &["recipients", "remove", &pb, "-i", kb.to_str().unwrap()],
        "",
    )
    .code(7)
    .stderr_has(&["every recipient"]);
    assert_eq!(p.snapshot(), before);
    // Nor can one who is not there.
    p.run(
        &["recipients", "remove", &pa, "-i", kb.to_str().unwrap()],
        "",
    )
    .code(2)
    .stderr_has(&["is not a recipient"]);
}

#[test]
fn recipients_add_needs_an_identity_that_can_decrypt() {
    let p = Project::new();
    let (_, pa) = p.keygen("a.txt");
    let (kb, pb) = p.keygen("b.txt");
    init_encrypted(&p, &classic(), &["-r", &pa]).code(0);
    let before = p.snapshot();
    p.run(&["recipients", "add", &pb, "-i", kb.to_str().unwrap()], "")
        .code(6);
    assert_eq!(p.snapshot(), before);
}

#[test]
fn rotate_replaces_the_token_everywhere_for_the_same_recipients() {
    let p = Project::new();
    let (ka, pa) = p.keygen("a.txt");
    let (_, pb) = p.keygen("b.txt");
    let old = classic();
    let fake = FakeGitHub::start(vec![
        Reply::ok("octocat", COURSE_SCOPES),
        Reply::ok("octocat", COURSE_SCOPES),
    ]);
    p.init(&fake, &old, &["--encrypt", "-r", &pa, "-r", &pb])
        .code(0);
    let new = token_with("ghp_", 42);
    // -i: an identity that decrypts the old token vouches for the recipients.
    let out = p.run(
        &["rotate", "--token-stdin", "-i", ka.to_str().unwrap()],
        &new,
    );
    out.code(0)
        .never_shows(&new)
        .never_shows(&old)
        .stderr_has(&["revoke the old token"]);
    assert_eq!(
        fake.requests().len(),
        2,
        "rotate validates with GitHub (endpoint from config.toml)"
    );
    assert_eq!(
        fake.requests()[1].header("authorization"),
        Some(format!("bearer {new}").as_str())
    );
    assert_eq!(p.env_token(), new);
    assert_eq!(p.recipients(), vec![pa, pb]);
    for name in [".env", ".env.example", "config.toml"] {
        let text = p.read(name);
        assert!(!text.contains(&old), "{name} still holds the old token");
    }
    p.config_without(&new);
    p.unlock(&["-i", ka.to_str().unwrap()]).code(0);
    assert_eq!(p.env_token(), new);
}

#[test]
fn rotate_rejects_a_bad_new_token_and_keeps_the_old_one() {
    let p = Project::new();
    let old = classic();
    let fake = FakeGitHub::start(vec![
        Reply::ok("octocat", COURSE_SCOPES),
        Reply::bad_credentials(),
    ]);
    p.init(&fake, &old, &[]).code(0);
    let before = p.snapshot();
    p.run(&["rotate", "--token-stdin"], &token_with("ghp_", 3))
        .code(3);
    assert_eq!(p.snapshot(), before);
    p.run(&["rotate", "--token-stdin"], &flipped(&old)).code(3);
    assert_eq!(p.snapshot(), before);
}

#[test]
fn rotate_without_a_project_sets_it_up_as_init_would() {
    // The way on from a hand-written .env whose token went bad (issue 32).
    let p = Project::new();
    let token = classic();
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", COURSE_SCOPES)]);
    p.run(
        &["rotate", "--token-stdin", "--endpoint", &fake.url()],
        &token,
    )
    .code(0)
    .never_shows(&token);
    assert!(p.exists("config.toml"));
    assert_eq!(dotenv_pairs(&p.read(".env"))[0].1, token);
}

// ------------------------------------------------------------ errors (exit 6, nothing written)

fn encrypted_project() -> (Project, std::path::PathBuf, String, String) {
    let p = Project::new();
    let (key, public) = p.keygen("a.txt");
    let token = classic();
    init_encrypted(&p, &token, &["-r", &public, "--no-env"]).code(0);
    (p, key, public, token)
}

#[test]
fn no_identity_found_says_where_it_looked() {
    let (p, _, _, token) = encrypted_project();
    let before = p.snapshot();
    p.run(&["unlock"], "")
        .code(6)
        .never_shows(&token)
        .stderr_has(&[
            "no identity found",
            "$GHENV_IDENTITY",
            ".config/ghenv/identity.txt",
            ".ssh/id_ed25519",
            "ghenv keygen",
        ]);
    assert_eq!(p.snapshot(), before);
}

#[test]
fn corrupted_or_truncated_ciphertext_is_reported() {
    let (p, key, _, token) = encrypted_project();
    let config = p.read("config.toml");
    let begin = config.find("-----BEGIN AGE ENCRYPTED FILE-----\n").unwrap() + 35;
    // Truncated: drop half the armored body.
    let end = config.find("-----END").unwrap();
    let cut = format!("{}{}", &config[..begin + (end - begin) / 2], &config[end..]);
    p.write("config.toml", &cut);
    let before = p.snapshot();
    p.run(&["unlock", "-i", key.to_str().unwrap()], "")
        .code(6)
        .never_shows(&token)
        .stderr_has(&["damaged"]);
    assert_eq!(p.snapshot(), before);
    // Tampered: one character of the payload changed.
    let mut bytes = config.clone().into_bytes();
    let at = end - 10;
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    p.write("config.toml", &String::from_utf8(bytes).unwrap());
    p.run(&["unlock", "-i", key.to_str().unwrap()], "")
        .code(6)
        .stderr_has(&["damaged"]);
    assert!(!p.exists(".env"));
}

#[test]
fn a_malformed_recipient_is_named_with_the_reason_and_nothing_written() {
    let p = Project::new();
    let token = classic();
    init_encrypted(&p, &token, &["-r", "age1notakey"])
        .code(6)
        .stderr_has(&["age1notakey", "not a valid age public key"]);
    assert!(p.snapshot().is_empty());
    init_encrypted(&p, &token, &["-r", "AGE-SECRET-KEY-1QQQQ"])
        .code(6)
        .stderr_has(&["private identity"]);
    let file = p.home.path().join("bad.keys");
    std::fs::write(&file, "# ok\nssh-dss AAAAB3NzaC1kc3MAAACBAP\n").unwrap();
    init_encrypted(&p, &token, &["-R", file.to_str().unwrap()])
        .code(6)
        .stderr_has(&["line 2"]);
    assert!(p.snapshot().is_empty());
}

#[test]
fn an_encrypted_ssh_key_is_refused_without_a_terminal() {
    let p = Project::new();
    let (key, public) = p.ssh_keygen("locked_ed25519", "ed25519", "hunter22");
    let token = classic();
    init_encrypted(&p, &token, &["-r", &public, "--no-env"]).code(0);
    p.run(&["unlock", "-i", key.to_str().unwrap()], "")
        .code(6)
        .stderr_has(&["protected by a passphrase", "terminal"]);
    assert!(!p.exists(".env"));
}

#[test]
fn an_unknown_secret_format_is_refused() {
    let (p, key, _, _) = encrypted_project();
    let config = p
        .read("config.toml")
        .replace("format = \"age\"", "format = \"sops\"");
    p.write("config.toml", &config);
    let before = p.snapshot();
    p.run(&["unlock", "-i", key.to_str().unwrap()], "")
        .code(6)
        .stderr_has(&["format = \"sops\""]);
    init_encrypted(&p, &classic(), &[])
        .code(6)
        .stderr_has(&["format = \"sops\""]);
    assert_eq!(p.snapshot(), before);
}

#[test]
fn unlock_without_a_secret_is_a_usage_error() {
    let p = Project::new();
    p.run(&["unlock"], "")
        .code(2)
        .stderr_has(&["no config.toml"]);
    p.run(&["init", "--token-stdin", "--offline"], &classic())
        .code(0);
    p.run(&["unlock"], "")
        .code(2)
        .stderr_has(&["no [secret]", "ghenv init --encrypt"]);
}

// ------------------------------------------------------------ keys

#[test]
fn keygen_refuses_to_overwrite_without_force_and_pubkey_prints_the_key() {
    let p = Project::new();
    let (path, public) = p.keygen("k.txt");
    let before = std::fs::read(&path).unwrap();
    p.run(&["keygen", "--output", path.to_str().unwrap()], "")
        .code(7)
        .stderr_has(&["already exists", "--force"]);
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(
        p.run(&["pubkey", "-i", path.to_str().unwrap()], "")
            .stdout
            .trim(),
        public
    );
    let out = p.run(
        &["keygen", "--output", path.to_str().unwrap(), "--force"],
        "",
    );
    out.code(0);
    assert_ne!(out.stdout.trim(), public);
    assert_eq!(
        p.run(&["pubkey", "-i", path.to_str().unwrap()], "")
            .stdout
            .trim(),
        out.stdout.trim()
    );
    // An SSH private key's public key too.
    let (ssh, line) = p.ssh_keygen("id_ed25519", "ed25519", "");
    let shown = p.run(&["pubkey", "-i", ssh.to_str().unwrap()], "").stdout;
    assert!(line.starts_with(shown.trim()), "{shown} vs {line}");
}

#[test]
fn keygen_defaults_to_the_config_folder() {
    let p = Project::new();
    let out = p.run(&["keygen", "--json"], "");
    out.code(0);
    let j = out.json();
    assert!(j["public_key"].as_str().unwrap().starts_with("age1"));
    assert!(
        j["path"]
            .as_str()
            .unwrap()
            .ends_with(".config/ghenv/identity.txt")
    );
    assert_eq!(
        p.run(&["pubkey"], "").stdout.trim(),
        j["public_key"].as_str().unwrap()
    );
}

#[test]
fn a_project_from_a_user_template_unlocks_and_runs_with_template_dir() {
    let p = Project::new();
    let tdir = p.home.path().join("templates");
    std::fs::create_dir(&tdir).unwrap();
    std::fs::write(
        tdir.join("mine.toml"),
        "description = \"mine\"\nscopes = [\"repo\"]\ntoken_var = \"MY_TOKEN\"\nenv = \"MY_TOKEN={{ token | dotenv }}\\n\"\nenv_example = \"MY_TOKEN=\\n\"\n",
    )
    .unwrap();
    let t = tdir.to_str().unwrap();
    let (key, public) = p.keygen("a.txt");
    let k = key.to_str().unwrap();
    let token = classic();
    init_encrypted(
        &p,
        &token,
        &["-r", &public, "--template", "mine", "--template-dir", t],
    )
    .code(0);
    // Without the folder, the template cannot be found, and ghenv says how.
    p.unlock(&["-i", k])
        .code(2)
        .stderr_has(&["no such template", "--template-dir"]);
    p.unlock(&["-i", k, "--template-dir", t]).code(0);
    assert_eq!(
        dotenv_pairs(&p.read(".env")),
        vec![("MY_TOKEN".to_string(), token.clone())]
    );
    let mut cmd = p.cmd(&[
        "run",
        "-i",
        k,
        "--template-dir",
        t,
        "--",
        "sh",
        "-c",
        "test \"$MY_TOKEN\" = \"$EXPECTED\"",
    ]);
    cmd.env("EXPECTED", &token);
    p.run_with(cmd, b"").code(0);
    let new = token_with("ghp_", 9);
    let fake = FakeGitHub::start(vec![Reply::ok("octocat", "repo")]);
    p.run(
        &[
            "rotate",
            "--token-stdin",
            "-i",
            k,
            "--template-dir",
            t,
            "--endpoint",
            &fake.url(),
        ],
        &new,
    )
    .code(0);
    assert_eq!(
        dotenv_pairs(&p.read(".env")),
        vec![("MY_TOKEN".to_string(), new.clone())]
    );
    p.config_without(&new);
}

#[test]
fn rotate_says_revoke_only_when_the_token_changed_and_never_claims_no_env() {
    let p = Project::new();
    let (key, public) = p.keygen("a.txt");
    let k = key.to_str().unwrap();
    let token = classic();
    p.run(
        &[
            "init",
            "--offline",
            "--token-stdin",
            "-r",
            &public,
            "--no-env",
        ],
        &token,
    )
    .code(0);
    let fake = FakeGitHub::start(vec![
        Reply::ok("octocat", COURSE_SCOPES),
        Reply::ok("octocat", COURSE_SCOPES),
    ]);
    // The same token again: nothing to revoke.
    let out = p.run(
        &[
            "rotate",
            "--token-stdin",
            "-i",
            k,
            "--endpoint",
            &fake.url(),
        ],
        &token,
    );
    out.code(0).stderr_has(&["no old token to revoke"]);
    assert!(!out.stderr.contains("Now revoke"), "{out}");
    assert!(!out.stderr.contains("(--no-env)"), "{out}");
    assert!(
        out.stderr.contains("keeps its token only in config.toml"),
        "{out}"
    );
    let out = p.run(
        &[
            "rotate",
            "--token-stdin",
            "-i",
            k,
            "--endpoint",
            &fake.url(),
        ],
        &token_with("ghp_", 17),
    );
    out.code(0).stderr_has(&["Now revoke the old token"]);
}

#[test]
fn init_encrypt_takes_the_token_already_in_env_without_asking() {
    let token = classic();
    let p = Project::new();
    p.run(&["init", "--offline", "--token-stdin"], &token)
        .code(0);
    let (key, public) = p.keygen("a.txt");
    // No stdin, no terminal, no variable: the token comes from .env.
    let out = p.run(&["init", "--offline", "-r", &public], "");
    out.code(0)
        .never_shows(&token)
        .stderr_has(&["from REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN in"]);
    p.config_without(&token);
    p.unlock(&["-i", key.to_str().unwrap()]).code(0);
    assert_eq!(p.env_token(), token);
}

#[test]
fn an_age_file_whose_plaintext_ends_in_a_newline_is_read() {
    // `echo "$TOK" | age -a -r KEY`, the natural way, adds a newline.
    let p = Project::new();
    let (key, public) = p.keygen("a.txt");
    let token = classic();
    init_encrypted(&p, &token, &["-r", &public]).code(0);
    let out = age_cmd(&["-a", "-r", &public], format!("{token}\n").as_bytes());
    assert!(out.status.success());
    let armored = String::from_utf8(out.stdout).unwrap();
    let config = p
        .read("config.toml")
        .replace(p.armored().trim_end(), armored.trim_end());
    p.write("config.toml", &config);
    p.unlock(&["-i", key.to_str().unwrap()]).code(0);
    assert_eq!(p.env_token(), token);
}

#[test]
fn keys_age_cannot_use_are_skipped_with_a_warning_and_fail_only_alone() {
    let p = Project::new();
    let (_, ed) = p.ssh_keygen("ed", "ed25519", "");
    let (_, ecdsa) = p.ssh_keygen("ec", "ecdsa", "");
    // A GitHub .keys file with an ECDSA line and an age plugin recipient.
    let plugin = "age1yubikey1qwt50d05nh5vutpdzmlg5wn80xq5negm4uj9ghv0snvdd3yysf5yw3rhl3t";
    p.write("alice.keys", &format!("{ecdsa}\n{ed}\n{plugin}\n"));
    init_encrypted(&p, &classic(), &["-R", "alice.keys"])
        .code(0)
        .stderr_has(&["line 1 skipped", "ecdsa", "line 3 skipped", "plugin"]);
    // The key without its comment, as age writes it.
    let ed_key: Vec<&str> = ed.split_whitespace().take(2).collect();
    assert_eq!(p.recipients(), vec![ed_key.join(" ")]);
    // Nothing usable: an error that says why.
    let q = Project::new();
    q.write("bob.keys", &format!("{ecdsa}\n"));
    init_encrypted(&q, &classic(), &["-R", "bob.keys"])
        .code(6)
        .stderr_has(&["none of its 1 keys can be used"]);
    // A plugin recipient given directly is refused plainly.
    let r = Project::new();
    init_encrypted(&r, &classic(), &["-r", plugin])
        .code(6)
        .stderr_has(&["age plugins are not supported (yet)"]);
    assert!(!r.exists("config.toml"));
}

#[test]
fn plugin_identities_are_skipped_and_an_identity_can_come_from_stdin() {
    let p = Project::new();
    let (key, public) = p.keygen("a.txt");
    let token = classic();
    init_encrypted(&p, &token, &["-r", &public, "--no-env"]).code(0);
    let identity = std::fs::read_to_string(&key).unwrap();
    // An identity file that also holds a plugin identity.
    let mixed = p.home.path().join("mixed.txt");
    std::fs::write(
        &mixed,
        format!("AGE-PLUGIN-YUBIKEY-1QYQS9S9S9S9S9S9S9S9SQQQQQQ\n{identity}"),
    )
    .unwrap();
    p.unlock(&["-i", mixed.to_str().unwrap()]).code(0);
    assert_eq!(p.env_token(), token);
    // Only plugin identities: said plainly.
    let only = p.home.path().join("only.txt");
    std::fs::write(&only, "AGE-PLUGIN-YUBIKEY-1QYQS9S9S9S9S9S9S9S9SQQQQQQ\n").unwrap();
    p.unlock(&["-i", only.to_str().unwrap()])
        .code(6)
        .stderr_has(&["age plugins are not supported (yet)"]);
    // -i - reads it from standard input, as age does.
    let _ = std::fs::remove_file(p.file(".env"));
    p.run(&["unlock", "-i", "-"], &identity).code(0);
    assert_eq!(p.env_token(), token);
}

// ------------------------------------------------- recipients from GitHub

const ECDSA: &str = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEmKSENjQEezOmxkZMy7opKgwFB9nkt5YRrYMjNuG5N87uRgg6CLrbo5wAdT/y6v0mKV0U2w0WZ2YB/++Tpockg=";

/// `ghenv ARGS` with `GHENV_WEB_URL` pointing at `fake`.
fn with_web(p: &Project, fake: &FakeGitHub, args: &[&str], stdin: &str) -> Output {
    let mut cmd = p.cmd(args);
    cmd.env("GHENV_WEB_URL", fake.base());
    p.run_with(cmd, stdin.as_bytes())
}

/// The key part of an SSH public key line (GitHub's .keys drop the comment).
fn bare(key: &str) -> String {
    key.split_whitespace().take(2).collect::<Vec<_>>().join(" ")
}

#[test]
fn recipients_add_github_uses_ed25519_and_rsa_skips_ecdsa_and_records_the_origin() {
    let p = Project::new();
    let (ka, pa) = p.keygen("a.txt");
    let (ked, ped) = p.ssh_keygen("bob_ed", "ed25519", "");
    let (_krsa, prsa) = p.ssh_keygen("bob_rsa", "rsa", "");
    let token = classic();
    init_encrypted(&p, &token, &["-r", &pa]).code(0);
    let fake = FakeGitHub::start(vec![Reply::keys(&[&bare(&ped), ECDSA, &bare(&prsa)])]);
    let a = ka.to_str().unwrap();
    with_web(
        &p,
        &fake,
        &["recipients", "add", "--github", "bob", "-i", a, "--yes"],
        "",
    )
    .code(0)
    .never_shows(&token)
    .stderr_has(&[
        "github:bob: skipped a key of type ecdsa-sha2-nistp256",
        "Using 2 keys of bob",
    ]);
    let r = &fake.requests()[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/bob.keys"));
    assert_eq!(r.header("authorization"), None);
    assert_eq!(p.recipients(), vec![pa.clone(), bare(&ped), bare(&prsa)]);
    // Bob's SSH key decrypts.
    p.unlock(&["-i", ked.to_str().unwrap()]).code(0);
    assert_eq!(p.env_token(), token);
    // The origin is recorded and listed, and survives another change.
    let listed = p.run(&["recipients", "list", "-i", a, "--json"], "");
    let json = listed.json();
    assert_eq!(json["origins"][0], serde_json::Value::Null);
    assert_eq!(json["origins"][1], "github:bob");
    assert_eq!(json["origins"][2], "github:bob");
    p.run(&["recipients", "list", "-i", a], "")
        .stdout_has(&["(accepted here, SHA256:", ", from github:bob)"]);
    let (_kc, pc) = p.keygen("c.txt");
    p.run(&["recipients", "add", &pc, "-i", a], "").code(0);
    assert_eq!(
        p.run(&["recipients", "list", "--json", "-i", a], "").json()["origins"][1],
        "github:bob"
    );
    // remove --github takes out every key added that way.
    p.run(&["recipients", "remove", "--github", "bob", "-i", a], "")
        .code(0);
    assert_eq!(p.recipients(), vec![pa.clone(), pc.clone()]);
    assert!(!p.read("config.toml").contains("github:bob"));
}

#[test]
fn github_user_unknown_or_without_usable_keys_changes_nothing() {
    let p = Project::new();
    let (ka, pa) = p.keygen("a.txt");
    let token = classic();
    init_encrypted(&p, &token, &["-r", &pa]).code(0);
    let a = ka.to_str().unwrap();
    let before = p.snapshot();
    let fake = FakeGitHub::start(vec![
        Reply::not_found(),
        Reply::keys(&[ECDSA]),
        Reply::keys(&[]),
    ]);
    let out = with_web(
        &p,
        &fake,
        &[
            "recipients",
            "add",
            "--github",
            "nobody-here",
            "-i",
            a,
            "--json",
        ],
        "",
    );
    out.code(2);
    assert_eq!(out.json()["error"]["kind"], "github_user_unknown");
    let out = with_web(
        &p,
        &fake,
        &[
            "recipients",
            "add",
            "--github",
            "ecdsa-only",
            "-i",
            a,
            "--json",
        ],
        "",
    );
    out.code(6);
    assert_eq!(out.json()["error"]["kind"], "no_usable_keys");
    assert!(
        out.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("ecdsa-sha2-nistp256")
    );
    with_web(
        &p,
        &fake,
        &["recipients", "add", "--github", "keyless", "-i", a],
        "",
    )
    .code(6)
    .stderr_has(&["there are none", "settings/keys"]);
    // Not a login: never sent (no request left in the fake for it).
    with_web(
        &p,
        &fake,
        &["recipients", "add", "--github", "../etc/passwd", "-i", a],
        "",
    )
    .code(2)
    .stderr_has(&["is not a GitHub username"]);
    assert_eq!(p.snapshot(), before);
}

#[test]
fn init_encrypt_github_encrypts_to_the_users_keys() {
    let p = Project::new();
    let (ked, ped) = p.ssh_keygen("alice_ed", "ed25519", "");
    let fake = FakeGitHub::start(vec![Reply::keys(&[&bare(&ped)])]);
    let token = classic();
    with_web(
        &p,
        &fake,
        &[
            "init",
            "--token-stdin",
            "--offline",
            "--encrypt",
            "--github",
            "alice",
            "--no-env",
            "--yes",
        ],
        &token,
    )
    .code(0)
    .never_shows(&token);
    assert_eq!(p.recipients(), vec![bare(&ped)]);
    assert!(p.read("config.toml").contains("github:alice"));
    p.unlock(&["-i", ked.to_str().unwrap()]).code(0);
    assert_eq!(p.env_token(), token);
}

#[test]
fn github_keys_are_shown_with_fingerprints_and_need_a_yes_and_only_ssh_lines_count() {
    let p = Project::new();
    let (ka, pa) = p.keygen("a.txt");
    let (ked, ped) = p.ssh_keygen("bob_ed", "ed25519", "");
    let (_, mallory_age) = p.keygen("m.txt");
    let token = classic();
    init_encrypted(&p, &token, &["-r", &pa]).code(0);
    let before = p.snapshot();
    let a = ka.to_str().unwrap();
    // Off a terminal without --yes: the keys and their fingerprints are
    // shown, and nothing is written.
    let fp = String::from_utf8(
        std::process::Command::new("ssh-keygen")
            .args(["-lf", &format!("{}.pub", ked.display())])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let fp = fp.split_whitespace().nth(1).unwrap().to_owned();
    let fake = FakeGitHub::start(vec![Reply::keys(&[&bare(&ped)])]);
    with_web(
        &p,
        &fake,
        &["recipients", "add", "--github", "bob", "-i", a],
        "",
    )
    .code(2)
    .stderr_has(&[&fp, "/bob.keys", "--yes"]);
    assert_eq!(p.snapshot(), before);
    // An age key slipped into a .keys answer is not a key GitHub lists.
    let fake = FakeGitHub::start(vec![Reply::keys(&[&mallory_age])]);
    let out = with_web(
        &p,
        &fake,
        &[
            "recipients",
            "add",
            "--github",
            "bob",
            "-i",
            a,
            "--yes",
            "--json",
        ],
        "",
    );
    out.code(6);
    assert_eq!(out.json()["error"]["kind"], "no_usable_keys");
    assert_eq!(p.snapshot(), before);
    assert!(!p.read("config.toml").contains(&mallory_age));
}
