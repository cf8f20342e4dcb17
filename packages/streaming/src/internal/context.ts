import type { SparkContext } from "@tspark/core"
import type { DStream } from "../dstream/DStream.js"

/** What DStreams need of their StreamingContext (kept as an interface to avoid an import cycle). */
export interface StreamingContextLike {
  readonly sparkContext: SparkContext.SparkContext
  readonly batchDurationMs: number
  readonly newStreamId: () => number
  readonly isStarted: () => boolean
  readonly registerOutputStream: (stream: DStream<unknown>) => void
}
