import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { OrderParams, PlaceOrderBody } from '@ouro/contracts/http';
import { Type } from 'typebox';
import type { ConsoleState } from '../console-state.js';
import { faultKinds } from '../fault-catalog.js';
import { raceLimits } from '../race/limits.js';
import type { FaultKind, LoadState, OrderHistory, RacePlan } from '../shared/protocol.js';

/** The live deployment, as the routes need it. */
export interface LiveControl {
  placeOrder(order: unknown): Promise<{ status: number; body: unknown }>;
  setLoad(ratePerSecond: number): LoadState;
  inject(kind: FaultKind): { started: boolean; reason?: string };
}

export interface RaceControl {
  start(plan: RacePlan): { started: boolean; reason?: string };
}

export interface ApiRoutesOptions {
  readonly state: ConsoleState;
  readonly live: LiveControl;
  readonly race: RaceControl;
  readonly lookup: (orderId: string) => Promise<OrderHistory>;
  /** Whether faults on the stack's own services (broker, Redis) may be injected: never on a stack others use. */
  readonly stackFaults: boolean;
  readonly maxLoadPerSecond: number;
}

const FaultParams = Type.Object({ kind: Type.Union(faultKinds.map((kind) => Type.Literal(kind))) });
const FaultKindOrNone = Type.Union([...faultKinds, 'none'].map((kind) => Type.Literal(kind)));

export const apiRoutes: FastifyPluginAsyncTypebox<ApiRoutesOptions> = async (app, options) => {
  const { state, live, race, lookup, stackFaults, maxLoadPerSecond } = options;

  app.get('/api/state', async () => state.snapshot());

  app.post('/api/orders', { schema: { body: PlaceOrderBody } }, async (request, reply) => {
    const answer = await live.placeOrder(request.body);
    return reply.code(answer.status).send(answer.body);
  });

  app.get('/api/orders/:id', { schema: { params: OrderParams } }, async (request) => lookup(request.params.id));

  app.put(
    '/api/load',
    {
      schema: {
        body: Type.Object({ ratePerSecond: Type.Integer({ minimum: 0, maximum: maxLoadPerSecond }) }, { additionalProperties: false }),
      },
    },
    async (request) => live.setLoad(request.body.ratePerSecond),
  );

  app.post('/api/faults/:kind', { schema: { params: FaultParams } }, async (request, reply) => {
    const kind = request.params.kind as FaultKind;
    const info = state.snapshot().faults.find((fault) => fault.kind === kind);
    if (info?.reach === 'stack' && !stackFaults) {
      return reply.code(409).send({ started: false, reason: "faults on the stack's own services are off here (CONSOLE_STACK_FAULTS)" });
    }
    const result = live.inject(kind);
    return reply.code(result.started ? 202 : 409).send(result);
  });

  app.post(
    '/api/race',
    {
      schema: {
        body: Type.Object(
          {
            ratePerSecond: Type.Integer({ minimum: 1, maximum: raceLimits.maxRatePerSecond }),
            durationSeconds: Type.Integer({ minimum: 5, maximum: raceLimits.maxDurationSeconds }),
            fault: FaultKindOrNone,
            faultAtSeconds: Type.Integer({ minimum: 0, maximum: raceLimits.maxDurationSeconds }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const plan = request.body as RacePlan;
      const info = state.snapshot().faults.find((fault) => fault.kind === plan.fault);
      if (info?.reach === 'stack' && !stackFaults) {
        return reply.code(409).send({ started: false, reason: "faults on the stack's own services are off here (CONSOLE_STACK_FAULTS)" });
      }
      const result = race.start(plan);
      return reply.code(result.started ? 202 : 409).send(result);
    },
  );
};
