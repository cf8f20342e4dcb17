/**
 * The three functions that combine values by key, on the map side before the
 * shuffle and on the reduce side after it.
 *
 * Mirrors `org.apache.spark.Aggregator`.
 *
 * @since 0.1.0
 */

/**
 * An aggregator from values `V` to combiners `C`.
 *
 * **Example**
 * ```ts
 * const sum: Aggregator<string, number, number> = {
 *   createCombiner: (v) => v,
 *   mergeValue: (c, v) => c + v,
 *   mergeCombiners: (a, b) => a + b
 * }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Aggregator<K, V, C> {
  readonly createCombiner: (value: V) => C
  readonly mergeValue: (combiner: C, value: V) => C
  readonly mergeCombiners: (a: C, b: C) => C
  /** Marks the key type for inference only. */
  readonly _K?: K
}
