/**
 * Prefilter: where can a match start? For patterns whose first k characters (k >= 3) come from
 * small per-position sets (a literal, a case-insensitive literal, an alternation of literals:
 * `Sherlock Holmes|John Watson` gives {S,J} {h,o} {e,h} ...), a Horspool-style scan over
 * those sets skips up to k characters per step: the character under the window's last
 * position decides the shift, and a candidate window is checked position by position. Each
 * candidate is then confirmed by the anchored DFA. The candidates are exactly the positions
 * where a match could start, so the search stays leftmost-first.
 *
 * Runs in JS: the scan touches about n/k characters, which V8 compiles well; the per-character
 * work is in the DFA's native loop.
 */
import { Kind, type Node } from './ast.js';
import { CharSet } from './charset.js';

/** Longest window used. */
const MAX_WINDOW = 16;
/** Position sets larger than this make the shifts too small to pay. */
const MAX_SET = 96;

/** The per-position sets every match starts with (up to MAX_WINDOW), or [] if unknown. */
export function prefixSets(n: Node): CharSet[] {
  const r = walk(n);
  return r.sets.slice(0, MAX_WINDOW);
}

/** Sets for a node and whether it has a fixed length (so what follows can continue). */
function walk(n: Node): { sets: CharSet[]; fixed: boolean } {
  switch (n.kind) {
    case Kind.Empty: case Kind.LineStart: case Kind.LineEnd: case Kind.WordBoundary:
      return { sets: [], fixed: true };
    case Kind.Set: return { sets: [n.set], fixed: true };
    case Kind.Group: return walk(n.body);
    case Kind.Seq: {
      const out: CharSet[] = [];
      for (const it of n.items) {
        const r = walk(it);
        out.push(...r.sets);
        if (!r.fixed || out.length >= MAX_WINDOW) return { sets: out, fixed: false };
      }
      return { sets: out, fixed: true };
    }
    case Kind.Alt: {
      const rs = n.alts.map(walk);
      const len = Math.min(...rs.map((r) => r.sets.length));
      const out: CharSet[] = [];
      for (let j = 0; j < len; j++) {
        let u = rs[0]!.sets[j]!;
        for (let a = 1; a < rs.length; a++) u = u.union(rs[a]!.sets[j]!);
        out.push(u);
      }
      return { sets: out, fixed: rs.every((r) => r.fixed && r.sets.length === len) };
    }
    case Kind.Repeat: {
      if (n.min === 0) return { sets: [], fixed: false };
      const body = walk(n.body);
      const out: CharSet[] = [];
      for (let k = 0; k < n.min && out.length < MAX_WINDOW; k++) {
        out.push(...body.sets);
        if (!body.fixed) return { sets: out, fixed: false };
      }
      return { sets: out, fixed: body.fixed && n.min === n.max };
    }
    default: return { sets: [], fixed: false };
  }
}

/** A Horspool scan over per-position sets. */
export class SetHorspool {
  /** Window length. */
  readonly k: number;
  /** shift[c]: how far the window may move when c is under its last position. */
  private readonly shift: Uint8Array;
  /** bit j of mask[c]: c is in the set of position j. */
  private readonly mask: Uint16Array;

  /** Builds the scan, or throws if the sets do not qualify (use `SetHorspool.for`). */
  private constructor(sets: CharSet[]) {
    this.k = sets.length;
    this.shift = new Uint8Array(0x10000).fill(this.k);
    this.mask = new Uint16Array(0x10000);
    for (let j = 0; j < sets.length; j++) {
      const r = sets[j]!.ranges;
      for (let x = 0; x < r.length; x += 2) {
        for (let c = r[x]!; c <= r[x + 1]!; c++) {
          this.mask[c] = this.mask[c]! | (1 << j);
          if (j < this.k - 1) this.shift[c] = this.k - 1 - j;
        }
      }
    }
  }

  /** A scan for `sets`, or null when it would not pay (short window, big sets, astral characters). */
  static for(sets: CharSet[], unicode: boolean): SetHorspool | null {
    if (sets.length < 3) return null;
    let total = 0;
    for (const s of sets) {
      const size = s.size;
      if (size > MAX_SET) return null;
      total += size;
      const r = s.ranges;
      if (r[r.length - 1]! > 0xffff) return null;
      // Under `u` a surrogate in a set would need pair-aware matching.
      if (unicode && s.intersect(SURROGATES).size > 0) return null;
    }
    if (total / sets.length > 24 && sets.length < 6) return null;
    return new SetHorspool(sets);
  }

  /** The first position >= from where the window fits input[..end) and every position matches, or -1. */
  next(s: string, from: number, end: number): number {
    const k = this.k, last = k - 1, shift = this.shift, mask = this.mask;
    const lastBit = 1 << last;
    let i = from;
    while (i + k <= end) {
      const c = s.charCodeAt(i + last);
      if ((mask[c]! & lastBit) !== 0) {
        let j = 0;
        while (j < last && (mask[s.charCodeAt(i + j)]! & (1 << j)) !== 0) j++;
        if (j === last) return i;
      }
      i += shift[c]!;
    }
    return -1;
  }
}

const SURROGATES = CharSet.of([0xd800, 0xdfff]);
