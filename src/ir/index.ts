/**
 * jitkit IR: typed SSA with block parameters. Entry points: `Module` and
 * `Func.builder()` to build, `verify` to check, `printModule`/`parse` for text,
 * `Interpreter` to run. See docs/ir.md.
 */
export * from './types.js';
export * from './opcodes.js';
export * from './function.js';
export * from './builder.js';
export * from './verifier.js';
export * from './flow-graph.js';
export * from './printer.js';
export * from './parser.js';
export * from './interpreter.js';
export * from './filetest.js';
