//! `ghenv scopes`: the scopes a project needs, what each allows, and the
//! URL that opens GitHub's new-token page with them ticked.

use std::io::Write;

use serde_json::json;

use crate::cli::ScopesArgs;
use crate::error::Result;
use crate::output::Io;
use crate::scopes;

/// Runs `ghenv scopes`.
///
/// # Errors
/// An unknown template, bad `--scopes`, or a bad endpoint.
pub fn run(args: &ScopesArgs, io: &mut Io) -> Result<()> {
    let template = super::template(&args.template, None)?;
    let required = super::required_scopes(&args.template, &template)?;
    let endpoint = super::endpoint(&args.endpoint, io, None)?;
    let dir = std::path::Path::new(".");
    let url = scopes::new_token_url(&endpoint, &required, &super::token_description(dir));
    if args.json {
        let list: Vec<_> = required
            .iter()
            .map(|s| json!({ "scope": s, "description": scopes::describe(s) }))
            .collect();
        io.json(&json!({ "template": template.name, "scopes": list, "new_token_url": url }));
    } else {
        let _ = writeln!(io.out, "Scopes for the {} template:", template.name);
        let width = required.iter().map(String::len).max().unwrap_or(0);
        for s in &required {
            let what = scopes::describe(s).unwrap_or("(a scope ghenv does not know)");
            let _ = writeln!(io.out, "  {s:<width$}  {what}");
        }
        let _ = writeln!(
            io.out,
            "\nCreate a token with these scopes ticked:\n  {url}"
        );
    }
    if args.open {
        super::open_in_browser(io, &url);
    }
    Ok(())
}
