// Receiver input on executors stays there: a socket receiver on a
// worker-thread executor (and on an executor process) stores its blocks in
// executors' block managers, and each batch's task over a block runs on an
// executor holding that block and reads it there, so no record goes through
// the driver, whose block manager never holds one. Three executors, so that
// a replicated block is on two of them and a task placed without regard to
// its block would land on the third. Real sockets and executors need the
// real clock: waits are bounded polls that can only fail late.
import { assert, describe, it } from "@effect/vitest"
import { SparkContext, type SparkListener, StorageLevel } from "@tspark/core"
import { BlockRDD } from "@tspark/core/rdd"
import { Effect } from "effect"
import * as StreamingContext from "../../src/StreamingContext.js"
import { startLineServer } from "../utils/lineServer.js"
import { waitUntil } from "../utils/realTime.js"

type Event<Tag extends SparkListener.SparkListenerEvent["_tag"]> = Extract<SparkListener.SparkListenerEvent, { _tag: Tag }>

// Two cores each: the receiver holds one core of its executor, batches may run on the other.
const masters = ["local-cluster[3,2,256]", "local-process[3,2,256]"]
const LINES = 2000

describe.each(masters)("receiver blocks on %s", (master) => {
  for (
    const { level, name } of [
      { name: "replicated (the default _2 level): on either executor holding a copy", level: undefined },
      { name: "one copy: on the receiver's own executor", level: StorageLevel.MEMORY_AND_DISK_SER }
    ]
  ) {
    it.live(
      `each batch's tasks read its blocks where they are, ${name}; the driver holds none`,
      () =>
        Effect.scoped(Effect.gen(function*() {
          const server = yield* Effect.acquireRelease(
            Effect.promise(() => startLineServer({ total: LINES, linesPerTick: 20, tickMs: 5 })),
            (server) => Effect.promise(() => server.close())
          )
          const sc = yield* SparkContext.make({ master, conf: { "spark.streaming.blockInterval": "50ms" } })
          const ssc = yield* StreamingContext.make(sc, { batchDuration: 200 })
          const holders = new Map<string, Set<string>>()
          const tasks: Array<Event<"TaskEnd">> = []
          const blocksOfRdd = new Map<number, ReadonlyArray<string>>()
          const rddOfStage = new Map<number, number>()
          let receiverExecutor: string | undefined
          let stopping = false
          sc.addSparkListener({
            onBlockUpdated: ({ blockUpdatedInfo: info }) => {
              if (!info.blockId.startsWith("input-")) return
              const executors = holders.get(info.blockId) ?? new Set()
              executors.add(info.executorId)
              holders.set(info.blockId, executors)
            },
            onStageSubmitted: ({ stageInfo }) => void rddOfStage.set(stageInfo.stageId, stageInfo.rddIds[0]!),
            // The receiver's own task ends at stop; every task ending before it is a batch's.
            onTaskEnd: (e) => void (stopping || tasks.push(e))
          })
          yield* ssc.addStreamingListener({ onReceiverStarted: (info) => void (receiverExecutor = info.executorId) })
          let counted = 0
          ssc.socketTextStream("127.0.0.1", server.port, level).foreachRDD((rdd) => {
            // Partition i of a batch's BlockRDD reads its block i.
            if (BlockRDD.isBlockRDD(rdd)) blocksOfRdd.set(rdd.id, rdd.blockIds.map((id) => id.name))
            return Effect.map(rdd.count(), (n) => void (counted += n))
          })
          yield* ssc.start()
          yield* waitUntil(() => server.sent() === LINES && counted === LINES, "every line counted", 60_000)
          yield* sc.waitForListeners()
          stopping = true
          yield* ssc.stop({ stopSparkContext: false })

          assert.isAbove(holders.size, 0)
          const copies = level === undefined ? 2 : 1
          for (const [blockId, executors] of holders) {
            assert.isFalse(executors.has("driver"), `${blockId} in the driver`)
            assert.strictEqual(executors.size, copies, `${blockId} on ${[...executors].join(", ")}`)
            if (copies === 1) assert.deepStrictEqual([...executors], [receiverExecutor])
          }
          // Every line was read by a task on an executor holding its block.
          assert.strictEqual(tasks.reduce((sum, task) => sum + (task.taskMetrics?.inputMetrics.recordsRead ?? 0), 0), LINES)
          for (const task of tasks) {
            const block = blocksOfRdd.get(rddOfStage.get(task.stageId)!)?.[task.taskInfo.index]
            const where = `task ${task.taskInfo.taskId} of block ${block} on ${task.taskInfo.executorId}`
            assert.strictEqual(task.reason._tag, "Success", where)
            assert.isTrue(block !== undefined && holders.get(block)?.has(task.taskInfo.executorId), where)
            if (copies === 1) assert.strictEqual(task.taskInfo.executorId, receiverExecutor, where)
          }
        })),
      { timeout: 90_000 }
    )
  }
})
