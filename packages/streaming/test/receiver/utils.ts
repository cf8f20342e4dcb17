import { BlockId, BlockManager, BlockManagerMaster, BlockTransferService } from "@tspark/core"
import { Effect, type Scope } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import type { ReceiverTrackerLink, ToReceiverSupervisor, ToReceiverTracker } from "../../src/internal/receiverMessages.js"
import { Receiver } from "../../src/receiver/Receiver.js"
import * as ReceiverSupervisor from "../../src/receiver/ReceiverSupervisor.js"
import type { ReceivedBlockInfo } from "../../src/scheduler/ReceivedBlockInfo.js"

/** Lets promises and other fibers run (real macrotask turns; the TestClock does not move). */
export const settle = (turns = 5) =>
  Effect.promise(async () => {
    for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve))
  })

/** A real core BlockManager (two, so _2 levels replicate) in a temporary directory removed with the scope. */
export const makeBlockManager = (): Effect.Effect<BlockManager.BlockManager, never, Scope.Scope> =>
  Effect.gen(function*() {
    const dir = yield* Effect.acquireRelease(
      Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "tspark-receiver-test-"))),
      (d) => Effect.sync(() => fs.rmSync(d, { recursive: true, force: true }))
    )
    const master = new BlockManagerMaster.BlockManagerMaster()
    const transfer = new BlockTransferService.LocalBlockTransferService()
    const managers = [0, 1].map((i) => {
      const bm = new BlockManager.BlockManager({
        id: { executorId: `exec-${i}`, host: "localhost", port: i },
        master,
        transfer,
        maxMemory: 64 << 20,
        localDir: path.join(dir, `bm-${i}`)
      })
      transfer.register(bm)
      return bm
    })
    return managers[0]!
  })

/** An in-memory ReceiverTracker: records every message, answers asks. */
export const makeTracker = (options: { readonly accept?: boolean } = {}) => {
  const blocks: Array<ReceivedBlockInfo> = []
  const errors: Array<Extract<ToReceiverTracker, { _tag: "ReportError" }>> = []
  const registered: Array<Extract<ToReceiverTracker, { _tag: "RegisterReceiver" }>> = []
  const deregistered: Array<Extract<ToReceiverTracker, { _tag: "DeregisterReceiver" }>> = []
  const handlers = new Map<number, (message: ToReceiverSupervisor) => void>()
  const link: ReceiverTrackerLink = {
    ask: (message) => {
      switch (message._tag) {
        case "RegisterReceiver":
          registered.push(message)
          return Promise.resolve(options.accept ?? true)
        case "AddBlock":
          blocks.push(message.info)
          return Promise.resolve(true)
        case "DeregisterReceiver":
          deregistered.push(message)
          return Promise.resolve(true)
        default:
          return Promise.resolve(true)
      }
    },
    send: (message) => {
      if (message._tag === "ReportError") errors.push(message)
    },
    onMessage: (streamId, handler) => {
      handlers.set(streamId, handler)
      return () => handlers.delete(streamId)
    }
  }
  const tell = (streamId: number, message: ToReceiverSupervisor) => handlers.get(streamId)?.(message)
  return { link, blocks, errors, registered, deregistered, tell, handlers }
}

/** Every record of the reported blocks, read back from the block manager, in report order. */
export const recordsOf = (bm: BlockManager.BlockManager, blocks: ReadonlyArray<ReceivedBlockInfo>): Array<unknown> =>
  blocks.flatMap((info) => [...(bm.getValues(BlockId.parse(info.blockId)!) ?? [])])

/** A receiver the test drives: onStart/onStop only count (and may throw). */
export class TestReceiver extends Receiver<number> {
  static readonly module = import.meta.url
  failStarts = 0
  starts = 0
  stops = 0

  onStart(): void {
    this.starts++
    if (this.failStarts > 0) {
      this.failStarts--
      throw new Error("cannot start")
    }
  }

  onStop(): void {
    this.stops++
  }
}

/** Runs `receiver` under a supervisor (stream 0 on exec-0) with a test tracker and block manager, in a child fiber. */
export const supervise = <T>(
  receiver: Receiver<T>,
  tracker: ReturnType<typeof makeTracker>,
  blockManager: BlockManager.BlockManager,
  conf: Readonly<Record<string, string>>
) =>
  Effect.forkChild(ReceiverSupervisor.run(receiver, {
    link: tracker.link,
    blockManager,
    conf,
    executorId: "exec-0",
    host: "127.0.0.1",
    streamId: 0
  }))
