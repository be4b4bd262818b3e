/**
 * The module state: a small writable block each compiled module owns, shared by its
 * jitted code (every target), its glue and the JS wrappers (compile.ts).
 *
 *   +0   trap frame   stack pointer of the innermost active entry trampoline (0 = none)
 *   +8   stack limit  lowest stack pointer jitted code may use (set by the outermost entry)
 *   +16  trap code    u32: 0 = no trap, else TrapCode + 1
 *   +32  results      8 bytes per result of the last call (results that do not fit in
 *                     registers are passed here between jitted functions too)
 *
 * A trap anywhere below an entry trampoline jumps to the module's trap handler (link
 * symbol `TRAP_SYMBOL`), which stores the code and unwinds to the trampoline's frame; the
 * JS wrapper then reads the code and throws a TrapError.
 */

/** Offset of the trap frame in the module state. */
export const STATE_TRAP_FRAME = 0;
/** Offset of the stack limit. */
export const STATE_STACK_LIMIT = 8;
/** Offset of the trap code (u32; TrapCode + 1). */
export const STATE_TRAP_CODE = 16;
/** Offset of the results area. */
export const STATE_RESULTS = 32;
/** Maximum number of results. */
export const MAX_RESULTS = 256;
/** Size of the module state in bytes. */
export const STATE_SIZE = STATE_RESULTS + 8 * MAX_RESULTS;
/** Link symbol of the module's trap handler (entered with the trap code in the first integer argument register). */
export const TRAP_SYMBOL = '__jitkit_trap';
