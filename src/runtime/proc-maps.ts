/**
 * Reads /proc/self/maps so that tests and the demo can show the protection the
 * kernel really applied to a page (the proof of W^X is in the kernel's view,
 * not in jitkit's bookkeeping).
 */
import { readFileSync } from 'node:fs';

/** One line of /proc/self/maps. */
export interface Mapping {
  readonly start: bigint;
  readonly end: bigint;
  /** Four characters as the kernel prints them, e.g. `r-xs`, `rw-p`, `rwxp`. */
  readonly perms: string;
  readonly path: string;
}

/** All mappings of this process. */
export function readMappings(): Mapping[] {
  const text = readFileSync('/proc/self/maps', 'utf8');
  const out: Mapping[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const m = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (m === null) continue;
    out.push({ start: BigInt('0x' + m[1]), end: BigInt('0x' + m[2]), perms: m[3]!, path: m[4]! });
  }
  return out;
}

/** The mapping that contains `address`, or undefined. */
export function mappingAt(address: bigint): Mapping | undefined {
  return readMappings().find((m) => address >= m.start && address < m.end);
}

/** Every mapping that is writable and executable at once. */
export function writableExecutableMappings(): Mapping[] {
  return readMappings().filter((m) => m.perms[1] === 'w' && m.perms[2] === 'x');
}

/** Formats an address as 0x-prefixed hex. */
export function hex(address: bigint): string {
  return '0x' + address.toString(16);
}
