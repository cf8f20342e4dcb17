// The application and its environment, as the status store keeps them
// (Spark's AppStatusListener.onApplicationStart/End and onEnvironmentUpdate):
// one application, one attempt, and the last environment posted.
import type { SparkListenerEvent } from "../../scheduler/SparkListener.js"
import type { ApplicationEnvironmentInfo, ApplicationInfo } from "../../status/api.js"
import { tsparkVersion } from "../version.js"

type Start = Extract<SparkListenerEvent, { _tag: "ApplicationStart" }>

export class ApplicationStatus {
  private start: Start | undefined
  private end: number | undefined
  private lastUpdated = 0
  private env: ApplicationEnvironmentInfo | undefined

  onApplicationStart(event: Start): void {
    this.start = event
    this.lastUpdated = Math.max(this.lastUpdated, event.time)
  }

  onApplicationEnd(time: number): void {
    this.end = time
    this.lastUpdated = Math.max(this.lastUpdated, time)
  }

  onEnvironmentUpdate(event: Extract<SparkListenerEvent, { _tag: "EnvironmentUpdate" }>): void {
    const details = event.environmentDetails
    this.env = { runtime: details.runtime, sparkProperties: details.sparkProperties, systemProperties: details.systemProperties }
  }

  info(): ApplicationInfo | undefined {
    const start = this.start
    if (start === undefined) return undefined
    const end = this.end
    return {
      id: start.appId,
      name: start.appName,
      attempts: [{
        attemptId: undefined,
        startTime: start.time,
        endTime: end ?? -1,
        lastUpdated: this.lastUpdated,
        duration: end === undefined ? -1 : end - start.time,
        sparkUser: start.sparkUser,
        completed: end !== undefined,
        appSparkVersion: tsparkVersion
      }]
    }
  }

  environment(): ApplicationEnvironmentInfo | undefined {
    return this.env
  }
}
