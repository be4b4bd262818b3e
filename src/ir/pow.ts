/**
 * `pow` for the interpreter's libc built-ins, with C's semantics: the special
 * cases of C11 F.10.4.4 exactly, and every other result correctly rounded (the
 * double nearest to x^y, ties to even), which is what the C library that compiled
 * code calls computes to within its last-place error (glibc: under 0.52 ulp).
 * JS's Math.pow differs from C in special cases (pow(1, NaN), pow(-1, ±Inf)) and,
 * for about 3% of ordinary arguments, in the last bit.
 *
 * Method: x^y = exp(y * log|x|), with log and exp in double-double arithmetic
 * (about 100 good bits, so the one rounding at the end is right unless the exact
 * result lies within 2^-100 of a rounding boundary). The only results that can lie
 * exactly on a boundary (midway between two doubles) are powers with a small
 * positive integer exponent; those are computed exactly with BigInts.
 *
 * Terms: a *dd* is an unevaluated sum hi + lo of two doubles with |lo| <= ulp(hi)/2.
 */

const SPLITTER = 134217729; // 2^27 + 1
/** ln 2 as three doubles (a + b + c to about 160 bits). */
const LN2_A = 0.6931471805599453, LN2_B = 2.3190468138462996e-17, LN2_C = 5.707708438416212e-34;

/** One pow computation's scratch: the dd result of the last operation, and a view for bit patterns. */
class Calc {
  /** High part of the last result. */
  hi = 0;
  /** Low part of the last result. */
  lo = 0;
  private readonly bits = new DataView(new ArrayBuffer(8));

  // Double-double arithmetic (Dekker, Knuth): each operation leaves its dd result in hi/lo.

  /** hi + lo = a + b exactly. */
  twoSum(a: number, b: number): void {
    const s = a + b, bb = s - a;
    this.hi = s;
    this.lo = (a - (s - bb)) + (b - bb);
  }

  /** hi + lo = a + b exactly, for |a| >= |b|. */
  quickTwoSum(a: number, b: number): void {
    const s = a + b;
    this.hi = s;
    this.lo = b - (s - a);
  }

  /** hi + lo = a * b exactly. */
  twoProd(a: number, b: number): void {
    const p = a * b;
    let t = SPLITTER * a;
    const ah = t - (t - a), al = a - ah;
    t = SPLITTER * b;
    const bh = t - (t - b), bl = b - bh;
    this.hi = p;
    this.lo = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  }

  /** (ah + al) + (bh + bl). */
  ddAdd(ah: number, al: number, bh: number, bl: number): void {
    this.twoSum(ah, bh);
    const sh = this.hi, sl = this.lo;
    this.twoSum(al, bl);
    const th = this.hi, tl = this.lo;
    this.quickTwoSum(sh, sl + th);
    this.quickTwoSum(this.hi, this.lo + tl);
  }

  /** (ah + al) * (bh + bl). */
  ddMul(ah: number, al: number, bh: number, bl: number): void {
    this.twoProd(ah, bh);
    this.quickTwoSum(this.hi, this.lo + (ah * bl + al * bh));
  }

  /** (ah + al) / (bh + bl). */
  ddDiv(ah: number, al: number, bh: number, bl: number): void {
    const q1 = ah / bh;
    this.ddMul(q1, 0, bh, bl); // r = a - q1 b
    this.ddAdd(ah, al, -this.hi, -this.lo);
    const rh = this.hi, rl = this.lo;
    const q2 = rh / bh;
    this.ddMul(q2, 0, bh, bl); // r -= q2 b
    this.ddAdd(rh, rl, -this.hi, -this.lo);
    const q3 = this.hi / bh;
    this.quickTwoSum(q1, q2);
    this.ddAdd(this.hi, this.lo, q3, 0);
  }


  // ---------------------------------------------------------------------------
  // Exact rounding of (integer) * 2^exp to a double, subnormals and overflow included.

