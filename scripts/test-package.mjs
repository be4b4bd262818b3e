#!/usr/bin/env node
// npm run test:package — the package as a user gets it.
//
//   1. `npm pack` (its prepack builds fresh prebuilt addons, prepare the JS and .d.ts); the
//      tarball's files must all be ones the whitelist means to ship, and include what a user
//      needs (entry points, typings, both prebuilt addons, README, LICENSE).
//   2. A fresh project installs the tarball with install scripts blocked (--ignore-scripts,
//      as npm 11 does by default) and a PATH holding only node and npm: no gcc, cc, make,
//      python3. Nothing may be compiled there; jitkit must load its prebuilt addon, the jitkit
//      command must run, and with a libc that no prebuilt binary matches, jitkit must fail
//      with its own Error.
//   3. Every ```ts snippet of the installed README.md and docs/*.md (conventions in
//      scripts/doc-snippets.mjs) is type-checked as that project would: strict,
//      isolatedModules, skipLibCheck off, once with moduleResolution node16 and once with
//      bundler; then each is run there, checking the values its comments state.
//
// Ends with one line (every number measured in this run; a failure prints a non-ok value
// and exits non-zero):
//   package: <n> files, <kB> kB  install without compiler: ok  snippets typed: <k>/<k>  ran: <k>/<k>
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { extractSnippets, programSource, programsOf } from './doc-snippets.mjs';
import { fileListProblems } from './package-files.mjs';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const work = mkdtempSync(join(tmpdir(), 'jitkit-package-'));
const problems = [];
let installFailed = false;
const note = (s) => console.log(`test:package: ${s}`);
const problem = (s) => {
  problems.push(s);
  console.log(`test:package: FAIL ${s}`);
};
/** A problem with installing or loading the package (the bar line's install value). */
const installProblem = (s) => {
  installFailed = true;
  problem(s);
};

/** The environment without npm's per-run variables (a nested npm must act as a fresh one). */
function cleanEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_|^INIT_CWD$|^NODE_OPTIONS$/i.test(k)) env[k] = v;
  return { ...env, ...extra };
}

function run(cmd, args, options) {
  return spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 300_000, ...options });
}

