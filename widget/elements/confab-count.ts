import { html } from 'lit';
import { ApiClient } from '../api/client.js';
import { ConfabErrorEvent } from '../events.js';
import { strings } from '../strings.js';
import { ConfabElement } from './confab-element.js';

/**
 * "N comments" for a post, on index pages. All the counts of a page (of one server and
 * site) are fetched in one request, without any shared module state: each element
 * marks itself pending when connected and schedules a microtask; the first microtask
 * to run claims every pending sibling in the same document (or shadow root) and asks
 * for all their threads at once.
 *
 * Until the count arrives, and if it never does, the element shows its own content:
 * `<confab-count site="myblog" thread="/2014/03/my-post/">Comments</confab-count>`.
 *
 * @summary A thread's comment count.
 * @fires confab-error - The counts could not be fetched.
 * @slot - Fallback text, shown until the count is known.
 */
export class ConfabCount extends ConfabElement {
  static override properties = {
    value: { state: true },
  };

  /** The count, once known. */
  private value?: number;

  /** Waiting to be claimed by a batch. */
  #pending = false;

  override connectedCallback(): void {
    super.connectedCallback();
    this.#pending = true;
    queueMicrotask(() => void this.#flush());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#pending = false;
  }

  async #flush() {
    if (!this.#pending || !this.site) return;
    const root = this.getRootNode() as ParentNode;
    const batch = [...root.querySelectorAll('confab-count')].filter(
      (el) =>
        #pending in el &&
        el.#pending &&
        el.site === this.site &&
        el.serverUrl() === this.serverUrl(),
    );
    for (const el of batch) el.#pending = false;
    try {
      const keys = [...new Set(batch.map((el) => el.threadKey()))];
      const { counts } = await new ApiClient(this.serverUrl(), this.fetch).counts(this.site, keys);
      for (const el of batch) el.value = counts[el.threadKey()] ?? el.value;
    } catch (e) {
      this.dispatchEvent(new ConfabErrorEvent(e));
    }
  }

  override render() {
    return this.value === undefined ? html`<slot></slot>` : strings.count(this.value);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'confab-count': ConfabCount;
  }
}
