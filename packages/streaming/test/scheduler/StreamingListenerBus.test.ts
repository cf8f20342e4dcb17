/**
 * Streaming events in the event log: a run on the test clock with the event
 * log on writes its batches, output operations (a failed one with its error)
 * and streaming start as Spark-named events; the StreamingJobProgressListener
 * rebuilt from the log equals the live one of the same run. A bad streaming
 * payload is named; other modules' events are left alone.
 */
import { assert, describe, it } from "@effect/vitest"
import { SparkConf } from "@tspark/core"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import type { ReceiverInfo } from "../../src/scheduler/ReceiverInfo.js"
import type { StreamingListenerEvent } from "../../src/scheduler/StreamingListener.js"
import * as StreamingListenerBus from "../../src/scheduler/StreamingListenerBus.js"
import { InvalidStreamError } from "../../src/StreamingError.js"
import * as Testing from "../../src/testing/index.js"
import * as StreamingJobProgressListener from "../../src/ui/StreamingJobProgressListener.js"
import { makeStreaming, tempDir } from "../utils/streaming.js"

/** Everything a progress listener shows. */
const shown = (progress: StreamingJobProgressListener.StreamingJobProgressListener) => ({
  startTime: progress.startTime,
  totals: [progress.numTotalCompletedBatches, progress.numTotalReceivedRecords, progress.numTotalProcessedRecords],
  unprocessed: progress.numUnprocessedBatches,
  waiting: progress.waitingBatches(),
  running: progress.runningBatches(),
  completed: progress.retainedCompletedBatches(),
  operations: progress.retainedCompletedBatches().map((b) => progress.outputOperations(b.batchTime)),
  jobs: progress.retainedCompletedBatches().map((b) => [0, 1].map((op) => progress.outputOperationJobIds(b.batchTime, op))),
  delays: [progress.schedulingDelayDistribution(), progress.processingDelayDistribution(), progress.totalDelayDistribution()],
  rates: [...progress.inputRates()],
  receivers: progress.receivers()
})

describe("StreamingListenerBus", () => {
  it.effect("the progress listener rebuilt from the event log equals the live one of the same run", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* tempDir("tspark-streaming-eventlog-")
      const conf = { "spark.eventLog.enabled": "true", "spark.eventLog.dir": dir, "spark.streaming.ui.retainedBatches": "4" }
      const { sc, ssc } = yield* makeStreaming({ checkpoint: false, conf })
      const live = StreamingJobProgressListener.make(sc.conf, 1000)
      if (live instanceof InvalidStreamError) return yield* Effect.die(live)
      yield* ssc.addStreamingListener(live)
      sc.addSparkListener(live)
      const batches = Array.from({ length: 6 }, (_, i) => sc.parallelize(Array.from({ length: i + 1 }, (_, j) => j), 1))
      const input = ssc.queueStream(batches)
      input.foreachRDD((rdd) => Effect.asVoid(rdd.count()))
      input.foreachRDD((rdd, time) => time === 3000 ? Effect.die(new Error("sink down at 3000")) : Effect.asVoid(rdd.count()))
      yield* Testing.runToBatch(ssc, 2)
      yield* Testing.advanceBatchesThroughFailures(ssc, 4)
      yield* ssc.waitForListeners()
      yield* ssc.stop()
      const appId = sc.applicationId
      yield* sc.stop()

      const file = path.join(dir, appId)
      const names = fs.readFileSync(file, "utf8").trim().split("\n").map((line) => JSON.parse(line))
        .filter((json) => json.Event === "SparkListenerOtherEvent").map((json) => json.Payload.Event as string)
      assert.strictEqual(names[0], "StreamingListenerStreamingStarted")
      assert.strictEqual(names.filter((n) => n === "StreamingListenerBatchCompleted").length, 6)
      assert.strictEqual(names.filter((n) => n === "StreamingListenerOutputOperationCompleted").length, 12)

      const rebuilt = yield* StreamingListenerBus.replayEventLog(file, SparkConf.make({ "spark.streaming.ui.retainedBatches": "4" }))
      assert.isDefined(rebuilt)
      assert.strictEqual(rebuilt!.batchDurationMs, 1000)
      assert.deepStrictEqual(shown(rebuilt!), shown(live))
      assert.include(rebuilt!.outputOperations(3000)[1]!.failureReason ?? "", "sink down at 3000")
      assert.strictEqual(live.outputOperationJobIds(6000, 0).length, 1, "each output operation's count job")
    })))

  it("every streaming event goes through an OtherEvent and back; a bad payload is named, another source ignored", () => {
    const receiver: ReceiverInfo = {
      streamId: 2,
      name: "r",
      active: true,
      location: "h",
      executorId: "1",
      lastErrorMessage: "",
      lastError: "",
      lastErrorTime: -1
    }
    const batch = {
      batchTime: 1000,
      streamIdToInputInfo: new Map([[0, { inputStreamId: 0, numRecords: 3, metadata: { Description: "queue" } }]]),
      submissionTime: 1000,
      processingStartTime: 1001,
      processingEndTime: undefined,
      outputOperationInfos: new Map(),
      schedulingDelay: 1,
      processingDelay: undefined,
      totalDelay: undefined,
      numRecords: 3
    }
    const op = {
      batchTime: 1000,
      id: 0,
      name: "foreachRDD",
      description: "",
      startTime: 1001,
      endTime: undefined,
      failureReason: undefined
    }
    const events: ReadonlyArray<StreamingListenerEvent> = [
      { _tag: "StreamingStarted", time: 0 },
      { _tag: "BatchSubmitted", batch },
      { _tag: "BatchStarted", batch },
      { _tag: "BatchCompleted", batch },
      { _tag: "OutputOperationStarted", info: op },
      { _tag: "OutputOperationCompleted", info: { ...op, endTime: 1002, failureReason: "boom" } },
      { _tag: "ReceiverStarted", info: receiver },
      { _tag: "ReceiverError", info: { ...receiver, lastError: "e", lastErrorMessage: "m", lastErrorTime: 5 } },
      { _tag: "ReceiverStopped", info: { ...receiver, active: false } }
    ]
    for (const event of events) {
      const wrapped = StreamingListenerBus.wrap(event, 500)
      if (wrapped._tag !== "OtherEvent") throw new Error("not an OtherEvent")
      const back = StreamingListenerBus.unwrap(JSON.parse(JSON.stringify(wrapped)))
      assert.deepStrictEqual(back, event._tag === "StreamingStarted" ? { event, batchDurationMs: 500 } : { event })
    }
    const bad = StreamingListenerBus.unwrap({
      _tag: "OtherEvent",
      source: "streaming",
      event: { Event: "StreamingListenerBatchStarted", batchInfo: { batchTime: "x", streamIdToInputInfo: [], outputOperationInfos: [] } }
    })
    assert.deepStrictEqual(bad, { error: "payload.batchInfo.batchTime: expected a number, got string" })
    assert.isUndefined(StreamingListenerBus.unwrap({ _tag: "OtherEvent", source: "sql", event: null }))
  })
})
