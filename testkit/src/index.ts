/**
 * Test infrastructure shared by tspark's packages (private, not published):
 * servers of a test's own started from installed binaries on free ports,
 * librdkafka's mock Kafka cluster (in kcat), and bounded waits on the real clock.
 */
export { type BinarySpec, findBinary, isExecutable } from "./binaries.js"
export { type HeadlessBrowser, launchHeadlessBrowser } from "./browser.js"
export { type KafkaMockCluster, startKafkaMockCluster } from "./kafkaMockCluster.js"
export { freePort, type ServerProcess, type ServerSpec, startServer } from "./ServerProcess.js"
export { waitUntil } from "./waitUntil.js"
