// The driver side: offsets and commits, with kafkajs.
// - The partitions and their offsets come from the admin client: the topic
//   list (a metadata request for all topics, which never auto-creates one)
//   checks that every topic exists, then `fetchTopicOffsets` gives each
//   partition's first (`low`) and next (`high`) offset, Spark's
//   `seekToBeginning`/`seekToEnd` + `position`.
// - The group's committed offsets (where a restarted application resumes)
//   come from the admin client's `fetchOffsets`.
// - Commits go through a consumer that is a member of the application's
//   group (kafkajs commits only as a group member, as Spark's driver consumer
//   does): it subscribes to the topics, keeps every partition paused (it never
//   fetches records) and calls `commitOffsets`. It joins in the background
//   once the first offsets were listed, so that the first commit finds it joined.
// A client that fails is closed and made again at the next call, so a broker
// outage costs the calls made during it and nothing after.
import type { Admin, Consumer } from "kafkajs"
import { KafkaTopicNotFoundError } from "../KafkaError.js"
import { parsePartitionName, partitionName } from "../OffsetRange.js"
import { brokersText, makeKafka, retryOf } from "./clients.js"
import type { KafkaSettings } from "./kafkaParams.js"

/** Which partitions the stream reads: all of each topic's (Subscribe), or only those named (Assign). */
export type Selection =
  | { readonly _tag: "Subscribe"; readonly topics: ReadonlyArray<string> }
  | { readonly _tag: "Assign"; readonly topics: ReadonlyArray<string>; readonly partitions: ReadonlyArray<string> }

export class DriverClient {
  private admin: Promise<Admin> | undefined
  private committer: Promise<Consumer> | undefined
  private closed = false

  constructor(readonly settings: KafkaSettings, readonly selection: Selection) {}

  private connectedAdmin(): Promise<Admin> {
    if (this.admin === undefined) {
      const admin = makeKafka(this.settings, "driver").admin()
      this.admin = admin.connect().then(() => admin)
    }
    return this.admin
  }

  /** Runs `f` with the admin client; on failure the client is closed, so that the next call connects anew. */
  private async withAdmin<A>(f: (admin: Admin) => Promise<A>): Promise<A> {
    if (this.closed) throw new Error("the Kafka driver client is closed")
    const connecting = this.connectedAdmin()
    try {
      return await f(await connecting)
    } catch (error) {
      if (this.admin === connecting) this.admin = undefined
      void connecting.then((admin) => admin.disconnect()).catch(() => undefined)
      throw error
    }
  }

  /** Starts joining the group for commits in the background (a join takes a coordinator round), if not done yet. */
  prepareCommits(): void {
    if (this.closed || this.committer !== undefined) return
    const committer = this.joinedCommitter()
    committer.catch(() => this.dropCommitter(committer))
  }

  /** Each selected partition's first offset (`earliest`) or the offset after its last record (`latest`). */
  offsets(which: "earliest" | "latest"): Promise<Map<string, number>> {
    return this.withAdmin(async (admin) => {
      await this.checkTopics(admin)
      const offsets = new Map<string, number>()
      for (const topic of this.selection.topics) {
        for (const p of await admin.fetchTopicOffsets(topic)) {
          offsets.set(partitionName(topic, p.partition), Number(which === "latest" ? p.high : p.low))
        }
      }
      if (this.selection._tag === "Subscribe") return offsets
      const absent = this.selection.partitions.filter((name) => !offsets.has(name))
      if (absent.length > 0) throw new KafkaTopicNotFoundError({ topics: absent, brokers: brokersText(this.settings) })
      return new Map(this.selection.partitions.map((name) => [name, offsets.get(name)!]))
    })
  }

  /** The group's committed offsets of the selected partitions (those it has). */
  committed(): Promise<Map<string, number>> {
    return this.withAdmin(async (admin) => {
      // Asked first: a broker that creates topics it is asked about (the mock) must not create a missing one here.
      await this.checkTopics(admin)
      const result = await admin.fetchOffsets({ groupId: this.settings.groupId, topics: [...this.selection.topics] })
      const offsets = new Map<string, number>()
      for (const { partitions, topic } of result) {
        for (const { offset, partition } of partitions) {
          const value = Number(offset)
          if (value >= 0) offsets.set(partitionName(topic, partition), value)
        }
      }
      return offsets
    })
  }

  /** Fails with `KafkaTopicNotFoundError` naming the selected topics the cluster does not have (without creating them). */
  private async checkTopics(admin: Admin): Promise<void> {
    const existing = new Set(await admin.listTopics())
    const missing = this.selection.topics.filter((topic) => !existing.has(topic))
    if (missing.length > 0) throw new KafkaTopicNotFoundError({ topics: missing, brokers: brokersText(this.settings) })
  }

  private joinedCommitter(): Promise<Consumer> {
    if (this.committer !== undefined) return this.committer
    const consumer = makeKafka(this.settings, "committer").consumer({
      groupId: this.settings.groupId,
      sessionTimeout: this.settings.sessionTimeoutMs,
      heartbeatInterval: this.settings.heartbeatIntervalMs,
      // Its fetch loop idles (everything paused) for this long per round; disconnecting waits for the round.
      maxWaitTimeInMs: this.settings.fetchMaxWaitMs,
      allowAutoTopicCreation: false,
      retry: retryOf(this.settings)
    })
    const committer = (async () => {
      let onJoined: () => void = () => undefined
      const joined = new Promise<void>((resolve) => (onJoined = resolve))
      // It only commits: every partition it is given stays paused, so it never fetches.
      consumer.on(consumer.events.GROUP_JOIN, (event) => {
        for (const [topic, partitions] of Object.entries(event.payload.memberAssignment)) {
          if (partitions.length > 0) consumer.pause([{ topic, partitions }])
        }
        onJoined()
      })
      consumer.on(consumer.events.CRASH, () => this.dropCommitter(committer))
      await consumer.connect()
      await consumer.subscribe({ topics: [...this.selection.topics], fromBeginning: false })
      await consumer.run({ autoCommit: false, eachBatch: () => Promise.resolve() })
      await joined
      return consumer
    })()
    this.committer = committer
    return committer
  }

  private dropCommitter(committer: Promise<Consumer>): void {
    if (this.committer === committer) this.committer = undefined
    void committer.then((consumer) => consumer.disconnect()).catch(() => undefined)
  }

  /** Commits, for each partition, the offset of the next record to read. */
  async commit(offsets: ReadonlyMap<string, number>): Promise<void> {
    if (this.closed) throw new Error("the Kafka driver client is closed")
    const committer = this.joinedCommitter()
    try {
      const consumer = await committer
      await consumer.commitOffsets([...offsets].map(([name, offset]) => {
        const { partition, topic } = parsePartitionName(name)!
        return { topic, partition, offset: String(offset) }
      }))
    } catch (error) {
      this.dropCommitter(committer)
      throw error
    }
  }

  async close(): Promise<void> {
    this.closed = true
    const admin = this.admin
    const committer = this.committer
    this.admin = undefined
    this.committer = undefined
    await Promise.all([
      admin?.then((a) => a.disconnect()).catch(() => undefined),
      committer?.then((c) => c.disconnect()).catch(() => undefined)
    ])
  }
}
