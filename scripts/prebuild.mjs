#!/usr/bin/env node
// Builds the prebuilt native addons that the npm package ships, in the layout node-gyp-build
// loads (the prebuildify layout):
//
//   prebuilds/linux-x64/node.napi.glibc.node    gcc       (any glibc >= 2.28, checked below)
//   prebuilds/linux-x64/node.napi.musl.node     musl-gcc  (Alpine and other musl systems)
//
// Each is built by node-gyp from binding.gyp (the same definition `npm install` builds in the
// repository) in a scratch copy of binding.gyp and native/, so the development build in build/
// is left alone; for musl, node-gyp's compiler and linker are musl-gcc. Then each is checked:
// the glibc one is loaded into Node and called, and the highest glibc symbol version it needs
// must be at most MAX_GLIBC; the musl one must resolve every symbol under musl's own dynamic
// linker (a small musl program dlopens it with RTLD_NOW, with stand-ins for the Node-API
// functions that Node would provide). Any failure exits non-zero: `npm pack` (prepack) never
// packs a missing or unchecked binary.
//
// Needs gcc, make, python3 (node-gyp), musl-gcc (Debian: apt-get install musl-tools) and
// objdump (binutils), and Node's headers (found beside the node binary, else node-gyp's cache).
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The oldest glibc the prebuilt binary must load on (Node 20's own minimum on x64). */
const MAX_GLIBC = [2, 28];
const FLAVOURS = [
  { libc: 'glibc', cc: 'gcc', hint: 'apt-get install gcc' },
  { libc: 'musl', cc: 'musl-gcc', hint: 'apt-get install musl-tools' },
];

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const gyp = JSON.parse(readFileSync(join(root, 'binding.gyp'), 'utf8'));
const target = gyp.targets[0].target_name;
const outDir = join(root, 'prebuilds', `${process.platform}-${process.arch}`);

function fail(message) {
  console.error(`prebuild: ${message}`);
  process.exit(1);
}

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (r.error) fail(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** npm's own node-gyp (npm sets npm_config_node_gyp for scripts; else beside npm). */
function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  const found = candidates.find((p) => p !== undefined && p !== '' && existsSync(p));
  if (found === undefined) fail('cannot find node-gyp (run this through npm: npm run prebuild)');
  return found;
}

/** A directory with include/node/node_api.h for node-gyp's --nodedir, or undefined (node-gyp's cache). */
function nodeDir() {
  const candidates = [process.env.npm_config_nodedir, join(dirname(process.execPath), '..')];
  return candidates.find((d) => d !== undefined && d !== '' && existsSync(join(d, 'include', 'node', 'node_api.h')));
}

/** The dynamic symbols of an ELF file: [name, version, undefined?]. */
function dynamicSymbols(file) {
  const out = [];
  for (const line of run('objdump', ['-T', file]).split('\n')) {
    // 0000000000000000      DF *UND*  0000000000000000 (GLIBC_2.2.5) mmap
    const m = /^[0-9a-f]+\s.*?\s(\*UND\*|\.\S+)\s+[0-9a-f]+\s+(?:\(?([\w.]+)\)?\s+)?(\S+)$/.exec(line);
    if (m !== null) out.push({ name: m[3], version: m[2] ?? '', undefined: m[1] === '*UND*' });
  }
  return out;
}

function build(flavour, gypScript, headers) {
  const scratch = mkdtempSync(join(tmpdir(), `jitkit-prebuild-${flavour.libc}-`));
  try {
    copyFileSync(join(root, 'binding.gyp'), join(scratch, 'binding.gyp'));
    cpSync(join(root, 'native'), join(scratch, 'native'), { recursive: true });
    const env = { ...process.env, CC: flavour.cc, CXX: flavour.cc, LINK: flavour.cc };
    const args = [gypScript, 'rebuild', '--release'];
    if (headers !== undefined) args.push(`--nodedir=${headers}`);
    run(process.execPath, args, { cwd: scratch, env });
    const built = join(scratch, 'build', 'Release', `${target}.node`);
    if (!existsSync(built)) fail(`node-gyp did not produce ${built}`);
    const dest = join(outDir, `node.napi.${flavour.libc}.node`);
    copyFileSync(built, dest);
    return dest;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function checkGlibc(file) {
  const probe = `const m = { exports: {} }; process.dlopen(m, ${JSON.stringify(file)});
    if (!(m.exports.pageSize() > 0)) throw new Error('pageSize() returned ' + m.exports.pageSize());`;
  run(process.execPath, ['-e', probe]);
  let highest = [0, 0];
  for (const s of dynamicSymbols(file)) {
    const m = /^GLIBC_(\d+)\.(\d+)/.exec(s.version);
    if (m === null) continue;
    const v = [Number(m[1]), Number(m[2])];
    if (v[0] > highest[0] || (v[0] === highest[0] && v[1] > highest[1])) highest = v;
    if (v[0] > MAX_GLIBC[0] || (v[0] === MAX_GLIBC[0] && v[1] > MAX_GLIBC[1])) {
      fail(`${file} needs ${s.name}@${s.version}, newer than glibc ${MAX_GLIBC.join('.')}`);
    }
  }
  return `loads and runs here; needs glibc >= ${highest.join('.')}`;
}

function checkMusl(file) {
  const napi = dynamicSymbols(file).filter((s) => s.undefined && /^(napi|node_api)_/.test(s.name)).map((s) => s.name);
  const scratch = mkdtempSync(join(tmpdir(), 'jitkit-musl-check-'));
  try {
    // Stand-ins for what Node exports: only their presence matters, nothing calls them.
    const source = [
      '#include <dlfcn.h>',
      '#include <stdio.h>',
      ...napi.map((n) => `void ${n}(void) {}`),
      'int main(int argc, char **argv) {',
      '  void *h = dlopen(argv[1], RTLD_NOW);',
      '  if (h == NULL) { printf("%s\\n", dlerror()); return 1; }',
      '  if (dlsym(h, "napi_register_module_v1") == NULL) { printf("no napi_register_module_v1\\n"); return 1; }',
      '  return 0;',
      '}',
    ].join('\n');
    writeFileSync(join(scratch, 'host.c'), source);
    run('musl-gcc', ['-rdynamic', '-o', join(scratch, 'host'), join(scratch, 'host.c')]);
    run(join(scratch, 'host'), [file]);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return `every symbol resolves under musl's dynamic linker (${napi.length} Node-API functions from the host)`;
}

for (const tool of ['make', 'python3', 'objdump']) if (!onPath(tool)) fail(`${tool} is not on PATH (node-gyp and the checks need it)`);
for (const f of FLAVOURS) if (!onPath(f.cc)) fail(`${f.cc} is not on PATH; install it (${f.hint}) to build the ${f.libc} addon`);
const gypScript = nodeGyp();
const headers = nodeDir();
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
for (const f of FLAVOURS) {
  const file = build(f, gypScript, headers);
  const note = f.libc === 'glibc' ? checkGlibc(file) : checkMusl(file);
  console.log(`prebuild: ${file.slice(root.length + 1)} (${readFileSync(file).length} bytes): ${note}`);
}
