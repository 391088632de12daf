/**
 * A tiny cookie-keeping user agent over fetch, enough to walk a sign-in popup through
 * redirects and the identity provider's login and consent forms.
 */
export class FetchBrowser {
  readonly #cookies = new Map<string, Map<string, string>>();

  #store(url: URL, response: Response): void {
    const jar = this.#cookies.get(url.host) ?? new Map<string, string>();
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    this.#cookies.set(url.host, jar);
  }

  cookie(host: string, name: string): string | undefined {
    return this.#cookies.get(host)?.get(name);
  }

  /** One request, no redirects followed. */
  async request(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    const jar = this.#cookies.get(target.host);
    if (jar !== undefined && jar.size > 0) {
      headers.set('Cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    }
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    this.#store(target, response);
    return response;
  }

  /** Follows redirects until `stop(url)` says so, or a non-redirect answer. */
  async follow(
    url: string | URL,
    stop: (url: URL) => boolean = () => false,
  ): Promise<{ url: URL; response: Response | null }> {
    let current = new URL(url);
    for (let hops = 0; hops < 20; hops++) {
      if (stop(current)) return { url: current, response: null };
      const response = await this.request(current);
      const location = response.headers.get('Location');
      if (response.status < 300 || response.status >= 400 || location === null)
        return { url: current, response };
      current = new URL(location, current);
    }
    throw new Error('too many redirects');
  }

  /** Submits a form of the identity provider's interaction page. */
  async submit(url: URL, fields: Record<string, string>): Promise<URL> {
    const response = await this.request(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    const location = response.headers.get('Location');
    if (location === null)
      throw new Error(`form at ${url.href} answered ${response.status}: ${await response.text()}`);
    return new URL(location, url);
  }
}
