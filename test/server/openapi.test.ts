/**
 * docs/openapi.yaml against the code: the same routes, every error code, problem examples
 * the server would really send, and response shapes that match real answers.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { createApp } from '../../server/app.js';
import type { CreateCommentResponse } from '../../server/contract.js';
import { AppError, type ErrorCode } from '../../server/errors.js';
import { guestComment, json, makeTestApp, type TestApp } from './helpers.js';

interface Schema {
  $ref?: string;
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
}

interface MediaType {
  schema?: Schema;
  examples?: Record<string, { value: unknown }>;
}

interface ResponseObject {
  $ref?: string;
  description: string;
  headers?: Record<string, unknown>;
  content?: Record<string, MediaType>;
}

interface Operation {
  responses: Record<string, ResponseObject>;
}

type PathItem = Record<string, unknown> & { description?: string };

interface Spec {
  openapi: string;
  paths: Record<string, PathItem>;
  components: {
    schemas: Record<string, Schema>;
    responses: Record<string, ResponseObject>;
  };
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const PROBLEM = 'application/problem+json';
const SOME_ID = 'c2b147cc-5bc1-4af5-a940-82659cf7a565';

const read = (path: string): string =>
  readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const spec = parse(read('docs/openapi.yaml')) as Spec;

/** The members of `ErrorCode` in contract.ts (a type, so read from the source). */
function contractErrorCodes(): string[] {
  const union = /export type ErrorCode =([^;]+);/.exec(read('server/contract.ts'))?.[1] ?? '';
  return [...union.matchAll(/'([a-z_]+)'/g)].map((m) => m[1] ?? '');
}

function documentedOperations(): [string, string, Operation][] {
  return Object.entries(spec.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => m in item).map((m): [string, string, Operation] => [
      m.toUpperCase(),
      path,
      item[m] as Operation,
    ]),
  );
}

function schemaNamed(ref: string): Schema {
  const name = ref.replace('#/components/schemas/', '');
  const schema = spec.components.schemas[name];
  assert.ok(schema, `no schema ${ref}`);
  return schema;
}

function responseOf(response: ResponseObject): ResponseObject {
  if (response.$ref === undefined) return response;
  const name = response.$ref.replace('#/components/responses/', '');
  const resolved = spec.components.responses[name];
  assert.ok(resolved, `no response ${response.$ref}`);
  return resolved;
}

/** The `code` values a problem response schema allows (`allOf: [Problem, {code: enum}]`). */
function problemCodes(schema: Schema | undefined): string[] {
  const parts = [schema, ...(schema?.allOf ?? [])];
  assert.ok(
    parts.some((s) => s?.$ref === '#/components/schemas/Problem'),
    'a problem response schema is based on Problem',
  );
  return parts.flatMap((s) => (s?.properties?.code?.enum ?? []).map(String));
}

/** Checks a problem response; returns its codes. `status` is known for an operation's. */
function checkProblemResponse(label: string, response: ResponseObject, status?: number): string[] {
  const media = response.content?.[PROBLEM];
  assert.ok(media, `${label}: ${PROBLEM} content`);
  const codes = problemCodes(media.schema);
  assert.ok(codes.length > 0, `${label}: names its codes`);
  const examples = media.examples ?? {};
  for (const code of codes) assert.ok(code in examples, `${label}: an example for ${code}`);
  for (const [name, { value }] of Object.entries(examples)) {
    const example = value as Record<string, unknown>;
    const code = example.code as ErrorCode;
    assert.ok(codes.includes(code), `${label} example ${name}: code ${code} is declared`);
    if (status !== undefined) assert.equal(example.status, status, `${label} example ${name}`);
    const real = new AppError(example.status as number, code).toProblem();
    assert.equal(example.type, real.type, `${label} example ${name}: type`);
    assert.equal(example.title, real.title, `${label} example ${name}: title`);
  }
  return codes;
}

/**
 * The sign-in popup's pages (a provider's start and callback, `/auth/email/authorize`) answer
 * a failure with an HTML page for the reader, not a problem; so do the pages mail links open,
 * unless asked for JSON (then both are declared; the sign-in link's 422 is always its page).
 */
function isHtmlPage(response: ResponseObject): boolean {
  const types = Object.keys(response.content ?? {});
  return types.length > 0 && types.every((type) => type === 'text/html');
}

/** `value` has no member the schema does not document and every member it requires. */
function assertShape(ref: string, value: unknown): void {
  assert.ok(typeof value === 'object' && value !== null, `${ref}: an object`);
  const schema = schemaNamed(ref);
  const documented = Object.keys(schema.properties ?? {});
  const keys = Object.keys(value);
  for (const key of keys) assert.ok(documented.includes(key), `${ref} documents ${key}`);
  for (const key of schema.required ?? []) assert.ok(keys.includes(key), `${ref}: ${key} sent`);
}

