#!/usr/bin/env node
// npm run test:old-glibc — the prebuilt glibc addon on an older glibc than this machine's.
//
// scripts/prebuild.mjs checks statically that prebuilds/linux-x64/node.napi.glibc.node needs
// no glibc symbol version newer than 2.28; this runs it. It fetches Debian 11's libc6 (glibc
// 2.31), libstdc++6 and libgcc-s1 with apt-get (a private apt state in a temporary directory;
// nothing is installed), then runs this Node under that glibc's dynamic linker with the
// prebuilt addon (node-gyp-build's JITKIT_PREBUILD points it there): code memory (memfd,
// mmap), a C symbol through dlopen/dlsym, a compiled IR function and an errno error.
// Needs network access to Debian's archive; run `npm run build:prebuilds` first.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const SUITE = 'bullseye';
const PACKAGES = ['libc6', 'libstdc++6', 'libgcc-s1'];
const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const prebuilt = join(root, 'prebuilds', 'linux-x64', 'node.napi.glibc.node');

function fail(message) {
  console.error(`test:old-glibc: ${message}`);
  process.exit(1);
}
function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 600_000, ...options });
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

if (!existsSync(prebuilt)) fail(`${prebuilt} does not exist; run npm run build:prebuilds first`);
const work = mkdtempSync(join(tmpdir(), 'jitkit-old-glibc-'));
try {
  const state = join(work, 'apt');
  for (const d of ['lists/partial', 'archives/partial']) mkdirSync(join(state, d), { recursive: true });
  writeFileSync(join(work, 'sources.list'), `deb http://deb.debian.org/debian ${SUITE} main\n`);
  const apt = [
    '-o', `Dir::Etc::SourceList=${join(work, 'sources.list')}`, '-o', 'Dir::Etc::SourceParts=/dev/null',
    '-o', `Dir::State=${state}`, '-o', `Dir::Cache=${state}`, '-o', 'Dir::State::status=/dev/null',
  ];
  run('apt-get', [...apt, 'update']);
  const debs = join(work, 'debs');
  mkdirSync(debs);
  for (const p of PACKAGES) {
    const version = run('apt-cache', [...apt, 'madison', p]).split('\n')[0]?.split('|')[1]?.trim();
    if (!version) fail(`no ${p} in Debian ${SUITE}`);
    run('apt-get', [...apt, 'download', `${p}=${version}`], { cwd: debs });
  }
  const sysroot = join(work, 'root');
  for (const deb of readdirSync(debs)) run('dpkg-deb', ['-x', join(debs, deb), sysroot]);
  const lib = join(sysroot, 'lib', 'x86_64-linux-gnu');
  const loader = join(lib, readdirSync(lib).find((f) => /^ld-2\.\d+\.so$/.test(f)) ?? 'ld-linux-x86-64.so.2');
  const glibc = /ld-(2\.\d+)\.so$/.exec(loader)?.[1] ?? '?';

  const pkg = join(work, 'package');
  mkdirSync(join(pkg, 'prebuilds', 'linux-x64'), { recursive: true });
  copyFileSync(prebuilt, join(pkg, 'prebuilds', 'linux-x64', 'node.napi.glibc.node'));
  const probe = `
    import { CodeMemory, wrap, symbol, compile, ir } from ${JSON.stringify(join(root, 'dist', 'src', 'index.js'))};
    import { native } from ${JSON.stringify(join(root, 'dist', 'src', 'runtime', 'addon.js'))};
    const m = new CodeMemory();
    const add4 = m.place(new Uint8Array([0x48, 0x8d, 0x47, 0x04, 0xc3]));
    const strlen = wrap(symbol('strlen'), { args: ['ptr'], result: 'u64' });
    const sq = compile(ir.parse('function %sq(i64) -> i64 {\\nblock0(v0: i64):\\n    v1 = imul v0, v0\\n    return v1\\n}')).get('sq', '(i64) -> i64');
    native.failNext('mmap', native.constants.ENOMEM);
    let refused = '';
    try { new CodeMemory({ scheme: 'mprotect' }).place(new Uint8Array([0xc3])); } catch (e) { refused = e.code; }
    console.log([m.scheme, add4.callInt(2n), strlen(Buffer.from('hello\\0')), sq(9n), refused].join(' '));`;
  const libraryPath = `${lib}:${join(sysroot, 'usr', 'lib', 'x86_64-linux-gnu')}`;
  const out = run(loader, ['--library-path', libraryPath, process.execPath, '--input-type=module', '-e', probe], {
    env: { ...process.env, JITKIT_PREBUILD: pkg },
  }).trim();
  if (out !== 'dual-mapping 6 5 81 ENOMEM') fail(`under glibc ${glibc}: expected "dual-mapping 6 5 81 ENOMEM", got "${out}"`);
  console.log(`test:old-glibc: the prebuilt glibc addon runs under Debian ${SUITE}'s glibc ${glibc}: ${out}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