// ---------------------------------------------------------------------------------------------
// 1. Pack.
const packed = run('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, env: cleanEnv({}) });
if (packed.status !== 0) {
  console.error(packed.stdout + packed.stderr);
  console.log('package: FAILED (npm pack)  install without compiler: not run  snippets typed: 0/0  ran: 0/0');
  process.exit(1);
}
// The scripts' output comes first; npm's JSON is the array at the end.
const info = JSON.parse(packed.stdout.slice(packed.stdout.search(/^\[/m)))[0];
const tarball = join(work, info.filename);
const files = info.files.map((f) => f.path);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

for (const p of fileListProblems(files, pkg, { root })) problem(p);
const manifest = JSON.parse(run('tar', ['-xzOf', tarball, 'package/package.json']).stdout);
for (const s of ['preinstall', 'install', 'postinstall']) if (manifest.scripts?.[s] !== undefined) installProblem(`the packed package.json has an ${s} script`);
if (manifest.gypfile !== false) installProblem('the packed package.json must say "gypfile": false (npm would run node-gyp for a binding.gyp)');
const kB = statSync(tarball).size / 1000;
note(`${info.filename}: ${files.length} files, ${kB.toFixed(1)} kB (unpacked ${(info.unpackedSize / 1000).toFixed(1)} kB)`);

// ---------------------------------------------------------------------------------------------
// 2. Install into a fresh project, without a compiler and without install scripts.
const bin = join(work, 'bin');
mkdirSync(bin);
const npmCli = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
symlinkSync(process.execPath, join(bin, 'node'));
symlinkSync(existsSync(npmCli) ? npmCli : run('sh', ['-c', 'command -v npm']).stdout.trim(), join(bin, 'npm'));
const onlyNode = cleanEnv({ PATH: bin });
const compilers = ['gcc', 'cc', 'g++', 'c++', 'clang', 'make', 'python3', 'python', 'node-gyp', 'musl-gcc'];
const reachable = compilers.filter((c) => onlyNode.PATH.split(delimiter).some((d) => existsSync(join(d, c))));
if (reachable.length > 0) installProblem(`the install PATH reaches ${reachable.join(', ')}`);

const project = join(work, 'consumer');
mkdirSync(project);
writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'jitkit-consumer', private: true, type: 'module' }, null, 2));
const install = run(join(bin, 'npm'), ['install', tarball, '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: project, env: onlyNode });
if (install.status !== 0) installProblem(`npm install failed:\n${install.stdout}${install.stderr}`);
const installed = join(project, 'node_modules', 'jitkit');
if (install.status === 0) {
  if (existsSync(join(installed, 'build'))) installProblem('the install compiled something (node_modules/jitkit/build exists)');
  const count = (dir) => readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? count(join(dir, e.name)) : 1), 0);
  if (count(installed) !== files.length) installProblem(`the installed package has ${count(installed)} files, the tarball ${files.length}`);
  // jitkit loads, from its prebuilt glibc binary, and calls into it.
  const probe = run(join(bin, 'node'), ['--input-type=module', '-e', `
    import { createRequire } from 'node:module';
    import { CodeMemory } from 'jitkit';
    const require = createRequire(import.meta.url);
    const where = require('node-gyp-build').resolve(${JSON.stringify(installed)});
    const f = new CodeMemory().place(new Uint8Array([0x48, 0x8d, 0x47, 0x04, 0xc3]));   // lea rax, [rdi + 4]; ret
    console.log(where, f.callInt(2n));`], { cwd: project, env: onlyNode });
  const [where, result] = probe.stdout.trim().split(' ');
  if (probe.status !== 0 || !/prebuilds\/linux-x64\/node\.napi\.glibc\.node$/.test(where ?? '') || result !== '6n') {
    installProblem(`loading the installed jitkit: ${probe.stdout}${probe.stderr}`);
      } else note(`loads ${relative(project, where)} (no compiler, no install script)`);
  // The jitkit command, as npm linked it.
  writeFileSync(join(project, 'fib.ir'), readFileSync(join(root, 'examples', 'fib.ir')));
  const cli = run(join(project, 'node_modules', '.bin', 'jitkit'), ['run', 'fib.ir', 'fib', '20'], { cwd: project, env: onlyNode });
  if (cli.status !== 0 || cli.stdout.trim() !== '6765') installProblem(`npx jitkit run fib.ir fib 20: ${cli.stdout}${cli.stderr}`);
  // A libc no prebuilt binary matches: jitkit's own Error, naming what it looked for.
  const alien = run(join(bin, 'node'), ['--input-type=module', '-e', "import('jitkit').then(() => console.log('loaded'), (e) => console.log(e.message))"], { cwd: project, env: { ...onlyNode, LIBC: 'bionic' } });
  if (!/^jitkit: no native addon for linux-x64 \(libc bionic, Node [\d.]+\) in .*prebuilt binaries linux-x64\/node\.napi\.glibc\.node, linux-x64\/node\.napi\.musl\.node/.test(alien.stdout)) {
    installProblem(`a platform without a prebuilt binary should get jitkit's Error, got: ${alien.stdout}${alien.stderr}`);
  }
}