describe('docs/openapi.yaml', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
  });
  after(() => t.close());

  it('is OpenAPI 3.1', () => {
    assert.match(spec.openapi, /^3\.1\.\d+$/);
  });

  it('documents exactly the routes the app serves', () => {
    const served = new Set(
      createApp(t.deps)
        .routes.filter((r) => r.method !== 'ALL' && r.path !== '/')
        // A parameter with a pattern (`:chunk{confab-…}`) is documented by its name.
        .map((r) => `${r.method} ${r.path.replace(/(:\w+)\{[^}]*\}/g, '$1')}`),
    );
    const documented = documentedOperations().map(
      ([method, path]) => `${method} ${path.replace(/\{([^}]+)\}/g, ':$1')}`,
    );
    assert.equal(new Set(documented).size, documented.length, 'no operation twice');
    assert.deepEqual(documented.sort(), [...served].sort());
  });

  it('states the Allow header the server sends for other methods', async () => {
    for (const [path, item] of Object.entries(spec.paths)) {
      // Not in app.ts's table of known paths: a wrong method there is a 404 (documented so).
      if (path === '/{chunk}') continue;
      const methods = METHODS.filter((m) => m in item).map((m) => m.toUpperCase());
      const other = ['PUT', 'GET', 'POST'].find((m) => !methods.includes(m)) ?? 'PUT';
      const response = await t.request(path.replace('{id}', SOME_ID), { method: other });
      assert.equal(response.status, 405, `${other} ${path}`);
      assert.equal((await json(response)).code, 'method_not_allowed');
      const allow = response.headers.get('Allow') ?? '';
      assert.deepEqual(allow.split(', ').sort(), methods.sort(), `Allow of ${path}`);
      assert.ok(item.description?.includes(`Allow: ${allow}`), `${path} says Allow: ${allow}`);
    }
  });

  it('lists every ErrorCode of contract.ts, and nothing else', () => {
    const codes = contractErrorCodes();
    assert.ok(codes.length >= 10, 'read the ErrorCode union');
    assert.deepEqual([...(schemaNamed('ErrorCode').enum ?? [])].sort(), [...codes].sort());
  });

  it('declares every error code on some response, with examples the server would send', () => {
    const declared = new Set<string>();
    for (const [method, path, operation] of documentedOperations()) {
      for (const [status, raw] of Object.entries(operation.responses)) {
        const response = responseOf(raw);
        if (Number(status) < 400) continue;
        const label = `${method} ${path} ${status}`;
        if (isHtmlPage(response)) {
          assert.match(
            label,
            /^GET \/auth\/(\{provider\}\/(start|callback)|email\/authorize) |^POST \/auth\/email\/link 422$/,
            `${label}: no HTML`,
          );
          continue;
        }
        for (const code of checkProblemResponse(label, response, Number(status))) {
          declared.add(code);
        }
        if (status === '429') assert.ok(response.headers?.['Retry-After'], `${label} Retry-After`);
      }
    }
    for (const [name, response] of Object.entries(spec.components.responses)) {
      if (isHtmlPage(response)) continue;
      for (const code of checkProblemResponse(name, response)) declared.add(code);
    }
    assert.ok(spec.components.responses.MethodNotAllowed?.headers?.Allow, '405 has Allow');
    assert.deepEqual([...declared].sort(), contractErrorCodes().sort());
  });

  it('describes the JSON the server actually sends', async () => {
    const thread = '/openapi/shapes/';
    const created = await t.post(guestComment({ thread, threadUrl: undefined }));
    assert.equal(created.status, 201);
    const parent = await json<CreateCommentResponse>(created);
    assertShape('CreateCommentResponse', parent);
    assertShape('PublicComment', parent.comment);
    assertShape('PublicAuthor', parent.comment.author);
    const token = parent.editToken ?? '';

    const reply = await t.post(guestComment({ thread, parentId: parent.comment.id }));
    assert.equal(reply.status, 201);

    const page = await json(
      await t.request(`/api/v1/threads?site=blog&thread=${encodeURIComponent(thread)}&limit=1`),
    );
    assertShape('ThreadResponse', page);
    assertShape('PublicThread', page.thread);

    const editInit = (body: unknown): RequestInit => ({
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json', 'Confab-Edit-Token': token },
      body: JSON.stringify(body),
    });
    const edited = await t.request(
      `/api/v1/comments/${parent.comment.id}`,
      editInit({ body: 'x' }),
    );
    assert.equal(edited.status, 200);
    assertShape('UpdateCommentResponse', await json(edited));

    const invalid = await t.request(
      `/api/v1/comments/${parent.comment.id}`,
      editInit({ body: '' }),
    );
    assert.equal(invalid.status, 422);
    const problem = await json<{ errors: unknown[] }>(invalid);
    assertShape('Problem', problem);
    for (const error of problem.errors) assertShape('FieldError', error);

    const deleted = await t.request(`/api/v1/comments/${parent.comment.id}`, {
      method: 'DELETE',
      headers: { 'Confab-Edit-Token': token },
    });
    assert.equal(deleted.status, 200);
    const placeholder = await json<{ comment: unknown }>(deleted);
    assertShape('DeleteCommentResponse', placeholder);
    assertShape('PublicComment', placeholder.comment);

    const counts = await t.request(`/api/v1/counts?site=blog&thread=${thread}&thread=/none/`);
    assertShape('CountsResponse', await json(counts));

    const preview = await t.request('/api/v1/preview', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ site: 'blog', body: '*hi*' }),
    });
    assert.equal(preview.status, 200);
    assertShape('PreviewResponse', await json(preview));

    assertShape('HealthResponse', await json(await t.request('/healthz')));
  });
});
