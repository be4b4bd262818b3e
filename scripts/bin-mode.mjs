#!/usr/bin/env node
// After tsc: marks the package's bin entries executable (tsc writes 0644), so
// `npx jitkit` works from a fresh clone. Missing files are skipped.
import { chmodSync, existsSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
for (const file of Object.values(pkg.bin ?? {})) {
  if (existsSync(file)) chmodSync(file, 0o755);
}
