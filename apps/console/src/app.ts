import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyServerOptions } from 'fastify';
import type { ConsoleState } from './console-state.js';
import { type ApiRoutesOptions, apiRoutes } from './routes/api.js';
import { streamRoutes } from './routes/stream.js';
import type { StreamHub } from './stream/hub.js';

export interface ConsoleAppDeps extends Omit<ApiRoutesOptions, 'state'> {
  readonly state: ConsoleState;
  readonly hub: StreamHub;
  /** The built front end (vite build); without it the API is served alone. */
  readonly publicDir?: string;
  readonly logger?: FastifyServerOptions['logger'];
}

/** The console's HTTP app without a listening socket: `main.ts` listens, tests call `inject()`. */
export async function buildConsoleApp(deps: ConsoleAppDeps) {
  const app = Fastify({
    logger: deps.logger ?? false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  await app.register(streamRoutes, { hub: deps.hub, state: deps.state });
  await app.register(apiRoutes, deps);
  if (deps.publicDir && existsSync(deps.publicDir)) {
    await app.register(fastifyStatic, { root: deps.publicDir, index: 'index.html', maxAge: 0 });
  } else {
    app.get('/', async (_request, reply) =>
      reply.type('text/plain').send('The front end is not built: `pnpm --filter @ouro/console build` (npm start does it).'),
    );
  }
  app.addHook('onClose', async () => deps.hub.close());
  return app;
}
