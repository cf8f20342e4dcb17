import { Cause, Deferred, Effect, Option } from "effect"
import { FileSystemError } from "../Errors.js"
import type { SyncMode } from "../FileSystem.js"
import type { Appended, LogState } from "./walState.js"

/**
 * Makes appends durable: one sync of the active file at a time covers every
 * append written before it started (leader/follower group commit), and
 * remembers which appends a failed sync leaves not durable, forever.
 */
export class Syncer {
  /** The sync in flight, if any: it makes every append up to `target` durable. */
  private inflight: { readonly target: number; readonly done: Deferred.Deferred<void, FileSystemError> } | undefined = undefined
  /**
   * Group-commit writers waiting for `durable >= seq`, each with its own
   * Deferred, completed with the exit of the first sync that covers it. A
   * plain list, scanned once per sync, not per append: an Effect primitive
   * that wakes waiters by condition (a SubscriptionRef's changes, a PubSub)
   * would cost a subscription or a fiber per append.
   */
  private waiters: Array<{ readonly seq: number; readonly done: Deferred.Deferred<void, FileSystemError> }> = []
  /** Appends (seq ranges, inclusive) whose sync failed: they are never reported durable. */
  private readonly failed: Array<{ readonly from: number; readonly to: number; readonly error: FileSystemError }> = []
  private readonly state: LogState
  private readonly mode: SyncMode

  constructor(state: LogState, mode: SyncMode) {
    this.state = state
    this.mode = mode
  }

  failureOf(seq: number): FileSystemError | undefined {
    for (const f of this.failed) if (seq >= f.from && seq <= f.to) return f.error
    return undefined
  }

  /**
   * Starts a sync of the active file covering every append so far, or joins
   * the one in flight. Completes when that sync ends (successfully or not).
   */
  readonly syncOnce: Effect.Effect<void, FileSystemError> = Effect.suspend(() => {
    const state = this.state
    if (this.inflight !== undefined) return Deferred.await(this.inflight.done)
    const target = state.appended
    const file = state.active?.file
    // never sync a file again after a sync of it failed: the answer could be a lie
    if (file === undefined || target <= state.durable || state.brokenBy !== undefined) return Effect.void
    const done = Deferred.makeUnsafe<void, FileSystemError>()
    this.inflight = { target, done }
    return Effect.uninterruptible(
      file.sync(this.mode).pipe(
        Effect.exit,
        Effect.flatMap((exit) =>
          Effect.sync(() => {
            this.inflight = undefined
            let covered = target
            if (exit._tag === "Success") {
              if (target > state.durable) state.durable = target
            } else {
              // every append not yet durable is in this file: none of them may be acknowledged
              state.broken = true
              covered = state.appended
              const error = Option.getOrElse(
                Cause.findErrorOption(exit.cause),
                () => new FileSystemError({ operation: this.mode, path: file.path, code: "EUNKNOWN", detail: "the sync did not complete" })
              )
              state.brokenBy = error
              this.failed.push({ from: state.durable + 1, to: state.appended, error })
            }
            const still: typeof this.waiters = []
            for (const w of this.waiters) {
              if (w.seq <= covered) Deferred.doneUnsafe(w.done, exit)
              else still.push(w)
            }
            this.waiters = still
            Deferred.doneUnsafe(done, exit)
            return exit
          })
        ),
        Effect.flatMap((exit) => exit)
      )
    )
  })

  /** Waits until append `seq` is durable, starting syncs as needed (leader/follower group commit). */
  readonly awaitDurable = (seq: number): Effect.Effect<void, FileSystemError> =>
    Effect.suspend((): Effect.Effect<void, FileSystemError> => {
      const failure = this.failureOf(seq)
      if (failure !== undefined) return Effect.fail(failure)
      if (this.state.durable >= seq) return Effect.void
      // not durable, not failed, and the active file can no longer be synced (never the case; never loop)
      if (this.state.brokenBy !== undefined && this.inflight === undefined) return Effect.fail(this.state.brokenBy)
      const pendingSync = this.inflight
      if (pendingSync !== undefined && pendingSync.target < seq) {
        // the sync in flight does not cover us: wait for it (ignoring its outcome), then sync again
        return Effect.andThen(Effect.exit(Deferred.await(pendingSync.done)), this.awaitDurable(seq))
      }
      return Effect.andThen(this.syncOnce, this.awaitDurable(seq))
    })

  /** Completes when append `r` is durable, syncing it now (`Sync` policy). */
  readonly synced = (r: Appended): Effect.Effect<Appended, FileSystemError> => Effect.as(this.awaitDurable(r.seq), r)

  /** Completes when a periodic sync has made append `r` durable (`GroupCommit` policy). */
  readonly committed = (r: Appended): Effect.Effect<Appended, FileSystemError> =>
    Effect.suspend(() => {
      const failure = this.failureOf(r.seq)
      if (failure !== undefined) return Effect.fail(failure)
      if (this.state.durable >= r.seq) return Effect.succeed(r)
      const done = Deferred.makeUnsafe<void, FileSystemError>()
      this.waiters.push({ seq: r.seq, done })
      return Effect.as(Deferred.await(done), r)
    })
}
