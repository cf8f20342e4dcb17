import type { SparkContext } from "@tspark/core"
import type { DStream } from "../dstream/DStream.js"
import type { InputInfoTracker } from "../scheduler/InputInfoTracker.js"
import type { ReceiverTracker } from "../scheduler/ReceiverTracker.js"
import { IllegalStateError } from "../StreamingError.js"

/** What DStreams need of their StreamingContext (kept as an interface to avoid an import cycle). */
export interface StreamingContextLike {
  readonly sparkContext: SparkContext.SparkContext
  readonly batchDurationMs: number
  readonly inputInfoTracker: InputInfoTracker
  readonly newStreamId: () => number
  readonly newInputStreamId: () => number
  readonly isStarted: () => boolean
  readonly addInputStream: (stream: DStream<unknown>) => void
  readonly registerOutputStream: (stream: DStream<unknown>) => void
  /** The receiver tracker, once the context has started. */
  readonly receiverTracker: () => ReceiverTracker | undefined
}

/** Spark throws this when the graph changes after start; here it fails `start` or `awaitTermination`. */
export const addedAfterStart = () =>
  new IllegalStateError({
    message: "Adding new inputs, transformations, and output operations after starting a context is not " +
      "supported: build the whole graph before ssc.start()"
  })
