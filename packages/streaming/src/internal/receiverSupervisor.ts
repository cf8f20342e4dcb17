// The ReceiverSupervisor's run loop: register, start the block generator,
// start the receiver, restart it on request (onStop, ReportError, delay,
// onStart), stop it for good (onStop, graceful generator stop, Deregister).
import { type BlockId, LineBlock } from "@tspark/core"
import { RateLimiter } from "@tspark/rate-control"
import { Cause, Clock, Effect, Exit, Fiber, Queue, Semaphore } from "effect"
import * as BlockGenerator from "../receiver/BlockGenerator.js"
import * as ReceivedBlockHandler from "../receiver/ReceivedBlockHandler.js"
import type { Receiver } from "../receiver/Receiver.js"
import { BlockReportError, ReceiverConfigError, ReceiverStoppedError, type ReceiverWriteAheadLogError } from "../receiver/ReceiverError.js"
import type { SupervisorOptions } from "../receiver/ReceiverSupervisor.js"
import type { ReceivedBlockInfo } from "../scheduler/ReceivedBlockInfo.js"
import { makeBlockIdSource } from "./receiverBlockIds.js"
import { readReceiverSettings } from "./receiverConf.js"
import type { ToReceiverSupervisor } from "./receiverMessages.js"
import { attachSupervisor, errorText, type RateFollower, type SupervisorHandle } from "./receiverState.js"
import { checkWriteAheadLog, readWriteAheadLogSettings } from "./writeAheadLogConf.js"

type Command =
  | { readonly _tag: "Restart"; readonly message: string; readonly error: unknown; readonly delayMs: number }
  | { readonly _tag: "Stop"; readonly message: string; readonly error: unknown }

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve))

const callUser = (f: () => void | Promise<void>) => Effect.exit(Effect.tryPromise({ try: async () => await f(), catch: (error) => error }))

/** The handler: the caller's, the write-ahead-log handler when the log is on, else the BlockManager's. */
const makeHandler = (options: SupervisorOptions, receiver: Receiver<unknown>) =>
  Effect.gen(function*() {
    if (options.handler !== undefined) return options.handler
    const wal = readWriteAheadLogSettings(options.conf)
    if (wal instanceof ReceiverConfigError) return yield* wal
    const refused = checkWriteAheadLog(wal, options.checkpointDir)
    if (refused !== undefined) return yield* refused
    if (!wal.enabled || options.checkpointDir === undefined) {
      return ReceivedBlockHandler.blockManagerBased(options.blockManager, receiver.storageLevel)
    }
    return yield* ReceivedBlockHandler.makeWriteAheadLogBased({
      store: options.blockManager,
      level: receiver.storageLevel,
      checkpointDir: options.checkpointDir,
      streamId: options.streamId,
      conf: options.conf
    })
  })

