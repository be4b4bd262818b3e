#!/usr/bin/env node
// After tsc: turns `declare const enum` into `declare enum` in the emitted .d.ts files.
//
// Why: jitkit's sources use const enums (Opcode, Type, IntCC, ...) so that hot paths compare
// against inlined integers. A consumer that compiles with `isolatedModules` (Vite, esbuild,
// SWC, tsc --isolatedModules) cannot use an *ambient* const enum from a .d.ts (TS2748), and
// cannot inline it either. tsconfig's `preserveConstEnums` makes every const enum also exist
// as a real object in the emitted JS, so declaring it a plain enum in the .d.ts is exactly
// true at run time: a consumer's `Type.I64` reads the property; jitkit's own code keeps its
// inlined constants. (This is the approach the TypeScript handbook describes for libraries
// under "const enum pitfalls".) The emitted JavaScript is not touched.
//
// Usage: node scripts/dts-plain-enums.mjs [dir]   (default dist/src)
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The rewrite: every `declare const enum` (exported or not) becomes `declare enum`. */
export function plainEnums(text) {
  return text.replace(/^(\s*(?:export\s+)?declare\s+)const\s+enum\s/gm, '$1enum ');
}

/** Rewrites every .d.ts under `dir`; returns how many files changed. */
export function rewriteDeclarations(dir) {
  let changed = 0;
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.d.ts')) {
        const text = readFileSync(p, 'utf8');
        const out = plainEnums(text);
        if (out !== text) {
          writeFileSync(p, out);
          changed++;
        }
      }
    }
  };
  walk(dir);
  return changed;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  rewriteDeclarations(process.argv[2] ?? join('dist', 'src'));
}
