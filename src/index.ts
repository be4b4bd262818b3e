/**
 * jitkit: make machine code at run time and run it safely.
 *
 * Layers (see DESIGN.md): runtime (W^X code memory, calls), asm (x86-64
 * assembler), ir (typed SSA), opt, codegen, regalloc.
 */
export {
  CodeMemory,
  CodeWriter,
  CodeHandle,
  defaultCodeMemory,
  TRAP_FILL_BYTE,
  MAX_CODE_SIZE,
} from './runtime/code-memory.js';
export type { CodeMemoryScheme, CodeMemoryOptions, AllocateOptions, CodeMemoryStats } from './runtime/code-memory.js';
export { dangerouslyAllocateRwx, DangerousRwxBlock } from './runtime/dangerous-rwx.js';
export { readMappings, mappingAt, writableExecutableMappings } from './runtime/proc-maps.js';
export type { Mapping } from './runtime/proc-maps.js';
export { NativeSignature } from './runtime/signature.js';
export type { NativeType, NativeSignatureSpec, NativeArg, NativeResult, PointerValue, ArgType, ResultType } from './runtime/signature.js';
export { wrap, symbol, Library } from './runtime/calling.js';
export type { WrapOptions, WrappedFunction, LibraryOptions } from './runtime/calling.js';
export * as ir from './ir/index.js';
export { compile, CompiledModule, type CompileOptions, type LineRange, type LineTable } from './codegen/compile.js';
export type { CompiledFn, IrTypeName, IrArg, IrResult } from './codegen/js-signature.js';
export * as opt from './opt/api.js';
