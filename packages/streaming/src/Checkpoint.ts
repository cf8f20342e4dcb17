/**
 * The metadata checkpoint of a streaming application: what the driver needs
 * to go on after a crash. It is written after every batch (through
 * `@tspark/checkpoint`'s `CheckpointWriter`: `checkpoint-<time>` files in the
 * checkpoint directory, the newest ten kept) and read by
 * `StreamingContext.getOrCreate`.
 *
 * Unlike Spark's, it holds no application code: the application builds its
 * graph again (`create`), and the checkpoint restores its state into it,
 * after checking that the graph has the same shape (kinds of streams,
 * slides, windows, how they connect, which are outputs). Changed functions
 * inside the same shape recover; a different shape is refused with its
 * first difference named.
 *
 * Mirrors `org.apache.spark.streaming.Checkpoint`.
 *
 * @since 0.1.0
 */

/**
 * One stream of a graph's shape: its kind, its slide, its window (how much
 * longer than its own remember duration its parents keep RDDs) and its
 * parents' indices.
 *
 * **Example**
 * ```ts
 * const windowed: Checkpoint.StreamShape = { kind: "WindowedDStream", slideMs: 2000, windowMs: 6000, parents: [0] }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface StreamShape {
  readonly kind: string
  readonly slideMs: number
  readonly windowMs: number
  readonly parents: ReadonlyArray<number>
}

/**
 * A graph's shape: its streams in a canonical order (each output's lineage,
 * parents first, outputs in the order they were registered) and which of
 * them are the outputs.
 *
 * **Example**
 * ```ts
 * const shape: Checkpoint.GraphShape = { batchDurationMs: 1000, streams: [input, mapped, output], outputs: [2] }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface GraphShape {
  readonly batchDurationMs: number
  readonly streams: ReadonlyArray<StreamShape>
  readonly outputs: ReadonlyArray<number>
}

/**
 * The checkpoint of batch `checkpointTime`: the graph's zero time and shape,
 * the batches generated and not yet completed (`pendingTimes`), and each
 * stream's own state by its index in the shape (a file stream's files per
 * batch) and the RDD checkpoints it remembers (`[batch time, directory]`, the
 * directory relative to the checkpoint directory): a stateful stream's state
 * is read back from them.
 *
 * Mirrors `org.apache.spark.streaming.Checkpoint` (with each stream's
 * `DStreamCheckpointData`), holding data and no code.
 *
 * **Example**
 * ```ts
 * const checkpoint: Checkpoint.Checkpoint = {
 *   version: 1, checkpointTime: 3000, zeroTime: 0, pendingTimes: [3000], graph, streams: [null], rddCheckpoints: [[[2000, "rdd-7"]]]
 * }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Checkpoint {
  readonly version: 1
  readonly checkpointTime: number
  readonly zeroTime: number
  readonly pendingTimes: ReadonlyArray<number>
  readonly graph: GraphShape
  readonly streams: ReadonlyArray<unknown>
  readonly rddCheckpoints: ReadonlyArray<ReadonlyArray<readonly [number, string]>>
}
