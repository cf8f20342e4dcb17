// The HyperLogLog sketch behind `countApproxDistinct` and
// `countApproxDistinctByKey` (Spark uses stream-lib's HyperLogLogPlus).
//
// - Elements hash structurally with the hash partitioner's `stableHash`,
//   spread to 64 bits by two murmur3 finalizers: the first `p` bits pick a
//   register, the rest give the rank (leading zeros + 1) the register keeps
//   the maximum of.
// - A sketch starts sparse (only the registers set, as HLL++ does), so a
//   sketch per key of a small group stays small; it turns dense (one byte per
//   register) once the sparse form would be larger.
// - The estimate is Ertl's improved raw estimator ("New cardinality estimation
//   algorithms for HyperLogLog sketches", 2017), unbiased from zero to huge
//   cardinalities without HLL++'s empirical bias tables.
import { stableHash } from "../../util/hash.js"

/** A sketch: `p` index bits; the set registers (index → rank), or all `2^p` of them. */
export type Sketch =
  | { readonly p: number; readonly sparse: Map<number, number> }
  | { readonly p: number; readonly dense: Uint8Array }

/** Spark's relative accuracy → precision: `ceil(2 log2(1.054 / relativeSD))`, at least 4. */
export const precisionFor = (relativeSD: number): number => Math.max(4, Math.ceil((2 * Math.log(1.054 / relativeSD)) / Math.log(2)))

/**
 * The largest precision: 2^26 registers (64 MiB dense). Spark accepts up to
 * 32 (relativeSD > 0.000017), but stream-lib's register set overflows past 30
 * and a dense sketch of 2^27+ bytes per task is impractical here.
 */
export const MAX_PRECISION = 26
/** The smallest relativeSD within MAX_PRECISION. */
export const MIN_RELATIVE_SD = 1.054 / 2 ** (MAX_PRECISION / 2)

export const empty = (p: number): Sketch => ({ p, sparse: new Map() })

const fmix32 = (h: number): number => {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

/** Adds a value to the sketch (mutating it, or returning the dense form it grew into). */
export const offer = (sketch: Sketch, value: unknown): Sketch => {
  const h = stableHash(value)
  const high = fmix32(h)
  const low = fmix32(h ^ 0x9e3779b9)
  const p = sketch.p
  const restBits = 32 - p
  const index = restBits === 0 ? high : high >>> restBits
  const rest = restBits === 0 ? 0 : (high << p) >>> 0
  const rank = rest !== 0 ? Math.clz32(rest) + 1 : restBits + Math.clz32(low) + 1
  return set(sketch, index, rank)
}

const set = (sketch: Sketch, index: number, rank: number): Sketch => {
  if ("dense" in sketch) {
    if (sketch.dense[index]! < rank) sketch.dense[index] = rank
    return sketch
  }
  const current = sketch.sparse.get(index)
  if (current === undefined || current < rank) sketch.sparse.set(index, rank)
  // A map entry costs tens of bytes: past 1/16 of the registers, one byte each is smaller.
  return sketch.sparse.size > 2 ** sketch.p / 16 ? densify(sketch) : sketch
}

const densify = (sketch: Sketch): Sketch => {
  if ("dense" in sketch) return sketch
  const dense = new Uint8Array(2 ** sketch.p)
  for (const [index, rank] of sketch.sparse) dense[index] = rank
  return { p: sketch.p, dense }
}

/** Merges `b` into `a` (register-wise maximum); both have the same precision. */
export const merge = (a: Sketch, b: Sketch): Sketch => {
  if ("dense" in b) {
    const into = densify(a) as { readonly p: number; readonly dense: Uint8Array }
    for (let i = 0; i < b.dense.length; i++) if (into.dense[i]! < b.dense[i]!) into.dense[i] = b.dense[i]!
    return into
  }
  let into = a
  for (const [index, rank] of b.sparse) into = set(into, index, rank)
  return into
}

// sigma(x) = x + sum_{k>=1} x^(2^k) 2^(k-1), for the registers still zero.
const sigma = (x: number): number => {
  if (x === 1) return Number.POSITIVE_INFINITY
  let y = 1
  let z = x
  for (;;) {
    x *= x
    const previous = z
    z += x * y
    y += y
    if (z === previous) return z
  }
}

// tau(x) = (1 - x - sum_{k>=1} (1 - x^(2^-k))^2 2^-k) / 3, for the registers at the maximum rank.
const tau = (x: number): number => {
  if (x === 0 || x === 1) return 0
  let y = 1
  let z = 1 - x
  for (;;) {
    x = Math.sqrt(x)
    const previous = z
    y *= 0.5
    z -= (1 - x) ** 2 * y
    if (z === previous) return z / 3
  }
}

/** The estimated number of distinct values added. */
export const cardinality = (sketch: Sketch): number => {
  const m = 2 ** sketch.p
  const q = 64 - sketch.p
  const counts = new Array<number>(q + 2).fill(0)
  if ("dense" in sketch) {
    for (const rank of sketch.dense) counts[rank]!++
  } else {
    counts[0] = m - sketch.sparse.size
    for (const rank of sketch.sparse.values()) counts[rank]!++
  }
  let z = m * tau(1 - counts[q + 1]! / m)
  for (let k = q; k >= 1; k--) z = 0.5 * (z + counts[k]!)
  z += m * sigma(counts[0]! / m)
  return Math.round(m * m / (2 * Math.LN2 * z))
}
