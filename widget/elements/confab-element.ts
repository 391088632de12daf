import { LitElement, type PropertyDeclarations } from 'lit';
import type { Fetch } from '../api/client.js';

/**
 * What `<confab-thread>` and `<confab-count>` share: the attributes that say which
 * server and thread they are about, with their defaults.
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

  /** The thread key (a post's path); by default this page's path (`location.pathname`). */
  thread = '';

  /** The Confab server's URL; by default the directory this script was loaded from. */
  server = '';

  /** The `fetch` to use instead of the browser's (tests; proxies). */
  fetch?: Fetch;

  /** `thread`, or its default. */
  protected threadKey(): string {
    return this.thread || location.pathname;
  }

  /** `server`, or its default. */
  protected serverUrl(): string {
    return this.server || new URL('./', import.meta.url).href;
  }
}
