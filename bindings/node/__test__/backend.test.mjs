// Which backend the installed `hooksig` runs on, and what it says about it.
// test.sh runs it where the platform package is installed (native, silent);
// bindings/wasm/test.sh where it is not, installed with --omit=optional
// (WebAssembly, one warning). HOOKSIG_EXPECT_BACKEND says which.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const expected = process.env.HOOKSIG_EXPECT_BACKEND;

/** Runs `code` (an ES module) in a fresh Node in the test project; its stdout and stderr. */
function run(code, env = {}) {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  assert.equal(child.status, 0, child.stderr);
  return child;
}

const warnings = (stderr) => stderr.match(/\[HOOKSIG_WASM_FALLBACK\]/g)?.length ?? 0;

test(`hooksig.backend is '${expected}', and says so once when it is WebAssembly`, () => {
  assert.match(expected, /^(native|wasm)$/, 'HOOKSIG_EXPECT_BACKEND');
  // Loaded through both module systems: still one warning.
  const { stdout, stderr } = run(
    "import hooksig from 'hooksig'; import { createRequire } from 'node:module';" +
      "createRequire(import.meta.url)('hooksig'); console.log(hooksig.backend);",
    { HOOKSIG_FORCE_WASM: '' },
  );
  assert.equal(stdout.trim(), expected);
  assert.equal(warnings(stderr), expected === 'wasm' ? 1 : 0, stderr);
  if (expected === 'wasm') {
    assert.match(stderr, new RegExp(`hooksig: no native addon for ${process.platform}-${process.arch}; using WebAssembly`));
  }
});

test('HOOKSIG_FORCE_WASM=1 runs on WebAssembly without a warning', () => {
  const { stdout, stderr } = run("import { backend } from 'hooksig'; console.log(backend);", { HOOKSIG_FORCE_WASM: '1' });
  assert.equal(stdout.trim(), 'wasm');
  assert.equal(warnings(stderr), 0, stderr);
});
