# The two entry points of the README. Both install what they need themselves.
.PHONY: demo test bench fuzz ct

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
