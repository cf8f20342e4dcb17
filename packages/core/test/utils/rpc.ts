import { Effect } from "effect"
import type { RDD, RDDError } from "../../src/rdd/RDD.js"
import type { SparkContext } from "../../src/SparkContext.js"
import type { TaskContext } from "../../src/scheduler/TaskContext.js"

/** The three backends: in process, worker-thread executors, executor processes. */
export const backends = [
  { name: "in process (local[2])", master: "local[2]", cluster: false },
  { name: "worker threads (local-cluster[2,1,128])", master: "local-cluster[2,1,128]", cluster: true },
  { name: "processes (local-process[2,1,128])", master: "local-process[2,1,128]", cluster: true }
] as const

/** Runs an asynchronous result function: the job's results are the awaited values. */
export const runAsync = <T, X>(
  sc: SparkContext,
  rdd: RDD<T>,
  f: (it: Iterator<T>, ctx: TaskContext) => Promise<X>
): Effect.Effect<Array<X>, RDDError> => sc.runJob(rdd, f) as unknown as Effect.Effect<Array<X>, RDDError>

/**
 * A driver endpoint that records the one-way messages it receives (with
 * their senders); `atLeast(n)` waits (at most 30 s of real time: executors
 * are real threads and processes) until n arrived.
 */
export const inbox = (sc: SparkContext, name: string) => {
  const messages: Array<unknown> = []
  const senders: Array<string> = []
  let waiters: Array<{ readonly n: number; readonly resolve: () => void }> = []
  const unregister = sc.rpcEnv.setupEndpoint(name, {
    receive: (message, from) => {
      messages.push(message)
      senders.push(from.executorId)
      waiters = waiters.filter((w) => {
        if (messages.length < w.n) return true
        w.resolve()
        return false
      })
    }
  })
  const atLeast = (n: number) =>
    Effect.promise(() => messages.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve })))
      .pipe(Effect.timeoutOrElse({
        duration: "30 seconds",
        orElse: () => Effect.die(new Error(`timed out waiting for ${n} messages on "${name}" (got ${messages.length})`))
      }))
  return { messages, senders, atLeast, unregister }
}
