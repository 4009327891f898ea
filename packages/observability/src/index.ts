// The light entry: apps ask whether tracing is on without loading the SDK (that is `./tracing`, for `--import`).
export { type Env, tracingEnabled } from './enabled.js';
