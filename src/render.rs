//! Templates: loading the built-in ones (embedded from `templates/`) and
//! user ones (`--template-dir`), and rendering them into the text of `.env`,
//! `.env.example` and `config.toml`.
//!
//! A template is a TOML file `NAME.toml` with `description`, `scopes`,
//! `token_var`, and the minijinja texts `env`, `env_example` and, optionally,
//! `config` (default: `templates/config.toml.j2`). Two filters quote values:
//! `dotenv` for `.env` lines and `toml` for `config.toml` values.
//!
//! The token never enters the template engine: templates are rendered with a
//! placeholder of the same character class, which is replaced afterwards in
//! a zeroizing buffer, and the result is read back to prove the token
//! variable holds exactly the token.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::envfile;
use crate::error::{Error, Result};

/// The built-in templates, embedded in the binary.
const BUILTIN: &[(&str, &str)] = &[
    ("react", include_str!("../templates/react.toml")),
    ("vite", include_str!("../templates/vite.toml")),
    ("node", include_str!("../templates/node.toml")),
    ("plain", include_str!("../templates/plain.toml")),
    ("react-proxy", include_str!("../templates/react-proxy.toml")),
    ("vite-proxy", include_str!("../templates/vite-proxy.toml")),
];

/// The built-in templates' names, for shell completion.
pub const BUILTIN_NAMES: [&str; 6] = [
    "react",
    "vite",
    "node",
    "plain",
    "react-proxy",
    "vite-proxy",
];

/// The URL `ghenv proxy` serves on by default, which the proxy templates
/// give the browser (`{{ proxy_url }}`).
pub const PROXY_URL: &str = "http://127.0.0.1:8787/graphql";

/// The `config.toml` text used by templates that do not define their own.
const DEFAULT_CONFIG: &str = include_str!("../templates/config.toml.j2");

/// The default template: the course's Create React App project.
pub const DEFAULT_TEMPLATE: &str = "react";

/// Rendered in place of the token; base62 like every token, so quoting
/// decisions are the same for both.
const PLACEHOLDER: &str = "GHENVxTOKENxPLACEHOLDERx7f3a9c";

/// A loaded template.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// The template's name (its file stem).
    #[serde(skip)]
    pub name: String,
    /// Where it came from: "built-in" or a path.
    #[serde(skip)]
    pub origin: String,
    /// One line for `ghenv templates`.
    pub description: String,
    /// The scopes the project needs.
    pub scopes: Vec<String>,
    /// The variable that holds the token.
    pub token_var: String,
    /// minijinja text of `.env`.
    pub env: String,
    /// minijinja text of `.env.example`.
    pub env_example: String,
    /// minijinja text of `config.toml`.
    #[serde(default)]
    pub config: Option<String>,
    /// Whether the course's operations apply (`ghenv probe`).
    #[serde(default)]
    pub course: bool,
}

impl Template {
    /// Whether it is a proxy form (`react-proxy`, `vite-proxy`, or a
    /// template of one's own named `*-proxy`): the app gets the proxy's URL,
    /// never the token, and `ghenv proxy` adds it.
    pub fn is_proxy(&self) -> bool {
        self.name.ends_with("-proxy")
    }

    /// The name of its proxy form, for `init --proxy`: only the built-in
    /// react and vite templates have one.
    pub fn proxy_form(&self) -> Option<String> {
        matches!(self.name.as_str(), "react" | "vite").then(|| format!("{}-proxy", self.name))
    }

    /// The variables the template's `.env` sets, in order.
    pub fn variables(&self) -> Vec<String> {
        envfile::keys(&self.env)
    }
}

/// Everything the templates may use, besides the token.
#[derive(Debug, Clone, Serialize)]
pub struct Context {
    /// The template's name.
    pub template: String,
    /// The GraphQL endpoint.
    pub endpoint: String,
    /// The account's login, when validated.
    pub login: Option<String>,
    /// The account's display name, when known.
    pub name: Option<String>,
    /// Granted scopes, sorted; `None` when unknown (offline, fine-grained).
    pub scopes: Option<Vec<String>>,
    /// The scopes the template requires.
    pub required_scopes: Vec<String>,
    /// `classic`, `fine-grained`, ...
    pub token_type: String,
    /// Whether GitHub confirmed the token.
    pub validated: bool,
    /// When (RFC 3339), if validated.
    pub validated_at: Option<String>,
    /// When the token expires (RFC 3339), if known.
    pub expires_at: Option<String>,
    /// The `.env` file's name.
    pub env_file: String,
    /// The variable that holds the token.
    pub token_var: String,
    /// The project folder's name.
    pub folder: String,
    /// The OAuth App's client id given with `--client-id`, recorded in
    /// config.toml for `--web` (a client id is public).
    pub client_id: Option<String>,
}

