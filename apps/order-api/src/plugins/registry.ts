import { type OrderCreationRequested, readSchema, schemaFiles, subjectFor } from '@ouro/contracts';
import { AvroSerde, createRegistry } from '@ouro/messaging';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** Encodes OrderCreationRequested with the schema id looked up once, at start. */
    commandSerde: AvroSerde<OrderCreationRequested>;
  }
}

export interface RegistryPluginOptions {
  readonly url: string;
  readonly commandsTopic: string;
}

/** The schema registry: asked once at start for the command's schema id, which is then cached. */
export const registry = fp(
  async (app: FastifyInstance, { url, commandsTopic }: RegistryPluginOptions) => {
    const serde = await AvroSerde.forSubject<OrderCreationRequested>(
      createRegistry(url),
      subjectFor(commandsTopic),
      readSchema(schemaFiles.commands),
    );
    app.decorate('commandSerde', serde);
    app.readiness.add('registry', {
      check: async () => {
        const response = await fetch(`${url}/subjects`);
        if (!response.ok) throw new Error(`registry answered ${response.status}`);
      },
      required: false,
      // The id is cached: orders go on while the registry is away; an instance started now could not.
      whileDown: 'nothing on this instance (the schema id is cached); a new instance could not start',
    });
  },
  { name: 'registry', dependencies: ['readiness'] },
);
