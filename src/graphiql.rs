//! The files of the GraphiQL page `ghenv proxy --graphiql` serves on the
//! proxy's own origin: GraphiQL's browser build and React, vendored from
//! the npm registry into `assets/graphiql/` by
//! `scripts/vendor-graphiql.sh` (gzip-compressed, sent as they are, with
//! their licences and a SOURCES list the compat suite checks against the
//! registry's packages), and ghenv's own page and start-up script. They
//! are in the binary, so the page works offline, from any install, with no
//! CDN.
//!
//! The page talks only to its own origin: its requests go to `POST
//! /graphql`, where the proxy adds the token. The Content-Security-Policy
//! sent with every file holds it to that (no other origin to load from,
//! post to or be framed by).

/// One file of the page.
#[derive(Debug, PartialEq, Eq)]
pub struct File {
    /// Where it is served: `/`, or `/graphiql/NAME`.
    pub path: &'static str,
    /// Its `Content-Type`.
    pub content_type: &'static str,
    /// Its bytes, as they are sent.
    pub body: &'static [u8],
    /// Whether `body` is gzip-compressed (sent with
    /// `Content-Encoding: gzip`).
    pub gzip: bool,
}

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";

/// Every file of the page.
pub const FILES: &[File] = &[
    File {
        path: "/",
        content_type: "text/html; charset=utf-8",
        body: include_bytes!("../assets/graphiql/index.html"),
        gzip: false,
    },
    File {
        path: "/graphiql/ghenv.js",
        content_type: JS,
        body: include_bytes!("../assets/graphiql/ghenv.js"),
        gzip: false,
    },
    File {
        path: "/graphiql/ghenv.css",
        content_type: CSS,
        body: include_bytes!("../assets/graphiql/ghenv.css"),
        gzip: false,
    },
    File {
        path: "/graphiql/graphiql.min.js",
        content_type: JS,
        body: include_bytes!("../assets/graphiql/graphiql.min.js.gz"),
        gzip: true,
    },
    File {
        path: "/graphiql/graphiql.min.css",
        content_type: CSS,
        body: include_bytes!("../assets/graphiql/graphiql.min.css.gz"),
        gzip: true,
    },
    File {
        path: "/graphiql/react.production.min.js",
        content_type: JS,
        body: include_bytes!("../assets/graphiql/react.production.min.js.gz"),
        gzip: true,
    },
    File {
        path: "/graphiql/react-dom.production.min.js",
        content_type: JS,
        body: include_bytes!("../assets/graphiql/react-dom.production.min.js.gz"),
        gzip: true,
    },
    File {
        path: "/graphiql/LICENSE.graphiql",
        content_type: TEXT,
        body: include_bytes!("../assets/graphiql/LICENSE.graphiql"),
        gzip: false,
    },
    File {
        path: "/graphiql/LICENSE.react",
        content_type: TEXT,
        body: include_bytes!("../assets/graphiql/LICENSE.react"),
        gzip: false,
    },
    File {
        path: "/graphiql/LICENSE.react-dom",
        content_type: TEXT,
        body: include_bytes!("../assets/graphiql/LICENSE.react-dom"),
        gzip: false,
    },
    File {
        path: "/graphiql/SOURCES",
        content_type: TEXT,
        body: include_bytes!("../assets/graphiql/SOURCES"),
        gzip: false,
    },
];

/// The page's Content-Security-Policy: scripts, styles and requests from
/// its own origin only; fonts and images GraphiQL's stylesheet carries
/// inline (`data:`); inline styles, which GraphiQL's components set; no
/// frame may hold it, no form posts elsewhere.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; font-src data:; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The file served at `path` (without its query), if any.
pub fn file(path: &str) -> Option<&'static File> {
    FILES.iter().find(|f| f.path == path)
}

/// Whether a request's `Accept-Encoding` value takes gzip: a name of the
/// list, without `;q=0`.
pub fn accepts_gzip(accept_encoding: &str) -> bool {
    accept_encoding.split(',').any(|item| {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or("").trim();
        let refused = parts.any(|p| {
            p.trim()
                .strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q == 0.0)
        });
        (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_loads_only_files_that_are_served_and_only_from_its_origin() {
        let page = std::str::from_utf8(file("/").unwrap().body).unwrap();
        let mut loaded = 0;
        for attr in ["src=\"", "href=\""] {
            for piece in page.split(attr).skip(1) {
                let url = &piece[..piece.find('"').unwrap()];
                if url == "data:," {
                    continue; // no favicon: the browser asks for none
                }
                assert!(url.starts_with('/'), "{url} is not of this origin");
                assert!(file(url).is_some(), "{url} is not served");
                loaded += 1;
            }
        }
        assert_eq!(loaded, 6, "{page}");
        // No inline script: the policy forbids it.
        assert!(!page.contains("<script>"), "{page}");
        assert!(!page.contains("http"), "{page}");
    }

    #[test]
    fn the_script_posts_to_its_own_origin_and_offers_no_header_editor() {
        let js = std::str::from_utf8(file("/graphiql/ghenv.js").unwrap().body).unwrap();
        assert!(js.contains("fetch('/graphql'"), "{js}");
        assert!(js.contains("isHeadersEditorEnabled: false"), "{js}");
        assert!(!js.contains("localStorage"), "{js}");
        assert!(!js.contains("http"), "{js}");
    }

    #[test]
    fn compressed_files_are_gzip_and_every_path_is_one_file() {
        for f in FILES {
            assert_eq!(f.body.starts_with(&[0x1f, 0x8b]), f.gzip, "{}", f.path);
            assert_eq!(FILES.iter().filter(|g| g.path == f.path).count(), 1);
        }
        assert!(file("/graphiql/../index.html").is_none());
        assert!(file("/graphiql/").is_none());
    }

    #[test]
    fn gzip_is_accepted_unless_refused() {
        assert!(accepts_gzip("gzip, deflate, br, zstd"));
        assert!(accepts_gzip("GZIP"));
        assert!(accepts_gzip("*"));
        assert!(accepts_gzip("br;q=1.0, gzip;q=0.5"));
        assert!(!accepts_gzip("gzip;q=0"));
        assert!(!accepts_gzip("br"));
        assert!(!accepts_gzip(""));
        assert!(!accepts_gzip("x-gzip-not"));
    }
}
