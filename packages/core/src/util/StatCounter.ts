/**
 * Running statistics of numbers (count, mean, variance, maximum, minimum),
 * numerically stable and mergeable: what `rdd.stats()` returns.
 *
 * Mirrors `org.apache.spark.util.StatCounter` (Welford's update for one value,
 * Chan's for merging two counters).
 *
 * @since 0.1.0
 */

/**
 * @internal The plain fields of a counter, as a task returns them to the driver.
 */
export interface StatState {
  readonly n: number
  readonly mu: number
  readonly m2: number
  readonly max: number
  readonly min: number
}

/**
 * Tracks the count, mean and variance of a set of numbers, plus their maximum
 * and minimum. `merge` adds a value, several values or another counter, and
 * returns the counter itself. A NaN value makes the mean, the variances, the
 * maximum and the minimum NaN, as in Spark.
 *
 * **Example**
 * ```ts
 * import { StatCounter } from "@tspark/core/util"
 * const s = new StatCounter.StatCounter([1, 2, 3, 4])
 * s.mean // 2.5
 * s.merge(new StatCounter([5])).count // 5
 * s.sampleVariance // 2.5
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class StatCounter {
  /** The number of values. */
  private n = 0
  /** Their running mean. */
  private mu = 0
  /** The running sum of squared differences from the mean. */
  private m2 = 0
  private maxValue = Number.NEGATIVE_INFINITY
  private minValue = Number.POSITIVE_INFINITY

  constructor(values: Iterable<number> = []) {
    this.merge(values)
  }

  /** Adds a value, the values of an iterable, or the statistics of another counter; returns this counter. */
  merge(value: number | Iterable<number> | StatCounter): this {
    if (typeof value === "number") return this.mergeValue(value)
    if (value instanceof StatCounter) return this.mergeCounter(value === this ? value.copy() : value)
    for (const v of value) this.mergeValue(v)
    return this
  }

  private mergeValue(value: number): this {
    const delta = value - this.mu
    this.n += 1
    this.mu += delta / this.n
    this.m2 += delta * (value - this.mu)
    this.maxValue = Math.max(this.maxValue, value)
    this.minValue = Math.min(this.minValue, value)
    return this
  }

  // Chan et al.'s parallel update; the mean moves by the smaller side's share
  // when one side is much larger (Spark's guard against cancellation).
  private mergeCounter(other: StatCounter): this {
    if (this.n === 0) {
      this.n = other.n
      this.mu = other.mu
      this.m2 = other.m2
      this.maxValue = other.maxValue
      this.minValue = other.minValue
    } else if (other.n !== 0) {
      const delta = other.mu - this.mu
      const total = this.n + other.n
      if (other.n * 10 < this.n) this.mu = this.mu + (delta * other.n) / total
      else if (this.n * 10 < other.n) this.mu = other.mu - (delta * this.n) / total
      else this.mu = (this.mu * this.n + other.mu * other.n) / total
      this.m2 += other.m2 + (delta * delta * this.n * other.n) / total
      this.n = total
      this.maxValue = Math.max(this.maxValue, other.maxValue)
      this.minValue = Math.min(this.minValue, other.minValue)
    }
    return this
  }

  /** A copy of this counter. */
  copy(): StatCounter {
    return StatCounter.fromState(this.toState())
  }

  /** The number of values. */
  get count(): number {
    return this.n
  }

  /** The mean of the values (0 when there are none). */
  get mean(): number {
    return this.mu
  }

  /** The sum of the values (`count * mean`). */
  get sum(): number {
    return this.n * this.mu
  }

  /** The largest value (`-Infinity` when there are none). */
  get max(): number {
    return this.maxValue
  }

  /** The smallest value (`Infinity` when there are none). */
  get min(): number {
    return this.minValue
  }

  /** The population variance (dividing by N); NaN when there are no values. */
  get variance(): number {
    return this.popVariance
  }

  /** The population variance (dividing by N); NaN when there are no values. */
  get popVariance(): number {
    return this.n === 0 ? Number.NaN : this.m2 / this.n
  }

  /** The sample variance (dividing by N - 1, correcting the bias); NaN for fewer than two values. */
  get sampleVariance(): number {
    return this.n <= 1 ? Number.NaN : this.m2 / (this.n - 1)
  }

  /** The population standard deviation. */
  get stdev(): number {
    return this.popStdev
  }

  /** The population standard deviation. */
  get popStdev(): number {
    return Math.sqrt(this.popVariance)
  }

  /** The sample standard deviation (dividing by N - 1). */
  get sampleStdev(): number {
    return Math.sqrt(this.sampleVariance)
  }

  /** As Spark prints it: `(count: 4, mean: 2.500000, stdev: 1.118034, max: 4.000000, min: 1.000000)`. */
  toString(): string {
    const f = (x: number) => x.toFixed(6)
    return `(count: ${this.n}, mean: ${f(this.mean)}, stdev: ${f(this.stdev)}, max: ${f(this.max)}, min: ${f(this.min)})`
  }

  /** @internal The plain fields, to send from a task. */
  toState(): StatState {
    return { n: this.n, mu: this.mu, m2: this.m2, max: this.maxValue, min: this.minValue }
  }

  /** @internal A counter from the fields a task sent. */
  static fromState(state: StatState): StatCounter {
    const counter = new StatCounter()
    counter.n = state.n
    counter.mu = state.mu
    counter.m2 = state.m2
    counter.maxValue = state.max
    counter.minValue = state.min
    return counter
  }
}

/**
 * A counter of the given values.
 *
 * Mirrors `StatCounter(values)`.
 *
 * **Example**
 * ```ts
 * StatCounter.make([1, 2, 3]).mean // 2
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (values: Iterable<number> = []): StatCounter => new StatCounter(values)

/**
 * A counter of the values given as arguments.
 *
 * Mirrors `StatCounter(values: Double*)`.
 *
 * **Example**
 * ```ts
 * StatCounter.of(1, 2, 3).sum // 6
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const of = (...values: ReadonlyArray<number>): StatCounter => new StatCounter(values)
