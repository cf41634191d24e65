# The two entry points of the README. Both install what they need themselves.
.PHONY: demo test bench fuzz ct version dist dist-test

demo:
	bash scripts/demo

test:
	bash scripts/test

# Criterion benches of the core (verify vs raw HMAC), then the ratio table.
bench:
	cargo bench -p hooksig --bench verify
	cargo bench -p hooksig --bench matcher
	cargo bench -p hooksig --bench decrypt
	python3 scripts/bench-ratios

# Every fuzz target of fuzz/ for FUZZ_SECONDS (default 60) each; installs cargo-fuzz.
fuzz:
	bash scripts/fuzz

# Timing-leak check (dudect-style Welch t-tests) of verify; not a CI gate.
ct:
	cargo run --release --quiet -p hooksig-ct

# Sets the release version (V=x.y.z) in release.env and every manifest, with
# release.env's repository URL and the license files in every package.
version:
	@test -n "$(V)" || { echo "usage: make version V=x.y.z" >&2; exit 2; }
	python3 scripts/version $(V)

# Every release artefact into dist/ (wheels, npm packages, hooksig-wasm, C
# tarballs, the Kotlin jar, static CLIs, SBOM, SHA256SUMS); installs its tools.
dist:
	bash scripts/dist

# The aarch64 and musl artefacts of dist/ run under qemu-user (after make dist).
dist-test:
	bash scripts/dist-test
