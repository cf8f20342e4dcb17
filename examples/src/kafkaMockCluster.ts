/**
 * librdkafka's mock Kafka cluster, hosted by a `kcat` process, for the Kafka
 * example when no brokers are given: three brokers in that process's memory,
 * topics (4 partitions) created on first use. Stopped with the process.
 */
import { spawn } from "node:child_process"
import { Kafka, logLevel } from "kafkajs"

export interface MockCluster {
  readonly bootstrap: string
  readonly stop: () => Promise<void>
}

/** Starts the mock cluster and resolves with its bootstrap addresses (kcat prints them on stderr). */
export const startMockCluster = (): Promise<MockCluster> =>
  new Promise((resolve, reject) => {
    const child = spawn("kcat", ["-b", "localhost:9", "-X", "test.mock.num.brokers=3", "-C", "-t", "tspark-mock-anchor", "-q"], {
      stdio: ["ignore", "ignore", "pipe"]
    })
    const exited = new Promise<void>((done) => child.once("exit", () => done()))
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
      await exited
    }
    process.once("exit", () => child.kill("SIGKILL"))
    const timer = setTimeout(() => {
      void stop()
      reject(new Error("kcat printed no mock cluster address within 10 s"))
    }, 10_000)
    child.once("error", (error) => {
      clearTimeout(timer)
      reject(new Error(`could not start kcat (apt-get install kcat, or pass --brokers): ${error.message}`))
    })
    let seen = ""
    child.stderr.on("data", (chunk: Buffer) => {
      seen += chunk.toString("utf8")
      const match = /replaced with ([0-9.:,]+)/.exec(seen)
      if (match === null) return
      clearTimeout(timer)
      child.stderr.removeAllListeners("data")
      child.stderr.resume()
      resolve({ bootstrap: match[1]!, stop })
    })
  })

/** Creates `topic` on the mock (it creates a topic when asked for its metadata). */
export const createMockTopic = async (bootstrap: string, topic: string): Promise<void> => {
  const admin = new Kafka({ brokers: bootstrap.split(","), logLevel: logLevel.NOTHING }).admin()
  await admin.connect()
  try {
    await admin.fetchTopicMetadata({ topics: [topic] })
  } finally {
    await admin.disconnect()
  }
}
