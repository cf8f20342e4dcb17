/**
 * The executors' range reader against a real nats-server: it reads exactly
 * [from, until), in order, over several pulls; deleted messages are gaps
 * that never make it wait (inside the range, at its end, the whole range);
 * a purged start fails with DirectOffsetOutOfRangeError naming the stream's
 * first sequence; a deleted stream fails with DirectSourceError; payloads
 * decode as the format says; every read shares one cached connection. A
 * property checks reads against a model over random deletions and ranges. A
 * read survives a server restart.
 */
import { assert, describe, it } from "@effect/vitest"
import { OffsetRange } from "@tspark/streaming"
import fc from "fast-check"
import { natsRangeReader, NatsRangeReader } from "../src/index.js"
import type { ValueFormat } from "../src/NatsOptions.js"
import { natsServerForFile } from "./utils/natsServer.js"

const nats = natsServerForFile()

/** A reader pulling at most `fetchBatch` (4) messages at a time, so that a range takes several pulls. */
const reader = (format: ValueFormat = "string", fetchBatch = 4) =>
  natsRangeReader({
    source: "nats:test",
    connection: { servers: [nats.server.address], requestTimeoutMs: 1000, attempts: 2, retryBackoffMs: 50, reconnectTimeWaitMs: 100 },
    format,
    fetchBatch
  })

const read = async (stream: string, from: number, until: number) =>
  (await reader()(OffsetRange.make(stream, from, until))).map((r) => [r.sequence, r.value])

/** A stream holding `count` messages `<stream>-<sequence>`. */
const filled = async (stream: string, count: number) => {
  await nats.client.createStreams([stream])
  await nats.client.publish(stream, Array.from({ length: count }, (_, i) => `${stream}-${i + 1}`))
}

const expected = (stream: string, sequences: ReadonlyArray<number>) => sequences.map((seq) => [seq, `${stream}-${seq}`])

