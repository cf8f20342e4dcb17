/**
 * A real Kafka-protocol broker for tests: librdkafka's mock cluster (3
 * brokers), hosted by a `kcat` process. kcat prints the mock's bootstrap
 * addresses on stderr; the cluster lives in that process's memory, so
 * killing it loses the log. Topics are auto-created (4 partitions) on first
 * use; the mock refuses createTopics.
 *
 * A broker outage that keeps the log is the process stopped (SIGSTOP): the
 * brokers accept no request and answer none, as hung or partitioned brokers
 * do, until SIGCONT.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process"

export interface MockCluster {
  /** host:port,host:port,host:port */
  readonly bootstrap: string
  /** Stops every broker (SIGSTOP): requests time out; the data stays. */
  readonly pause: () => void
  /** Brings the brokers back (SIGCONT). */
  readonly resume: () => void
  readonly stop: () => Promise<void>
}

/** The kcat binary, or undefined when it is not installed. */
export const kcatPath = (): string | undefined => {
  for (const candidate of ["/usr/bin/kcat", "/usr/local/bin/kcat"]) {
    try {
      execFileSync(candidate, ["-V"], { stdio: "ignore" })
      return candidate
    } catch {
      // try the next
    }
  }
  try {
    return execFileSync("sh", ["-c", "command -v kcat"], { encoding: "utf8" }).trim() || undefined
  } catch {
    return undefined
  }
}

const live = new Set<ChildProcess>()
// A test runner that exits without running finalizers still takes its brokers along.
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL")
})

/** Starts a mock cluster and resolves once its bootstrap addresses are printed (at most 10 s). */
export const startMockCluster = (brokers = 3): Promise<MockCluster> => {
  const kcat = kcatPath()
  if (kcat === undefined) {
    return Promise.reject(new Error("kcat is not installed: apt-get install kcat (the Kafka tests run librdkafka's mock cluster in it)"))
  }
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
  return new Promise<MockCluster>((resolve, reject) => {
    let seen = ""
    let found = false
    const timer = setTimeout(() => {
      void stop()
      reject(new Error(`kcat printed no mock cluster address within 10 s; stderr: ${seen.slice(0, 2000)}`))
    }, 10_000)
    child.once("error", (error) => {
      clearTimeout(timer)
      void stop()
      reject(error)
    })
    child.stderr!.on("data", (chunk: Buffer) => {
      if (found) return
      seen += chunk.toString("utf8")
      const match = /replaced with ([0-9.:,]+)/.exec(seen)
      if (match === null) return
      clearTimeout(timer)
      found = true
      resolve({
        bootstrap: match[1]!,
        pause: () => void child.kill("SIGSTOP"),
        resume: () => void child.kill("SIGCONT"),
        stop
      })
    })
  })
}
