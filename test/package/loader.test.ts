/**
 * Loading the native addon as an installed package does: from prebuilds/ in node-gyp-build's
 * layout when there is no build from source, and with jitkit's own Error when no binary
 * matches the platform.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadAddon, packageRoot } from '../../src/runtime/addon.js';

const addonModule = pathToFileURL(path.join(packageRoot, 'dist', 'src', 'runtime', 'addon.js')).href;

/** A package directory with only `prebuilds` (file name -> source file). */
function fakePackage(prebuilds: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'jitkit-loader-'));
  writeFileSync(path.join(dir, 'package.json'), '{ "name": "jitkit" }');
  for (const [name, source] of Object.entries(prebuilds)) {
    mkdirSync(path.dirname(path.join(dir, 'prebuilds', name)), { recursive: true });
    copyFileSync(source, path.join(dir, 'prebuilds', name));
  }
  return dir;
}

test('with no binary for the platform, loading throws jitkit\'s Error saying what it looked for and what there is', () => {
  const none = fakePackage({});
  const arm = fakePackage({ 'linux-arm64/node.napi.glibc.node': path.join(packageRoot, 'package.json') });
  try {
    assert.throws(() => loadAddon(none), (e: Error) => {
      assert.match(e.message, new RegExp(`^jitkit: no native addon for linux-x64 \\(libc (glibc|musl), Node ${process.versions.node}\\) in ${none}\\. The package ships no prebuilt binary; jitkit runs on Linux x86-64 with glibc or musl\\.`));
      assert.match((e.cause as Error).message, /^No native build was found/);
      return true;
    });
    assert.throws(() => loadAddon(arm), /The package ships prebuilt binaries linux-arm64\/node\.napi\.glibc\.node; jitkit runs on Linux x86-64/);
  } finally {
    rmSync(none, { recursive: true, force: true });
    rmSync(arm, { recursive: true, force: true });
  }
});

test('an installed package loads its prebuilt binary by libc; another libc gets the Error', () => {
  // A copy of this build as the glibc prebuild, in a child process (one process should load
  // one copy of the addon).
  const dir = fakePackage({ 'linux-x64/node.napi.glibc.node': path.join(packageRoot, 'build', 'Release', 'jitkit.node') });
  const script = `import { loadAddon } from ${JSON.stringify(addonModule)};
    const a = loadAddon(${JSON.stringify(dir)});
    console.log(a.pageSize());`;
  try {
    assert.match(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, LIBC: 'glibc' } }), /^\d+\n$/);
    const musl = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, LIBC: 'musl' } });
    assert.notEqual(musl.status, 0);
    assert.match(musl.stderr, /jitkit: no native addon for linux-x64 \(libc musl, .*The package ships prebuilt binaries linux-x64\/node\.napi\.glibc\.node;/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
