/**
 * Random `printf` formats for the differential fuzzer's variadic calls (generator.ts) and the
 * interpreter's printf tests: each format comes with the IR types of the extra arguments it
 * reads, so a variadic call passes them in registers and on the stack in every mix. Only
 * combinations C defines are made (no `#` on `%d`, no `0` on `%s`, no precision on `%c`, widths
 * from `*` are small), so glibc's output is fully determined.
 */
import { Type } from '../ir/types.js';
import type { Rng } from './rng.js';

/** What one extra argument of a format is. */
export const enum PrintfArg {
  /** An int (i32 value). */
  Int,
  /** An int passed as i8 (C's `%hhd` of a char; promoted by the call). */
  Char,
  /** An int passed as i16. */
  Short,
  /** A long (i64). */
  Long,
  /** A double (f64; a NaN prints with its sign, `-nan`). */
  Double,
  /** A string: a pointer to a NUL-terminated string of the fuzzer's string table. */
  String,
  /** A `*` width or precision: an int in 0..15. */
  Star,
}

/** A format and the arguments it reads, in order. */
export interface PrintfFormat {
  /** The format text (ASCII, no NUL). */
  readonly text: string;
  /** The extra arguments. */
  readonly args: readonly PrintfArg[];
}

/** The IR type an argument of kind `k` is passed as. */
export function printfArgType(k: PrintfArg): Type {
  switch (k) {
    case PrintfArg.Char: return Type.I8;
    case PrintfArg.Short: return Type.I16;
    case PrintfArg.Long: return Type.I64;
    case PrintfArg.Double: return Type.F64;
    case PrintfArg.String: return Type.Ptr;
    default: return Type.I32;
  }
}

const LITERALS = ['', ' ', '|', 'x=', ', ', '-', 'ab', '%%', '\t'];

/** A random format with 0..`maxConversions` conversions. */
export function randomPrintfFormat(r: Rng, maxConversions: number): PrintfFormat {
  let text = r.pick(LITERALS);
  const args: PrintfArg[] = [];
  const n = r.int(0, maxConversions);
  for (let i = 0; i < n; i++) {
    const kind = r.weighted([5, 2, 4, 5, 2]); // int, char/short length, long, float, string
    let flags = '';
    const flag = (f: string, p: number): void => { if (r.chance(p)) flags += f; };
    let width = '';
    if (r.chance(0.3)) width = String(r.int(1, 14));
    else if (r.chance(0.1)) { width = '*'; args.push(PrintfArg.Star); }
    let precision = '';
    const withPrecision = (max: number): void => {
      if (r.chance(0.3)) precision = `.${r.int(0, max)}`;
      else if (r.chance(0.1)) { precision = '.*'; args.push(PrintfArg.Star); }
    };
    let conv: string;
    if (kind === 0 || kind === 1 || kind === 2) {
      conv = r.pick(['d', 'i', 'u', 'o', 'x', 'X', 'c']);
      flag('-', 0.2);
      if (conv !== 'c') {
        if (conv === 'd' || conv === 'i') { flag('+', 0.2); flag(' ', 0.1); }
        if (conv === 'o' || conv === 'x' || conv === 'X') flag('#', 0.3);
        flag('0', 0.2);
        withPrecision(12);
      }
      let length = '';
      let arg = PrintfArg.Int;
      if (kind === 1 && conv !== 'c') {
        if (r.chance(0.5)) { length = 'hh'; arg = r.chance(0.7) ? PrintfArg.Char : PrintfArg.Int; } else { length = 'h'; arg = r.chance(0.7) ? PrintfArg.Short : PrintfArg.Int; }
      } else if (kind === 2 && conv !== 'c') { length = r.pick(['l', 'll', 'j', 'z']); arg = PrintfArg.Long; }
      args.push(arg);
      conv = length + conv;
    } else if (kind === 3) {
      conv = r.pick(['e', 'E', 'f', 'F', 'g', 'G', 'a', 'A']);
      flag('-', 0.2); flag('+', 0.2); flag(' ', 0.1); flag('#', 0.2); flag('0', 0.2);
      withPrecision(conv === 'a' || conv === 'A' ? 14 : 20);
      args.push(PrintfArg.Double);
    } else {
      conv = 's';
      flag('-', 0.3);
      withPrecision(6);
      args.push(PrintfArg.String);
    }
    text += `%${flags}${width}${precision}${conv}${r.pick(LITERALS)}`;
  }
  return { text, args };
}
