//! TLS: ghenv trusts the bundled roots, the platform's, and the CAs named by
//! `SSL_CERT_FILE` and `SSL_CERT_DIR`, so GitHub Enterprise behind a private
//! CA, or a company's TLS-inspecting proxy, works. The CA and a TLS server
//! are made here with the `openssl` command (scripts/test.sh installs it).

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl is installed (scripts/test.sh installs it)");
    assert!(out.status.success(), "openssl {args:?}: {out:?}");
}

/// A CA (`ca.pem`) and a certificate for `localhost` signed by it.
fn make_ca(dir: &Path) {
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let mut ca = vec!["req", "-x509"];
    ca.extend(ec);
    ca.extend([
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=ghenv test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    openssl(dir, &ca);
    let mut csr = vec!["req"];
    csr.extend(ec);
    csr.extend([
        "-keyout",
        "srv.key",
        "-out",
        "srv.csr",
        "-subj",
        "/CN=localhost",
    ]);
    openssl(dir, &csr);
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "srv.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "srv.pem",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
        ],
    );
}

/// A TLS server on loopback presenting `srv.pem` (`openssl s_server -www`:
/// it answers with an HTML page, which is not GitHub's JSON).
struct TlsServer {
    child: Child,
    port: u16,
}

impl TlsServer {
    fn start(dir: &Path) -> TlsServer {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("openssl")
            .args([
                "s_server", "-quiet", "-www", "-cert", "srv.pem", "-key", "srv.key",
            ])
            .args(["-accept", &format!("127.0.0.1:{port}")])
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "openssl s_server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        TlsServer { child, port }
    }

    fn url(&self) -> String {
        format!("https://localhost:{}/graphql", self.port)
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_private_ca_is_trusted_through_ssl_cert_file_and_ssl_cert_dir() {
    let ca = tempfile::tempdir().unwrap();
    make_ca(ca.path());
    let server = TlsServer::start(ca.path());
    let p = Project::new();
    let token = classic();
    let init = |vars: &[(&str, &Path)]| {
        let mut cmd = p.cmd(&[
            "init",
            "--token-stdin",
            "--timeout",
            "3",
            "--endpoint",
            &server.url(),
        ]);
        for (k, v) in vars {
            cmd.env(k, v);
        }
        p.run_with(cmd, token.as_bytes())
    };
    // Unknown CA: the handshake fails, and the token is never sent.
    let out = init(&[]);
    out.code(5)
        .never_shows(&token)
        .stderr_has(&["cannot reach"]);
    assert!(out.stderr.to_lowercase().contains("certificate"), "{out}");
    // Trusted through the variables, the handshake succeeds (and the HTML
    // page that s_server answers with is then not GitHub's JSON).
    let file = ca.path().join("ca.pem");
    let out = init(&[("SSL_CERT_FILE", &file)]);
    out.code(5).never_shows(&token);
    assert!(!out.stderr.contains("cannot reach"), "{out}");
    let certs = tempfile::tempdir().unwrap();
    std::fs::copy(&file, certs.path().join("test-ca.pem")).unwrap();
    openssl(certs.path(), &["rehash", "."]);
    let out = init(&[("SSL_CERT_DIR", certs.path())]);
    out.code(5).never_shows(&token);
    assert!(!out.stderr.contains("cannot reach"), "{out}");
    assert!(p.snapshot().is_empty());
}