describe("NatsRangeReader", () => {
  it("reads exactly [from, until), in order, over several pulls, with each record's stream, subject and sequence", async () => {
    await filled("exact", 20)
    assert.deepStrictEqual(await read("exact", 3, 9), expected("exact", [3, 4, 5, 6, 7, 8]))
    assert.deepStrictEqual(await read("exact", 1, 21), expected("exact", Array.from({ length: 20 }, (_, i) => i + 1)))
    const [record] = await reader()(OffsetRange.make("exact", 20, 21))
    assert.strictEqual(record!.stream, "exact")
    assert.strictEqual(record!.subject, "exact.data")
    assert.isAbove(record!.timestampMs, Date.now() - 600_000)
  })

  it("skips deleted messages inside the range, at its end and over all of it, without waiting", async () => {
    await filled("gaps", 20)
    for (const seq of [5, 6, 10, 11, 12, 19, 20]) await nats.client.jsm.streams.deleteMessage("gaps", seq)
    assert.deepStrictEqual(await read("gaps", 4, 8), expected("gaps", [4, 7]))
    // The whole range deleted, messages after it.
    assert.deepStrictEqual(await read("gaps", 10, 13), [])
    // The range's end deleted, and nothing after it: the stream's last message ends the read.
    assert.deepStrictEqual(await read("gaps", 15, 21), expected("gaps", [15, 16, 17, 18]))
    assert.deepStrictEqual(await read("gaps", 19, 21), [])
  })

  it("a range whose start was purged fails with DirectOffsetOutOfRangeError naming the stream's first sequence", async () => {
    await filled("purged", 10)
    await nats.client.jsm.streams.purge("purged", { seq: 6 })
    const error = await reader()(OffsetRange.make("purged", 2, 8)).then(() => undefined, (e: unknown) => e)
    assert.strictEqual((error as { _tag?: string })._tag, "DirectOffsetOutOfRangeError")
    assert.include((error as Error).message, "partition purged offset 2 is out of range (the source holds [6, 11))")
    // What is still there reads.
    assert.deepStrictEqual(await read("purged", 6, 8), expected("purged", [6, 7]))
  })

  it("a stream deleted under the reader fails with DirectSourceError saying so", async () => {
    await filled("deleted", 3)
    await nats.client.jsm.streams.delete("deleted")
    const error = await reader()(OffsetRange.make("deleted", 1, 3)).then(() => undefined, (e: unknown) => e)
    assert.strictEqual((error as { _tag?: string })._tag, "DirectSourceError")
    assert.include((error as Error).message, `JetStream stream "deleted" no longer exists`)
  })

  it("decodes payloads as json or bytes; a payload that is not json fails the read", async () => {
    await nats.client.createStreams(["formats"])
    await nats.client.publish("formats", [JSON.stringify({ n: 1 }), JSON.stringify({ n: 2 })])
    const json = await reader("json")(OffsetRange.make("formats", 1, 3))
    assert.deepStrictEqual(json.map((r) => r.value), [{ n: 1 }, { n: 2 }])
    const bytes = await reader("bytes")(OffsetRange.make("formats", 2, 3))
    assert.deepStrictEqual(new TextDecoder().decode(bytes[0]!.value as Uint8Array), JSON.stringify({ n: 2 }))
    // A payload that is not JSON fails the read at once, saying which message and what to set.
    await nats.client.publish("formats", ["not json"])
    const error = await reader("json")(OffsetRange.make("formats", 1, 4)).then(() => undefined, (e: unknown) => e)
    assert.strictEqual((error as { _tag?: string })._tag, "DirectSourceError")
    assert.include((error as Error).message, `message 3 of stream "formats" cannot be decoded as json`)
    assert.include((error as Error).message, `set the format option to "string" or "bytes"`)
  })

  it("property: over random deletions, a read returns exactly the range's remaining messages, or fails out of range", async () => {
    let run = 0
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: 30 }), { maxLength: 30 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 8 }),
        async (deleted, a, b, fetchBatch) => {
          const stream = `prop-${run++}`
          await filled(stream, 30)
          for (const seq of deleted) await nats.client.jsm.streams.deleteMessage(stream, seq)
          const [from, until] = [Math.min(a, b), Math.max(a, b) + 1]
          // The model: what remains, and the first sequence still stored (31, past the end, when none is).
          const remaining = Array.from({ length: 30 }, (_, i) => i + 1).filter((seq) => !deleted.includes(seq))
          const earliest = remaining[0] ?? 31
          const result = await reader("string", fetchBatch)(OffsetRange.make(stream, from, until)).then(
            (records) => records.map((r) => [r.sequence, r.value]),
            (error: unknown) => error as { _tag?: string }
          )
          if (from < earliest) {
            assert.strictEqual((result as { _tag?: string })._tag, "DirectOffsetOutOfRangeError", `[${from}, ${until}) before ${earliest}`)
          } else {
            assert.deepStrictEqual(result, expected(stream, remaining.filter((seq) => seq >= from && seq < until)))
          }
          await nats.client.jsm.streams.delete(stream)
        }
      ),
      { numRuns: 25 }
    )
  })

  it("a read under way while the nats.server restarts is tried again and completes once it is back, each message once", async () => {
    await nats.client.createStreams(["restarting"])
    const count = 50_000
    for (let i = 0; i < count; i += 5000) {
      await nats.client.publish("restarting", Array.from({ length: 5000 }, (_, j) => `restarting-${i + j + 1}`))
    }
    const patient = natsRangeReader({
      source: "nats:test",
      connection: { servers: [nats.server.address], requestTimeoutMs: 1000, attempts: 6, retryBackoffMs: 200, reconnectTimeWaitMs: 100 },
      format: "string",
      fetchBatch: 500
    })
    // Wherever the read is when the nats.server goes (creating its consumer, mid-pull), the result is the same.
    const reading = patient(OffsetRange.make("restarting", 1, count + 1))
    await nats.server.stop()
    await nats.server.start()
    const records = await reading
    assert.strictEqual(records.length, count)
    assert.isTrue(records.every((r, i) => r.sequence === i + 1 && r.value === `restarting-${i + 1}`))
    await nats.client.awaitStream("restarting")
  })

  it("all these reads went through one cached connection; closeReaders closes it and the next read opens another", async () => {
    assert.strictEqual(NatsRangeReader.openReaders(), 1)
    await NatsRangeReader.closeReaders()
    assert.strictEqual(NatsRangeReader.openReaders(), 0)
    await filled("reopen", 2)
    assert.deepStrictEqual(await read("reopen", 1, 3), expected("reopen", [1, 2]))
    assert.strictEqual(NatsRangeReader.openReaders(), 1)
  })
})
