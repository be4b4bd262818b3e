/**
 * C library variables (`stdout`, `stderr`, `environ`, getopt's `optarg`/`optind`) in C programs:
 * the front end declares them as IR external data (`import data`), resolved to the process's own
 * objects; the program's output must equal gcc's (child processes: the C stdio streams are the
 * process's).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileToIR } from '../../src/frontends/c/index.js';
import { printModule } from '../../src/ir/index.js';

const distRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const PROGRAM = `#include <stdio.h>
#include <unistd.h>
extern char **environ;
int main(int argc, char **argv) {
  fputs("to stdout\\n", stdout);
  fprintf(stderr, "to stderr %d\\n", argc);
  FILE *out = stdout;
  fprintf(out, "same FILE: %d\\n", out == stdout);
  int n = 0;
  for (char **e = environ; *e; e++) n++;
  printf("environ: %s\\n", n > 0 ? "some" : "none");
  int c;
  while ((c = getopt(argc, argv, "ab:")) != -1) {
    if (c == 'b') printf("b=%s\\n", optarg);
    else printf("opt %c\\n", c);
  }
  printf("optind=%d rest=%s\\n", optind, optind < argc ? argv[optind] : "-");
  fflush(stdout);
  return 0;
}
`;

test('the C front end declares C library variables as external data', () => {
  const ir = compileToIR({ source: 'extern int optind;\nint f(void) { return optind; }', name: 'x.c' });
  assert.match(printModule(ir.module), /^import data %optind$/m);
});

test('stdout, stderr, environ, optarg and optind from C agree with gcc (child process)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jitkit-cext-'));
  try {
    const src = path.join(dir, 'prog.c');
    fs.writeFileSync(src, PROGRAM);
    const exe = path.join(dir, 'prog');
    execFileSync('gcc', ['-O0', '-w', '-o', exe, src]);
    const args = ['-a', '-b', 'val', 'rest'];
    const want = spawnSync(exe, args, { encoding: 'utf8' });
    for (const opt of [0, 2]) {
      const script = `
        import { cc } from ${JSON.stringify(path.join(distRoot, 'src/frontends/c/index.js'))};
        const p = cc({ files: [${JSON.stringify(src)}] }, { opt: ${opt} });
        process.exitCode = p.main(['prog', ...${JSON.stringify(args)}]);`;
      const got = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
      assert.equal(got.stdout, want.stdout, `-O${opt} stdout (stderr: ${got.stderr})`);
      assert.equal(got.stderr, want.stderr, `-O${opt} stderr`);
      assert.equal(got.status, want.status, `-O${opt} exit status`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
