/**
 * The Kafka word count example as a user runs it (`npm run kafka-word-count`):
 * it starts librdkafka's mock cluster in kcat, produces the first lines of
 * data/streaming.txt, counts them batch by batch with offsets committed
 * after output, and stops. Every line produced is read once, and the words
 * counted are the words of those lines.
 */
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "vitest"

const here = path.dirname(fileURLToPath(import.meta.url))
describe("kafkaWordCount example", () => {
  it("reads every line produced once and counts its words, then stops by itself", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(here, "..", "src", "kafkaWordCount.ts"), "--batches", "5"], {
      cwd: path.join(here, ".."),
      stdio: ["ignore", "pipe", "pipe"]
    })
    let out = ""
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")))
    child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")))
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve))
    assert.strictEqual(code, 0, out)
    const lines = fs.readFileSync(path.join(here, "..", "data", "streaming.txt"), "utf8").split("\n").filter((l) => l.length > 0).slice(
      0,
      12
    )
    const words = lines.flatMap((line) => line.toLowerCase().split(/[^a-z']+/)).filter((w) => w.length > 0).length
    assert.include(out, `done: 12 lines produced, 12 records read, ${words} words counted`)
    assert.match(out, /batch .*: \d+ records \[lines-\d \[0, \d\)/)
  }, 60_000)
})
