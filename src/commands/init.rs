//! `ghenv init`: where the app is (from package.json), then the init
//! pipeline ([`crate::setup`]) on it.

use crate::cli::InitArgs;
use crate::error::Result;
use crate::options::{EndpointOptions, TemplateOptions};
use crate::output::Io;
use crate::project::{Location, Project};
use crate::report::Boxed;
use crate::setup::{InitOptions, Purpose, init};

/// `init`'s flags, checked.
///
/// # Errors
/// A bad `--host` or `--scopes`.
pub fn options(args: &InitArgs) -> Result<InitOptions> {
    Ok(InitOptions {
        location: Location::from(&args.project),
        input: (&args.source).into(),
        endpoint: EndpointOptions::from_args(&args.endpoint)?,
        template: TemplateOptions::from_args(&args.template)?,
        offline: args.offline,
        lock: (&args.lock).into(),
        identity: (&args.identity).into(),
        open: args.open,
        hook: args.hook,
        json: args.output.json,
        purpose: Purpose::Init,
        proxy: args.proxy,
    })
}

/// Runs `ghenv init`.
///
/// # Errors
/// Every [`Error`](crate::Error) variant can come out of here; see the exit-code table.
pub fn run(args: &InitArgs, io: &mut Io) -> Result<Boxed> {
    let mut opts = options(args)?;
    let mut project = Project::open(&opts.location)?;
    // A new project: where its app is and what it is, from package.json.
    // At a repository's root whose app is one folder down (client/, web/)
    // the dev server reads the app folder's .env, so that is where it goes
    // (`-C .` keeps this folder); and the template follows the framework
    // (a Vite app gets VITE_ variables) unless -t says otherwise.
    if project.config().is_none()
        && let Some(app) = crate::doctor::find_app(project.dir())
    {
        let here =
            std::fs::canonicalize(&app.dir).ok() == std::fs::canonicalize(project.dir()).ok();
        let moved = !here && opts.location.dir.is_none();
        if moved {
            io.say(&format!(
                "The app is in {} (a {} by its package.json): setting it up there, where its dev server reads .env. Use `-C .` to set up this folder instead.",
                app.dir.display(),
                app.framework.app_name()
            ));
            opts.location.dir = Some(app.dir.clone());
            project = Project::open(&opts.location)?;
        }
        if (here || moved) && opts.template.template.is_none() && project.config().is_none() {
            opts.template.template = match app.framework {
                crate::doctor::Framework::Vite => Some("vite".into()),
                crate::doctor::Framework::Node => Some("node".into()),
                _ => None,
            };
        }
    }
    Ok(Box::new(init(&project, &opts, io)?))
}
