/**
 * MQTT receiving benchmark: messages per second of a word count over
 * `MQTTUtils.createStream` draining a backlog of small QoS 1 messages held
 * by mosquitto for a persistent session, beside a plain MQTT.js client
 * draining the same backlog (its own persistent session, filled by the same
 * publishes) that only counts messages, in the same run.
 *
 *   npm run build && npm run bench -w @tspark/streaming-mqtt         # 1,000,000 messages
 *   npm run bench -w @tspark/streaming-mqtt -- --messages 300000 --master local[2] --rounds 2
 *
 * Steps: start a mosquitto of its own (no disk persistence: sessions live in
 * memory), register both persistent sessions (subscribe at QoS 1, then
 * disconnect), publish the messages at QoS 1 (each one word, `w<i % 1000>`,
 * 4 bytes or less) with two pipelined MQTT.js publishers, then drain: the
 * plain client first, then the receiver. The plain client's rate is from its
 * connect to its last message; the receiver's from `ssc.start()` to the end
 * of the batch that counts the last message (1 s batches,
 * `spark.streaming.blockInterval` 200ms). Every message is counted exactly
 * once by both, or the run fails. `--rounds R` fills 2R sessions at once
 * and drains them alternately (plain first, then receiver first, ...), and
 * prints the ratio of the best rates.
 */
import { SparkContext } from "@tspark/core"
import { StreamingContext } from "@tspark/streaming"
import { Effect } from "effect"
import { connect, connectAsync, type MqttClient } from "mqtt"
import { MQTTUtils } from "../src/index.js"
import { startMosquitto } from "../test/utils/mosquitto.js"

const argument = (name: string, fallback: string): string => {
  const at = process.argv.indexOf(name)
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1]! : fallback
}

const MESSAGES = Number(argument("--messages", "1000000"))
const MASTER = argument("--master", "local[2]")
const BATCH_MS = Number(argument("--batch-ms", "1000"))
const ROUNDS = Number(argument("--rounds", "1"))
const TOPIC = "bench/words"
const plainId = (round: number) => `bench-plain-${round}`
const receiverId = (round: number) => `bench-receiver-${round}`
const SESSION = { clean: false, protocolVersion: 5, properties: { sessionExpiryInterval: 86_400 } } as const

const seconds = (ms: number) => (ms / 1000).toFixed(1)
const perSecond = (n: number, ms: number) => Math.round(n / (ms / 1000))

const registerSession = async (url: string, clientId: string) => {
  const client = await connectAsync(url, { clientId, ...SESSION })
  await client.subscribeAsync(TOPIC, { qos: 1 })
  await client.endAsync()
}

const prefill = async (url: string) => {
  const publishers = await Promise.all([0, 1].map((k) => connectAsync(url, { clientId: `bench-publisher-${k}`, protocolVersion: 5 })))
  let next = 0
  await Promise.all(publishers.map(async (publisher) => {
    while (next < MESSAGES) {
      const window: Array<Promise<unknown>> = []
      for (let i = 0; i < 10_000 && next < MESSAGES; i++) window.push(publisher.publishAsync(TOPIC, `w${next++ % 1000}`, { qos: 1 }))
      await Promise.all(window)
    }
  }))
  await Promise.all(publishers.map((publisher) => publisher.endAsync()))
}

/** The plain client: connect to its session, count messages until all have come (MQTT.js acknowledges each). */
const plainDrain = (url: string, clientId: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const started = performance.now()
    let count = 0
    const client: MqttClient = connect(url, { clientId, ...SESSION })
    const failed = (error: Error) => reject(error)
    client.on("error", failed)
    client.on("message", () => {
      if (++count !== MESSAGES) return
      resolve(performance.now() - started)
      // The broker may reset the connection while closing it with acknowledgements in flight: done anyway.
      client.off("error", failed)
      client.on("error", () => undefined)
      client.end(true)
    })
  })

