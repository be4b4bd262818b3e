/**
 * Printer: IR -> canonical text. `parse(print(m))` is structurally equal to `m`
 * and `print(parse(t)) === t` for canonical text (see docs/ir.md for the syntax).
 */
import { Block, DataObject, Func, Inst, Module, NONE, Value } from './function.js';
import { FLOAT_CC_NAMES, Format, INT_CC_NAMES, OPCODES, Opcode, ResultRule, trapName } from './opcodes.js';
import { Type, signatureText, typeName } from './types.js';
import { describe } from '../util/describe.js';
import { formatFloatBits } from './float-bits.js';

/** Prints a float value so that parsing gives the same number back (`1.5`, `-0.0`, `Inf`, `NaN`). */
export { formatFloat } from './float-bits.js';

function offsetText(off: number): string {
  return off === 0 ? '' : off > 0 ? `+${off}` : `${off}`;
}

function destText(f: Func, inst: Inst, i: number): string {
  const d = f.dest(inst, i);
  const n = f.destArgCount[d]!;
  let s = `block${f.destBlock[d]}`;
  if (n > 0) {
    s += '(';
    for (let k = 0; k < n; k++) s += (k > 0 ? ', ' : '') + `v${f.destArg(d, k)}`;
    s += ')';
  }
  return s;
}

function calleeName(f: Func, index: number): string {
  const c = f.module.callees[index];
  return c === undefined ? `#${index}` : `%${c.name}`;
}

/** Text of one instruction without indentation, e.g. `v3 = iadd v1, v2`. */
export function instText(f: Func, inst: Inst): string {
  const op = f.instOpcode[inst] as Opcode;
  const info = OPCODES[op]!;
  const nres = f.instResultCount[inst]!;
  let s = '';
  if (nres > 0) {
    for (let i = 0; i < nres; i++) s += (i > 0 ? ', ' : '') + `v${f.pool[f.instResultStart[inst]! + i]}`;
    s += ' = ';
  }
  s += info.name;
  const ctrl = f.instType[inst] as Type;
  if (info.result === ResultRule.Ctrl || info.format === Format.Store) s += `.${typeName(ctrl)}`;
  else if (info.format === Format.VaArg) s += `.${typeName(ctrl)}${f.instImm[inst] !== 0 ? `.${typeName(f.instImm[inst] as Type)}` : ''}`;
  const nargs = f.instArgCount[inst]!;
  const a = (i: number): string => `v${f.arg(inst, i)}`;
  const argList = (from: number): string => {
    let t = '';
    for (let i = from; i < nargs; i++) t += (i > from ? ', ' : '') + a(i);
    return t;
  };
  const imm = f.instImm[inst]!;
  switch (info.format) {
    case Format.IntImm: return `${s} ${f.iconstValue(inst)}`;
    case Format.FloatImm: return `${s} ${formatFloatBits(f.instType[inst] as Type, f.fconstBits(inst))}`;
    case Format.Unary: case Format.Convert: return `${s} ${a(0)}`;
    case Format.Binary: return `${s} ${a(0)}, ${a(1)}`;
    case Format.Ternary: return `${s} ${a(0)}, ${a(1)}, ${a(2)}`;
    case Format.IntCompare: return `${s} ${INT_CC_NAMES[imm] ?? `cc${imm}`} ${a(0)}, ${a(1)}`;
    case Format.FloatCompare: return `${s} ${FLOAT_CC_NAMES[imm] ?? `cc${imm}`} ${a(0)}, ${a(1)}`;
    case Format.Load: return `${s} ${a(0)}${offsetText(imm)}`;
    case Format.Store: return `${s} ${a(0)}, ${a(1)}${offsetText(imm)}`;
    case Format.StackAddr: return `${s} ss${imm}${offsetText(f.instImm2[inst]!)}`;
    case Format.StackAlloc: return `${s} ${a(0)}, align ${imm}`;
    case Format.Nullary: return s;
    case Format.GlobalAddr: {
      const d = f.module.data[imm];
      return `${s} ${d === undefined ? `#${imm}` : `%${d.name}`}`;
    }
    case Format.FuncAddr: return `${s} ${calleeName(f, imm)}`;
    case Format.LabelAddr: return `${s} ${imm}`;
    case Format.Call: return `${s} ${calleeName(f, imm)}(${argList(0)})`;
    case Format.CallIndirect: return `${s} sig${imm}, ${a(0)}(${argList(1)})`;
    case Format.VaStart: case Format.VaArg: return `${s} ${a(0)}`;
    case Format.Jump: return `${s} ${destText(f, inst, 0)}`;
    case Format.Brif: return `${s} ${a(0)}, ${destText(f, inst, 0)}, ${destText(f, inst, 1)}`;
    case Format.BrTable: {
      let t = `${s} ${a(0)}, ${destText(f, inst, 0)}, [`;
      for (let i = 1; i < f.instDestCount[inst]!; i++) t += (i > 1 ? ', ' : '') + destText(f, inst, i);
      return `${t}]`;
    }
    case Format.IndirectBr: {
      let t = `${s} ${a(0)}, [`;
      for (let i = 0; i < f.instDestCount[inst]!; i++) t += (i > 0 ? ', ' : '') + destText(f, inst, i);
      return `${t}]`;
    }
    case Format.Return: return nargs > 0 ? `${s} ${argList(0)}` : s;
    case Format.Trap: return `${s} ${trapName(imm)}`;
  }
}

