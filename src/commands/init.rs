//! `ghenv init`: where the app is (from package.json), then the init
//! pipeline ([`crate::setup`]) on it.

use crate::error::Result;
use crate::output::Io;
use crate::project::Project;
use crate::report::Boxed;
use crate::setup::{InitOptions, init};

/// Runs `ghenv init`.
///
/// # Errors
/// Every [`Error`](crate::Error) variant can come out of here; see the exit-code table.
pub fn run(opts: &InitOptions, io: &mut Io) -> Result<Boxed> {
    let mut opts = opts.clone();
    let mut project = Project::open(&opts.location)?;
    // A new project: where its app is and what it is, from package.json.
    // At a repository's root whose app is one folder down (client/, web/)
    // or a monorepo's workspace (apps/web), the dev server reads the app
    // folder's .env, so that is where it goes (`-C .` keeps this folder);
    // and the template follows the framework (a Vite app gets VITE_
    // variables) unless -t says otherwise.
    if project.config().is_none() {
        let apps = crate::app::workspace_apps(project.dir());
        if apps.len() > 1
            && opts.location.dir.is_none()
            && crate::app::framework_here(project.dir())
                .is_none_or(|f| f == crate::app::Framework::Node)
        {
            return Err(crate::Error::SeveralApps(
                apps.iter()
                    .map(|a| {
                        a.dir
                            .strip_prefix(project.dir())
                            .unwrap_or(&a.dir)
                            .to_path_buf()
                    })
                    .collect(),
            ));
        }
    }
    if project.config().is_none()
        && let Some(app) = crate::app::find_app(project.dir())
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
            // The default (react) stays unnamed: named, it would count as
            // the user's own `-t` where config.toml's record is compared.
            let template = crate::app::template_for(app.framework);
            opts.template.template =
                (template != crate::render::DEFAULT_TEMPLATE).then(|| template.into());
        }
    }
    Ok(Box::new(init(&project, &opts, io)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::Location;
    use crate::source::TokenInput;

    #[test]
    fn a_vite_app_here_gets_the_vite_template_and_a_0600_env_file() {
        let dir = tempfile::tempdir().unwrap();
        let home = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("package.json"),
            r#"{"devDependencies": {"vite": "5"}}"#,
        )
        .unwrap();
        let token = crate::token::sample_classic();
        let (io, captured) = Io::test();
        let mut io = io
            .with_env(&[("XDG_CONFIG_HOME", home.path().to_str().unwrap())])
            .with_stdin(&format!("{token}\n"), false);
        let opts = InitOptions {
            location: Location {
                dir: Some(dir.path().to_path_buf()),
                template_dir: None,
            },
            input: TokenInput {
                stdin: true,
                file: None,
            },
            offline: true,
            json: true,
            ..InitOptions::default()
        };
        let json = run(&opts, &mut io).unwrap().to_json();
        assert_eq!(json["template"], "vite", "{json}");
        let env = std::fs::read_to_string(dir.path().join(".env")).unwrap();
        assert!(env.contains("VITE_"), "{env}");
        assert!(env.contains(&token));
        assert!(crate::platform::is_private(&dir.path().join(".env")));
        assert!(!json.to_string().contains(&token), "the report masks it");
        assert!(!captured.err().contains(&token), "{}", captured.err());
    }
}
