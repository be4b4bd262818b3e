/**
 * Test-case reducer: shrinks a program while a predicate (usually "the
 * executors still disagree") keeps holding, and writes a small text-IR file.
 *
 * It works on the canonical text, one line per instruction, so that every
 * candidate is simply re-parsed and re-verified; candidates that do not parse
 * or verify are dropped. Passes, repeated until none makes progress:
 *
 *   functions   delete a whole function (other than %main)
 *   insts       replace chunks of instructions (64, 16, 4, 1 at a time) by
 *               constants of their result types; delete result-less ones
 *   dce         delete instructions whose results are unused
 *   branches    brif / br_table -> jump to one of the targets
 *   blocks      delete a block (fails to verify while still referenced)
 *   params      turn a block parameter into a constant defined in the block
 *   consts      iconst -> 0, 1, x/2; fconst -> 0.0, 1.0
 *   decls       delete import / data lines
 *
 * A candidate can loop forever (a branch that used to leave a loop now
 * doesn't) or access memory out of bounds (a mask was removed), so the
 * predicate is only asked after an instrumented copy ran to completion on the
 * interpreter within a fuel limit and without a heap_oob / stk_ovf trap
 * (`terminates`).
 */
import { Interpreter, Module, parse, printModule, verifyModule } from '../ir/index.js';
import { zeroedExternalData } from '../ir/filetest.js';
import { clockMs, type BudgetClock } from '../util/cpu-time.js';

/** Options for `reduce`. */
export interface ReduceOptions {
  /** Stop after this many milliseconds (default 60 s). */
  timeLimitMs?: number;
  /** How `timeLimitMs` is measured (default `'wall'`; `'cpu'`: this process's CPU time). */
  clock?: BudgetClock;
  /** Called before each candidate is checked (a supervisor's watchdog hears that the reduction progresses). */
  onProgress?: () => void;
  /** Arguments of %main, to check that a candidate terminates (after the buffer). */
  args?: readonly unknown[];
  /** The buffer argument of %main (copied per run). */
  buffer?: Uint8Array;
  /** Blocks %main may enter before a candidate counts as non-terminating (default 200000). */
  fuel?: number;
}

const BLOCK_HEADER = /^block(\d+)(\((.*)\))?:$/;
const RESULTS = /^    (v\d+(?:, v\d+)*) = (\S+)/;

/** Adds `import %__fuel()` and a call to it at the start of every block. */
export function instrumentBlocks(text: string, hook = '__fuel'): string {
  const out = [`import %${hook}()`];
  for (const line of text.split('\n')) {
    out.push(line);
    if (BLOCK_HEADER.test(line)) out.push(`    call %${hook}()`);
  }
  return out.join('\n');
}

/**
 * True when %main of `text` finishes on the interpreter within `fuel` blocks
 * without an out-of-bounds access or a stack overflow: only such candidates may
 * be run on compiled code.
 */
export function terminates(text: string, buffer: Uint8Array, args: readonly unknown[], fuel = 200000): boolean {
  let m: Module;
  try {
    m = parse(instrumentBlocks(text));
  } catch {
    return false;
  }
  let n = 0;
  const it = new Interpreter(m, { imports: { __fuel: () => { if (++n > fuel) throw new OutOfFuel(); } }, data: zeroedExternalData(m) });
  try {
    it.call('main', [buffer.slice(), ...args]);
  } catch (e) {
    if (e instanceof OutOfFuel) return false;
    // Compiled code does not bounds-check, and its stack limit differs from the
    // interpreter's depth limit: such candidates are not well defined for the compiler.
    const trap = (e as { trap?: string }).trap;
    if (trap === 'heap_oob' || trap === 'stk_ovf') return false;
  }
  return true;
}
class OutOfFuel extends Error {}

/** Parses and verifies `text`; undefined if either fails. */
export function tryParse(text: string): Module | undefined {
  try {
    const m = parse(text);
    return verifyModule(m).length === 0 ? m : undefined;
  } catch {
    return undefined;
  }
}

/** The types of all values of each function of `text`, by function line index: value name -> type name. */
function valueTypes(m: Module): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  const names = ['', 'i8', 'i16', 'i32', 'i64', 'f32', 'f64', 'ptr'];
  for (const f of m.functions()) {
    const t = new Map<string, string>();
    for (let v = 0; v < f.valueCount; v++) if (f.isValue(v)) t.set(`v${v}`, names[f.valueType[v]!]!);
    out.set(f.name, t);
  }
  return out;
}

function constLine(v: string, type: string): string {
  if (type === 'f32' || type === 'f64') return `    ${v} = fconst.${type} 0.0`;
  return `    ${v} = iconst.${type} 0`;
}

