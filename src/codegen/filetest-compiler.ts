/**
 * The compiler behind `test compile` filetests (src/ir/filetest.ts): each function of a
 * module compiled on the host target at fixed addresses, printed as its machine code
 * (offset, bytes, Intel syntax) with block labels and relocations, so the text is the
 * same on every run and can be blessed into the file (`JITKIT_BLESS=1`).
 *
 *   function %f:
 *     0000  49 bb 00 00 00 00 00 7f 00 00   mov r11, 7F0000000000h      (stack check: the state address)
 *   block0:
 *     001d  48 8d 04 37                     lea rax, [rdi+rsi]
 *     0024  e8 00 00 00 00                  call 29h                     ; rel32 fn:g-4
 *
 * Offsets count from the function's entry (its header is not shown); the code ends where
 * emission's `codeEnd` says (jump tables and constants after it are not shown).
 */
import type { Module } from '../ir/function.js';
import { verify } from '../ir/verifier.js';
import { optimize } from '../opt/index.js';
import { compileFunction } from './backend.js';
import { hostTarget } from './host.js';
import { STATE_RESULTS, STATE_STACK_LIMIT } from './module-state.js';
import { BackendScratch } from './scratch.js';
import type { Disassembler, LowerContext } from './target.js';

/** The module state address `test compile` code is made for. */
export const FILETEST_STATE_ADDRESS = 0x7f0000000000n;
/** Data object i is at `FILETEST_DATA_ADDRESS + 0x1000 * i`. */
export const FILETEST_DATA_ADDRESS = 0x7e0000000000n;

/**
 * The machine code text of every function of `module` (a copy optimised at `level` first) for
 * `target`, which must be the host target's name; `disassembler` is its loaded decoder (`Target.loadDisassembler`).
 */
export function compiledCodeText(module: Module, target: string, level: 0 | 1 | 2, disassembler: Disassembler): string {
  const host = hostTarget();
  if (target !== host.name) throw new Error(`test compile ${target}: this machine compiles for ${host.name}`);
  verify(module);
  if (level > 0) optimize(module, { level, verify: true });
  const scratch = new BackendScratch();
  const cx: LowerContext = {
    dataAddress: (i) => FILETEST_DATA_ADDRESS + BigInt(0x1000 * i),
    functionSymbol: (n) => `fn:${n}`,
    importStubSymbol: (n) => `stub:${n}`,
    importSymbol: (n) => `c:${n}`,
    resultsAddress: FILETEST_STATE_ADDRESS + BigInt(STATE_RESULTS),
    scratch,
  };
  const out: string[] = [];
  for (const f of module.functions()) {
    const { code } = compileFunction(host, f, cx, { stateAddress: FILETEST_STATE_ADDRESS, stackLimitOffset: STATE_STACK_LIMIT, symbol: `fn:${f.name}`, checkRegalloc: true });
    const entry = code.entry;
    const labels = new Map<number, string[]>();
    const label = (offset: number, text: string): void => {
      const list = labels.get(offset - entry);
      if (list === undefined) labels.set(offset - entry, [text]); else list.push(text);
    };
    for (const b of code.blockMap) label(b.offset, b.irBlock >= 0 ? `block${b.irBlock}:` : '(edge block):');
    if (code.trapStubs < code.codeEnd) label(code.trapStubs, '(trap stubs):');
    out.push(`function %${f.name}:`);
    for (const ins of disassembler.decode(code.bytes.subarray(entry, code.codeEnd))) {
      const at = Number(ins.address);
      for (const l of labels.get(at) ?? []) out.push(l);
      let line = `  ${at.toString(16).padStart(4, '0')}  ${ins.hex.padEnd(32)} ${ins.text}`;
      const relocs = code.relocations.filter((r) => r.offset - entry >= at && r.offset - entry < at + ins.length);
      if (relocs.length > 0) line += `  ; ${relocs.map((r) => `${r.kind} ${r.symbol}${r.addend === 0 ? '' : r.addend > 0 ? `+${r.addend}` : r.addend}`).join(', ')}`;
      out.push(line.trimEnd());
    }
  }
  scratch.release();
  return out.join('\n') + '\n';
}
