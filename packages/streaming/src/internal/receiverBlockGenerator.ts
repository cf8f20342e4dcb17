// The BlockGenerator's machinery: a buffer swapped by a timer fiber into a
// bounded queue, a pusher fiber draining it, a rate limiter in front of every
// add, a latch that holds adders while the queue is full. Lines stored as
// bytes (a line receiver's chunks) stay bytes in the buffer and become line
// blocks, one per run of chunks that lie one after another in memory (so that
// each is a view, never a copy); a block that mixes them with records holds
// records only.
import { type BlockId, LineBlock } from "@tspark/core"
import { Cause, Clock, Effect, Exit, Fiber, Latch, Queue, type Scope } from "effect"
import type { BlockGenerator, BlockGeneratorListener, BlockGeneratorOptions, State } from "../receiver/BlockGenerator.js"
import { BlockGeneratorStoppedError } from "../receiver/ReceiverError.js"
import * as RecurringTimer from "../scheduler/RecurringTimer.js"
import { makeBlockIdSource } from "./receiverBlockIds.js"

/** Chunks of whole lines, in order, lying one after another in memory. */
interface LineRun {
  readonly chunks: Array<Uint8Array>
  lineCount: number
}

interface Block<T> {
  readonly id: BlockId.BlockId
  readonly records: Array<T>
  /** Set when the block is a line block (then `records` is empty). */
  readonly lines?: LineRun
}

const describeState = (state: State): string => state === "Initialized" ? "not started yet" : `stopping or stopped (state ${state})`

