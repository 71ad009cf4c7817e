//! The runtime's modules import each other without a cycle (issue 11: `instance` <->
//! `libcalls` <-> `wasi`, `printable` <-> `traps` and `config` <-> `entry` were circles).
//! A module's edges are the `crate::NAME` paths in its non-test code; the store
//! (`store.rs`) is the top that ties instances to the builtins, and WASI finds its context
//! in the store's data.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The text of `src` without comments and without its `#[cfg(test)]` tail.
fn code(src: &str) -> String {
    let src = src.split("#[cfg(test)]").next().unwrap_or_default();
    src.lines().map(|l| l.split("//").next().unwrap_or_default()).collect::<Vec<_>>().join("\n")
}

/// Module name -> the crate modules its code names.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&src).expect("runtime/src") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            for sub in std::fs::read_dir(&path).expect("a module folder") {
                let sub = sub.expect("a directory entry").path();
                files.push((path.file_name().unwrap().to_string_lossy().into_owned(), sub));
            }
        } else if path.file_stem().is_some_and(|s| s != "lib") {
            files.push((path.file_stem().unwrap().to_string_lossy().into_owned(), path));
        }
    }
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, path) in files {
        let text = code(&std::fs::read_to_string(&path).expect("a source file"));
        let deps = graph.entry(module.clone()).or_default();
        for (i, _) in text.match_indices("crate::") {
            let name: String = text[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                .collect();
            if !name.is_empty() && name != module {
                deps.insert(name);
            }
        }
    }
    graph
}

/// A path of modules from `from` back to itself, if there is one.
fn cycle_through(graph: &BTreeMap<String, BTreeSet<String>>, from: &str) -> Option<Vec<String>> {
    let mut stack = vec![vec![from.to_string()]];
    let mut seen = BTreeSet::new();
    while let Some(path) = stack.pop() {
        let last = path.last().unwrap();
        for next in graph.get(last).into_iter().flatten() {
            if next == from {
                let mut cycle = path.clone();
                cycle.push(next.clone());
                return Some(cycle);
            }
            if seen.insert(next.clone()) {
                let mut longer = path.clone();
                longer.push(next.clone());
                stack.push(longer);
            }
        }
    }
    None
}

#[test]
fn runtime_modules_form_no_cycle() {
    let graph = graph();
    assert!(graph.len() > 10, "found the runtime's modules: {graph:?}");
    assert!(graph["store"].contains("libcalls"), "the scan sees edges: {graph:?}");
    for module in graph.keys() {
        if let Some(cycle) = cycle_through(&graph, module) {
            panic!("the runtime's modules import each other in a circle: {}", cycle.join(" -> "));
        }
    }
}

#[test]
fn a_planted_cycle_is_found() {
    let mut graph = BTreeMap::new();
    graph.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    graph.insert("b".to_string(), BTreeSet::from(["c".to_string()]));
    graph.insert("c".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(cycle_through(&graph, "a").map(|c| c.join(" ")), Some("a b c a".into()));
    graph.get_mut("c").unwrap().clear();
    assert_eq!(cycle_through(&graph, "a"), None);
}