/// The rendered files.
pub struct Rendered {
    /// `.env`, holding the token.
    pub env: Zeroizing<String>,
    /// `.env.example`, without values.
    pub env_example: String,
    /// `config.toml`, without the token.
    pub config: String,
}

fn parse_template(name: &str, origin: String, text: &str) -> Result<Template> {
    let template_error = |message: String| Error::TemplateInvalid {
        name: name.to_owned(),
        message,
    };
    let mut t: Template = toml::from_str(text).map_err(|e| {
        template_error(format!("{origin} is not a valid template: {}", e.message()))
    })?;
    t.name = name.to_owned();
    t.origin = origin;
    // A template may require no scope at all; the ones it names must be
    // GitHub's.
    if let Some(bad) = t.scopes.iter().find(|s| !crate::scopes::is_scope(s)) {
        return Err(template_error(format!(
            "\"{}\" is not a GitHub scope",
            crate::text::sanitize(bad)
        )));
    }
    let vars = t.variables();
    if !vars.contains(&t.token_var) {
        return Err(template_error(format!(
            "its env text does not set token_var {}",
            t.token_var
        )));
    }
    Ok(t)
}

fn is_template_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Loads template `name`: from `dir` when it has `NAME.toml`, else built in.
///
/// # Errors
/// [`Error::Template`] when there is no such template,
/// [`Error::TemplateInvalid`] when its file is malformed.
pub fn load(name: &str, dir: Option<&Path>) -> Result<Template> {
    if !is_template_name(name) {
        return Err(Error::Template {
            name: name.to_owned(),
            message: "a template name has only letters, digits, '-' and '_'".into(),
        });
    }
    if let Some(dir) = dir {
        let path = dir.join(format!("{name}.toml"));
        match std::fs::read_to_string(&path) {
            Ok(text) => return parse_template(name, path.display().to_string(), &text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io("read", path, e)),
        }
    }
    match BUILTIN.iter().find(|(n, _)| *n == name) {
        Some((n, text)) => parse_template(n, "built-in".into(), text),
        None => {
            let names: Vec<String> = list(dir)?.0.into_iter().map(|t| t.name).collect();
            Err(Error::Template {
                name: name.to_owned(),
                message: format!(
                    "no such template; there are: {}{}",
                    names.join(", "),
                    if dir.is_none() {
                        " (a template of your own needs --template-dir)"
                    } else {
                        ""
                    }
                ),
            })
        }
    }
}

/// Every template: the built-in ones, then those in `dir` (which replace
/// built-in ones of the same name), and the files in `dir` that are not
/// valid templates, with why (one broken file does not hide the others).
///
/// # Errors
/// When `dir` cannot be read.
pub fn list(dir: Option<&Path>) -> Result<(Vec<Template>, Vec<Error>)> {
    let mut out: Vec<Template> = BUILTIN
        .iter()
        .map(|(n, text)| parse_template(n, "built-in".into(), text))
        .collect::<Result<_>>()?;
    let mut broken = Vec::new();
    let Some(dir) = dir else {
        return Ok((out, broken));
    };
    let read = std::fs::read_dir(dir).map_err(|e| Error::io("read the template folder", dir, e))?;
    let mut paths: Vec<PathBuf> = read
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    for path in paths {
        let Some(name) = path
            .file_stem()
            .and_then(|s| s.to_str())
            .filter(|n| is_template_name(n))
        else {
            continue;
        };
        let parsed = std::fs::read_to_string(&path)
            .map_err(|e| Error::io("read", &path, e))
            .and_then(|text| parse_template(name, path.display().to_string(), &text));
        match parsed {
            Ok(t) => {
                out.retain(|o| o.name != t.name);
                out.push(t);
            }
            Err(e) => broken.push(e),
        }
    }
    Ok((out, broken))
}

fn environment() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    env.add_global("proxy_url", PROXY_URL);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::SemiStrict);
    env.set_keep_trailing_newline(true);
    env.add_filter("dotenv", |v: minijinja::Value| {
        envfile::quote(&value_text(&v))
    });
    env.add_filter("toml", toml_literal);
    env
}

