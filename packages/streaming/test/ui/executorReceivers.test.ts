/**
 * The Executors page's Receivers column, added by the Streaming tab: on a
 * real local[2] run with the web UI on a real socket, the executor the
 * receiver runs on (as its ReceiverInfo says) lists it; after the streaming
 * context stops, the tab and its column are gone.
 */
import { assert, describe, it } from "@effect/vitest"
import { SparkContext } from "@tspark/core"
import { Effect } from "effect"
import { Receiver } from "../../src/receiver/Receiver.js"
import type { ReceiverInfo } from "../../src/scheduler/ReceiverInfo.js"
import * as StreamingContext from "../../src/StreamingContext.js"
import { sleepReal, waitUntil } from "../utils/realTime.js"

class IdleReceiver extends Receiver<number> {
  onStart(): void {}
  onStop(): void {}
}

const get = (url: string) => Effect.promise(async () => (await fetch(url)).text())

describe("Executors page: receivers", () => {
  it.live("the executor running a receiver lists it in the Receivers column; the column leaves with the Streaming tab", () =>
    Effect.scoped(Effect.gen(function*() {
      const sc = yield* SparkContext.make({
        master: "local[2]",
        appName: "receivers column",
        conf: { "spark.ui.enabled": true, "spark.ui.port": 0 }
      })
      const ssc = yield* StreamingContext.make(sc, { batchDuration: 500 })
      const started: Array<ReceiverInfo> = []
      ssc.receiverStream(new IdleReceiver()).foreachRDD((rdd) => rdd.count())
      yield* ssc.addStreamingListener({ onReceiverStarted: (info) => void started.push(info) })
      yield* ssc.start()
      yield* waitUntil(() => started.length === 1, "the receiver to start")
      const [info] = started
      const url = sc.uiWebUrl!
      // The page reads the streaming listener, which hears the start on its own bus: poll (bounded) until it shows.
      let page = ""
      for (let i = 0; i < 500 && !/class="executor-column" data-count="1"/.test(page); i++) {
        page = yield* get(`${url}/executors/`)
        yield* sleepReal(20)
      }
      assert.include(page, "<th>Receivers</th>")
      const row = page.split("<tr ").find((r) => r.startsWith(`data-executor-id="${info!.executorId}"`))!
      assert.include(row, `data-count="1">${info!.name} (stream ${info!.streamId})</td>`)
      assert.strictEqual(page.match(/class="executor-column" data-count="1"/g)?.length, 1)
      yield* ssc.stop({ stopSparkContext: false })
      const after = yield* get(`${url}/executors/`)
      assert.notInclude(after, "<th>Receivers</th>")
    })))
})
