// Baseline: validate the same body and answer 202 without any I/O. The upper bound for this machine.
import { serveOrders } from './server.js';

await serveOrders(async () => {});