fn value_text(v: &minijinja::Value) -> String {
    if v.is_none() || v.is_undefined() {
        String::new()
    } else {
        v.to_string()
    }
}

fn toml_literal(v: minijinja::Value) -> Result<String, minijinja::Error> {
    let json = serde_json::to_value(&v).map_err(|e| {
        minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, e.to_string())
    })?;
    Ok(json_to_toml(&json).to_string().trim().to_owned())
}

fn json_to_toml(v: &serde_json::Value) -> toml_edit::Value {
    use serde_json::Value as J;
    match v {
        J::Null => toml_edit::Value::from(""),
        J::Bool(b) => (*b).into(),
        J::Number(n) => n
            .as_i64()
            .map(toml_edit::Value::from)
            .or_else(|| n.as_f64().map(toml_edit::Value::from))
            .unwrap_or_else(|| n.to_string().into()),
        J::String(s) => s.as_str().into(),
        J::Array(a) => toml_edit::Value::Array(a.iter().map(json_to_toml).collect()),
        J::Object(o) => {
            let mut t = toml_edit::InlineTable::new();
            for (k, v) in o {
                t.insert(k, json_to_toml(v));
            }
            toml_edit::Value::InlineTable(t)
        }
    }
}

fn render_one(
    env: &minijinja::Environment<'_>,
    template: &Template,
    what: &str,
    source: &str,
    ctx: &minijinja::Value,
) -> Result<String> {
    env.render_str(source, ctx)
        .map_err(|e| Error::TemplateInvalid {
            name: template.name.clone(),
            message: format!("cannot render its {what}: {e}"),
        })
}

/// Renders only the `.env` text of `template` for `token`, for the commands
/// that need nothing else (`unlock`, `run`).
///
/// # Errors
/// As [`render`], for the `.env` text.
pub fn render_env(template: &Template, ctx: &Context, token: &str) -> Result<Zeroizing<String>> {
    render_env_with(&environment(), template, ctx, token)
}

fn render_env_with(
    env: &minijinja::Environment<'_>,
    template: &Template,
    ctx: &Context,
    token: &str,
) -> Result<Zeroizing<String>> {
    let with_token =
        minijinja::context! { token => PLACEHOLDER, ..minijinja::Value::from_serialize(ctx) };
    let mut text = render_one(env, template, "env", template.env.trim_start(), &with_token)?;
    // `[env] token_var` names the variable the project reads the token
    // from: when the template does not set it, it is written too, so what
    // check and run read is what unlock and init write.
    if !envfile::keys(&text).contains(&ctx.token_var) {
        let name = &ctx.token_var;
        let plain = name
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !plain {
            return Err(Error::TemplateInvalid {
                name: template.name.clone(),
                message: format!(
                    "config.toml's [env] token_var \"{}\" is not a variable name (letters, digits and _)",
                    crate::text::sanitize(name)
                ),
            });
        }
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&format!("{name}={}\n", envfile::quote(PLACEHOLDER)));
    }
    let text = Zeroizing::new(text.replace(PLACEHOLDER, token));
    check_token_reads_back(template, &text, token)?;
    Ok(text)
}

/// The variables of `template`'s `.env` whose value is made from the token
/// (the token itself, or anything a filter makes of it), sorted: rendered
/// twice with two different tokens, they are the ones that differ.
///
/// # Errors
/// As [`render_env`].
pub fn token_variables(template: &Template, ctx: &Context) -> Result<Vec<String>> {
    const A: &str = "ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const B: &str = "ghp_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    let a = envfile::parse(&render_env(template, ctx, A)?);
    let b = envfile::parse(&render_env(template, ctx, B)?);
    let mut out: Vec<String> = a
        .iter()
        .filter(|(k, v)| !b.iter().any(|(bk, bv)| bk == k && bv == v))
        .map(|(k, _)| k.clone())
        .chain(
            b.iter()
                .filter(|(k, _)| !a.iter().any(|(ak, _)| ak == k))
                .map(|(k, _)| k.clone()),
        )
        .collect();
    out.sort();
    out.dedup();
    Ok(out)
}