  /** Splits a finite double into an integer mantissa and an exponent: d = m * 2^e. */
  decompose(d: number): [bigint, number] {
    this.bits.setFloat64(0, d);
    const hi = this.bits.getUint32(0), lo = this.bits.getUint32(4);
    const biased = (hi >>> 20) & 0x7ff;
    let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
    let e: number;
    if (biased === 0) e = -1074;
    else {
      m |= 1n << 52n;
      e = biased - 1075;
    }
    return [hi >>> 31 === 1 ? -m : m, e];
  }

  /** The double nearest to num * 2^exp (ties to even). */
  roundToDouble(num: bigint, exp: number): number {
    if (num === 0n) return 0;
    const negative = num < 0n;
    let n = negative ? -num : num;
    const bitLength = n.toString(2).length;
    const top = exp + bitLength - 1; // exponent of the leading bit
    if (top > 1023) return negative ? -Infinity : Infinity;
    // Bits kept: 53, fewer for subnormals (the last kept bit is worth 2^-1074 at least).
    const lowest = Math.max(top - 52, -1074);
    const shift = lowest - exp;
    if (shift > 0) {
      const s = BigInt(shift);
      const q = n >> s, rem = n - (q << s), half = 1n << (s - 1n);
      n = rem > half || (rem === half && (q & 1n) === 1n) ? q + 1n : q;
      exp = lowest;
    }
    // n < 2^54 here; scale in two steps so that no intermediate power of two is out of range.
    let v = Number(n);
    const e1 = Math.trunc(exp / 2), e2 = exp - e1;
    v = v * 2 ** e1 * 2 ** e2;
    return negative ? -v : v;
  }

  // ---------------------------------------------------------------------------
  // log and exp in double-double

  /** log(a) for finite a > 0, as a dd in this.hi/this.lo. */
  ddLog(a: number): void {
    const [mant, e2] = this.decompose(a);
    // a = m * 2^k with m in [sqrt(1/2), sqrt(2)).
    let k = e2 + mant.toString(2).length - 1;
    let m = Number(mant) * 2 ** (e2 - k);
    if (m > Math.SQRT2) {
      m /= 2;
      k++;
    }
    // log(m) = 2 atanh(s), s = (m - 1) / (m + 1); |s| <= 0.172.
    this.twoSum(m, 1);
    this.ddDiv(m - 1, 0, this.hi, this.lo);
    const sh = this.hi, sl = this.lo;
    this.ddMul(sh, sl, sh, sl);
    const s2h = this.hi, s2l = this.lo;
    let ph = sh, pl = sl; // s^(2j+1)
    let sumH = sh, sumL = sl;
    for (let j = 1; j <= 24; j++) {
      this.ddMul(ph, pl, s2h, s2l);
      ph = this.hi;
      pl = this.lo;
      this.ddDiv(ph, pl, 2 * j + 1, 0);
      this.ddAdd(sumH, sumL, this.hi, this.lo);
      sumH = this.hi;
      sumL = this.lo;
    }
    const lh = 2 * sumH, ll = 2 * sumL;
    // + k ln 2 (k * LN2_A and k * LN2_B are exact products).
    this.twoProd(k, LN2_A);
    const ah = this.hi, al = this.lo;
    this.twoProd(k, LN2_B);
    this.ddAdd(ah, al, this.hi, this.lo + k * LN2_C);
    this.ddAdd(this.hi, this.lo, lh, ll);
  }

