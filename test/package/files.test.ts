/**
 * The npm package's file list, from `npm pack --dry-run` (no scripts run): exactly what users
 * need (the whitelist in package.json `files`, checked by scripts/package-files.mjs, the
 * same rules npm run test:package applies to the real tarball).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../../src/runtime/addon.js';

interface PackageFiles {
  NEVER: RegExp[];
  fileListProblems(files: string[], pkg: unknown, options?: { prebuilds?: boolean; root?: string }): string[];
}

const rules = import(pathToFileURL(path.join(packageRoot, 'scripts', 'package-files.mjs')).href) as Promise<PackageFiles>;
const pkg = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as Record<string, unknown>;

function packedFiles(): string[] {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: packageRoot, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

test('npm pack ships exactly the whitelisted files, and every built module users need', async () => {
  const { NEVER, fileListProblems } = await rules;
  const files = packedFiles();
  // The prebuilt addons exist once `npm run build:prebuilds` (or npm pack's prepack) ran.
  const prebuilt = files.some((f) => f.startsWith('prebuilds/'));
  assert.deepEqual(fileListProblems(files, pkg, { prebuilds: prebuilt, root: packageRoot }), []);
  assert.ok(files.includes('include/freestanding/stddef.h'), 'the C front end\'s headers are shipped');
  const built = walk(path.join(packageRoot, 'dist', 'src'))
    .map((f) => path.relative(packageRoot, f).split(path.sep).join('/'))
    .filter((f) => /\.(js|d\.ts)$/.test(f) && !NEVER.some((re) => re.test(f)));
  assert.deepEqual(built.filter((f) => !files.includes(f)), [], 'every built module outside the test harness is shipped');
  assert.ok(files.includes('LICENSE') && files.includes('dist/src/index.d.ts'));
  // The checker rejects what it must.
  const wrong = fileListProblems([...files.filter((f) => f !== 'LICENSE'), 'dist/test/x.test.js', 'dist/src/index.js.map', 'build/Release/jitkit.node'], pkg, { prebuilds: prebuilt });
  assert.deepEqual(wrong.sort(), [
    'the tarball holds build/Release/jitkit.node, which the whitelist should not ship',
    'the tarball holds dist/src/index.js.map, which the whitelist should not ship',
    'the tarball holds dist/test/x.test.js, which the whitelist should not ship',
    'the tarball lacks LICENSE',
  ]);
});

test('consumers get no install script and no node-gyp build', () => {
  const scripts = pkg['scripts'] as Record<string, string>;
  for (const s of ['preinstall', 'install', 'postinstall']) assert.equal(scripts[s], undefined, s);
  assert.equal(pkg['gypfile'], false, 'npm runs node-gyp for a package with binding.gyp unless gypfile is false');
  assert.match(scripts['prepack']!, /build:prebuilds/, 'npm pack builds fresh prebuilt addons');
});
