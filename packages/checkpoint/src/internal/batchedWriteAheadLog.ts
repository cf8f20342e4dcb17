import { type Cause, Deferred, Effect, Exit, Queue, Scope } from "effect"
import { InvalidOptionError, LogClosedError, RecordTooLargeError } from "../Errors.js"
import type * as WAL from "../WriteAheadLog.js"
import { checkBytes, checkRecords, checkTime } from "./arguments.js"

export interface Options {
  readonly maxBatchRecords?: number
  readonly maxBatchBytes?: number
}

interface Request {
  readonly record: Uint8Array
  readonly time: number
  readonly done: Deferred.Deferred<WAL.RecordHandle, WAL.WriteError>
}

export const make = Effect.fnUntraced(function*(inner: WAL.WriteAheadLog["Service"], options: Options = {}) {
  const scope = yield* Scope.Scope
  const maxBatchRecords = options.maxBatchRecords ?? 4096
  const maxBatchBytes = options.maxBatchBytes ?? 16 * 1024 * 1024
  if (!(Number.isInteger(maxBatchRecords) && maxBatchRecords > 0)) {
    return yield* new InvalidOptionError({ option: "maxBatchRecords", value: maxBatchRecords, expected: "a positive integer" })
  }
  if (!(Number.isSafeInteger(maxBatchBytes) && maxBatchBytes > 0)) {
    return yield* new InvalidOptionError({ option: "maxBatchBytes", value: maxBatchBytes, expected: "a positive integer number of bytes" })
  }
  const queue = yield* Queue.unbounded<Request, Cause.Done>()
  const closedError = new LogClosedError({ path: "BatchedWriteAheadLog" })
  let closed = false

  const writeOne = Effect.fnUntraced(function*(batch: ReadonlyArray<Request>) {
    let time = batch[0]!.time
    for (const r of batch) if (r.time > time) time = r.time
    const exit = yield* Effect.exit(inner.writeBatch(batch.map((r) => r.record), time))
    if (Exit.isSuccess(exit)) {
      for (let i = 0; i < batch.length; i++) Deferred.doneUnsafe(batch[i]!.done, Exit.succeed(exit.value[i]!))
    } else {
      const failed = Exit.failCause(exit.cause)
      for (const r of batch) Deferred.doneUnsafe(r.done, failed)
    }
  })

  const loop = Effect.gen(function*() {
    while (true) {
      const all = yield* Queue.takeBetween(queue, 1, maxBatchRecords)
      // split on the byte limit; a batch always has at least one record
      let start = 0
      let bytes = 0
      for (let i = 0; i < all.length; i++) {
        const size = all[i]!.record.length
        if (i > start && bytes + size > maxBatchBytes) {
          yield* writeOne(all.slice(start, i))
          start = i
          bytes = 0
        }
        bytes += size
      }
      yield* writeOne(start === 0 ? all : all.slice(start))
    }
  }).pipe(Effect.catchTag("Done", () => Effect.void))

  yield* Effect.forkIn(loop, scope)

  const failPending = Effect.gen(function*() {
    const rest = yield* Queue.clear(queue)
    for (const r of rest) Deferred.doneUnsafe(r.done, Exit.fail(closedError))
  })

  const close = Effect.suspend(() => {
    if (closed) return Effect.void
    closed = true
    return Queue.end(queue).pipe(Effect.andThen(failPending), Effect.andThen(inner.close))
  })
  yield* Scope.addFinalizer(scope, Effect.ignore(close))

  const write = (record: Uint8Array, time: number): Effect.Effect<WAL.RecordHandle, WAL.WriteError> =>
    Effect.suspend(() => {
      if (closed) return Effect.fail(closedError)
      // checked here, not by the inner log: one bad record must not fail the batch it would join
      const invalid = checkBytes("WriteAheadLog.write", "record", record) ?? checkTime("WriteAheadLog.write", "time", time)
      if (invalid !== undefined) return Effect.fail(invalid)
      if (record.length > inner.maxRecordBytes) {
        return Effect.fail(new RecordTooLargeError({ size: record.length, maxRecordBytes: inner.maxRecordBytes }))
      }
      const done = Deferred.makeUnsafe<WAL.RecordHandle, WAL.WriteError>()
      Queue.offerUnsafe(queue, { record, time, done })
      return Deferred.await(done)
    })

  const service: WAL.WriteAheadLog["Service"] = {
    maxRecordBytes: inner.maxRecordBytes,
    write,
    writeBatch: (records, time) => {
      const invalid = checkRecords("WriteAheadLog.writeBatch", records) ?? checkTime("WriteAheadLog.writeBatch", "time", time)
      return invalid !== undefined
        ? Effect.fail(invalid)
        : Effect.forEach(records, (r) => write(r, time), { concurrency: "unbounded" })
    },
    read: inner.read,
    readAll: inner.readAll,
    clean: inner.clean,
    close
  }
  return service
})
