/**
 * jitkit IR: typed SSA with block parameters. Entry points: `Module` and
 * `Func.builder()` to build, `verify` to check, `printModule`/`parse` for text,
 * `Interpreter` to run. See docs/ir.md. This is the public surface (`jitkit/ir`, and `ir`
 * from `jitkit`); helpers the layers share (immediate canonicalisation, one-instruction
 * checks, the filetest harness, ...) are imported from their modules directly.
 */
export * from './types.js';
export * from './opcodes.js';
export * from './function.js';
export { Builder, type BranchTarget, type FloatCCName, type IntCCName } from './builder.js';
export { resultTypes, verify, verifyFunction, verifyModule } from './verifier.js';
export { DominatorTree, dominatorTree } from './flow-graph.js';
export { instText, printFunction, printModule } from './printer.js';
export * from './parser.js';
export { Interpreter, Memory, TrapError, interpret, type ImportHook, type InterpreterOptions, type IrValue, type Region } from './interpreter.js';
