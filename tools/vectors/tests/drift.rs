//! Fails when regenerating the vectors would change the committed files.

#[test]
fn committed_vectors_match_the_generator() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors");
    for file in hooksig_vectors::generate() {
        let committed = std::fs::read_to_string(dir.join(file.name)).unwrap_or_default();
        assert!(
            committed == file.text,
            "tests/vectors/{} is out of date: run `cargo run -p hooksig-vectors` and commit the result",
            file.name
        );
    }
}
