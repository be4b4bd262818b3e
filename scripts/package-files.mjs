import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

// What the npm package must and must not hold (used by scripts/test-package.mjs on the real
// tarball and by test/package/files.test.ts on `npm pack --dry-run`).

/** Every file of the tarball matches one of these. */
export const SHIPPED = [
  /^package\.json$/, /^README\.md$/, /^LICENSE$/, /^docs\/[\w-]+\.md$/,
  /^prebuilds\/linux-x64\/node\.napi\.(glibc|musl)\.node$/, /^dist\/src\/.+\.(js|d\.ts)$/,
  /^include\/[\w/.-]+\.h$/,
];
/** No file of the tarball matches one of these (tests, test harnesses, build intermediates). */
export const NEVER = [
  /^dist\/src\/fuzz\//, /^dist\/src\/ir\/filetest\./, /^dist\/src\/codegen\/executor\./, /\.map$/,
  /(^|\/)test\//, /^build\//, /^native\//, /\.tsbuildinfo$/,
];
/** The prebuilt addons the tarball must hold. */
export const PREBUILDS = ['prebuilds/linux-x64/node.napi.glibc.node', 'prebuilds/linux-x64/node.napi.musl.node'];

/** Files the package needs: manifest, README, LICENSE, every `exports` target and bin. */
export function requiredFiles(pkg) {
  const out = ['package.json', 'README.md', 'LICENSE'];
  for (const entry of Object.values(pkg.exports)) {
    for (const target of typeof entry === 'string' ? [entry] : Object.values(entry)) out.push(target.replace(/^\.\//, ''));
  }
  for (const b of Object.values(pkg.bin ?? {})) out.push(b.replace(/^\.\//, ''));
  return out;
}

/** The C headers jitkit/c reads at run time (include/ under the package root), as package paths. */
export function headerFiles(root) {
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
      if (e.isDirectory()) walk(`${dir}/${e.name}`);
      else if (e.name.endsWith('.h')) out.push(`${dir}/${e.name}`);
    }
  };
  if (existsSync(join(root, 'include'))) walk('include');
  return out.sort();
}

/**
 * Problems with a tarball's file list (empty when it is right). `root`: the repository, whose
 * include/ headers must all be shipped.
 */
export function fileListProblems(files, pkg, { prebuilds = true, root } = {}) {
  const problems = [];
  if (root !== undefined) for (const h of headerFiles(root)) if (!files.includes(h)) problems.push(`the tarball lacks ${h}`);
  for (const f of files) {
    if (!SHIPPED.some((re) => re.test(f)) || NEVER.some((re) => re.test(f))) problems.push(`the tarball holds ${f}, which the whitelist should not ship`);
  }
  for (const f of [...requiredFiles(pkg), ...(prebuilds ? PREBUILDS : [])]) if (!files.includes(f)) problems.push(`the tarball lacks ${f}`);
  return problems;
}