  /**
   * exp(th + tl) for |th| < 760, as the correctly rounded double (the reduction
   * keeps the dd near 1 and scales by 2^k in the final rounding only).
   */
  ddExpRounded(th: number, tl: number): number {
    const k = Math.round(th / LN2_A);
    // r = t - k ln 2, |r| <= 0.35.
    this.twoProd(k, LN2_A);
    this.ddAdd(th, tl, -this.hi, -this.lo);
    const rh0 = this.hi, rl0 = this.lo;
    this.twoProd(k, LN2_B);
    this.ddAdd(rh0, rl0, -this.hi, -this.lo - k * LN2_C);
    // expm1(r / 256) by its Taylor series, then expm1(2x) = 2 expm1(x) + expm1(x)^2, 8 times.
    const xh = this.hi / 256, xl = this.lo / 256;
    let th2 = xh, tl2 = xl; // x^n / n!
    let eh = xh, el = xl;
    for (let n = 2; n <= 12; n++) {
      this.ddMul(th2, tl2, xh, xl);
      this.ddDiv(this.hi, this.lo, n, 0);
      th2 = this.hi;
      tl2 = this.lo;
      this.ddAdd(eh, el, th2, tl2);
      eh = this.hi;
      el = this.lo;
    }
    for (let i = 0; i < 8; i++) {
      this.ddMul(eh, el, eh, el);
      this.ddAdd(2 * eh, 2 * el, this.hi, this.lo);
      eh = this.hi;
      el = this.lo;
    }
    this.ddAdd(1, 0, eh, el);
    const [mh, ehExp] = this.decompose(this.hi), [ml, elExp] = this.decompose(this.lo);
    // this.hi + this.lo exactly, as one integer times a power of two.
    const base = Math.min(ehExp, elExp);
    const sum = (mh << BigInt(ehExp - base)) + (ml << BigInt(elExp - base));
    return this.roundToDouble(sum, base + k);
  }

}

// ---------------------------------------------------------------------------

function isOddInteger(y: number): boolean {
  return Number.isInteger(y) && Math.abs(y) < 2 ** 53 && y % 2 !== 0;
}

/** C's pow(x, y) (C11 F.10.4.4 special cases; other results correctly rounded). */
export function cPow(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === 0) {
    const odd = isOddInteger(y);
    if (y < 0) return odd ? 1 / x : Infinity; // 1 / ±0 = ±Inf
    return odd ? x : 0;
  }
  if (y === Infinity || y === -Infinity) {
    const a = Math.abs(x);
    if (a === 1) return 1;
    return (a < 1) === (y < 0) ? Infinity : 0;
  }
  if (x === -Infinity) {
    const odd = isOddInteger(y);
    if (y < 0) return odd ? -0 : 0;
    return odd ? -Infinity : Infinity;
  }
  if (x === Infinity) return y < 0 ? 0 : Infinity;
  let negate = false;
  if (x < 0) {
    if (!Number.isInteger(y)) return NaN;
    negate = isOddInteger(y);
    x = -x;
  }
  const r = positivePow(x, y);
  return negate ? -r : r;
}

/** x^y for finite x > 0 and finite y != 0. */
function positivePow(x: number, y: number): number {
  if (x === 1) return 1;
  const c = new Calc();
  const [m, e] = c.decompose(x);
  const bits = m.toString(2).length;
  // Exact results can lie exactly midway between two doubles: compute those exactly.
  // Small positive integer powers:
  if (Number.isInteger(y) && y > 0 && y * bits <= 2048) return c.roundToDouble(m ** BigInt(y), e * y);
  // Powers of two with an integer exponent of 2 (2^-1075 is a tie between 0 and 2^-1074):
  if ((m & (m - 1n)) === 0n) {
    const t = (e + bits - 1) * y;
    if (Number.isInteger(t) && Math.abs(t) < 1e6) return c.roundToDouble(1n, t);
  }
  // Far outside the range of doubles (this also keeps huge y out of the dd products).
  const rough = y * Math.log(x);
  if (rough > 800) return Infinity;
  if (rough < -800) return 0;
  c.ddLog(x);
  c.ddMul(y, 0, c.hi, c.lo);
  if (c.hi > 760) return Infinity;
  if (c.hi < -760) return 0;
  return c.ddExpRounded(c.hi, c.lo);
}
