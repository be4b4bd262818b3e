/**
 * jitkit: make machine code at run time and run it safely.
 *
 * Layers (see DESIGN.md): runtime (W^X code memory, calls), asm (x86-64
 * assembler), ir (typed SSA), opt, codegen, regalloc.
 */
export { native } from './runtime/addon.js';
export * as ir from './ir/index.js';
