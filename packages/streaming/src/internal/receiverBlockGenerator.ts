// The BlockGenerator's machinery: a buffer swapped by a timer fiber into a
// bounded queue, a pusher fiber draining it, a rate limiter in front of every
// add, a latch that holds adders while the queue is full.
import type { BlockId } from "@tspark/core"
import { Cause, Clock, Effect, Exit, Fiber, Latch, Queue, type Scope } from "effect"
import type { BlockGenerator, BlockGeneratorListener, BlockGeneratorOptions, State } from "../receiver/BlockGenerator.js"
import { BlockGeneratorStoppedError } from "../receiver/ReceiverError.js"
import * as RecurringTimer from "../scheduler/RecurringTimer.js"
import { makeBlockIdSource } from "./receiverBlockIds.js"

interface Block<T> {
  readonly id: BlockId.BlockId
  readonly records: Array<T>
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

    const append = (record: T, metadata: unknown): void => {
      buffer.push(record)
      if (listener.onAddData !== undefined) safely("onAddData", () => listener.onAddData!(record, metadata))
    }

    // Cut the current buffer into a block and queue it; never interrupted halfway (a cut block is never dropped).
    const cut = Effect.uninterruptible(Effect.gen(function*() {
      if (buffer.length === 0) return
      const block: Block<T> = { id: nextBlockId(), records: buffer }
      buffer = []
      if (listener.onGenerateBlock !== undefined) safely("onGenerateBlock", () => listener.onGenerateBlock!(block.id))
      if (Queue.offerUnsafe(queue, block)) return
      room.closeUnsafe()
      yield* Queue.offer(queue, block)
      room.openUnsafe()
    }))

    const push = (block: Block<T>) =>
      Effect.flatMap(Effect.exit(listener.onPushBlock(block.id, block.records)), (exit) =>
        Exit.isFailure(exit) && !Cause.hasInterruptsOnly(exit.cause)
          ? Effect.sync(() =>
            listener.onError(`Error pushing block ${block.id.name}`, Cause.squash(exit.cause))
          )
          : Effect.void)

    // Ends when the queue is ended (Done) and drained.
    const keepPushing: Effect.Effect<void> = Effect.gen(function*() {
      for (;;) yield* push(yield* Queue.take(queue))
    }).pipe(Effect.catch(() => Effect.void))

    const add = (records: ReadonlyArray<T>, metadata: unknown) =>
      Effect.gen(function*() {
        if (state !== "Active") return yield* stoppedError()
        if (rateLimiter !== undefined) yield* Effect.orDie(rateLimiter.acquire(records.length))
        if (!room.isOpen()) yield* room.await
        if (state !== "Active") return yield* stoppedError()
        for (const record of records) append(record, metadata)
      })

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
      addData: (record) => add([record], undefined),
      addDataWithCallback: (record, metadata) => add([record], metadata),
      addMultipleDataWithCallback: (records, metadata) => add(records, metadata),
      tryAddData: (record, metadata) => {
        if (state !== "Active" || !room.isOpen()) return false
        if (rateLimiter !== undefined && !rateLimiter.tryAcquire(1)) return false
        append(record, metadata)
        return true
      },
      tryAddMultipleData: (records, metadata) => {
        if (state !== "Active" || !room.isOpen()) return false
        if (rateLimiter !== undefined && !rateLimiter.tryAcquire(records.length)) return false
        for (let i = 0; i < records.length; i++) append(records[i]!, metadata)
        return true
      },
      updateRate: (rate) => rateLimiter === undefined ? Effect.void : rateLimiter.updateRate(rate),
      currentLimit: () => rateLimiter?.currentLimitUnsafe() ?? Number.POSITIVE_INFINITY,
      state: () => state,
      isActive: () => state === "Active",
      isStopped: () => state === "StoppedAll"
    }
    return generator
  })
