// TransactionalOutput: one transaction per partition holding the partition's
// writes and its commit marker. The marker is claimed first, so a replayed
// batch learns it has nothing to write before writing anything; every
// failure rolls back and rejects, which fails the task and so the batch.
import { SparkError, TaskContext } from "@tspark/core"
import { Effect } from "effect"
import {
  type CommitMarker,
  InvalidOutputError,
  type Options,
  type TransactionalOutput,
  TransactionalOutputError,
  type TransactionalSink
} from "../TransactionalOutput.js"

const sinkMethods = ["begin", "claim", "commit", "rollback", "release"] as const

const validate = <T, Tx>(options: Options<T, Tx>): InvalidOutputError | undefined => {
  const output = typeof options?.name === "string" ? options.name : String(options?.name)
  const invalid = (message: string) => new InvalidOutputError({ output, message })
  if (typeof options !== "object" || options === null) {
    return invalid("TransactionalOutput.make needs options { name, sink, write }")
  }
  if (typeof options.name !== "string" || options.name.trim().length === 0) {
    return invalid(
      `the output's name must be a non-empty string, got ${JSON.stringify(options.name) ?? String(options.name)}: ` +
        `name it (e.g. "word-counts"), the same in every run, since it keys the commit markers`
    )
  }
  const missing = sinkMethods.filter((method) =>
    typeof (options.sink as Partial<TransactionalSink<Tx>> | undefined)?.[method] !== "function"
  )
  if (missing.length > 0) {
    return invalid(
      `the sink of output "${options.name}" lacks ${missing.join(", ")}: give a sink with the functions ` +
        `${sinkMethods.join(", ")} (see TransactionalSink)`
    )
  }
  if (typeof options.write !== "function") {
    return invalid(
      `the write of output "${options.name}" must be a function (tx, records, marker) => Promise<void>, got ${typeof options.write}`
    )
  }
  return undefined
}

type Phase = TransactionalOutputError["phase"]

const failed = (marker: CommitMarker, phase: Phase, cause: unknown, rollbackFailure?: unknown): TransactionalOutputError =>
  new TransactionalOutputError({
    ...marker,
    phase,
    cause,
    message: `output "${marker.output}" did not write partition ${marker.partition} of batch ${marker.batchTime}: ` +
      `${phase} failed (${SparkError.describeCause(cause)}); ` + outcome(phase, rollbackFailure)
  })

const outcome = (phase: Phase, rollbackFailure: unknown): string => {
  // A rollback that fails leaves the transaction to the store, which ends it uncommitted with the connection.
  if (phase === "rollback") return "the batch had already written it (a replay), so nothing is lost or doubled"
  if (rollbackFailure !== undefined) {
    return `and the rollback failed too (${SparkError.describeCause(rollbackFailure)}): the store ends the ` +
      "transaction with the connection, and running the batch again writes it once"
  }
  return "its transaction was rolled back, so running the batch again writes it once"
}

/** Runs one partition's transaction; rejects with TransactionalOutputError after rolling back. */
const writeOnce = async <T, Tx>(
  sink: TransactionalSink<Tx>,
  write: Options<T, Tx>["write"],
  marker: CommitMarker,
  records: ReadonlyArray<T>
): Promise<void> => {
  let tx: Tx
  try {
    tx = await sink.begin()
  } catch (error) {
    throw failed(marker, "begin", error)
  }
  let phase: Phase = "claim"
  try {
    if (await sink.claim(tx, marker)) {
      phase = "write"
      await write(tx, records, marker)
      phase = "commit"
      await sink.commit(tx)
    } else {
      // A replay: a committed transaction holds this marker, and with it the partition's writes.
      phase = "rollback"
      await sink.rollback(tx)
    }
  } catch (error) {
    let rollbackFailure: unknown
    if (phase !== "rollback") {
      try {
        await sink.rollback(tx)
      } catch (rollbackError) {
        rollbackFailure = rollbackError
      }
    }
    try {
      sink.release(tx, error)
    } catch {
      // The partition's own failure is the one to report; a release that throws too must not hide it.
    }
    throw failed(marker, phase, error, rollbackFailure)
  }
  sink.release(tx)
}

export const make = <T, Tx>(options: Options<T, Tx>): Effect.Effect<TransactionalOutput<T>, InvalidOutputError> =>
  Effect.suspend(() => {
    const invalid = validate(options)
    if (invalid !== undefined) return Effect.fail(invalid)
    const { name, sink, write } = options
    const writer = (batchTime: number) => (records: Iterable<T>, ctx?: TaskContext.TaskContext): Promise<void> => {
      if (!Number.isSafeInteger(batchTime) || batchTime < 0) {
        return Promise.reject(
          new InvalidOutputError({
            output: name,
            message: `writer(batchTime) of output "${name}" needs the batch time foreachRDD gives (milliseconds, ` +
              `a non-negative integer), got ${batchTime}`
          })
        )
      }
      // Both read now, in the task's synchronous part: after an await the partition's blocks and
      // TaskContext.get() may be gone.
      const partition = ctx?.partitionId ?? TaskContext.get()?.partitionId
      if (partition === undefined) {
        return Promise.reject(
          new InvalidOutputError({
            output: name,
            message: `the writer of output "${name}" ran outside a task, so it has no partition index: ` +
              "give it to rdd.foreachPartition (or pass the task's context as its second argument)"
          })
        )
      }
      let batch: Array<T>
      try {
        batch = Array.from(records)
      } catch (error) {
        return Promise.reject(error)
      }
      // An empty partition has nothing to write twice: no transaction for it.
      if (batch.length === 0) return Promise.resolve()
      return writeOnce(sink, write, { output: name, batchTime, partition }, batch)
    }
    return Effect.succeed({ name, writer })
  })
