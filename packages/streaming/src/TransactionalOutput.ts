/**
 * Exactly-once output to a transactional store. Each partition of a batch is
 * written in one transaction together with a commit marker keyed by (output
 * name, batch time, partition index): when the marker is already there, the
 * batch is a replay (after a failure or a driver restart) and the partition
 * writes nothing; when anything fails, the transaction rolls back and the
 * task fails (and with it the batch), so no partition is ever half-written,
 * and running the batch again writes just the partitions not yet committed.
 *
 * Database-agnostic: a `TransactionalSink` says how to begin a transaction on
 * a pooled connection, claim a marker, commit, roll back and give the
 * connection back, which PostgreSQL, MySQL and most SQL stores can do
 * (`examples/src/postgresSink.ts` is one for PostgreSQL, used by
 * `examples/src/exactlyOnceWordCount.ts`).
 *
 * Mirrors the transactional updates that Spark's Streaming Programming Guide
 * describes under "Semantics of output operations" (a unique id from the
 * batch time and `TaskContext.partitionId`); Spark has no class for them.
 *
 * @since 0.1.0
 */
import type { TaskContext } from "@tspark/core"
import { Data, type Effect } from "effect"
import * as internal from "./internal/transactionalOutput.js"

/**
 * The key of one partition's write: which output wrote which partition of
 * which batch. A sink stores it in the transaction it claims it in (a table
 * with a unique key on the three fields, for SQL stores).
 *
 * **Example**
 * ```ts
 * const marker: TransactionalOutput.CommitMarker = { output: "word-counts", batchTime: 1_700_000_001_000, partition: 0 }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface CommitMarker {
  /** The output's name, the same in every run of the application. */
  readonly output: string
  /** The batch time in milliseconds, as `foreachRDD` gives it. */
  readonly batchTime: number
  /** The partition index (`TaskContext.partitionId`). */
  readonly partition: number
}

/**
 * A transactional store seen through one pooled connection per partition.
 * `Tx` is whatever the store needs to carry a transaction (a pooled client
 * with `BEGIN` sent, for `pg`). Every method but `release` may reject; the
 * helper then rolls back, releases and fails the task.
 *
 * **Example**
 * ```ts
 * const sink: TransactionalOutput.TransactionalSink<pg.PoolClient> = {
 *   begin: async () => { const client = await pool.connect(); await client.query("BEGIN"); return client },
 *   claim: async (client, m) => (await client.query(
 *     "INSERT INTO commits (output, batch_time, part) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
 *     [m.output, m.batchTime, m.partition])).rowCount === 1,
 *   commit: async (client) => { await client.query("COMMIT") },
 *   rollback: async (client) => { await client.query("ROLLBACK") },
 *   release: (client, error) => client.release(error !== undefined) // a failed connection is closed, not reused
 * }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface TransactionalSink<Tx> {
  /** Takes a connection (from a pool) and begins a transaction on it. */
  readonly begin: () => Promise<Tx>
  /**
   * Records the marker in the transaction: true when it is new (this
   * transaction writes the partition), false when a committed transaction
   * already holds it (a replay: nothing is written). A store with unique
   * keys makes a concurrent claim of the same marker wait for the first
   * transaction's end, so two attempts never both write.
   */
  readonly claim: (tx: Tx, marker: CommitMarker) => Promise<boolean>
  readonly commit: (tx: Tx) => Promise<void>
  readonly rollback: (tx: Tx) => Promise<void>
  /** Gives the connection back; with the error when the transaction failed, so that a pool can drop a broken connection. */
  readonly release: (tx: Tx, error?: unknown) => void
}

/**
 * What `make` takes: the output's name (part of every marker, so keep it
 * the same across restarts and distinct between outputs), the sink, and the
 * function that writes one partition's records in the claimed transaction.
 *
 * **Example**
 * ```ts
 * const options: TransactionalOutput.Options<readonly [string, number], pg.PoolClient> = {
 *   name: "word-counts",
 *   sink,
 *   write: async (client, counts) => { for (const [word, n] of counts) await upsert(client, word, n) }
 * }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Options<T, Tx> {
  readonly name: string
  readonly sink: TransactionalSink<Tx>
  readonly write: (tx: Tx, records: ReadonlyArray<T>, marker: CommitMarker) => void | PromiseLike<void>
}

/**
 * A validated transactional output. `writer(batchTime)` is the function to
 * give `rdd.foreachPartition` in `foreachRDD`: per partition it reads the
 * records (before its first `await`, as an asynchronous task must), skips an
 * empty partition, and otherwise runs begin, claim, write and commit, or
 * rollback on any failure, then releases the connection.
 *
 * The function holds the sink (and so its pool), which cannot be sent to
 * another thread or process: it runs as it is on `local[N]`. On executors
 * in worker threads or processes, build it there instead, in a module the
 * executor imports (`Closure.fromModule`), which owns its own pool; the
 * partition index then comes from the task context `foreachPartition`
 * passes.
 *
 * **Example**
 * ```ts
 * counts.foreachRDD((rdd, time) => rdd.foreachPartition(output.writer(time)))
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface TransactionalOutput<T> {
  readonly name: string
  readonly writer: (batchTime: number) => (records: Iterable<T>, ctx?: TaskContext.TaskContext) => Promise<void>
}

/**
 * `make` was given options it cannot use, or a writer ran outside a task or
 * with an invalid batch time. The message says what to change.
 *
 * **Example**
 * ```ts
 * const error = yield* Effect.flip(TransactionalOutput.make({ name: "", sink, write })) // InvalidOutputError
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class InvalidOutputError extends Data.TaggedError("InvalidOutputError")<{
  readonly output: string
  readonly message: string
}> {}

/**
 * One partition's transaction failed in `phase` and was rolled back (as far
 * as the store allowed: the message says when the rollback failed too). Its
 * task fails with this error, so the batch fails and is reported; running
 * the batch again writes the partition once.
 *
 * **Example**
 * ```ts
 * new TransactionalOutputError({ output: "word-counts", batchTime: 1000, partition: 1, phase: "write", message: "...", cause })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class TransactionalOutputError extends Data.TaggedError("TransactionalOutputError")<{
  readonly output: string
  readonly batchTime: number
  readonly partition: number
  readonly phase: "begin" | "claim" | "write" | "commit" | "rollback"
  readonly message: string
  readonly cause: unknown
}> {}

/**
 * Validates the options and builds the output: the name must be a
 * non-empty string, the sink must have `begin`, `claim`, `commit`,
 * `rollback` and `release` functions, and `write` must be a function.
 *
 * **Example**
 * ```ts
 * const output = yield* TransactionalOutput.make({ name: "word-counts", sink, write: writeCounts })
 * counts.foreachRDD((rdd, time) => rdd.foreachPartition(output.writer(time)))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make: <T, Tx>(options: Options<T, Tx>) => Effect.Effect<TransactionalOutput<T>, InvalidOutputError> = internal.make