/** Shrinks `text` while `stillFails(module)` holds; returns the smallest text found. */
export function reduce(text: string, stillFails: (m: Module, text: string) => boolean, options: ReduceOptions = {}): string {
  const clock = options.clock ?? 'wall';
  const deadline = clockMs(clock) + (options.timeLimitMs ?? 60000);
  const buffer = options.buffer, args = options.args ?? [];
  let lines = text.split('\n');
  const accept = (cand: string[]): boolean => {
    if (clockMs(clock) > deadline) return false;
    options.onProgress?.();
    const t = cand.join('\n');
    const m = tryParse(t);
    if (m === undefined) return false;
    if (buffer !== undefined && !terminates(t, buffer, args, options.fuel)) return false;
    if (!stillFails(m, t)) return false;
    lines = printModule(m).split('\n');
    return true;
  };
  /** Function name owning each line (or ''). */
  const owners = (ls: string[]): string[] => {
    let cur = '';
    return ls.map((l) => {
      const m = /^function %(\S+)\(/.exec(l);
      if (m) cur = m[1]!;
      const o = cur;
      if (l === '}') cur = '';
      return o;
    });
  };
  const isInst = (l: string): boolean => /^    /.test(l) && !/^    (ss|sig)\d+ = /.test(l);
  const isTerm = (l: string): boolean => /^    (jump|brif|br_table|return|trap)\b/.test(l);
  /** Line numbers of the instructions whose results are all unused (value names are per function). */
  const deadLines = (): number[] => {
    const own = owners(lines);
    const uses = new Map<string, number>();
    lines.forEach((l, i) => {
      for (const m of l.matchAll(/\bv\d+\b/g)) { const k = `${own[i]}/${m[0]}`; uses.set(k, (uses.get(k) ?? 0) + 1); }
    });
    const dead: number[] = [];
    lines.forEach((l, i) => {
      const r = RESULTS.exec(l);
      if (r && !isTerm(l) && r[1]!.split(', ').every((v) => uses.get(`${own[i]}/${v}`) === 1)) dead.push(i);
    });
    return dead;
  };
  /** Deletes every unused definition at once, repeatedly; true when anything went. */
  const dceAll = (): boolean => {
    let any = false;
    for (let dead = deadLines(); dead.length > 0 && accept(lines.filter((_, i) => !dead.includes(i))); dead = deadLines()) any = true;
    return any;
  };

  let progress = true;
  for (let round = 0; progress && clockMs(clock) < deadline; round++) {
    progress = false;
    // functions
    for (let i = 0; i < lines.length; i++) {
      const m = /^function %(\S+)\(/.exec(lines[i]!);
      if (!m || m[1] === 'main') continue;
      let end = i;
      while (lines[end] !== '}') end++;
      const cand = [...lines.slice(0, i), ...lines.slice(end + 2)];
      if (accept(cand)) { progress = true; i--; }
    }
    // insts: chunks -> constants / deletion
    // Single instructions (the slowest step) only once the structural passes below had a go.
    for (const chunk of round === 0 ? [64, 16, 4] : [64, 16, 4, 1]) {
      let types = valueTypes(tryParse(lines.join('\n'))!);
      for (let start = 0; start < lines.length; start += chunk) {
        const own = owners(lines);
        const cand = [...lines];
        let changed = false;
        for (let i = Math.min(start + chunk, lines.length) - 1; i >= start; i--) {
          const l = cand[i]!;
          if (!isInst(l) || isTerm(l)) continue;
          const r = RESULTS.exec(l);
          if (r === null) { cand.splice(i, 1); changed = true; continue; }
          if (/^(iconst|fconst)\./.test(r[2]!)) continue;
          const t = types.get(own[i]!)!;
          const defs = r[1]!.split(', ').map((v) => constLine(v, t.get(v)!));
          cand.splice(i, 1, ...defs);
          changed = true;
        }
        if (changed && accept(cand)) {
          progress = true;
          types = valueTypes(tryParse(lines.join('\n'))!);
          start -= chunk; // lines shifted; look at this window again
        }
      }
      // The constants left behind are mostly dead: drop them before the smaller (slower) chunks.
      if (dceAll()) progress = true;
    }
    // dce: unused results, repeatedly
    for (let again = true; again;) {
      again = false;
      const dead = deadLines();
      if (dead.length === 0) break;
      if (dceAll()) { again = true; progress = true; continue; }
      for (let k = dead.length - 1; k >= 0; k--) {
        const cand = [...lines];
        cand.splice(dead[k]!, 1);
        if (accept(cand)) progress = true;
      }
    }
    // branches -> jumps
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      let targets: string[] = [];
      const mb = /^    brif v\d+, (.*)$/.exec(l);
      const mt = /^    br_table v\d+, (.*)$/.exec(l);
      if (mb) targets = splitTargets(mb[1]!);
      else if (mt) targets = splitTargets(mt[1]!.replace(/[[\]]/g, ''));
      for (const t of targets) {
        const cand = [...lines];
        cand[i] = `    jump ${t}`;
        if (accept(cand)) { progress = true; break; }
      }
    }
    // forward: `vN = op vA, ...` -> uses of vN become vA (same type), line deleted
    {
      let types = valueTypes(tryParse(lines.join('\n'))!);
      for (let i = 0; i < lines.length; i++) {
        const r = /^    (v\d+) = [a-z_0-9.]+ (.*)$/.exec(lines[i]!);
        if (r === null || isTerm(lines[i]!)) continue;
        const own = owners(lines);
        const t = types.get(own[i]!)!;
        const want = t.get(r[1]!);
        const operands = [...new Set(r[2]!.match(/\bv\d+\b/g) ?? [])].filter((a) => t.get(a) === want);
        for (const a of operands) {
          const re = new RegExp(`\\b${r[1]}\\b`, 'g');
          const cand = lines.map((l, k) => (own[k] === own[i] ? l.replace(re, a) : l));
          cand.splice(i, 1);
          if (accept(cand)) { progress = true; i--; types = valueTypes(tryParse(lines.join('\n'))!); break; }
        }
      }
    }
    // threading: a target block that only jumps on (no parameters) is bypassed
    for (let i = 0; i < lines.length; i++) {
      const h = BLOCK_HEADER.exec(lines[i]!);
      if (!h || h[2] !== undefined || isEntryHeader(lines, i)) continue;
      const j = /^    jump (block\d+)$/.exec(lines[i + 1] ?? '');
      if (!j || j[1] === `block${h[1]}`) continue;
      const own = owners(lines);
      const re = new RegExp(`(jump |brif v\\d+, |br_table v\\d+, |, |\\[)block${h[1]}\\b(?!\\()`, 'g');
      const cand = lines.map((l, k) => (k !== i && own[k] === own[i] && isTerm(l) ? l.replace(re, `$1${j[1]}`) : l));
      if (cand.some((l, k) => l !== lines[k]) && accept(cand)) progress = true;
    }
    // unreachable blocks, all at once
    {
      const m = tryParse(lines.join('\n'))!;
      const dead = new Set<string>();
      for (const f of m.functions()) {
        const seen = new Set<number>([f.entryBlock]);
        const work = [f.entryBlock as number];
        while (work.length > 0) {
          const b = work.pop()!;
          const last = f.blockLast[b]!;
          if (last < 0) continue;
          for (let d = 0; d < f.instDestCount[last]!; d++) {
            const t = f.destBlock[f.dest(last as never, d)]!;
            if (!seen.has(t)) { seen.add(t); work.push(t); }
          }
        }
        for (const b of f.blocks()) if (!seen.has(b)) dead.add(`${f.name}/${b}`);
      }
      if (dead.size > 0) {
        const own = owners(lines);
        const cand: string[] = [];
        let skipping = false;
        lines.forEach((l, k) => {
          const h = BLOCK_HEADER.exec(l);
          if (h) skipping = dead.has(`${own[k]}/${h[1]}`);
          if (l === '}' ) skipping = false;
          if (!skipping) cand.push(l);
          else if (h && cand[cand.length - 1] === '') cand.pop();
        });
        if (accept(cand)) progress = true;
      }
    }
    // unused stack slots and signatures (later ones renumbered)
    for (let i = 0; i < lines.length; i++) {
      const d = /^    (ss|sig)(\d+) = /.exec(lines[i]!);
      if (!d) continue;
      const own = owners(lines);
      const k = Number(d[2]);
      const re = new RegExp(`\\b${d[1]}(\\d+)\\b`, 'g');
      const cand = lines.map((l, j) => (own[j] === own[i] && j !== i ? l.replace(re, (all, n: string) => (Number(n) > k ? `${d[1]}${Number(n) - 1}` : all)) : l));
      cand.splice(i, 1);
      if (accept(cand)) { progress = true; i--; }
    }
    // blocks
    for (let i = 0; i < lines.length; i++) {
      if (!BLOCK_HEADER.test(lines[i]!) || isEntryHeader(lines, i)) continue;
      let end = i + 1;
      while (end < lines.length && lines[end] !== '' && lines[end] !== '}') end++;
      // drop the blank line before the header, the header and its instructions
      const cand = [...lines.slice(0, lines[i - 1] === '' ? i - 1 : i), ...lines.slice(end)];
      if (accept(cand)) { progress = true; i -= 2; }
    }
    // merge: `jump blockB` into a parameterless block B referenced only there
    for (let i = 0; i < lines.length; i++) {
      const j = /^    jump (block\d+)$/.exec(lines[i]!);
      if (!j) continue;
      const own = owners(lines);
      const re = new RegExp(`\\b${j[1]}\\b`);
      const refs = lines.filter((l, k) => own[k] === own[i] && re.test(l)).length;
      const h = lines.findIndex((l, k) => own[k] === own[i] && l === `${j[1]}:`);
      if (refs !== 2 || h < 0) continue;
      let end = h + 1;
      while (end < lines.length && lines[end] !== '' && lines[end] !== '}') end++;
      const body = lines.slice(h + 1, end);
      const cand = [...lines];
      const from = lines[h - 1] === '' ? h - 1 : h;
      cand.splice(from, end - from);
      const at = h < i ? i - (end - from) : i;
      cand.splice(at, 1, ...body);
      if (accept(cand)) { progress = true; i = -1; }
    }
    // params -> constants
    for (let i = 0; i < lines.length; i++) {
      const m = BLOCK_HEADER.exec(lines[i]!);
      if (!m || m[2] === undefined) continue;
      if (isEntryHeader(lines, i)) continue;
      const params = m[3]!.split(', ');
      for (let p = params.length - 1; p >= 0; p--) {
        const cur = BLOCK_HEADER.exec(lines[i]!)!;
        const ps = cur[3]!.split(', ');
        const [v, t] = ps[p]!.split(': ') as [string, string];
        ps.splice(p, 1);
        const name = `block${cur[1]}`;
        const cand = lines.map((l) => l.replace(new RegExp(`\\b${name}\\(([^)]*)\\)`, 'g'), (_all, a: string) => {
          const as = a.split(', ');
          as.splice(p, 1);
          return as.length > 0 ? `${name}(${as.join(', ')})` : name;
        }));
        cand[i] = ps.length > 0 ? `${name}(${ps.join(', ')}):` : `${name}:`;
        // With a single incoming edge, the argument itself replaces the parameter.
        const own = owners(lines);
        const incoming: string[] = [];
        lines.forEach((l, k) => {
          if (own[k] !== own[i] || k === i) return;
          for (const mm of l.matchAll(new RegExp(`\\b${name}\\(([^)]*)\\)`, 'g'))) incoming.push(mm[1]!.split(', ')[p]!);
        });
        if (incoming.length === 1) {
          const re = new RegExp(`\\b${v}\\b`, 'g');
          const fwd = cand.map((l, k) => (own[k] === own[i] && k !== i ? l.replace(re, incoming[0]!) : l));
          if (accept(fwd)) { progress = true; continue; }
        }
        cand.splice(i + 1, 0, constLine(v, t));
        if (accept(cand)) progress = true;
      }
    }
    // consts
    for (let i = 0; i < lines.length; i++) {
      const mi = /^(    v\d+ = iconst\.\w+ )(-?\d+)$/.exec(lines[i]!);
      const mf = /^(    v\d+ = fconst\.\w+ )(.+)$/.exec(lines[i]!);
      const tries: string[] = [];
      if (mi) {
        const x = BigInt(mi[2]!);
        if (x !== 0n) tries.push('0');
        if (x !== 0n && x !== 1n) tries.push('1');
        if (x > 1n || x < -1n) tries.push(String(x / 2n));
      } else if (mf && mf[2] !== '0.0') tries.push('0.0', '1.0');
      for (const t of tries) {
        const cand = [...lines];
        cand[i] = (mi ?? mf)![1] + t;
        if (accept(cand)) { progress = true; break; }
      }
    }
    // decls
    for (let i = 0; i < lines.length; i++) {
      if (!/^(import|data) /.test(lines[i]!)) continue;
      const cand = [...lines];
      cand.splice(i, 1);
      if (accept(cand)) { progress = true; i--; }
    }
  }
  const final = tryParse(lines.join('\n'));
  return final === undefined ? lines.join('\n') : printModule(final);
}

/** True if the block header at line i is its function's entry block. */
function isEntryHeader(lines: readonly string[], i: number): boolean {
  for (let k = i - 1; k >= 0; k--) {
    if (BLOCK_HEADER.test(lines[k]!)) return false;
    if (lines[k]!.startsWith('function ')) return true;
  }
  return true;
}

/** Splits `block1(v2), block3` at top-level commas. */
function splitTargets(s: string): string[] {
  const out: string[] = [];
  let depth = 0, start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')') depth--;
    else if (s[i] === ',' && depth === 0) { out.push(s.slice(start, i).trim()); start = i + 1; }
  }
  out.push(s.slice(start).trim());
  return out.filter((x) => x !== '');
}
