//! `ghenv templates`: list the templates and what each sets.

use std::io::Write;

use serde_json::{Value, json};

use crate::cli::TemplatesArgs;
use crate::error::Result;
use crate::output::Io;
use crate::render;

/// Runs `ghenv templates`.
///
/// # Errors
/// When `--template-dir` cannot be read or holds a malformed template.
pub fn run(args: &TemplatesArgs, io: &mut Io) -> Result<()> {
    let templates = render::list(args.template_dir.as_deref())?;
    if args.json {
        let list: Vec<Value> = templates
            .iter()
            .map(|t| {
                json!({
                    "name": t.name,
                    "description": t.description,
                    "origin": t.origin,
                    "token_var": t.token_var,
                    "variables": t.variables(),
                    "scopes": t.scopes,
                    "default": t.name == render::DEFAULT_TEMPLATE,
                })
            })
            .collect();
        io.json(&Value::Array(list));
        return Ok(());
    }
    for t in &templates {
        let default = if t.name == render::DEFAULT_TEMPLATE {
            " (default)"
        } else {
            ""
        };
        let _ = writeln!(io.out, "{}{default}: {}", t.name, t.description);
        let _ = writeln!(io.out, "    variables: {}", t.variables().join(", "));
        let _ = writeln!(io.out, "    scopes:    {}", t.scopes.join(", "));
        if t.origin != "built-in" {
            let _ = writeln!(io.out, "    from:      {}", t.origin);
        }
    }
    Ok(())
}
