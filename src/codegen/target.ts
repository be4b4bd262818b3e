/**
 * The target seam: everything below the IR that depends on the machine, behind one interface
 * (the role of Cranelift's `TargetIsa` and MIR's `target_*` hooks).
 *
 *   compile.ts (module)        neutral: verify, optimise, data, module state, link, JS wrappers
 *     backend.ts (function)    neutral driver, calling the target at each step:
 *       target.lowerFunction     IR -> MFunction (machine instructions on virtual registers)
 *       rotateLoops              neutral block layout (layout.ts)
 *       regallocView             neutral: flat operand table, asking target.acceptsSpillSlot
 *       allocateRegisters        neutral (src/regalloc), over target.registers
 *       target.emitFunction      allocated MFunction -> bytes + relocations
 *     target.emitModuleGlue    entry trampolines, trap handler, import stubs
 *   target.loadDisassembler    decoder for CompiledModule.disassemble and `test compile` filetests
 *   runtime/calling.ts         target.entryThunk: the native call thunk `wrap` uses
 *   runtime/callback.ts        target.callbackThunk: the C function pointer of a JS callback
 *
 * Code outside a target's folder (src/runtime, src/ir, src/opt, src/regalloc, src/frontends,
 * codegen/compile.ts, and this file) never imports from it: it asks the target, which
 * host.ts picks for the running process. docs/porting.md lists what a new target provides.
 *
 * Terms: a *preg* is a physical register id 0 .. numPregs-1 (the target chooses the
 * numbering; the allocator only compares and indexes), a *vreg* any larger id; a *register
 * class* (`RegClass`) is a register file the allocator allocates within.
 */
import type { Func } from '../ir/function.js';
import type { Allocation } from '../regalloc/allocation.js';
import type { LinkRelocation, LinkUnit, RelocationKind } from '../runtime/link.js';
import type { NativeSignature } from '../runtime/signature.js';
import type { Type } from '../ir/types.js';
import type { MFunction, MInst } from './minst.js';
import type { BackendScratch } from './scratch.js';

/** Register classes: the register files the allocator allocates within (the same two on every target so far). */
export const enum RegClass {
  /** General-purpose (integer and pointer) registers. */
  Int = 0,
  /** Floating-point / vector registers. */
  Float = 1,
}

/** A target's physical registers, as the allocator, the checker and the printer see them. */
export interface TargetRegisters {
  /** Physical registers are 0 .. numPregs-1; vregs start at numPregs. */
  readonly numPregs: number;
  /** `RegClass` of each preg (numPregs entries, never written). */
  readonly pregClass: Uint8Array;
  /** Allocatable pregs per `RegClass`, in preference order (caller-saved first). */
  readonly allocatable: readonly (readonly number[])[];
  /** Pregs never allocated: emission uses them inside copies, parallel moves and spill code. */
  readonly scratch: readonly number[];
  /** True if a value in preg `p` survives calls (the allocator prefers other registers for short values). */
  isCalleeSaved(p: number): boolean;
  /** Name of a register id for printing: a preg's assembler name, `%N` for a vreg. */
  regName(r: number): string;
}

/**
 * A calling convention as data (one table per ABI): which pregs carry arguments and results,
 * which survive a call. Lowering, the glue, the native call thunks and the allocator's
 * register preferences all read the same table.
 */
export interface CallingConvention {
  /** Name, e.g. `System V AMD64`. */
  readonly name: string;
  /** Integer-class argument registers, in order (preg ids). */
  readonly intArgs: readonly number[];
  /** Float-class argument registers, in order (preg ids). */
  readonly floatArgs: readonly number[];
  /** Integer-class result registers, in order (preg ids; more than the C ABI's between jitted functions). */
  readonly intResults: readonly number[];
  /** Float-class result registers, in order (preg ids). */
  readonly floatResults: readonly number[];
  /** Registers a callee must preserve (preg ids), the frame pointer included. */
  readonly calleeSaved: readonly number[];
  /** Registers a call may change that the allocator hands out (preg ids; scratch registers are never live across anything). */
  readonly callClobbers: readonly number[];
  /** Bytes of one stack argument slot. */
  readonly stackSlotBytes: number;
  /** Stack alignment at a call, in bytes. */
  readonly stackAlign: number;
}

/** What lowering needs from the module-level compilation. */
export interface LowerContext {
  /** Absolute address of module data object `index`. */
  dataAddress(index: number): bigint;
  /** Link symbol of module function `name`. */
  functionSymbol(name: string): string;
  /** Link symbol of the callable stub of import `name` (func_addr of an import). */
  importStubSymbol(name: string): string;
  /** Link symbol of a C import `name`. */
  importSymbol(name: string): string;
  /** Absolute address of result slot 0 of the module state (results returned in memory). */
  readonly resultsAddress: bigint;
  /** Scratch tables reused by the functions of the compilation (one per compilation, else one per function). */
  readonly scratch?: BackendScratch;
}

/** Options of `Target.emitFunction`. */
export interface EmitOptions {
  /** Absolute address of the module state (trap frame, stack limit). */
  readonly stateAddress: bigint;
  /** Offset of the stack limit in the state. */
  readonly stackLimitOffset: number;
  /** Link symbol of this function. */
  readonly symbol: string;
  /** Signature hash for the header (signature-hash.ts), checked by call_indirect. */
  readonly signatureHash: number;
}

