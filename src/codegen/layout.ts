/**
 * Block layout: loop rotation by placement.
 *
 * Lowering lays blocks out in IR order, so a `while`/`forRange` loop reads
 *
 *     header:  cmp; jcc exit        <- every iteration: one jcc, not taken
 *     body:    ...
 *     latch:   ...; jmp header      <- every iteration: one taken jmp
 *
 * Moving the header (with the edge blocks lowering placed after it) to just
 * after its latch gives
 *
 *     (preheader jumps to header once)
 *     body:    ...
 *     latch:   ...                  <- falls through
 *     header:  cmp; jcc body        <- every iteration: one taken jcc
 *     exit:
 *
 * which saves a jump per iteration without duplicating any code. Only the
 * order changes, so any choice is correct; the emitter adds or drops jumps by
 * what follows each block.
 *
 * Candidates: a header is a block ending in a two-way branch that some later
 * block (its latch) reaches by an unconditional jump — a back edge in layout
 * order. The last such latch is used. The entry block never moves (the
 * prologue falls into it).
 */
import type { MFunction } from './minst.js';
import { ScratchSlot } from './scratch.js';

/** Reorders `mf.order` in place, rotating loops as described above. Linear in the number of blocks. */
export function rotateLoops(mf: MFunction): void {
  const order = mf.order, n = order.length;
  if (n < 3) return;
  const nb = mf.blocks.length;
  const pos = mf.scratch.int32(ScratchSlot.LayoutPos, nb, -1);
  for (let k = 0; k < n; k++) pos[order[k]!] = k;
  // The last (in layout) unconditional back-edge source per header.
  const latch = mf.scratch.int32(ScratchSlot.Latch, nb, -1);
  for (let k = 0; k < n; k++) {
    const b = order[k]!, succs = mf.blocks[b]!.succs;
    if (succs.length !== 1) continue;
    const h = succs[0]!;
    if (pos[h]! >= 0 && pos[h]! < k && pos[h]! > 0 && mf.blocks[h]!.succs.length === 2) latch[h] = b;
  }
  // Doubly linked list over block ids in layout order, so each move is O(1).
  const next = mf.scratch.int32(ScratchSlot.Next, nb, -1), prev = mf.scratch.int32(ScratchSlot.Prev, nb, -1);
  for (let k = 0; k < n; k++) {
    if (k > 0) prev[order[k]!] = order[k - 1]!;
    if (k + 1 < n) next[order[k]!] = order[k + 1]!;
  }
  let tail = order[n - 1]!;
  for (let k = 1; k < n; k++) {
    const h = order[k]!, l = latch[h]!;
    if (l < 0) continue;
    // The group: the header and the edge blocks lowering put right after it.
    let last = h;
    while (next[last]! >= 0 && mf.blocks[next[last]!]!.irBlock < 0 && mf.blocks[h]!.succs.includes(next[last]!)) last = next[last]!;
    // The latch must lie after the group (not inside it).
    let inside = false;
    for (let b = h; ; b = next[b]!) { if (b === l) { inside = true; break; } if (b === last) break; }
    if (inside) continue;
    // Unlink [h .. last].
    const before = prev[h]!, after = next[last]!;
    next[before] = after;
    if (after >= 0) prev[after] = before; else tail = before;
    // Link it after l.
    const follow = next[l]!;
    next[l] = h; prev[h] = l;
    next[last] = follow;
    if (follow >= 0) prev[follow] = last; else tail = last;
  }
  let k = 0;
  for (let b = order[0]!; b >= 0; b = next[b]!) order[k++] = b;
  if (k !== n || order[n - 1] !== tail) throw new Error('rotateLoops: layout list lost blocks');
}
