import { LitElement, type PropertyDeclarations } from 'lit';
import type { Fetch } from '../api/client.js';
import { checked, isServerUrl, isThreadKey } from './attributes.js';

/**
 * What `<confab-thread>` and `<confab-count>` share: the attributes that say which
 * server and thread they are about, with their defaults. A value that cannot work falls
 * back to the default, with a warning in the console (`elements/attributes.ts`).
 */
export class ConfabElement extends LitElement {
  static override properties: PropertyDeclarations = {
    site: {},
    thread: {},
    server: {},
    fetch: { attribute: false },
  };

  /** The site id the server knows this blog by. Required. */
  site = '';

  #thread = '';
  #server = '';

  /**
   * The thread key (a post's path, such as `/2014/03/my-post/`); empty for the default,
   * this page's path (`location.pathname`).
   */
  get thread(): string {
    return this.#thread;
  }
  set thread(value: string | null | undefined) {
    this.#thread =
      checked(this, 'thread', value, isThreadKey, 'a URL path such as /2014/03/my-post/') ?? '';
  }

  /** The Confab server's URL; empty for the default, the directory this script came from. */
  get server(): string {
    return this.#server;
  }
  set server(value: string | null | undefined) {
    this.#server = checked(this, 'server', value, isServerUrl, 'an http(s) URL') ?? '';
  }

  /** The `fetch` to use instead of the browser's (tests; proxies). */
  fetch?: Fetch;

  /** `thread`, or its default. */
  protected threadKey(): string {
    return this.thread || location.pathname;
  }

  /** `server` as an absolute URL, or its default. */
  protected serverUrl(): string {
    return this.server
      ? new URL(this.server, document.baseURI).href
      : new URL('./', import.meta.url).href;
  }
}
