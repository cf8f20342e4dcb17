/**
 * What the Kafka examples need of librdkafka's mock cluster (started by
 * `@tspark/testkit`'s `startKafkaMockCluster` when no brokers are given):
 * a topic, which the mock creates when asked for its metadata.
 */
import { Kafka, logLevel } from "kafkajs"

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
