//! The core's module graph is the one ARCHITECTURE.md draws: each module
//! uses only the modules its row in the code map allows, and no two modules
//! depend on each other, directly or around a loop.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module → the modules ARCHITECTURE.md's code map says it may use.
fn allowed() -> BTreeMap<String, BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let doc = std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let section = doc
        .split("### `core/`")
        .nth(1)
        .and_then(|rest| rest.split("\n### ").next())
        .expect("the core's section of the code map");
    let ticked = |cell: &str| -> Vec<String> {
        cell.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect()
    };
    section
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            // | `module` | what it holds | may use |
            let [_, module, _, uses, _] = cells.as_slice() else {
                return None;
            };
            let module = ticked(module).into_iter().next()?;
            Some((module, ticked(uses).into_iter().collect()))
        })
        .collect()
}

/// Module → the modules its source (its file and its folder) names as `crate::…`.
fn used(modules: &BTreeSet<String>) -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph = BTreeMap::new();
    for module in modules {
        let mut files = vec![src.join(format!("{module}.rs"))];
        if let Ok(dir) = std::fs::read_dir(src.join(module)) {
            files.extend(dir.map(|entry| entry.unwrap().path()));
        }
        let mut uses = BTreeSet::new();
        for file in files
            .iter()
            .filter(|f| f.extension().is_some_and(|e| e == "rs"))
        {
            let text = std::fs::read_to_string(file).unwrap();
            // Code only: doc links and comments may name any module.
            let code = text.lines().filter(|l| !l.trim_start().starts_with("//"));
            for line in code {
                for (_, rest) in line
                    .match_indices("crate::")
                    .map(|(i, _)| line.split_at(i + 7))
                {
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if modules.contains(&name) && &name != module {
                        uses.insert(name);
                    }
                }
            }
        }
        graph.insert(module.clone(), uses);
    }
    graph
}

#[test]
fn every_module_uses_only_what_architecture_md_allows() {
    let allowed = allowed();
    assert!(allowed.len() >= 10, "code map not found: {allowed:?}");
    let modules: BTreeSet<String> = allowed.keys().cloned().collect();
    for (module, uses) in used(&modules) {
        let extra: Vec<_> = uses.difference(&allowed[&module]).collect();
        assert!(
            extra.is_empty(),
            "`{module}` uses {extra:?}: not in its row of ARCHITECTURE.md"
        );
    }
}

#[test]
fn no_module_depends_on_itself_through_others() {
    let allowed = allowed();
    let modules: BTreeSet<String> = allowed.keys().cloned().collect();
    let graph = used(&modules);
    // Depth-first search for a back edge.
    fn visit<'a>(
        node: &'a str,
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) {
        if let Some(at) = path.iter().position(|&n| n == node) {
            panic!(
                "module cycle: {}",
                [&path[at..], &[node]].concat().join(" → ")
            );
        }
        if !done.insert(node) {
            return;
        }
        path.push(node);
        for next in &graph[node] {
            visit(next, graph, path, done);
        }
        path.pop();
    }
    let mut done = BTreeSet::new();
    for module in graph.keys() {
        visit(module, &graph, &mut Vec::new(), &mut done);
    }
}
