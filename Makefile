# The two entry points of the README. Both install what they need themselves.
.PHONY: demo test bench

demo:
	bash scripts/demo

test:
	bash scripts/test

# Criterion benches of the core (verify vs raw HMAC), then the ratio table.
bench:
	cargo bench -p hooksig --bench verify
	python3 scripts/bench-ratios