export const run = <T>(
  receiver: Receiver<T>,
  options: SupervisorOptions
): Effect.Effect<void, ReceiverConfigError | ReceiverWriteAheadLogError> =>
  Effect.scoped(Effect.gen(function*() {
    const { executorId, host, link, streamId } = options
    const settings = readReceiverSettings(options.conf)
    if (settings instanceof ReceiverConfigError) return yield* settings
    const rateLimiter = yield* RateLimiter.fromConfig(options.conf).pipe(
      Effect.mapError((e) => new ReceiverConfigError({ key: "spark.streaming.receiver.maxRate", message: e.message }))
    )
    const services = yield* Effect.context<never>()
    const runPromise = Effect.runPromiseWith(services)
    const handler = yield* makeHandler(options, receiver as Receiver<unknown>)
    const nextBlockId = makeBlockIdSource(streamId)
    const commands = yield* Queue.unbounded<Command>()
    const name = receiver.constructor.name
    let receiverState: "Initialized" | "Started" | "Stopped" = "Initialized"
    let stopRequested = false
    let stores = 0

    const reportError = (message: string, error: unknown) => {
      const text = errorText(error)
      void runPromise(Effect.logWarning(`Reported error of receiver ${streamId} (${name}): ${message}`, text))
      link.send({ _tag: "ReportError", streamId, message, error: text })
    }

    const storeBlock = (blockId: BlockId.BlockId, block: ReceivedBlockHandler.ReceivedBlock, metadata: unknown) =>
      Effect.gen(function*() {
        const result = yield* handler.storeBlock(blockId, block)
        const info: ReceivedBlockInfo = {
          streamId,
          numRecords: result.numRecords,
          ...(metadata === undefined ? {} : { metadata }),
          blockId: blockId.name,
          executorId,
          host,
          ...(result.walRecordHandle === undefined ? {} : { walRecordHandle: result.walRecordHandle })
        }
        return info
      })

    const report = (info: ReceivedBlockInfo) =>
      Effect.gen(function*() {
        const added = yield* Effect.tryPromise({
          try: () => link.ask({ _tag: "AddBlock", info }),
          catch: (error) =>
            new BlockReportError({
              blockId: info.blockId,
              message: `Error reporting block ${info.blockId} to the ReceiverTracker: ${errorText(error)}`
            })
        })
        if (added !== true) {
          return yield* new BlockReportError({
            blockId: info.blockId,
            message: `The ReceiverTracker refused block ${info.blockId} of stream ${streamId} (is the streaming context stopping?)`
          })
        }
      })

    const pushAndReport = (blockId: BlockId.BlockId, block: ReceivedBlockHandler.ReceivedBlock, metadata: unknown) =>
      Effect.flatMap(storeBlock(blockId, block, metadata), report)

    // The block generator's blocks are stored up to four at a time and reported one at a time, in order: with the
    // write-ahead log on, a block's log write (and its sync) overlaps the next block's, and its report (the
    // driver's log write) the next store, instead of each waiting for the one before. The generator's
    // next push waits while four stores are under way; `finish` waits for the last report before deregistering.
    const scope = yield* Effect.scope
    const storing = Semaphore.makeUnsafe(4)
    let lastReport: Fiber.Fiber<void> | undefined
    const pushGeneratorBlock = (blockId: BlockId.BlockId, block: ReceivedBlockHandler.ReceivedBlock) =>
      Effect.gen(function*() {
        yield* storing.take(1)
        const stored = yield* Effect.forkIn(Effect.ensuring(storeBlock(blockId, block, undefined), storing.release(1)), scope)
        const previous = lastReport
        lastReport = yield* Effect.forkIn(
          Effect.gen(function*() {
            if (previous !== undefined) yield* Fiber.await(previous)
            yield* Effect.flatMap(Fiber.join(stored), report)
          }).pipe(Effect.catch((e) => Effect.sync(() => reportError(`Error pushing block ${blockId.name}`, e)))),
          scope
        )
      })

    // The receiver's own block generators (Spark's supervisor.createBlockGenerator) follow the driver's rate too.
    const rateFollowers = new Set<RateFollower>()
    let latestRate: number | undefined
    const applyRate = (follower: RateFollower, elementsPerSecond: number) =>
      void runPromise(
        follower.updateRate(elementsPerSecond).pipe(
          Effect.catch((e) => Effect.logWarning(`Rate of receiver ${streamId} not updated: ${errorText(e)}`))
        )
      )

    const generator = yield* BlockGenerator.make<T>({
      onPushBlock: (blockId, records) => pushGeneratorBlock(blockId, { _tag: "ArrayBufferBlock", records }),
      onPushLineBlock: (blockId, bytes, numRecords) => pushGeneratorBlock(blockId, { _tag: "ByteBufferBlock", bytes, numRecords }),
      onError: reportError
    }, { streamId, blockIntervalMs: settings.blockIntervalMs, blockQueueSize: settings.blockQueueSize, rateLimiter })

    const stopped = () =>
      Promise.reject(
        new ReceiverStoppedError({
          streamId,
          message: `Cannot store: receiver ${streamId} (${name}) is ` +
            (stopRequested ? "stopped" : receiverState === "Stopped" ? "restarting" : "not started yet") +
            `; store only between onStart and onStop, and stop reading when isStopped() is true`
        })
      )

    const asStopped = (e: unknown) =>
      e !== null && typeof e === "object" && "_tag" in e && e._tag === "BlockGeneratorStoppedError" ? stopped() : Promise.reject(e)

    // A throttled run goes in slices of a tenth of a second's worth at the current rate, so that records keep
    // flowing into every block (and batch) instead of a whole run landing at once after one long wait.
    const sliceOf = (count: number) => Math.max(1, Math.floor(Math.min(count, generator.currentLimit() / 10)))
    const addThrottled = (records: ReadonlyArray<T>) =>
      Effect.gen(function*() {
        const slice = sliceOf(records.length)
        for (let from = 0; from < records.length; from += slice) {
          yield* generator.addMultipleDataWithCallback(records.slice(from, from + slice), undefined)
        }
      })

    // The same for lines given as bytes: each slice ends after a tenth of a second's worth of lines.
    const addLinesThrottled = (bytes: Uint8Array, count: number) =>
      Effect.gen(function*() {
        const slice = sliceOf(count)
        const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
        let from = 0
        for (let left = count; left > 0; left -= slice) {
          const lines = Math.min(slice, left)
          let end = from
          for (let i = 0; i < lines; i++) end = buffer.indexOf(10, end) + 1
          yield* generator.addLines(buffer.subarray(from, end), lines, undefined)
          from = end
        }
      })

    const handle: SupervisorHandle = {
      streamId,
      pushSingle: (record) => {
        if (receiverState !== "Started") return stopped()
        // A source whose records are all at hand would store in microtasks only and starve the block timer:
        // every 4096 records, give the event loop a turn.
        if (++stores % 4096 === 0) return yieldToEventLoop().then(() => handle.pushSingle(record))
        if (generator.tryAddData(record as T, undefined)) return Promise.resolve()
        return runPromise(generator.addData(record as T)).catch(asStopped)
      },
      pushMultiple: (records) => {
        if (receiverState !== "Started") return stopped()
        if (records.length === 0 || generator.tryAddMultipleData(records as ReadonlyArray<T>, undefined)) return Promise.resolve()
        return runPromise(addThrottled(records as ReadonlyArray<T>)).catch(asStopped)
      },
      pushLines: (bytes) => {
        if (receiverState !== "Started") return stopped()
        const count = LineBlock.countLines(bytes)
        if (count === 0 || generator.tryAddLines(bytes, count, undefined)) return undefined
        return runPromise(addLinesThrottled(bytes, count)).catch(asStopped)
      },
      pushArray: (records, metadata) =>
        receiverState !== "Started"
          ? stopped()
          : runPromise(pushAndReport(nextBlockId(), { _tag: "ArrayBufferBlock", records }, metadata)),
      pushBytes: (bytes, metadata) =>
        receiverState !== "Started"
          ? stopped()
          : runPromise(pushAndReport(nextBlockId(), { _tag: "ByteBufferBlock", bytes }, metadata)),
      restart: (message, error, delayMs) => {
        Queue.offerUnsafe(commands, { _tag: "Restart", message, error, delayMs: delayMs ?? settings.restartDelayMs })
      },
      stop: (message, error) => {
        Queue.offerUnsafe(commands, { _tag: "Stop", message, error })
      },
      reportError,
      isReceiverStarted: () => receiverState === "Started",
      isReceiverStopped: () => receiverState === "Stopped",
      followRate: (follower) => {
        rateFollowers.add(follower)
        // A generator made after the driver set a rate starts at it.
        if (latestRate !== undefined) applyRate(follower, latestRate)
        return () => void rateFollowers.delete(follower)
      }
    }
    attachSupervisor(receiver, handle)

    const onMessage = (message: ToReceiverSupervisor) => {
      switch (message._tag) {
        case "StopReceiver":
          handle.stop("Stopped by driver", undefined)
          return
        case "UpdateRateLimit":
          latestRate = message.elementsPerSecond
          for (const follower of [generator, ...rateFollowers]) applyRate(follower, message.elementsPerSecond)
          return
        case "CleanupOldBlocks":
          void runPromise(handler.cleanupOldBlocks(message.threshTime))
      }
    }

    const registered = yield* Effect.tryPromise(() => link.ask({ _tag: "RegisterReceiver", streamId, typ: name, host, executorId })).pipe(
      Effect.catch((e) => Effect.as(Effect.logError(`Receiver ${streamId} could not register`, errorText(e.cause)), false))
    )
    if (registered !== true) {
      receiverState = "Stopped"
      stopRequested = true
      yield* Effect.logWarning(`Registered unsuccessfully because the driver refused to start receiver ${streamId}`)
      return
    }
    const unsubscribe = link.onMessage(streamId, onMessage)

    const stopReceiver = Effect.gen(function*() {
      receiverState = "Stopped"
      const exit = yield* callUser(() => receiver.onStop())
      if (Exit.isFailure(exit)) reportError(`Error stopping receiver ${streamId}`, Cause.squash(exit.cause))
    })

    // The next command; while waiting out a restart delay only a Stop ends the wait early.
    const waitDelay = (delayMs: number) =>
      Effect.gen(function*() {
        const deadline = (yield* Clock.currentTimeMillis) + delayMs
        for (;;) {
          const left = deadline - (yield* Clock.currentTimeMillis)
          if (left <= 0) return undefined
          const next = yield* Effect.timeoutOption(Queue.take(commands), left)
          if (next._tag === "Some" && next.value._tag === "Stop") return next.value
        }
      })

    const finish = (command: Command | undefined) =>
      Effect.gen(function*() {
        stopRequested = true
        if (receiverState === "Started") yield* stopReceiver
        receiverState = "Stopped"
        yield* generator.stop
        if (lastReport !== undefined) yield* Fiber.await(lastReport)
        unsubscribe()
        const message = command?.message ?? "Receiver supervisor interrupted"
        const error = errorText(command?.error)
        yield* Effect.tryPromise(() => link.ask({ _tag: "DeregisterReceiver", streamId, message, error })).pipe(
          Effect.catch((e) => Effect.logWarning(`Receiver ${streamId} could not deregister`, errorText(e.cause)))
        )
        yield* Effect.logInfo(`Stopped receiver ${streamId}: ${message}`)
      })

    const loop = Effect.gen(function*() {
      yield* generator.start
      for (;;) {
        receiverState = "Started"
        const started = yield* callUser(() => receiver.onStart())
        if (Exit.isFailure(started)) {
          handle.restart(`Error starting receiver ${streamId}`, Cause.squash(started.cause), undefined)
        }
        const command = yield* Queue.take(commands)
        yield* stopReceiver
        if (command._tag === "Stop") return command
        yield* Effect.logWarning(`Restarting receiver ${streamId} with delay ${command.delayMs}ms: ${command.message}`)
        reportError(command.message, command.error)
        const stop = yield* waitDelay(command.delayMs)
        if (stop !== undefined) return stop
        // Restarts asked for while this one was under way are the same restart.
        const pending = yield* Queue.clear(commands)
        const stopPending = pending.find((c) => c._tag === "Stop")
        if (stopPending !== undefined) return stopPending
      }
    })

    const last = yield* loop.pipe(Effect.onInterrupt(() => finish(undefined)))
    yield* finish(last)
  }))
