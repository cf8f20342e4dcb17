// The event log's file side: lines are buffered in memory by the listener
// (which only encodes and appends to an array) and written by a fiber of
// their own with asynchronous file writes, so neither the bus that posts nor
// the listener's fiber waits for the disk. The buffer is bounded: past its
// bound, lines are dropped and counted (Spark's event log queue drops events
// when full), with a warning. A failed write is logged and the application
// goes on. Closing drains the buffer, syncs the file to disk, closes it and
// renames `<appId>.inprogress` to `<appId>`.
import { type Cause, type Context, Effect, Fiber, Queue, Scope } from "effect"
import type * as fsp from "node:fs/promises"
import { rename } from "node:fs/promises"

export interface WriterOptions {
  /** Buffered bytes that trigger a write (`spark.eventLog.buffer.kb`). */
  readonly bufferBytes: number
  /** Buffered bytes beyond which lines are dropped. */
  readonly maxPendingBytes: number
}

export class EventLogWriter {
  private pending: Array<string> = []
  private pendingBytes = 0
  private droppedLines = 0
  private writtenLines = 0

  private constructor(
    private readonly handle: fsp.FileHandle,
    readonly inProgressPath: string,
    readonly finalPath: string,
    private readonly options: WriterOptions,
    private readonly wake: Queue.Queue<void, Cause.Done>,
    /** The services of the scope it started in (its logger). */
    private readonly services: Context.Context<never>
  ) {}

  /** Lines dropped because the buffer was full. */
  get dropped(): number {
    return this.droppedLines
  }

  /** Lines handed to the file so far. */
  get written(): number {
    return this.writtenLines
  }

  /**
   * Opens the writer over an open file and starts its fiber in `scope`;
   * closing the scope drains, syncs, closes and renames the file.
   */
  static start(
    handle: fsp.FileHandle,
    paths: { readonly inProgress: string; readonly final: string },
    options: WriterOptions,
    scope: Scope.Scope
  ): Effect.Effect<EventLogWriter> {
    return Effect.gen(function*() {
      // A wake-up is one slot: lines that arrive while a write runs are taken by the next one.
      const wake = yield* Queue.sliding<void, Cause.Done>(1)
      const writer = new EventLogWriter(handle, paths.inProgress, paths.final, options, wake, yield* Effect.context<never>())
      const fiber = yield* Effect.forkIn(writer.loop(), scope)
      yield* Scope.addFinalizer(scope, writer.close(fiber))
      return writer
    })
  }

  /** Buffers a line; `flush` asks the fiber to write now rather than when the buffer is full. */
  append(line: string, flush: boolean): void {
    const size = line.length + 1
    if (this.pendingBytes + size > this.options.maxPendingBytes) {
      if (this.droppedLines++ === 0) {
        Effect.runForkWith(this.services)(Effect.logWarning(
          `event log ${this.inProgressPath}: the buffer is full (${this.options.maxPendingBytes} bytes): ` +
            "dropping events until the disk catches up; raise spark.eventLog.buffer.kb or write to a faster disk"
        ))
      }
      return
    }
    this.pending.push(line)
    this.pendingBytes += size
    if (flush || this.pendingBytes >= this.options.bufferBytes) Queue.offerUnsafe(this.wake, undefined)
  }

  private takeChunk(): string | undefined {
    if (this.pending.length === 0) return undefined
    const chunk = this.pending.join("\n") + "\n"
    this.writtenLines += this.pending.length
    this.pending = []
    this.pendingBytes = 0
    return chunk
  }

  private writeChunk(): Effect.Effect<void> {
    return Effect.suspend(() => {
      const chunk = this.takeChunk()
      if (chunk === undefined) return Effect.void
      return Effect.tryPromise(() => this.handle.write(chunk)).pipe(
        Effect.catch((error) =>
          Effect.logWarning(
            `event log ${this.inProgressPath}: a write failed, its events are lost (the application goes on): ${String(error.cause)}`
          )
        ),
        Effect.asVoid
      )
    })
  }

  private loop(): Effect.Effect<void> {
    return Effect.forever(Effect.andThen(Queue.take(this.wake), this.writeChunk())).pipe(
      Effect.catchTag("Done", () => Effect.void)
    )
  }

  private close(fiber: Fiber.Fiber<void>): Effect.Effect<void> {
    return Effect.gen({ self: this }, function*() {
      yield* Queue.end(this.wake)
      yield* Fiber.join(fiber)
      yield* this.writeChunk()
      const finished = Effect.tryPromise(async () => {
        await this.handle.sync()
        await this.handle.close()
        await rename(this.inProgressPath, this.finalPath)
      })
      yield* finished.pipe(
        Effect.catch((error) =>
          Effect.logWarning(`event log ${this.inProgressPath}: could not be completed as ${this.finalPath}: ${String(error.cause)}`)
        )
      )
      if (this.droppedLines > 0) {
        yield* Effect.logWarning(`event log ${this.finalPath}: ${this.droppedLines} events were dropped because the buffer was full`)
      }
    })
  }
}
