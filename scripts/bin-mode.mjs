#!/usr/bin/env node
// After tsc: makes the package's own bins runnable from a clone.
// - tsc writes files 0644: mark each bin entry executable.
// - npm links dependencies' bins into node_modules/.bin but not the root
//   package's own, and `npx jitkit` in the repo looks there: link them too.
// Missing files are skipped (a partial build is not an error here).
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, unlinkSync } from 'node:fs';
import { join, relative } from 'node:path';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const binDir = join('node_modules', '.bin');
for (const [name, file] of Object.entries(pkg.bin ?? {})) {
  if (!existsSync(file)) continue;
  chmodSync(file, 0o755);
  if (!existsSync('node_modules')) continue;
  mkdirSync(binDir, { recursive: true });
  const link = join(binDir, name);
  try {
    if (lstatSync(link)) unlinkSync(link);
  } catch {
    // no link yet
  }
  symlinkSync(relative(binDir, file), link);
}
