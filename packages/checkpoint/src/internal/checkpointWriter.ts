import { Cause, Deferred, Effect, Exit, Fiber, Option, Queue, Scope } from "effect"
import { type FileSystemError, type InvalidArgumentError, InvalidOptionError, LogClosedError } from "../Errors.js"
import { FileSystem } from "../FileSystem.js"
import type * as CW from "../CheckpointWriter.js"
import { checkBytes, checkTime } from "./arguments.js"
import * as file from "./checkpointFile.js"
import { backupName, checkpointName, listCheckpointFiles, wrapPayload } from "./checkpointFiles.js"
import { read as readCheckpoint } from "./checkpointReader.js"

interface Item {
  readonly time: number
  readonly data: Uint8Array
  readonly done: Deferred.Deferred<CW.WriteOutcome, FileSystemError>
}

const MAX_ATTEMPTS = 3

export const make = Effect.fnUntraced(function*(options: CW.Options) {
  const fs = yield* FileSystem
  const scope = yield* Scope.Scope
  const directory = options.directory
  if (typeof directory !== "string" || directory.length === 0) {
    return yield* new InvalidOptionError({ option: "directory", value: directory, expected: "a non-empty path" })
  }
  if (options.createDirectory !== undefined && typeof options.createDirectory !== "boolean") {
    return yield* new InvalidOptionError({
      option: "createDirectory",
      value: options.createDirectory,
      expected: "a boolean (or nothing)"
    })
  }
  const keep = options.keep ?? 10
  if (!(Number.isInteger(keep) && keep >= 1)) {
    return yield* new InvalidOptionError({ option: "keep", value: keep, expected: "an integer >= 1" })
  }
  if (options.createDirectory === true && Option.isNone(yield* fs.stat(directory))) {
    yield* fs.makeDirectory(directory)
  }
  yield* fs.checkWritableDirectory(directory)

  // the newest checkpoint that reads back: a damaged entry, or a directory with a checkpoint's
  // name, must not make every later write look older than it (the reader skips it too)
  const existing = yield* readCheckpoint(directory)
  let latest: number | undefined = Option.isSome(existing.checkpoint) ? existing.checkpoint.value.time : undefined
  let closed = false
  let lastFailure: Option.Option<FileSystemError> = Option.none()
  const queue = yield* Queue.unbounded<Item, Cause.Done>()
  const closedError = new LogClosedError({ path: directory })

  const provide = Effect.provideService(FileSystem, fs)

  const writeOnce = (item: Item) =>
    Effect.gen(function*() {
      const name = checkpointName(item.time)
      const target = fs.join(directory, name)
      const temp = fs.join(directory, `.${name}.${process.pid}.tmp`)
      yield* fs.remove(temp)
      yield* fs.writeNewFile(temp, file.encode(wrapPayload(item.time, item.data)), "fsync")
      // a checkpoint for the same time already exists: keep it as the backup
      if (yield* file.exists(target)) {
        yield* fs.rename(target, fs.join(directory, backupName(item.time)))
      }
      yield* fs.rename(temp, target)
      yield* fs.syncDirectory(directory)
      return target
    }).pipe(provide)

  const retain = Effect.gen(function*() {
    const listed = yield* listCheckpointFiles(directory).pipe(
      Effect.catchTag("FileNotFoundError", () => Effect.succeed([]))
    )
    // only files up to the newest written: a directory with a checkpoint's name is not this writer's
    // to delete, and a newer entry it skipped at start (unreadable) must not take the place of a valid one
    const files = yield* Effect.filter(
      listed,
      (f) => Effect.map(fs.stat(f.path), (i) => Option.isSome(i) && !i.value.isDirectory && latest !== undefined && f.time <= latest)
    )
    const times = [...new Set(files.map((f) => f.time))]
    if (times.length <= keep) return
    const cutoff = times[keep - 1]!
    const old = files.filter((f) => f.time < cutoff)
    yield* Effect.forEach(old, (f) => fs.remove(f.path), { discard: true })
    yield* fs.syncDirectory(directory)
  }).pipe(provide)

  const process_ = (item: Item): Effect.Effect<CW.WriteOutcome, FileSystemError> =>
    Effect.gen(function*() {
      if (latest !== undefined && item.time < latest) {
        return { _tag: "Skipped", time: item.time, newer: latest } as const
      }
      const path = yield* writeOnce(item).pipe(Effect.retry({ times: MAX_ATTEMPTS - 1 }))
      latest = item.time
      yield* retain
      return { _tag: "Written", time: item.time, path } as const
    })

  const loop = Effect.forever(
    Effect.gen(function*() {
      const item = yield* Queue.take(queue)
      const exit = yield* Effect.exit(process_(item))
      if (Exit.isFailure(exit)) {
        const err = Cause.findErrorOption(exit.cause)
        if (Option.isSome(err)) lastFailure = err
      }
      Deferred.doneUnsafe(item.done, exit)
    })
  ).pipe(Effect.catchTag("Done", () => Effect.void))
  const worker = yield* Effect.forkIn(loop, scope)

  const enqueue = (data: Uint8Array, time: number, operation: string) =>
    Effect.suspend((): Effect.Effect<
      Deferred.Deferred<CW.WriteOutcome, FileSystemError>,
      LogClosedError | InvalidArgumentError
    > => {
      if (closed) return Effect.fail(closedError)
      const invalid = checkBytes(operation, "data", data) ?? checkTime(operation, "time", time)
      if (invalid !== undefined) return Effect.fail(invalid)
      const done = Deferred.makeUnsafe<CW.WriteOutcome, FileSystemError>()
      Queue.offerUnsafe(queue, { time, data, done })
      return Effect.succeed(done)
    })

  const close = Effect.suspend(() => {
    if (closed) return Effect.void
    closed = true
    // let queued checkpoints finish, in order, then stop
    return Queue.end(queue).pipe(Effect.andThen(Effect.asVoid(Effect.exit(Fiber.join(worker)))))
  })
  yield* Scope.addFinalizer(scope, close)

  const writer: CW.CheckpointWriter = {
    directory,
    write: (data, time) => Effect.asVoid(enqueue(data, time, "CheckpointWriter.write")),
    writeAndAwait: (data, time) => Effect.flatMap(enqueue(data, time, "CheckpointWriter.writeAndAwait"), Deferred.await),
    lastFailure: Effect.sync(() => lastFailure),
    close
  }
  return writer
})
