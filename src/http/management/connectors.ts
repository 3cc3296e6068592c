// Management API: connector factories and connectors (management-core-api.md §5, C1–C6).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createConnector,
  deleteConnector,
  getConnector,
  getFactory,
  listConnectors,
  listFactories,
  updateConnector,
  type ConnectorDeps,
} from '../../domain/connectors/index.ts';
import { factories } from '../../domain/connectors/factories.ts';
import { sendTestMessage } from '../../domain/connectors/test-send.ts';
import { LogtoErrorBody, managementErrors, managementSecurity } from './schemas.ts';

const tags = ['connectors'];
const I18n = z.record(z.string(), z.string());
const Json = z.record(z.string(), z.unknown());

/** A request's `config`: validated by its factory's guard in the domain (the factory is known only there);
 *  the document shows every factory's config schema, titled by factory id. */
const factoryConfigs = factories.map(({ metadata, configGuard }) => {
  const { $schema: _drop, ...schema } = z.toJSONSchema(configGuard, { io: 'input', unrepresentable: 'any' });
  return { title: metadata.id, ...schema };
});
const Config = Json.meta({ description: "The factory's config (one of these, by factory id)", anyOf: factoryConfigs });

const ConnectorFactory = z
  .object({
    type: z.enum(['Email', 'Sms', 'Social']),
    isDemo: z.boolean().optional(),
    id: z.string(),
    target: z.string(),
    name: I18n,
    description: I18n,
    logo: z.string(),
    logoDark: z.string().nullable(),
    readme: z.string(),
    configTemplate: z.string().optional(),
    formItems: z.array(Json).optional(),
    customData: Json.optional(),
    fromEmail: z.string().optional(),
    platform: z.enum(['Native', 'Universal', 'Web']).nullable(),
    isStandard: z.boolean().optional(),
  })
  .describe('ConnectorFactory');

const Connector = ConnectorFactory.extend({
  id: z.string().describe('The connector id (replaces the factory id)'),
  connectorId: z.string().describe('The factory id'),
  syncProfile: z.boolean(),
  config: Json,
  metadata: Json,
  extraInfo: Json.optional(),
  usage: z.number().optional(),
}).describe('Connector');

const Metadata = z.object({
  target: z.string().optional(),
  name: I18n.optional(),
  logo: z.string().optional(),
  logoDark: z.string().nullable().optional(),
});
const CreateConnectorRequest = z
  .object({
    connectorId: z.string().min(1).max(128),
    config: Config.optional(),
    metadata: Metadata.optional(),
    syncProfile: z.boolean().optional(),
    id: z.string().min(1).max(128).optional(),
  })
  .describe('CreateConnectorRequest');
const UpdateConnectorRequest = z
  .object({ config: Config.optional(), metadata: Metadata.optional(), syncProfile: z.boolean().optional() })
  .describe('UpdateConnectorRequest');
const TestConnectorRequest = z
  .object({ config: Json, phone: z.string().regex(/^\d+$/).optional(), email: z.string().regex(/^\S+@\S+\.\S+$/).optional() })
  .refine((b) => b.phone !== undefined || b.email !== undefined, { message: 'phone or email is required' })
  .describe('TestConnectorRequest');

const IdParams = z.object({ id: z.string().min(1) });
const errors = { ...managementErrors, 404: LogtoErrorBody };

export function connectorRoutes(deps: ConnectorDeps) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const route = { tags, security: managementSecurity };

    r.get(
      '/api/connector-factories',
      { schema: { ...route, summary: 'List connector factories', response: { 200: z.array(ConnectorFactory), ...managementErrors } } },
      async () => listFactories(),
    );
    r.get(
      '/api/connector-factories/:id',
      { schema: { ...route, summary: 'Get a connector factory', params: IdParams, response: { 200: ConnectorFactory, ...errors } } },
      async (request) => getFactory(request.params.id),
    );
    r.post(
      '/api/connectors',
      {
        schema: {
          ...route,
          summary: 'Create a connector (an Email or SMS connector replaces the existing one of its type)',
          body: CreateConnectorRequest,
          response: { 200: Connector, ...managementErrors, 422: LogtoErrorBody },
        },
      },
      async (request) => createConnector(deps, request.body),
    );
    r.get(
      '/api/connectors',
      {
        schema: {
          ...route,
          summary: 'List connectors',
          querystring: z.object({ target: z.string().optional() }),
          response: { 200: z.array(Connector), ...managementErrors },
        },
      },
      async (request) => listConnectors(deps, request.query.target),
    );
    r.get(
      '/api/connectors/:id',
      { schema: { ...route, summary: 'Get a connector', params: IdParams, response: { 200: Connector, ...errors } } },
      async (request) => getConnector(deps, request.params.id),
    );
    r.patch(
      '/api/connectors/:id',
      {
        schema: {
          ...route,
          summary: 'Update a connector (config is replaced whole)',
          params: IdParams,
          body: UpdateConnectorRequest,
          response: { 200: Connector, ...errors, 422: LogtoErrorBody },
        },
      },
      async (request) => updateConnector(deps, request.params.id, request.body),
    );
    r.delete(
      '/api/connectors/:id',
      { schema: { ...route, summary: 'Delete a connector', params: IdParams, response: { 204: z.null().describe('Deleted'), ...errors } } },
      async (request, reply) => {
        await deleteConnector(deps, request.params.id);
        return reply.code(204).send(null);
      },
    );
    r.post(
      '/api/connectors/:factoryId/test',
      {
        schema: {
          ...route,
          summary: 'Send a test message (template Generic, code 000000) with the given config',
          params: z.object({ factoryId: z.string().min(1) }),
          body: TestConnectorRequest,
          response: { 204: z.null().describe('Sent'), ...managementErrors },
        },
      },
      async (request, reply) => {
        await sendTestMessage(deps, request.params.factoryId, request.body);
        return reply.code(204).send(null);
      },
    );
  };
}
