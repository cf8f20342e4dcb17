// What a stream contributes to recovery from a metadata checkpoint, kept
// beside the stream (not on its kind, which describes computing): state to
// save and restore (a file stream's files per batch), or the reason it
// cannot be restored yet (state that lives only in memory).
import type { DStream } from "../dstream/DStream.js"

export type StreamRecovery =
  | {
    readonly _tag: "Restorable"
    /** The stream's state as plain data (JSON), for the checkpoint of a batch. */
    readonly save: () => unknown
    /** Puts back what `save` returned, before the context starts again. */
    readonly restore: (state: unknown) => void
  }
  | { readonly _tag: "Unrecoverable"; readonly reason: string }

const recoveries = new WeakMap<DStream<unknown>, StreamRecovery>()

/** Says how `stream` recovers (call once, when building it). */
export const setRecovery = (stream: DStream<unknown>, recovery: StreamRecovery): void => {
  recoveries.set(stream, recovery)
}

/** How `stream` recovers; a stream that said nothing has no state of its own to restore. */
export const recoveryOf = (stream: DStream<unknown>): StreamRecovery | undefined => recoveries.get(stream)
