/**
 * A streaming application submitted with the built `tspark submit` stops on
 * SIGTERM through the shutdown hooks, streaming first and gracefully with
 * spark.streaming.stopGracefullyOnShutdown, logging each step at INFO, and
 * the command exits with the signal's conventional code.
 */
import { assert, describe, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import { createRequire } from "node:module"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const here = path.dirname(fileURLToPath(import.meta.url))
const corePackage = createRequire(import.meta.url).resolve("@tspark/core/package.json")
const cli = path.join(path.dirname(corePackage), "dist/cli/tspark.js")

describe("tspark submit of a streaming application", () => {
  it("SIGTERM stops it through the shutdown hooks, logged at INFO, and exits with 143", async () => {
    const child = spawn(process.execPath, [
      cli,
      "submit",
      path.join(here, "fixtures/streamingApp.ts"),
      "--conf",
      "spark.streaming.stopGracefullyOnShutdown=true"
    ], { stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stderr.on("data", (chunk) => void (stderr += String(chunk)))
    const firstBatch = new Promise<void>((resolve) =>
      child.stdout.on("data", (chunk) => {
        stdout += String(chunk)
        if (stdout.includes("batch ")) resolve()
      })
    )
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
    // Bounded by the test's timeout, not by a guess of the machine's speed.
    await firstBatch
    child.kill("SIGTERM")
    const code = await exited
    assert.strictEqual(code, 143, stderr)
    const messages = stderr.split("\n").filter((line) => line.includes("level=INFO")).map((line) =>
      /message="((?:[^"\\]|\\.)*)"/.exec(line)?.[1] ?? ""
    )
    // The SparkContext stops after the StreamingContext: by its own hook, or by the application, whose
    // awaitTermination returned when the streaming hook stopped it (whichever comes first; once).
    const order = [
      "StreamingContext started",
      "Invoking stop(stopGracefully=true) from shutdown hook",
      "StreamingContext stopped successfully",
      "Successfully stopped SparkContext"
    ]
    assert.deepStrictEqual(messages.filter((m) => order.includes(m)), order, stderr)
    assert.notMatch(stderr, /level=(ERROR|FATAL)/)
    assert.match(stdout, /batch \d+: 3/)
  }, 60_000)
})
