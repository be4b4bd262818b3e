/**
 * Public entry of the x86-64 assembler (see docs/assembler.md).
 * Re-exports operands, the Assembler, condition codes and the form table.
 */
export * from './operands.js';
export { Assembler, Cond, type AssembledCode, type Relocation, type InstructionMethods } from './assembler.js';
export { FORMS, FORMS_BY_MNEMONIC, Form, CONDITION_NAMES } from './forms.js';
export { MNEMONICS, type Mnemonic } from './mnemonics.js';