/// Renders the three files of `template` for `token`.
///
/// # Errors
/// [`Error::Template`] when a text does not render, the `.env` does not set
/// the token variable to exactly the token, or `config.toml` is not TOML.
pub fn render(template: &Template, ctx: &Context, token: &str) -> Result<Rendered> {
    let env = environment();
    let env_text = render_env_with(&env, template, ctx, token)?;
    let without_token =
        minijinja::context! { token => "", ..minijinja::Value::from_serialize(ctx) };
    let env_example = render_one(
        &env,
        template,
        "env_example",
        template.env_example.trim_start(),
        &without_token,
    )?;
    let config_source = template.config.as_deref().unwrap_or(DEFAULT_CONFIG);
    let config = render_one(
        &env,
        template,
        "config",
        config_source.trim_start(),
        &without_token,
    )?;
    if let Err(e) = config.parse::<toml_edit::DocumentMut>() {
        return Err(Error::TemplateInvalid {
            name: template.name.clone(),
            message: format!("its config does not render to valid TOML: {}", e.message()),
        });
    }
    Ok(Rendered {
        env: env_text,
        env_example,
        config,
    })
}

fn check_token_reads_back(template: &Template, env_text: &str, token: &str) -> Result<()> {
    let ok = dotenvy::from_read_iter(env_text.as_bytes())
        .filter_map(|r| r.ok())
        .any(|(k, v)| {
            let same = k == template.token_var && v == token;
            drop(Zeroizing::new(v));
            same
        });
    if ok {
        Ok(())
    } else {
        Err(Error::TemplateInvalid {
            name: template.name.clone(),
            message: format!(
                "its env text does not set {} to the token (use `{{{{ token | dotenv }}}}`)",
                template.token_var
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "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";

    fn context(t: &Template) -> Context {
        Context {
            template: t.name.clone(),
            endpoint: "https://api.github.com/graphql".into(),
            login: Some("octocat".into()),
            name: None,
            scopes: Some(vec!["read:org".into(), "repo".into()]),
            required_scopes: t.scopes.clone(),
            token_type: "classic".into(),
            validated: true,
            validated_at: Some("2026-11-25T08:00:00Z".into()),
            expires_at: None,
            env_file: ".env".into(),
            token_var: t.token_var.clone(),
            folder: "app".into(),
            client_id: None,
        }
    }

    fn read(text: &str) -> Vec<(String, String)> {
        dotenvy::from_read_iter(text.as_bytes())
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn every_builtin_template_renders_its_variables() {
        let expected = [
            (
                "react",
                vec![
                    "REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN",
                    "REACT_APP_GITHUB_GRAPHQL_URL",
                ],
            ),
            (
                "vite",
                vec![
                    "VITE_GITHUB_PERSONAL_ACCESS_TOKEN",
                    "VITE_GITHUB_GRAPHQL_URL",
                ],
            ),
            ("node", vec!["GITHUB_TOKEN", "GITHUB_GRAPHQL_URL"]),
            ("plain", vec!["GITHUB_TOKEN"]),
        ];
        for (name, vars) in expected {
            let t = load(name, None).unwrap();
            let r = render(&t, &context(&t), TOKEN).unwrap();
            let env = read(&r.env);
            assert_eq!(
                env.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
                vars,
                "{name}"
            );
            assert_eq!(env[0].1, TOKEN);
            if vars.len() > 1 {
                assert_eq!(env[1].1, "https://api.github.com/graphql");
            }
            let example = read(&r.env_example);
            assert_eq!(
                example.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
                vars
            );
            assert!(
                example.iter().all(|(_, v)| v.is_empty()),
                "{name}: {example:?}"
            );
            assert!(!r.config.contains(TOKEN));
        }
    }

    #[test]
    fn react_is_the_course_template() {
        let t = load(DEFAULT_TEMPLATE, None).unwrap();
        assert_eq!(
            t.scopes,
            [
                "repo",
                "read:org",
                "write:org",
                "notifications",
                "read:user",
                "user:email",
                "user:follow"
            ]
        );
    }

    #[test]
    fn config_has_the_documented_keys() {
        let t = load("react", None).unwrap();
        let mut ctx = context(&t);
        ctx.expires_at = Some("2026-12-01T10:00:00Z".into());
        let r = render(&t, &ctx, TOKEN).unwrap();
        let v: toml::Table = toml::from_str(&r.config).unwrap();
        assert_eq!(v["version"].as_integer(), Some(1));
        assert_eq!(v["template"].as_str(), Some("react"));
        let g = v["github"].as_table().unwrap();
        assert_eq!(
            g["endpoint"].as_str(),
            Some("https://api.github.com/graphql")
        );
        assert_eq!(g["login"].as_str(), Some("octocat"));
        assert_eq!(g["scopes"].as_array().unwrap().len(), 2);
        assert_eq!(g["token_type"].as_str(), Some("classic"));
        assert_eq!(g["validated"].as_bool(), Some(true));
        assert_eq!(g["validated_at"].as_str(), Some("2026-11-25T08:00:00Z"));
        assert_eq!(g["expires_at"].as_str(), Some("2026-12-01T10:00:00Z"));
        let e = v["env"].as_table().unwrap();
        assert_eq!(e["file"].as_str(), Some(".env"));
        assert_eq!(
            e["token_var"].as_str(),
            Some("REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN")
        );
    }

    #[test]
    fn offline_config_omits_login_and_validated_at() {
        let t = load("react", None).unwrap();
        let mut ctx = context(&t);
        ctx.login = None;
        ctx.validated = false;
        ctx.validated_at = None;
        ctx.scopes = None;
        let r = render(&t, &ctx, TOKEN).unwrap();
        let v: toml::Table = toml::from_str(&r.config).unwrap();
        let g = v["github"].as_table().unwrap();
        assert!(
            !g.contains_key("login")
                && !g.contains_key("validated_at")
                && !g.contains_key("scopes")
        );
        assert_eq!(g["validated"].as_bool(), Some(false));
    }

    #[test]
    fn toml_filter_escapes_strings() {
        let t = load("react", None).unwrap();
        let mut ctx = context(&t);
        ctx.login = Some("we\"ird\nname".into());
        let r = render(&t, &ctx, TOKEN).unwrap();
        let v: toml::Table = toml::from_str(&r.config).unwrap();
        assert_eq!(v["github"]["login"].as_str(), Some("we\"ird\nname"));
    }

    #[test]
    fn user_templates_are_loaded_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("mine.toml"),
            "description = \"d\"\nscopes = [\"repo\"]\ntoken_var = \"MY_TOKEN\"\nenv = \"MY_TOKEN={{ token | dotenv }}\\n\"\nenv_example = \"MY_TOKEN=\\n\"\n",
        )
        .unwrap();
        let t = load("mine", Some(dir.path())).unwrap();
        let r = render(&t, &context(&t), TOKEN).unwrap();
        assert_eq!(read(&r.env), vec![("MY_TOKEN".into(), TOKEN.into())]);
        assert!(
            list(Some(dir.path()))
                .unwrap()
                .0
                .iter()
                .any(|t| t.name == "mine")
        );
        // A broken file is reported and does not hide the others.
        std::fs::write(dir.path().join("broken.toml"), "description = ").unwrap();
        let (found, broken) = list(Some(dir.path())).unwrap();
        assert!(found.iter().any(|t| t.name == "mine"));
        assert!(matches!(broken[..], [Error::TemplateInvalid { .. }]));
        std::fs::remove_file(dir.path().join("broken.toml")).unwrap();

        std::fs::write(
            dir.path().join("bad.toml"),
            "description = \"d\"\nscopes = []\ntoken_var = \"MY_TOKEN\"\nenv = \"MY_TOKEN={{ token | upper }}\\n\"\nenv_example = \"\"\n",
        )
        .unwrap();
        let t = load("bad", Some(dir.path())).unwrap();
        let err = render(&t, &context(&t), TOKEN).err().unwrap();
        assert!(
            err.to_string()
                .contains("does not set MY_TOKEN to the token"),
            "{err}"
        );
        assert!(!err.to_string().contains(TOKEN));
    }

    #[test]
    fn builtin_names_are_the_builtin_templates() {
        let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, BUILTIN_NAMES);
    }

    #[test]
    fn unknown_template_lists_the_others() {
        let err = load("angular", None).unwrap_err();
        assert!(
            err.to_string().contains("react, vite, node, plain"),
            "{err}"
        );
        assert!(load("../etc", None).is_err());
    }

    #[test]
    fn a_template_with_tags_renders_the_env_file_for_run_and_unlock() {
        let t = load("react", None).unwrap();
        let ctx = context(&t);
        let t = Template {
            env: "{% if login %}REACT_APP_GITHUB_PERSONAL_ACCESS_TOKEN={{ token | dotenv }}{% endif %}\n".into(),
            ..t
        };
        let text = render_env(&t, &ctx, TOKEN).unwrap();
        assert_eq!(
            read(&text),
            vec![(t.token_var.clone(), String::from(TOKEN))]
        );
    }
}
