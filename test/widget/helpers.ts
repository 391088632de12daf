/**
 * Test helpers for the widget: a fake `fetch` that records every call, builders for
 * API shapes, and queries that find what a reader finds, by role and accessible name,
 * through shadow roots.
 */
import type {
  PublicAuthor,
  PublicComment,
  PublicThread,
  ThreadResponse,
} from '../../server/contract.js';

// ---------------------------------------------------------------- fake fetch

export interface Call {
  method: string;
  url: URL;
  headers: Headers;
  /** The parsed JSON body, if any. */
  json: unknown;
}

export type Handler = (call: Call) => Response | Promise<Response>;

export interface FakeFetch {
  (input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  calls: Call[];
}

/** A `fetch` that answers with `handler` and records each call; a thrown error is a network failure. */
export function fakeFetch(handler: Handler): FakeFetch {
  const calls: Call[] = [];
  const f = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const body = typeof init.body === 'string' ? init.body : undefined;
    const call: Call = {
      method: init.method ?? 'GET',
      url: new URL(input instanceof Request ? input.url : input, location.href),
      headers: new Headers(init.headers),
      json: body === undefined ? undefined : JSON.parse(body),
    };
    calls.push(call);
    return handler(call);
  };
  return Object.assign(f, { calls });
}

/** Routes by `METHOD /path` (the part after `/api/v1/`); anything else is a 404 problem. */
export function routes(table: Record<string, Handler>): Handler {
  return (call) => {
    const path = call.url.pathname.replace(/^.*\/api\/v1\//, '');
    const handler = table[`${call.method} ${path}`];
    return handler ? handler(call) : problem(404, 'not_found');
  };
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

export function problem(
  status: number,
  code: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  return new Response(
    JSON.stringify({ type: 'about:blank', title: code, status, code, ...extra }),
    { status, headers: { 'content-type': 'application/problem+json', ...headers } },
  );
}

/** A fetch failure as the browser reports it. */
export const networkDown: Handler = () => {
  throw new TypeError('Failed to fetch');
};

// ---------------------------------------------------------------- API shapes

let seq = 0;

export function comment(
  over: Partial<PublicComment> & { name?: string; url?: string } = {},
): PublicComment {
  const { name = 'Ada Lovelace', url, ...rest } = over;
  const id = rest.id ?? `c${++seq}`;
  const author: PublicAuthor = {
    name,
    avatarUrl: null,
    provider: 'guest',
    role: null,
    url: url ?? null,
  };
  return {
    id,
    parentId: null,
    author,
    html: `<p>Text of ${id}</p>`,
    createdAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    editedAt: null,
    status: 'published',
    score: 0,
    myVote: 0,
    replyCount: 0,
    pinned: false,
    ...rest,
  };
}

export function deletedPlaceholder(id: string, parentId: string | null = null): PublicComment {
  return comment({ id, parentId, author: null, html: '', status: 'deleted' });
}

export function threadResponse(
  comments: PublicComment[],
  over: { nextCursor?: string | null; thread?: Partial<PublicThread> } = {},
): ThreadResponse {
  return {
    thread: {
      key: '/post/',
      title: 'Hello',
      url: null,
      locked: false,
      commentCount: comments.filter((c) => c.status === 'published').length,
      likeCount: 0,
      liked: false,
      ...over.thread,
    },
    comments,
    nextCursor: over.nextCursor ?? null,
  };
}

// ---------------------------------------------------------------- queries

/** Every element under `root`, descending into open shadow roots. */
export function deepAll(root: ParentNode): Element[] {
  const out: Element[] = [];
  const walk = (node: ParentNode) => {
    for (const el of node.children) {
      out.push(el);
      if (el.shadowRoot) walk(el.shadowRoot);
      walk(el);
    }
  };
  walk(root);
  return out;
}

const norm = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();

/** The visible text of an element, shadow roots included (slots show what's assigned). */
export function deepText(root: Node): string {
  let text = '';
  const walk = (node: Node) => {
    if (node instanceof Text) text += node.data;
    if (node instanceof HTMLElement && (node.hidden || node.localName === 'style')) return;
    if (node instanceof HTMLSlotElement) {
      node.assignedNodes().forEach(walk);
      return;
    }
    const children =
      node instanceof Element && node.shadowRoot ? node.shadowRoot.childNodes : node.childNodes;
    children.forEach(walk);
    if (
      node instanceof Element &&
      /^(p|div|li|h\d|header|article|section|ul)$/.test(node.localName)
    )
      text += '\n';
  };
  walk(root);
  return text
    .replace(/[ \t]+/g, ' ')
    .replace(/\s*\n\s*/g, '\n')
    .trim();
}

function idText(el: Element, ids: string): string {
  const root = el.getRootNode() as Document | ShadowRoot;
  return norm(
    ids
      .split(/\s+/)
      .map((id) => root.getElementById(id)?.textContent)
      .join(' '),
  );
}

/** The accessible name, as far as these widgets need: aria-labelledby, aria-label, label, content. */
export function accessibleName(el: Element): string {
  const by = el.getAttribute('aria-labelledby');
  if (by) return idText(el, by);
  const label = el.getAttribute('aria-label');
  if (label) return norm(label);
  if (el.id) {
    const root = el.getRootNode() as Document | ShadowRoot;
    const forLabel = root.querySelector(`label[for="${CSS.escape(el.id)}"]`);
    if (forLabel) return norm(forLabel.textContent);
  }
  const wrapping = el.closest('label');
  if (wrapping) return norm(wrapping.textContent);
  if (el.matches('button, a, h1, h2, h3, h4, h5, h6')) return norm(el.textContent);
  return '';
}

/** The accessible description (aria-describedby). */
export function accessibleDescription(el: Element): string {
  const by = el.getAttribute('aria-describedby');
  return by ? idText(el, by) : '';
}

const ROLES = {
  button: 'button',
  textbox: 'input:not([type=checkbox]):not([type=radio]), textarea',
  checkbox: 'input[type=checkbox]',
  radio: 'input[type=radio]',
  combobox: 'select',
  link: 'a[href]',
  heading: 'h1, h2, h3, h4, h5, h6',
  listitem: 'li, [role=listitem]',
} as const;

export type Role = keyof typeof ROLES;

/** The elements each role's selector finds. */
interface RoleElements {
  button: HTMLButtonElement;
  textbox: HTMLInputElement | HTMLTextAreaElement;
  checkbox: HTMLInputElement;
  radio: HTMLInputElement;
  combobox: HTMLSelectElement;
  link: HTMLAnchorElement;
  heading: HTMLHeadingElement;
  listitem: HTMLElement;
}

/** All visible elements of `role` named `name` under `root`, through shadow roots. */
export function allByRole<R extends Role>(
  root: ParentNode,
  role: R,
  name?: string | RegExp,
): RoleElements[R][] {
  return deepAll(root).filter(
    (el): el is RoleElements[R] =>
      el instanceof HTMLElement &&
      el.matches(ROLES[role]) &&
      el.checkVisibility() &&
      (name === undefined ||
        (typeof name === 'string' ? accessibleName(el) === name : name.test(accessibleName(el)))),
  );
}

/** The one element of `role` named `name`; throws when there is none or several. */
export function getByRole<R extends Role>(
  root: ParentNode,
  role: R,
  name?: string | RegExp,
): RoleElements[R] {
  const found = allByRole(root, role, name);
  const [one] = found;
  if (!one || found.length > 1) {
    throw new Error(`expected one ${role} named ${String(name)}, found ${found.length}`);
  }
  return one;
}

/** Types into a field as a reader would: sets the value and fires `input`. */
export function type(field: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  field.value = value;
  field.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
}

/** Ticks a checkbox as a click would. */
export function tick(box: HTMLInputElement): void {
  box.click();
}