// ---------------------------------------------------------------------------------------------
// 3. Type-check and run the documentation's snippets in that project.
if (!existsSync(join(installed, 'README.md'))) {
  console.log(`package: ${files.length} files, ${kB.toFixed(1)} kB  install without compiler: FAILED  snippets typed: 0/0  ran: 0/0`);
  process.exit(1);
}
const docs = ['README.md', ...readdirSync(join(installed, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
const snippets = docs.flatMap((f) => extractSnippets(readFileSync(join(installed, f), 'utf8'), f));
for (const s of snippets.filter((x) => x.skip !== undefined)) note(`not a test: ${s.file}:${s.line} (${s.skip})`);
const programs = programsOf(snippets);
const total = programs.reduce((n, p) => n + p.snippets.length, 0);
const typedDir = join(project, 'typed'), runDir = join(project, 'run');
mkdirSync(typedDir);
mkdirSync(runDir);
const owners = new Map();
let checkCount = 0;
for (const p of programs) {
  const plain = programSource(p);
  writeFileSync(join(typedDir, `${p.name}.ts`), plain.source);
  owners.set(p.name, plain.lineOwners);
  const checked = programSource(p, { checks: true });
  writeFileSync(join(runDir, `${p.name}.ts`), checked.source);
  checkCount += checked.checks;
}
const ts = createRequire(join(root, 'package.json'))('typescript');
// What a consumer's tsconfig.json would say (typescript and @types/node come from this repo).
const common = {
  strict: true, isolatedModules: true, skipLibCheck: false, target: 'ES2022', lib: ['ES2022'],
  types: ['node'], typeRoots: [join(root, 'node_modules', '@types')],
};
const modeJson = {
  node16: { module: 'node16', moduleResolution: 'node16' },
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
};
const compilerOptions = (json) => {
  const { options, errors } = ts.convertCompilerOptionsFromJson({ ...common, ...json }, project);
  if (errors.length > 0) throw new Error(errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' ')).join('; '));
  return options;
};
const typedFiles = programs.map((p) => join(typedDir, `${p.name}.ts`));
const flatten = (d) => ts.flattenDiagnosticMessageText(d.messageText, ' ');
// Snippets (program#index) with a type error in any mode. Diagnostics are asked for per file,
// so a syntax error in one snippet does not hide another's type errors.
const badSnippets = new Set();
const reported = new Map();
/** The 0-based program line of snippet k's first code line (after its `// file:line` comment). */
const sourceLineOf = (owner, k) => owner.indexOf(k) + 1;
for (const [mode, json] of Object.entries(modeJson)) {
  const program = ts.createProgram(typedFiles, compilerOptions({ ...json, noEmit: true }));
  for (const d of [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()]) problem(`tsc (${mode}): ${flatten(d)}`);
  for (const sf of program.getSourceFiles()) {
    const diagnostics = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
    if (diagnostics.length === 0) continue;
    const name = relative(typedDir, sf.fileName).replace(/\.ts$/, '');
    const owner = owners.get(name);
    for (const d of diagnostics) {
      if (owner === undefined) {
        // An error in a declaration file: jitkit's typings (or what they use) are wrong.
        problem(`${relative(project, sf.fileName)} (${mode}): ${flatten(d)}`);
        for (const p of programs) p.snippets.forEach((_, k) => badSnippets.add(`${p.name}#${k}`));
        continue;
      }
      const line = sf.getLineAndCharacterOfPosition(d.start ?? 0).line;
      const k = owner[line];
      const s = programs.find((p) => p.name === name).snippets[k];
      // Report the first few errors of a snippet per mode; one is enough to fail it.
      const key = `${name}#${k}`, shown = (reported.get(`${key}:${mode}`) ?? 0) + 1;
      reported.set(`${key}:${mode}`, shown);
      badSnippets.add(key);
      if (shown <= 3) problem(`${s.file}:${s.line + line - sourceLineOf(owner, k)} (snippet at line ${s.line}, ${mode}): TS${d.code}: ${flatten(d)}`);
    }
  }
}
const typed = total - badSnippets.size;

// Run: compile the checked form (node16) and run each program in the project, with the PATH
// that holds only node and npm.
const runProgram = ts.createProgram(programs.map((p) => join(runDir, `${p.name}.ts`)), compilerOptions({ ...modeJson.node16, outDir: join(project, 'out') }));
runProgram.emit();
let ran = 0;
for (const p of programs) {
  const js = join(project, 'out', `${p.name}.js`);
  const r = existsSync(js) ? run(join(bin, 'node'), [js], { cwd: project, env: onlyNode, timeout: 60_000 }) : { status: null, stdout: '', stderr: 'not compiled' };
  if (r.status === 0) ran += p.snippets.length;
  else problem(`${p.snippets[0].file} snippet at line ${p.snippets[0].line} failed to run (exit ${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
}
note(`${total} snippets in ${programs.length} programs from ${docs.length} files, ${checkCount} stated values checked`);

if (problems.length === 0) rmSync(work, { recursive: true, force: true });
else note(`left ${work} for inspection`);
const installText = installFailed ? 'FAILED' : 'ok';
console.log(`package: ${files.length} files, ${kB.toFixed(1)} kB  install without compiler: ${installText}  snippets typed: ${typed}/${total}  ran: ${ran}/${total}`);
process.exit(problems.length === 0 ? 0 : 1);