export const make = <T>(
  listener: BlockGeneratorListener<T>,
  options: BlockGeneratorOptions
): Effect.Effect<BlockGenerator<T>, never, Scope.Scope> =>
  Effect.gen(function*() {
    const { blockIntervalMs, rateLimiter, streamId } = options
    const scope = yield* Effect.scope
    const queue = yield* Queue.bounded<Block<T>, Cause.Done>(options.blockQueueSize ?? 10)
    const nextBlockId = options.nextBlockId ?? makeBlockIdSource(streamId)
    // Open while the queue takes blocks; closed while the timer waits to queue a block.
    const room = Latch.makeUnsafe(true)
    let state: State = "Initialized"
    let buffer: Array<T> = []
    let lineRuns: Array<LineRun> = []
    let bufferedLines = 0
    let timer: Fiber.Fiber<never> | undefined
    let pusher: Fiber.Fiber<void> | undefined
    let stopping: Fiber.Fiber<void> | undefined

    const safely = (what: string, f: () => void): void => {
      try {
        f()
      } catch (error) {
        listener.onError(`Error in BlockGenerator listener ${what}`, error)
      }
    }

    const stoppedError = () =>
      new BlockGeneratorStoppedError({
        streamId,
        state,
        message: `Cannot add data to the block generator of stream ${streamId}: it is ${describeState(state)}; ` +
          `store records only between the receiver's onStart and its stop`
      })

    // Records after lines: the buffered lines become records first, so the block keeps the order they came in.
    const linesToRecords = (): void => {
      for (const run of lineRuns) {
        for (const chunk of run.chunks) for (const line of LineBlock.splitLines(chunk)) buffer.push(line as T)
      }
      lineRuns = []
      bufferedLines = 0
    }

    const append = (record: T, metadata: unknown): void => {
      if (bufferedLines > 0) linesToRecords()
      buffer.push(record)
      if (listener.onAddData !== undefined) safely("onAddData", () => listener.onAddData!(record, metadata))
    }

    // Lines stay bytes unless the block already holds records, the listener wants each record, or cannot take bytes.
    const appendLines = (bytes: Uint8Array, count: number, metadata: unknown): void => {
      if (count === 0) return
      if (buffer.length > 0 || listener.onAddData !== undefined || listener.onPushLineBlock === undefined) {
        for (const line of LineBlock.splitLines(bytes)) append(line as T, metadata)
        return
      }
      const run = lineRuns.at(-1)
      if (run !== undefined && LineBlock.follows(run.chunks.at(-1)!, bytes)) {
        run.chunks.push(bytes)
        run.lineCount += count
      } else {
        lineRuns.push({ chunks: [bytes], lineCount: count })
      }
      bufferedLines += count
    }

    // Queues a cut block; while the queue is full, adders wait (the latch) with the block.
    const enqueue = (block: Block<T>) =>
      Effect.gen(function*() {
        if (listener.onGenerateBlock !== undefined) safely("onGenerateBlock", () => listener.onGenerateBlock!(block.id))
        if (Queue.offerUnsafe(queue, block)) return
        room.closeUnsafe()
        yield* Queue.offer(queue, block)
        room.openUnsafe()
      })

    // Cut the current buffer into a block (or a line block per run) and queue it; never interrupted halfway
    // (a cut block is never dropped).
    const cut = Effect.uninterruptible(Effect.gen(function*() {
      if (buffer.length === 0 && bufferedLines === 0) return
      const records = buffer
      const runs = lineRuns
      buffer = []
      lineRuns = []
      bufferedLines = 0
      if (records.length > 0) yield* enqueue({ id: nextBlockId(), records })
      for (const lines of runs) yield* enqueue({ id: nextBlockId(), records: [], lines })
    }))

    const handOn = (block: Block<T>): Effect.Effect<void, unknown> =>
      block.lines === undefined
        ? listener.onPushBlock(block.id, block.records)
        : Effect.flatMap(
          LineBlock.fromChunks(block.lines.chunks),
          (bytes) => listener.onPushLineBlock!(block.id, bytes, block.lines!.lineCount)
        )

    const push = (block: Block<T>) =>
      Effect.flatMap(Effect.exit(handOn(block)), (exit) =>
        Exit.isFailure(exit) && !Cause.hasInterruptsOnly(exit.cause)
          ? Effect.sync(() => listener.onError(`Error pushing block ${block.id.name}`, Cause.squash(exit.cause)))
          : Effect.void)

    // Ends when the queue is ended (Done) and drained.
    const keepPushing: Effect.Effect<void> = Effect.gen(function*() {
      for (;;) yield* push(yield* Queue.take(queue))
    }).pipe(Effect.catch(() => Effect.void))

    // Waits for the rate limiter (`count` records) and for room in the queue, then buffers with `buffered`.
    const add = (count: number, buffered: () => void) =>
      Effect.gen(function*() {
        if (state !== "Active") return yield* stoppedError()
        if (rateLimiter !== undefined) yield* Effect.orDie(rateLimiter.acquire(count))
        if (!room.isOpen()) yield* room.await
        if (state !== "Active") return yield* stoppedError()
        buffered()
      })

    const addRecords = (records: ReadonlyArray<T>, metadata: unknown) =>
      add(records.length, () => {
        for (const record of records) append(record, metadata)
      })

    // The synchronous fast path: buffers when that needs no waiting, else does nothing.
    const tryAdd = (count: number, buffered: () => void): boolean => {
      if (state !== "Active" || !room.isOpen()) return false
      if (rateLimiter !== undefined && !rateLimiter.tryAcquire(count)) return false
      buffered()
      return true
    }

    const start = Effect.gen(function*() {
      if (state !== "Initialized") return
      state = "Active"
      const now = yield* Clock.currentTimeMillis
      const first = RecurringTimer.nextBoundary(now, blockIntervalMs)
      timer = yield* Effect.forkIn(RecurringTimer.run(blockIntervalMs, first, () => cut), scope)
      pusher = yield* Effect.forkIn(keepPushing, scope)
    })

    const gracefulStop = Effect.gen(function*() {
      state = "StoppedAddingData"
      if (timer !== undefined) yield* Fiber.interrupt(timer)
      yield* cut
      state = "StoppedGeneratingBlocks"
      yield* Queue.end(queue)
      if (pusher !== undefined) yield* Fiber.join(pusher)
      state = "StoppedAll"
    })

    const stop = Effect.gen(function*() {
      if (state === "Initialized") {
        state = "StoppedAll"
        return
      }
      if (stopping === undefined) stopping = yield* Effect.forkIn(Effect.uninterruptible(gracefulStop), scope)
      yield* Fiber.join(stopping)
    })

    const generator: BlockGenerator<T> = {
      streamId,
      start,
      stop,
      addData: (record) => addRecords([record], undefined),
      addDataWithCallback: (record, metadata) => addRecords([record], metadata),
      addMultipleDataWithCallback: addRecords,
      addLines: (bytes, lineCount, metadata) => add(lineCount, () => appendLines(bytes, lineCount, metadata)),
      tryAddData: (record, metadata) => tryAdd(1, () => append(record, metadata)),
      tryAddMultipleData: (records, metadata) =>
        tryAdd(records.length, () => {
          for (let i = 0; i < records.length; i++) append(records[i]!, metadata)
        }),
      tryAddLines: (bytes, lineCount, metadata) => tryAdd(lineCount, () => appendLines(bytes, lineCount, metadata)),
      updateRate: (rate) => rateLimiter === undefined ? Effect.void : rateLimiter.updateRate(rate),
      currentLimit: () => rateLimiter?.currentLimitUnsafe() ?? Number.POSITIVE_INFINITY,
      state: () => state,
      isActive: () => state === "Active",
      isStopped: () => state === "StoppedAll"
    }
    return generator
  })
