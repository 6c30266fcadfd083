// The cluster face: runs on many machines through BullMQ on Redis (README "Run on many machines").
// Faces load this module lazily (import()), so bullmq and ioredis load only in cluster mode.
export { clusterDispatcher, BullmqDispatcher, type ClusterSettings } from './dispatcher';
export { ClusterWorker, type WorkerSettings } from './worker';
export { clusterStatus, clusterClean, liveWorkers, type ClusterStatus, type CleanResult } from './status';
export { safeUrl } from './redis';