/** Text of a block header, e.g. `block1(v3: i64, v4: i32)`. */
export function blockHeader(f: Func, block: Block): string {
  const n = f.blockParamCount[block]!;
  let s = `block${block}`;
  if (n > 0) {
    s += '(';
    for (let i = 0; i < n; i++) {
      const v = f.blockParam(block, i);
      s += (i > 0 ? ', ' : '') + `v${v}: ${typeName(f.typeOf(v))}`;
    }
    s += ')';
  }
  return s;
}

/** Zero runs at least this long print as `zeroes N`. */
const MIN_ZEROES = 16;
/** Runs of at least this many printable characters print as a string. */
const MIN_STRING = 4;

/** True for the bytes a data string holds: printable ASCII except `"` and `\\`. */
function isStringByte(b: number): boolean {
  return b >= 0x20 && b <= 0x7e && b !== 0x22 && b !== 0x5c;
}

/**
 * Text of a data object: `data %name [readonly] [align N] = { items }` (`import data %name` for
 * external data) where the items are, in
 * order, relocations `addr %target[+-addend]` (8 bytes), runs of at least MIN_ZEROES zero bytes
 * as `zeroes N`, runs of at least MIN_STRING printable characters as `"text"`, and hex bytes.
 */
export function dataText(d: DataObject): string {
  if (d.external) return `import data %${d.name}`;
  let s = `data %${d.name}`;
  if (d.readonly) s += ' readonly';
  if (d.align !== 1) s += ` align ${d.align}`;
  s += ' = {';
  const bytes = d.bytes, size = d.size, relocs = d.relocs;
  const byteAt = (i: number): number => (i < bytes.length ? bytes[i]! : 0);
  let r = 0;
  for (let i = 0; i < size;) {
    const nextReloc = r < relocs.length ? relocs[r]!.offset : size;
    if (i === nextReloc) {
      const x = relocs[r++]!;
      s += ` addr %${x.target.name}${x.addend > 0 ? `+${x.addend}` : x.addend < 0 ? `${x.addend}` : ''}`;
      i += 8;
      continue;
    }
    let j = i;
    if (byteAt(i) === 0) {
      // Past the explicit bytes everything is zero.
      j = i >= bytes.length ? nextReloc : i;
      while (j < nextReloc && byteAt(j) === 0) j++;
      if (j - i >= MIN_ZEROES) { s += ` zeroes ${j - i}`; i = j; continue; }
    } else if (isStringByte(byteAt(i))) {
      while (j < nextReloc && isStringByte(byteAt(j))) j++;
      if (j - i >= MIN_STRING) {
        s += ' "';
        for (; i < j; i++) s += String.fromCharCode(bytes[i]!);
        s += '"';
        continue;
      }
    }
    s += ` ${byteAt(i).toString(16).padStart(2, '0')}`;
    i++;
  }
  return s + (size > 0 ? ' }' : '}');
}

/** Prints one function. */
export function printFunction(f: Func): string {
  if (!(f instanceof Func)) throw new TypeError(`printFunction: expected a Func, got ${describe(f)}`);
  const lines: string[] = [`function %${f.name}${signatureText(f)} {`];
  f.stackSlots.forEach((ss, i) => lines.push(`    ss${i} = stack_slot ${ss.size}, align ${ss.align}`));
  f.signatures.forEach((sig, i) => lines.push(`    sig${i} = ${signatureText(sig)}`));
  let first = true;
  // Source locations: a line `@file:line[:column]` (or `@-` for none) before each instruction
  // whose location differs from the previous one's in this order.
  let loc = 0;
  for (let b = f.firstBlock; b !== NONE; b = f.blockNext[b]!) {
    if (!first || lines.length > 1) lines.push('');
    first = false;
    lines.push(`${blockHeader(f, b as Block)}:`);
    for (let i = f.blockFirst[b]!; i !== NONE; i = f.instNext[i]!) {
      if (f.instLoc[i] !== loc) {
        loc = f.instLoc[i]!;
        lines.push(`    ${locationText(f.module, loc)}`);
      }
      lines.push(`    ${instText(f, i as Inst)}`);
    }
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** `@file:line:column` (`@file:line` when the column is 0) of location id `loc`; `@-` for none. */
export function locationText(m: Module, loc: number): string {
  const l = m.locationOf(loc);
  if (l === null) return loc === 0 ? '@-' : `@?${loc}`;
  return `@${l.file}:${l.line}${l.column !== 0 ? `:${l.column}` : ''}`;
}

/** Prints a whole module in canonical order: source files, data, imports, functions. */
export function printModule(m: Module): string {
  if (!(m instanceof Module)) throw new TypeError(`printModule: expected a Module, got ${describe(m)}`);
  const head: string[] = [];
  m.files.forEach((file, k) => head.push(`file ${k} "${file.name}"`));
  for (const d of m.data) head.push(dataText(d));
  for (const imp of m.imports()) {
    head.push(`import %${imp.name}${signatureText(imp)}${imp.from !== undefined ? ` from ${JSON.stringify(imp.from)}` : ''}`);
  }
  const parts: string[] = [];
  if (head.length > 0) parts.push(head.join('\n') + '\n');
  for (const f of m.functions()) parts.push(printFunction(f));
  return parts.join('\n');
}

/** Short name of a value for messages (`v3`). */
export function valueName(v: Value): string {
  return `v${v}`;
}
