/**
 * A fresh context with the receiver write-ahead log on, killed before its
 * first batch: a restart without a checkpoint starts afresh and discards the
 * block tracker's log, so a block acknowledged then would be lost (a
 * reliable source sends only what follows the acknowledged lines). The
 * context writes its zero time's checkpoint before its first batch and
 * acknowledges no block before a checkpoint is on disk: the restart recovers
 * the block from the logs and counts it. On the test clock, over real files.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as Testing from "../../src/testing/index.js"
import { waitUntil } from "../utils/realTime.js"
import { acknowledged, freshCheckpointDir, NOW, startApplication } from "./utils.js"

describe("a fresh context with the receiver write-ahead log on", () => {
  it.effect("counts a block acknowledged before its first batch after the driver dies", () =>
    Effect.scoped(Effect.gen(function*() {
      acknowledged.length = 0
      const checkpointDir = yield* freshCheckpointDir("tspark-first-ckpt-")
      const { counted, ssc: ssc1 } = yield* startApplication(checkpointDir, [1, 2, 3])
      yield* waitUntil(() => acknowledged.length === 3, "the block acknowledged")
      // The driver dies before its first batch: nothing was counted.
      yield* ssc1.stop({ stopSparkContext: true, stopGracefully: false })
      assert.deepStrictEqual(counted, [])

      // The next run's receiver has nothing new: the source sends only what follows the acknowledged lines.
      const { ssc: ssc2 } = yield* startApplication(checkpointDir, [], counted)
      assert.strictEqual(ssc2.graph.zeroTime, NOW)
      yield* Testing.advanceBatches(ssc2, 1)
      assert.deepStrictEqual(counted, [1, 2, 3])
      // It recovered from the first checkpoint, of the zero time, written before the block was taken.
      assert.isTrue(fs.existsSync(`${checkpointDir}/checkpoint-${NOW}`))
      yield* ssc2.stop({ stopSparkContext: true, stopGracefully: false })
    })))
})
