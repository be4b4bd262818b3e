/**
 * Randomised differential check of the optimiser: random modules (see
 * random-program.ts) run in the interpreter before and after `optimize` at -O1
 * and -O2 (verifier after every pass) on several argument vectors; results,
 * traps and the bytes the program stored through its pointer argument must be
 * identical (every NaN equals every NaN), and the optimised text must print ->
 * parse -> print identically.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Interpreter, Module, TrapError, parse, printModule } from '../../src/ir/index.js';
import { optimize } from '../../src/opt/index.js';
import { MAIN_ARGS, randomModule } from './random-program.js';

type Outcome = string;

function outcome(m: Module, args: readonly [number, bigint, number]): Outcome {
  const buf = new Uint8Array(64);
  for (let i = 0; i < 64; i++) buf[i] = (i * 37 + 11) & 0xff;
  let res: string;
  try {
    const out = new Interpreter(m, { verify: false }).call('main', [args[0], args[1], args[2], buf]) as unknown[];
    res = out.map((x) => (typeof x === 'number' && Number.isNaN(x) ? 'NaN' : Object.is(x, -0) ? '-0' : String(x))).join(', ');
  } catch (e) {
    if (!(e instanceof TrapError)) throw e;
    res = `trap ${e.trap}`;
  }
  return `${res} | ${Buffer.from(buf).toString('hex')}`;
}

const SEEDS = Number(process.env.JITKIT_OPT_SEEDS ?? 300);

test(`optimised random programs behave like the originals (${SEEDS} seeds, -O1 and -O2)`, () => {
  let traps = 0, insts = 0, after = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const original = randomModule(seed);
    const text = printModule(original);
    const want = MAIN_ARGS.map((a) => outcome(original, a));
    traps += want.filter((w) => w.startsWith('trap')).length;
    for (const level of [1, 2] as const) {
      const m = parse(text);
      try {
        optimize(m, { level, verify: true });
      } catch (e) {
        assert.fail(`seed ${seed} -O${level}: ${(e as Error).message}\n--- input\n${text}`);
      }
      const printed = printModule(m);
      assert.equal(printModule(parse(printed)), printed, `seed ${seed} -O${level}: optimised text does not round-trip`);
      MAIN_ARGS.forEach((a, k) => {
        const got = outcome(m, a);
        if (got !== want[k]) {
          assert.fail(`seed ${seed} -O${level} main(${a.join(', ')}):\n  want ${want[k]}\n  got  ${got}\n--- input\n${text}--- optimised\n${printModule(m)}`);
        }
      });
      if (level === 2) {
        insts += text.split('\n').filter((l) => l.startsWith('    ')).length;
        after += printModule(m).split('\n').filter((l) => l.startsWith('    ')).length;
      }
    }
  }
  // The generator must exercise traps, and -O2 must actually shrink programs.
  assert.ok(traps > 0, 'no run trapped');
  assert.ok(after < insts, `-O2 did not shrink the programs (${insts} -> ${after} lines)`);
});
