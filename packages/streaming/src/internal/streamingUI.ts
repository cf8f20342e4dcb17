// The Streaming tab of a started context: a progress listener (bounded by
// spark.streaming.ui.retainedBatches) hearing the context's streaming events
// and its SparkContext's job starts, shown by the tab attached to the
// SparkContext's web UI; the context's scope closing (its stop) detaches it.
// Without a web UI (spark.ui.enabled=false) nothing is made.
import type { SparkContext } from "@tspark/core"
import { Effect, Scope } from "effect"
import type { StreamingListener } from "../scheduler/StreamingListener.js"
import type { InvalidStreamError } from "../StreamingError.js"
import * as StreamingJobProgressListener from "../ui/StreamingJobProgressListener.js"
import * as StreamingTab from "../ui/StreamingTab.js"

export interface StreamingUIHost {
  readonly sparkContext: SparkContext.SparkContext
  readonly batchDurationMs: number
  readonly addStreamingListener: (listener: StreamingListener) => Effect.Effect<void>
}

export const attachStreamingUI = (ssc: StreamingUIHost, scope: Scope.Scope): Effect.Effect<void, InvalidStreamError> =>
  Effect.gen(function*() {
    const ui = ssc.sparkContext.ui
    if (ui === undefined) return
    const listener = StreamingJobProgressListener.make(ssc.sparkContext.conf, ssc.batchDurationMs)
    if (!(listener instanceof StreamingJobProgressListener.StreamingJobProgressListener)) return yield* Effect.fail(listener)
    yield* ssc.addStreamingListener(listener)
    // The SparkContext's bus outlives this context: after the stop, its forwarder holds nothing.
    let current: StreamingJobProgressListener.StreamingJobProgressListener | undefined = listener
    ssc.sparkContext.addSparkListener({ onJobStart: (event) => current?.onJobStart(event) })
    const detach = StreamingTab.attach(ui, listener)
    yield* Scope.addFinalizer(
      scope,
      Effect.sync(() => {
        current = undefined
        detach()
      })
    )
  })
