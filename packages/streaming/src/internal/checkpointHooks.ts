// What a started context hands its JobGenerator when a checkpoint directory
// is set: a metadata checkpoint after every batch (Spark's DoCheckpoint),
// before the user's own doCheckpoint hook, and the cleaner's explicit cleanup
// of forgotten batches held back until a later checkpoint no longer names them.
import { Effect } from "effect"
import type { JobGeneratorHooks } from "../scheduler/JobGenerator.js"
import type { MetadataCheckpointer } from "./recovery.js"
import type { SchedulerContext } from "./schedulerContext.js"

type Cleanup = SchedulerContext["Service"]["cleanupForgotten"]

export const checkpointHooks = (
  hooks: Partial<JobGeneratorHooks>,
  checkpoint: MetadataCheckpointer | undefined,
  cleanupForgotten: Cleanup
): { readonly hooks: Partial<JobGeneratorHooks>; readonly cleanupForgotten: Cleanup } =>
  checkpoint === undefined ? { hooks, cleanupForgotten } : {
    hooks: {
      ...hooks,
      doCheckpoint: (time, later) => Effect.andThen(checkpoint.doCheckpoint(time), hooks.doCheckpoint?.(time, later) ?? Effect.void)
    },
    cleanupForgotten: checkpoint.cleanupForgotten(cleanupForgotten)
  }