/** What emission produced for one function: one relocatable unit for the linker, and maps for disassembly. */
export interface EmittedFunction {
  /** Bytes, starting with the function header (see the target's emitter). */
  readonly bytes: Uint8Array;
  /** Relocations, in kinds the linker patches. */
  readonly relocations: readonly LinkRelocation[];
  /** Offset of the entry point in `bytes`. */
  readonly entry: number;
  /** Code offset -> IR instruction, for annotated disassembly (ascending offsets). */
  readonly irMap: readonly { offset: number; irInst: number }[];
  /** Code offset -> IR block (-1 for an edge block), for annotated disassembly. */
  readonly blockMap: readonly { offset: number; irBlock: number }[];
  /** Offset where the out-of-line trap stubs start (`codeEnd` when there are none). */
  readonly trapStubs: number;
  /** Frame size in bytes below the saved registers. */
  readonly frameSize: number;
  /** End of the instructions (jump tables and constants follow). */
  readonly codeEnd: number;
}

/** One exported function's entry trampoline, as `emitModuleGlue` makes it. */
export interface TrampolineSpec {
  /** Link symbol of the trampoline. */
  readonly symbol: string;
  /** Link symbol of the function it calls. */
  readonly target: string;
  /** IR parameter types (the trampoline receives them in the native calling convention). */
  readonly params: readonly Type[];
  /** IR result types (the trampoline stores them in the module state's results area). */
  readonly results: readonly Type[];
}

/** A callable stub for an import whose address is taken (func_addr), with a function header. */
export interface ImportStubSpec {
  /** Link symbol of the stub. */
  readonly symbol: string;
  /** Link symbol of the C function it jumps to. */
  readonly target: string;
  /** The import's signature hash (signature-hash.ts), in the header call_indirect checks. */
  readonly signatureHash: number;
}

/** Everything `Target.emitModuleGlue` makes for one module. */
export interface ModuleGlue {
  /** Absolute address of the module state (module-state.ts). */
  readonly stateAddress: bigint;
  /** Native stack bytes jitted code may use below the outermost entry. */
  readonly stackBudget: number;
  /** Link symbol of the trap handler (module-state.ts `TRAP_SYMBOL`). */
  readonly trapSymbol: string;
  /** One trampoline per function. */
  readonly trampolines: readonly TrampolineSpec[];
  /** Import stubs. */
  readonly importStubs: readonly ImportStubSpec[];
}

/** One decoded machine instruction. */
export interface DecodedInstruction {
  /** Its address. */
  readonly address: bigint;
  /** Its length in bytes. */
  readonly length: number;
  /** Its bytes as hex pairs separated by spaces. */
  readonly hex: string;
  /** The target's assembler syntax (x86-64: Intel, `add rax, rdi`, `mov qword ptr [rsp+8], rax`). */
  readonly text: string;
}

/** A target's instruction decoder, loaded (`Target.loadDisassembler`). */
export interface Disassembler {
  /** Decodes `bytes` placed at `address` (default 0), one entry per instruction. */
  decode(bytes: Uint8Array, address?: bigint | number): DecodedInstruction[];
}

/** Options of `Target.entryThunk`. */
export interface EntryThunkOptions {
  /** Debug mode: trap if the stack is misaligned at the call. */
  readonly checkStackAlignment?: boolean;
}

/** One code generator. x86-64 is the first (src/codegen/x64/target.ts); host.ts picks the running one. */
export interface Target {
  /** Name, e.g. `x86-64`. */
  readonly name: string;
  /** The `process.arch` this target generates code for, e.g. `x64`. */
  readonly arch: string;
  /** Physical registers. */
  readonly registers: TargetRegisters;
  /** The calling convention of jitted code and of the C functions it calls. */
  readonly callingConvention: CallingConvention;
  /** The relocation kinds its code and glue carry (each one `link`, src/runtime/link.ts, patches). */
  readonly relocationKinds: readonly RelocationKind[];
  /**
   * Lowers one verified IR function to machine instructions on virtual registers: IR value v is
   * register `registers.numPregs + v`; fixed registers appear as pregs (see docs/porting.md).
   */
  lowerFunction(f: Func, cx: LowerContext): MFunction;
  /** True for the instructions (copies) whose operands may live in spill slots. */
  acceptsSpillSlot(inst: MInst): boolean;
  /** Emits one allocated function (frame, spill code, parallel moves, trap stubs). */
  emitFunction(mf: MFunction, alloc: Allocation, opts: EmitOptions): EmittedFunction;
  /** Text of one machine instruction (virtual registers), for `machineCode()` and the checker. */
  printInst(inst: MInst): string;
  /** The module glue: one unit per trampoline, the trap handler (`trapSymbol`), one per import stub. */
  emitModuleGlue(glue: ModuleGlue, scratch: BackendScratch): LinkUnit[];
  /**
   * Position-independent machine code of the native call thunk for `sig` (runtime/calling.ts):
   * `R thunk(uint64_t *buffer)` loads the arguments from buffer slots 1.. into the calling
   * convention's places and calls the address JS stored at `TARGET_SLOT` (runtime/marshal.ts).
   */
  entryThunk(sig: NativeSignature, options: EntryThunkOptions): Uint8Array;
  /**
   * Position-independent machine code of a callback thunk (runtime/callback.ts): a C function
   * of signature `sig` that stores its arguments into a frame of `frameSlots` 8-byte slots in
   * the argument buffer's slot layout (`sig.slots`), calls `dispatch(record, frame)`
   * (native/ffi.c) and returns the result the dispatcher left in the frame (slot 0, or a
   * record's bytes from slot 1).
   */
  callbackThunk(sig: NativeSignature, record: bigint, dispatch: bigint, frameSlots: number): Uint8Array;
  /**
   * Loads the decoder of this target's machine code (for `CompiledModule.disassemble` and
   * `test compile` filetests). Asynchronous so that a decoder that is a large module loads
   * only when asked, never in normal runs.
   */
  loadDisassembler(): Promise<Disassembler>;
}
