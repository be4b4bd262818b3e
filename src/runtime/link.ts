/**
 * Linking: places several code units in one W^X code allocation and applies
 * their relocations.
 *
 *   units --layout--> offsets --allocate--> base address known
 *         --resolve symbols (units first, then the resolver)--> patch --> write --> finalize
 *
 * Relocation kinds (as produced by the assembler): `rel32` writes
 * i32(S + addend - P) where P is the address of the field; `abs64` writes
 * u64(S + addend). Architecture-neutral: only bytes and addresses.
 */
import { CodeHandle, CodeMemory, defaultCodeMemory } from './code-memory.js';

/**
 * The relocation kinds `link` patches (a target lists the ones its code uses in
 * `Target.relocationKinds`; a new target's kinds are added here with their rule).
 */
export type RelocationKind = 'abs64' | 'rel32';

/** A relocation inside a unit. */
export interface LinkRelocation {
  readonly kind: RelocationKind;
  readonly offset: number;
  readonly symbol: string;
  readonly addend: number;
}

/** One piece of code to place. */
export interface LinkUnit {
  /** Symbol naming the unit's entry point. */
  readonly symbol: string;
  /** The bytes. */
  readonly bytes: Uint8Array;
  /** Offset of the entry point within `bytes`. */
  readonly entry: number;
  /** Relocations to apply. */
  readonly relocations: readonly LinkRelocation[];
}

/** The placed code. */
export interface LinkedCode {
  /** Handle of the whole allocation (free it to release every unit). */
  readonly handle: CodeHandle;
  /** Address where the allocation starts. */
  readonly base: bigint;
  /** Entry offset of each unit in the allocation, by symbol: its entry address is `base + entry`. */
  readonly entries: ReadonlyMap<string, number>;
  /** Start offset of each unit in the allocation, by symbol. */
  readonly offsets: ReadonlyMap<string, number>;
  /** The final bytes (as written). */
  readonly bytes: Uint8Array;
}

/** Addresses up to 2^52 take the double path of rel32 (sums with a 32-bit addend and offset stay exact). */
const NUMBER_LIMIT = 2n ** 52n;

/** Resolves a symbol that no unit defines; returns undefined when unknown. */
export type SymbolResolver = (symbol: string) => bigint | undefined;

/** Links `units` into code memory. Unresolved symbols throw `link: undefined symbol NAME`. */
export function link(units: readonly LinkUnit[], resolve: SymbolResolver, options: { memory?: CodeMemory; name?: string; align?: number } = {}): LinkedCode {
  const align = options.align ?? 16;
  const offsets = new Map<string, number>();
  let size = 0;
  for (const u of units) {
    size = (size + align - 1) & ~(align - 1);
    if (offsets.has(u.symbol)) throw new Error(`link: symbol ${u.symbol} is defined twice`);
    offsets.set(u.symbol, size);
    size += u.bytes.length;
  }
  const memory = options.memory ?? defaultCodeMemory();
  // A relocation against a unit needs no address arithmetic in bigints (rel32 is entry + addend -
  // field, whatever the base), and no unit's address is made until asked for.
  const entries = new Map<string, number>();
  let image = new Uint8Array(0);
  let base = 0n;
  const handle = memory.placeWith(Math.max(size, 1), (address) => {
    base = address;
    // Units start at `align` boundaries: the gaps between them are int3 (0xcc), the rest is their bytes.
    image = new Uint8Array(size);
    let end = 0;
    for (const u of units) {
      const at = offsets.get(u.symbol)!;
      entries.set(u.symbol, at + u.entry);
      if (at > end) image.fill(0xcc, end, at);
      image.set(u.bytes, at);
      end = at + u.bytes.length;
    }
    const view = new DataView(image.buffer);
    const cache = new Map<string, bigint>();
    const lookup = (s: string): bigint => {
      let v = cache.get(s);
      if (v === undefined) {
        v = resolve(s);
        if (v === undefined) throw new Error(`link: undefined symbol ${s}`);
        cache.set(s, v);
      }
      return v;
    };
    // rel32 in doubles when the addresses are below 2^52 (user-space code always is): exact, and no bigints per field.
    const baseNumber = base >= 0n && base <= NUMBER_LIMIT ? Number(base) : -1;
    for (const u of units) {
      const at = offsets.get(u.symbol)!;
      for (const r of u.relocations) {
        const field = at + r.offset, local = entries.get(r.symbol);
        if (local !== undefined) {
          if (r.kind === 'abs64') view.setBigUint64(field, BigInt.asUintN(64, base + BigInt(local + r.addend)), true);
          else {
            const d = local + r.addend - field;
            if (d < -2147483648 || d >= 2147483648) throw new Error(`link: ${r.symbol} is out of rel32 range from ${u.symbol}`);
            view.setInt32(field, d, true);
          }
          continue;
        }
        const target = lookup(r.symbol);
        if (r.kind === 'abs64') view.setBigUint64(field, BigInt.asUintN(64, target + BigInt(r.addend)), true);
        else if (baseNumber >= 0 && target >= 0n && target <= NUMBER_LIMIT) {
          const d = Number(target) + r.addend - (baseNumber + field);
          if (d < -2147483648 || d >= 2147483648) throw new Error(`link: ${r.symbol} is out of rel32 range from ${u.symbol}`);
          view.setInt32(field, d, true);
        } else {
          const d = target + BigInt(r.addend) - (base + BigInt(field));
          if (d < -(1n << 31n) || d >= 1n << 31n) throw new Error(`link: ${r.symbol} is out of rel32 range from ${u.symbol}`);
          view.setInt32(field, Number(d), true);
        }
      }
    }
    return image;
  }, { name: options.name ?? 'module' });
  return { handle, base, entries, offsets, bytes: image };
}
