import type { FastifyPluginAsync } from 'fastify';
import type { ConsoleState } from '../console-state.js';
import type { StreamHub } from '../stream/hub.js';

export interface StreamRoutesOptions {
  readonly hub: StreamHub;
  readonly state: ConsoleState;
}

/** `GET /api/stream`: Server-Sent Events, the state so far first, then each change as it happens. */
export const streamRoutes: FastifyPluginAsync<StreamRoutesOptions> = async (app, { hub, state }) => {
  app.get('/api/stream', (request, reply) => {
    reply.hijack();
    const out = reply.raw;
    out.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // No buffering by a proxy in front: each event is worth something only now.
      'x-accel-buffering': 'no',
    });
    hub.attach(out, { type: 'snapshot', data: state.snapshot() });
    request.raw.on('close', () => out.end());
  });
};
