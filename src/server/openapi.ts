import type { FastifyInstance, RouteOptions } from 'fastify';

interface DocumentedRoute {
  method: string;
  url: string;
  schema: Record<string, unknown>;
}

/**
 * Collects every route that carries a schema and renders an OpenAPI 3.1 document from them, so
 * the document cannot drift from the validation Fastify actually performs.
 */
export class OpenApiCollector {
  readonly #routes: DocumentedRoute[] = [];

  /** Registers the `onRoute` hook on `app`; call before routes are added. */
  attach(app: FastifyInstance): void {
    app.addHook('onRoute', (r: RouteOptions) => {
      const methods = Array.isArray(r.method) ? r.method : [r.method];
      for (const m of methods) {
        if (m === 'HEAD' || !r.schema) continue;
        this.#routes.push({
          method: m.toLowerCase(),
          url: r.url,
          schema: r.schema as Record<string, unknown>,
        });
      }
    });
  }

  /** The OpenAPI document. */
  document(info: { title: string; version: string; serverUrl: string }): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const r of this.#routes) {
      const path = r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      const s = r.schema as {
        summary?: string;
        tags?: string[];
        body?: unknown;
        params?: { properties?: Record<string, unknown> };
        response?: Record<string, unknown>;
        security?: unknown;
      };
      const op: Record<string, unknown> = {
        summary: s.summary,
        tags: s.tags,
        parameters: Object.entries(s.params?.properties ?? {}).map(([name, schema]) => ({
          name,
          in: 'path',
          required: true,
          schema,
        })),
        responses: Object.fromEntries(
          Object.entries(s.response ?? { 200: { description: 'OK' } }).map(([status, schema]) => [
            status,
            {
              description: (schema as { description?: string }).description ?? status,
              content: { 'application/json': { schema } },
            },
          ]),
        ),
      };
      if (s.body) op['requestBody'] = { required: true, content: { 'application/json': { schema: s.body } } };
      if (r.url.startsWith('/api/')) op['security'] = [{ officerToken: [] }];
      paths[path] = { ...(paths[path] ?? {}), [r.method]: op };
    }
    return {
      openapi: '3.1.0',
      info: { title: info.title, version: info.version },
      servers: [{ url: info.serverUrl }],
      components: {
        securitySchemes: {
          officerToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'token printed by `trustbridge officer add`',
          },
        },
      },
      paths,
    };
  }
}
