/**
 * `TrapError`: what a trap becomes in JS, thrown alike by the reference
 * interpreter and by compiled code (a trap instruction, a fault caught by the
 * runtime's signal handler, a stack overflow, an interrupt). Its `trap` name and
 * `code` come from the IR's trap table (opcodes.ts `TrapCode`).
 */
import { trapDescription, trapName } from './opcodes.js';

/** Extra facts about a trap that compiled code raised through a fault or an interrupt. */
export interface TrapDetails {
  /** The faulting data address (SIGSEGV/SIGBUS), when there is one. */
  readonly address?: bigint;
  /** The address of the faulting instruction. */
  readonly pc?: bigint;
  /** The signal that reported the fault (`SIGSEGV`, `SIGFPE`, ...). */
  readonly signal?: string;
  /** Why running code was interrupted: `interrupt`, `timeout`, `signal` or `terminate`. */
  readonly reason?: string;
}

/** Thrown when IR code traps; `trap` is the trap name (`int_divz`, `user3`, ...). */
export class TrapError extends Error {
  /** Trap name, e.g. `int_divz`. */
  readonly trap: string;
  /** Numeric `TrapCode`. */
  readonly code: number;
  /** The faulting data address, for faults that have one (else undefined). */
  readonly address: bigint | undefined;
  /** The faulting instruction's address, for faults (else undefined). */
  readonly pc: bigint | undefined;
  /** The signal of a fault (else undefined). */
  readonly signal: string | undefined;
  /** Why code was interrupted, for `interrupted` (else undefined). */
  readonly reason: string | undefined;
  /** What the message says after the trap's description and details (location, address, ...). */
  readonly where: string;
  /** Creates a trap error for `code`, with an optional location and fault details. */
  constructor(code: number, where = '', details: TrapDetails = {}) {
    super(`trap ${trapName(code)}: ${trapDescription(code)}${detailText(details)}${where}`);
    this.name = 'TrapError';
    this.trap = trapName(code);
    this.code = code;
    this.address = details.address;
    this.pc = details.pc;
    this.signal = details.signal;
    this.reason = details.reason;
    this.where = where;
  }
}

function detailText(d: TrapDetails): string {
  const parts: string[] = [];
  if (d.reason !== undefined) parts.push(`by ${d.reason}`);
  if (d.signal !== undefined) parts.push(d.signal);
  if (d.address !== undefined) parts.push(`at address 0x${d.address.toString(16)}`);
  if (d.pc !== undefined) parts.push(`pc 0x${d.pc.toString(16)}`);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}
