// A real Kafka-protocol cluster for tests and demos: librdkafka's mock
// cluster (3 brokers by default), hosted by a `kcat` process. kcat prints the
// mock's bootstrap addresses on stderr. The cluster lives in that process's
// memory, so stopping it loses the log; topics are created (4 partitions) on
// first use, and the mock refuses createTopics. A broker outage that keeps
// the log is the process stopped (`pause`, SIGSTOP): the brokers accept no
// request and answer none, as hung or partitioned brokers do, until `resume`.
import { type ChildProcess, spawn } from "node:child_process"
import { findBinary } from "./binaries.js"

export interface KafkaMockCluster {
  /** `host:port,host:port,...` */
  readonly bootstrap: string
  /** Stops every broker (SIGSTOP): requests time out; the data stays. */
  readonly pause: () => void
  /** Brings the brokers back (SIGCONT). */
  readonly resume: () => void
  /** Ends the cluster and its data. */
  readonly stop: () => Promise<void>
}

const live = new Set<ChildProcess>()
// A run that exits without its finalizers still takes its brokers along.
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL")
})

/** Starts a mock cluster of `brokers` brokers, once its bootstrap addresses are printed (at most 10 s). */
export const startKafkaMockCluster = (brokers = 3): Promise<KafkaMockCluster> => {
  const kcat = findBinary({ name: "kcat", debianPackage: "kcat", neededBy: "Kafka tests (librdkafka's mock cluster runs in kcat)" })
  // kcat needs a broker list and a mode to start; the mock replaces the list, and the consumer of an unused topic idles.
  const child = spawn(kcat, ["-b", "localhost:9", "-X", `test.mock.num.brokers=${brokers}`, "-C", "-t", "tspark-mock-anchor", "-q"], {
    stdio: ["ignore", "ignore", "pipe"]
  })
  live.add(child)
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()))
  const stop = async () => {
    live.delete(child)
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGCONT")
      child.kill("SIGKILL")
      await exited
    }
  }
  return new Promise<KafkaMockCluster>((resolve, reject) => {
    let seen = ""
    const timer = setTimeout(() => {
      void stop()
      reject(new Error(`kcat printed no mock cluster address within 10 s; stderr: ${seen.slice(0, 2000)}`))
    }, 10_000)
    child.once("error", (error) => {
      clearTimeout(timer)
      void stop()
      reject(error)
    })
    const onData = (chunk: Buffer) => {
      seen += chunk.toString("utf8")
      const match = /replaced with ([0-9.:,]+)/.exec(seen)
      if (match === null) return
      clearTimeout(timer)
      // Keep draining stderr, so that kcat never blocks on a full pipe.
      child.stderr!.off("data", onData)
      child.stderr!.resume()
      resolve({
        bootstrap: match[1]!,
        pause: () => void child.kill("SIGSTOP"),
        resume: () => void child.kill("SIGCONT"),
        stop
      })
    }
    child.stderr!.on("data", onData)
  })
}