/** The receiver's word count on `MASTER`; resolves with the time from start to the batch that counts the last message. */
const receiverDrain = (url: string, clientId: string) =>
  Effect.scoped(Effect.gen(function*() {
    const sc = yield* SparkContext.make({
      master: MASTER,
      appName: "mqtt bench",
      conf: { "spark.streaming.blockInterval": "200ms" }
    })
    const ssc = yield* StreamingContext.make(sc, { batchDuration: BATCH_MS })
    const counts = new Map<string, number>()
    let total = 0
    let doneAt = 0
    const words = yield* MQTTUtils.createStream(ssc, url, TOPIC, undefined, { clientId })
    words
      .flatMap((line) => line.split(" "))
      .map((w) => [w, 1] as const)
      .reduceByKey((a, b) => a + b)
      .foreachRDD((rdd) =>
        Effect.map(rdd.collect(), (pairs) => {
          for (const [w, n] of pairs) {
            counts.set(w, (counts.get(w) ?? 0) + n)
            total += n
          }
          if (total >= MESSAGES && doneAt === 0) doneAt = performance.now()
        })
      )
    const started = performance.now()
    yield* ssc.start()
    const deadline = Date.now() + 600_000
    while (doneAt === 0 && Date.now() < deadline) yield* Effect.promise(() => new Promise((r) => setTimeout(r, 20)))
    yield* ssc.stop()
    const expected = MESSAGES / 1000
    if (total !== MESSAGES || counts.size !== 1000 || [...counts.values()].some((n) => n !== expected)) {
      return yield* Effect.die(new Error(`the receiver counted ${total} messages in ${counts.size} words, expected ${MESSAGES} in 1000`))
    }
    return doneAt - started
  }))

const main = async () => {
  if (MESSAGES % 1000 !== 0 || MESSAGES <= 0) throw new Error("--messages must be a positive multiple of 1000")
  const broker = await startMosquitto({ persistence: false })
  try {
    for (let round = 0; round < ROUNDS; round++) {
      await registerSession(broker.url, plainId(round))
      await registerSession(broker.url, receiverId(round))
    }
    const filling = performance.now()
    await prefill(broker.url)
    const fillMs = performance.now() - filling
    console.log(`prefilled ${MESSAGES.toLocaleString("en")} QoS 1 messages for ${2 * ROUNDS} sessions in ${seconds(fillMs)} s`)
    const plainRates: Array<number> = []
    const receiverRates: Array<number> = []
    const plain = async (round: number) => {
      const ms = await plainDrain(broker.url, plainId(round))
      plainRates.push(perSecond(MESSAGES, ms))
      console.log(`plain MQTT.js client (count only)  ${plainRates.at(-1)!.toLocaleString("en")} msg/s  (${seconds(ms)} s)`)
    }
    const receiver = async (round: number) => {
      const ms = await Effect.runPromise(receiverDrain(broker.url, receiverId(round)))
      receiverRates.push(perSecond(MESSAGES, ms))
      console.log(
        `MQTTUtils word count, ${MASTER}, ${BATCH_MS} ms batches  ${receiverRates.at(-1)!.toLocaleString("en")} msg/s  (${seconds(ms)} s)`
      )
    }
    // Alternating which goes first (ABBA...), so that neither always drains a broker the other just worked.
    for (let round = 0; round < ROUNDS; round++) {
      if (round % 2 === 0) {
        await plain(round)
        await receiver(round)
      } else {
        await receiver(round)
        await plain(round)
      }
    }
    const best = (rates: ReadonlyArray<number>) => Math.max(...rates)
    console.log(
      `ratio receiver / plain${ROUNDS > 1 ? " (best of each)" : ""}: ${(best(receiverRates) / best(plainRates)).toFixed(2)}`
    )
  } catch (error) {
    process.stderr.write(`mosquitto's log (tail):\n${broker.log().split("\n").slice(-15).join("\n")}\n`)
    throw error
  } finally {
    await broker.close()
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`)
  process.exit(1)
})
