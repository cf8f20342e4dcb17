// A small seeded PRNG (mulberry32): sampling must give the same records on
// every attempt of a task, so it is seeded from (seed, partition), never Math.random.
import { stableHash } from "../../util/hash.js"

export class SeededRandom {
  private state: number
  constructor(seed: number) {
    this.state = seed | 0
  }
  /** A float in [0, 1). */
  nextDouble(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0)
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  /** A Poisson-distributed count with the given mean (Knuth's method; fine for small means). */
  nextPoisson(mean: number): number {
    if (mean <= 0) return 0
    if (mean > 30) {
      // Normal approximation for large means keeps this O(1).
      const u = Math.max(1e-12, this.nextDouble())
      const v = this.nextDouble()
      const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
      return Math.max(0, Math.round(mean + Math.sqrt(mean) * z))
    }
    const limit = Math.exp(-mean)
    let k = 0
    let p = 1
    do {
      k++
      p *= this.nextDouble()
    } while (p > limit)
    return k - 1
  }
}

export const seedFor = (seed: number, partition: number): number => stableHash([seed, partition])
