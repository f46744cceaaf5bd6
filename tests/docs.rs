//! The documentation's links (issue 33): every relative link in README.md,
//! docs/*.md, CONTRIBUTING.md, RELEASING.md and SECURITY.md names a file or
//! folder that exists, and every `#anchor` (in the same file or in
//! `file.md#anchor`) names a heading of its target, by GitHub's rule for
//! heading anchors. Links in code (fenced blocks, `code spans`) are text,
//! not links, and are left alone; so are absolute URLs.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The documents whose links are checked, relative to the repository root.
fn documents() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = [
        "README.md",
        "CONTRIBUTING.md",
        "RELEASING.md",
        "SECURITY.md",
    ]
    .iter()
    .map(|name| root.join(name))
    .collect();
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .expect("the docs/ folder")
        .map(|entry| entry.expect("a docs/ entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

/// The lines outside fenced code blocks, with their line numbers (``` or ~~~, closed by a fence of
/// the same character at least as long).
fn outside_fences(text: &str) -> Vec<(usize, &str)> {
    let mut lines = Vec::new();
    let mut fence: Option<String> = None;
    for (number, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        let marker: String = trimmed
            .chars()
            .take_while(|&c| c == '`' || c == '~')
            .collect();
        let is_fence = marker.len() >= 3 && marker.chars().all(|c| marker.starts_with(c));
        match &fence {
            None if is_fence => fence = Some(marker),
            None => lines.push((number + 1, line)),
            Some(open) if is_fence && trimmed == marker && marker.starts_with(open.as_str()) => {
                fence = None
            }
            Some(_) => {}
        }
    }
    lines
}

/// The prose of a document, line by line: outside fenced code blocks, with
/// code spans taken out (a link inside backticks is not a link).
fn prose_lines(text: &str) -> Vec<(usize, String)> {
    outside_fences(text)
        .into_iter()
        .map(|(number, line)| (number, without_code_spans(line)))
        .collect()
}

/// A line with its `code spans` removed (backticks and what they hold).
fn without_code_spans(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(start) = rest.find('`') {
        out.push_str(&rest[..start]);
        let ticks = rest[start..].chars().take_while(|&c| c == '`').count();
        let after = &rest[start + ticks..];
        let closing = "`".repeat(ticks);
        match after.find(&closing) {
            Some(end) => rest = &after[end + ticks..],
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// GitHub's anchor for a heading: lowercase, every character that is not a
/// letter, digit, `_`, `-` or space dropped, spaces turned into `-`.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|&c| c.is_alphanumeric() || c == '_' || c == '-' || c == ' ')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The anchors of a Markdown file's headings (`#`…`######`, outside code
/// blocks), with GitHub's `-1`, `-2` suffixes for repeated headings.
fn anchors(text: &str) -> HashSet<String> {
    let mut seen = HashSet::new();
    for (_, line) in outside_fences(text) {
        let hashes = line.chars().take_while(|&c| c == '#').count();
        if !(1..=6).contains(&hashes) || !line[hashes..].starts_with(' ') {
            continue;
        }
        let base = slug(&line[hashes..]);
        let mut anchor = base.clone();
        let mut n = 0;
        while seen.contains(&anchor) {
            n += 1;
            anchor = format!("{base}-{n}");
        }
        seen.insert(anchor);
    }
    seen
}

/// The targets of the inline links `[text](target)` on a line of prose.
fn link_targets(line: &str) -> Vec<String> {
    let mut targets = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("](") {
        let after = &rest[at + 2..];
        let Some(end) = after.find(')') else { break };
        let target = after[..end].split_whitespace().next().unwrap_or("");
        targets.push(target.trim_matches(['<', '>']).to_string());
        rest = &after[end..];
    }
    targets
}

#[test]
fn every_relative_link_and_anchor_in_the_docs_resolves() {
    let mut broken = Vec::new();
    for doc in documents() {
        let text =
            std::fs::read_to_string(&doc).unwrap_or_else(|e| panic!("{}: {e}", doc.display()));
        let folder = doc.parent().unwrap();
        for (number, line) in prose_lines(&text) {
            for target in link_targets(&line) {
                if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
                    continue;
                }
                let (path, anchor) = match target.split_once('#') {
                    Some((path, anchor)) => (path, Some(anchor)),
                    None => (target.as_str(), None),
                };
                let file = if path.is_empty() {
                    doc.clone()
                } else {
                    folder.join(path)
                };
                let place = format!("{}:{number}: {target}", doc.display());
                if !file.exists() {
                    broken.push(format!("{place}: no such file"));
                    continue;
                }
                if let Some(anchor) = anchor {
                    let heads = std::fs::read_to_string(&file)
                        .map(|t| anchors(&t))
                        .unwrap_or_default();
                    if !heads.contains(anchor) {
                        broken.push(format!("{place}: no heading with that anchor"));
                    }
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn the_slug_rule_is_githubs() {
    assert_eq!(slug("Quick start"), "quick-start");
    assert_eq!(
        slug("For course authors: an OAuth App for `--web`"),
        "for-course-authors-an-oauth-app-for---web"
    );
    assert_eq!(
        slug("`ghenv recipients list | add R… | remove R…`"),
        "ghenv-recipients-list--add-r--remove-r"
    );
    assert_eq!(
        slug("What a committed config.toml can do: `ghenv allow`"),
        "what-a-committed-configtoml-can-do-ghenv-allow"
    );
}

#[test]
fn links_in_code_are_not_links() {
    let lines = prose_lines("a [x](real.md)\n```\n[y](fenced.md)\n```\nb `[z](span.md)`\n");
    let targets: Vec<String> = lines.iter().flat_map(|(_, l)| link_targets(l)).collect();
    assert_eq!(targets, ["real.md"]);
    let heads = anchors("# Title\n```sh\n# a shell comment\n```\n## Title\n");
    assert!(
        heads.contains("title") && heads.contains("title-1") && !heads.contains("a-shell-comment")
    );
}

#[test]
fn the_readme_is_a_students_page() {
    let readme = include_str!("../README.md");
    let lines = readme.lines().count();
    assert!(
        lines <= 400,
        "README.md has {lines} lines; the reference belongs in docs/"
    );
}
