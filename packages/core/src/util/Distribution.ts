/**
 * Quantiles of a metric: what the web UI shows of task durations, batch
 * delays and input rates.
 *
 * Mirrors `org.apache.spark.util.Distribution`.
 *
 * @since 0.1.0
 */

/**
 * The minimum, the 25th, 50th and 75th percentiles and the maximum of some
 * values, with how many there were.
 *
 * Mirrors `Distribution.getQuantiles()` (its default probabilities 0, 0.25, 0.5, 0.75, 1).
 *
 * **Example**
 * ```ts
 * const d: Distribution.Distribution = { count: 3, min: 1, p25: 1, median: 2, p75: 3, max: 3 }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Distribution {
  readonly count: number
  readonly min: number
  readonly p25: number
  readonly median: number
  readonly p75: number
  readonly max: number
}

/**
 * The quantiles of `values`, or `undefined` for none. A quantile `q` is the
 * sorted values' element at `min(floor(q * n), n - 1)`, as Spark takes it.
 *
 * Mirrors `Distribution(values).getQuantiles()`.
 *
 * **Example**
 * ```ts
 * Distribution.of([4, 1, 3, 2]) // { count: 4, min: 1, p25: 2, median: 3, p75: 4, max: 4 }
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const of = (values: ReadonlyArray<number>): Distribution | undefined => {
  if (values.length === 0) return undefined
  const sorted = Float64Array.from(values).sort()
  const at = (q: number) => sorted[Math.min(Math.floor(q * sorted.length), sorted.length - 1)]!
  return { count: sorted.length, min: sorted[0]!, p25: at(0.25), median: at(0.5), p75: at(0.75), max: sorted[sorted.length - 1]! }
}
