import { LitElement, css, html, type PropertyValues } from 'lit';
import type { ModSettings } from '../../server/contract.js';
import type { ModerationApi, SettingsPatch } from '../api.js';
import { base } from '../styles.js';
import { errorText, text } from '../text.js';

const POLICIES: [ModSettings['moderation'], string][] = [
  ['none', 'Publish every comment at once'],
  ['first-time', 'Hold first comments (guests, and accounts with no approved comment yet)'],
  ['guests', 'Hold every guest comment'],
  ['all', 'Hold every comment'],
];

type NumberKey =
  | 'rateLimit'
  | 'threadRateLimit'
  | 'newThreadLimit'
  | 'maxLinks'
  | 'newAccountHours'
  | 'minFillSeconds'
  | 'proofOfWork';

/** The number fields: key, label, and help. */
const NUMBERS: [NumberKey, string, string][] = [
  ['rateLimit', 'Comments per minute per reader', 'Per address and per account; 0 is off.'],
  ['threadRateLimit', 'Comments per minute per thread', 'From everyone together; 0 is off.'],
  ['newThreadLimit', 'New threads per hour', 'First comments on pages without any yet; 0 is off.'],
  ['maxLinks', 'Most links before a comment is held', 'More links than this: held.'],
  ['newAccountHours', 'Hold comments from accounts younger than (hours)', '0 is off.'],
  [
    'minFillSeconds',
    'Least time to write a guest comment (seconds)',
    'Faster is refused; 0 is off.',
  ],
  [
    'proofOfWork',
    'Proof of work for guests (difficulty)',
    'The largest number to search; 0 is off.',
  ],
];

const styles = css`
  form {
    display: grid;
    gap: 0.9em;
    max-width: 40rem;
  }
  fieldset {
    display: grid;
    gap: 0.9em;
    border: none;
    margin: 0;
    padding: 0;
  }
  .field {
    display: grid;
    gap: 0.2em;
  }
  .field > label {
    font-weight: 600;
  }
  textarea {
    min-height: 6em;
  }
  .help {
    font-size: 0.9em;
  }
`;

/**
 * The site's moderation settings: the policy, guests, rate limits, what holds a comment
 * (links, blocked words, new accounts), the guest defences (fill time, proof of work,
 * spam check) and votes on comments (on, off, or up only). Owners change them (only what
 * they changed is sent); moderators see them read-only.
 *
 * @summary The site's moderation settings.
 */
export class ConfabAdminSettings extends LitElement {
  static override styles = [base, styles];

  static override properties = {
    api: { attribute: false },
    site: {},
    owner: { type: Boolean },
    settings: { state: true },
    message: { state: true },
    error: { state: true },
    busy: { state: true },
  };

  /** The moderation API of the signed-in moderator. */
  api?: ModerationApi;

  /** The site moderated. */
  site = '';

  /** The moderator owns the site: the form can be saved. */
  owner = false;

  private settings?: ModSettings;
  private message = '';
  private error = '';
  private busy = false;

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('api') || changed.has('site')) void this.load();
  }

  /** Fetches the settings again. */
  async load(): Promise<void> {
    const { api, site } = this;
    if (!api || !site) return;
    try {
      this.settings = await api.settings(site);
      this.error = '';
    } catch (e) {
      this.error = errorText(e);
    }
  }

  /** What the form says that differs from the settings loaded. */
  #changes(form: HTMLFormElement, was: ModSettings): SettingsPatch {
    const data = new FormData(form);
    const now: SettingsPatch = {
      name: text(data.get('name')).trim(),
      moderation: data.get('moderation') as ModSettings['moderation'],
      allowGuests: data.get('allowGuests') === 'on',
      spamCheck: data.get('spamCheck') === 'on',
      votes: data.get('votes') === 'on',
      downvotes: data.get('downvotes') === 'on',
      blocklist: text(data.get('blocklist'))
        .split('\n')
        .map((w) => w.trim())
        .filter(Boolean),
    };
    for (const [key] of NUMBERS) now[key] = Number(data.get(key));
    const patch: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(now)) {
      if (JSON.stringify(value) !== JSON.stringify(was[key as keyof ModSettings]))
        patch[key] = value;
    }
    return patch;
  }

  async #save(e: SubmitEvent) {
    e.preventDefault();
    const { api, settings } = this;
    if (!api || !settings) return;
    const patch = this.#changes(e.target as HTMLFormElement, settings);
    this.error = '';
    this.message = '';
    if (!Object.keys(patch).length) {
      this.message = 'Nothing to save: no setting was changed.';
      return;
    }
    this.busy = true;
    try {
      this.settings = await api.updateSettings(this.site, patch);
      this.message = 'Settings saved.';
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.busy = false;
    }
  }

  #number(key: (typeof NUMBERS)[number][0], label: string, help: string, s: ModSettings) {
    return html`<div class="field">
      <label for=${key}>${label}</label>
      <input
        id=${key}
        name=${key}
        type="number"
        min="0"
        step="1"
        required
        aria-describedby=${`${key}-help`}
        .value=${String(s[key])}
      />
      <span class="help muted" id=${`${key}-help`}>${help}</span>
    </div>`;
  }

  override render() {
    const s = this.settings;
    return html`<section aria-labelledby="h">
      <h2 id="h">Settings</h2>
      ${
        this.owner
          ? ''
          : html`<p class="muted" id="ro">Only the site’s owners can change these settings.</p>`
      }
      <p role="alert" class="error">${this.error}</p>
      ${
        !s
          ? html`<p class="muted">Loading…</p>`
          : html`<form @submit=${this.#save}>
              <fieldset ?disabled=${!this.owner || this.busy} aria-describedby="ro">
                <div class="field">
                  <label for="name">Site name</label>
                  <input id="name" name="name" maxlength="200" .value=${s.name} />
                </div>
                <div class="field">
                  <label for="moderation">Hold comments for review</label>
                  <select id="moderation" name="moderation">
                    ${POLICIES.map(
                      ([value, label]) =>
                        html`<option value=${value} ?selected=${s.moderation === value}>
                          ${label}
                        </option>`,
                    )}
                  </select>
                </div>
                <div class="row">
                  <input
                    type="checkbox"
                    id="allowGuests"
                    name="allowGuests"
                    .checked=${s.allowGuests}
                  />
                  <label for="allowGuests">Guests may comment without signing in</label>
                </div>
                ${NUMBERS.map(([key, label, help]) => this.#number(key, label, help, s))}
                <div class="field">
                  <label for="blocklist">Blocked words and phrases</label>
                  <textarea
                    id="blocklist"
                    name="blocklist"
                    aria-describedby="blocklist-help"
                    .value=${s.blocklist.join('\n')}
                  ></textarea>
                  <span class="help muted" id="blocklist-help"
                    >One per line. A comment with one of them (whole words, any case) is held.</span
                  >
                </div>
                <div class="row">
                  <input
                    type="checkbox"
                    id="spamCheck"
                    name="spamCheck"
                    aria-describedby="spam-help"
                    .checked=${s.spamCheck}
                  />
                  <label for="spamCheck">Check new comments with the spam checker</label>
                  <span class="help muted" id="spam-help"
                    >${
                      s.spamCheckerAvailable
                        ? 'Akismet is configured on this server.'
                        : 'No spam checker is configured on this server.'
                    }</span
                  >
                </div>
                <div class="row">
                  <input type="checkbox" id="votes" name="votes" .checked=${s.votes} />
                  <label for="votes"
                    >Readers may vote on comments (the Top sort ranks by votes)</label
                  >
                </div>
                <div class="row">
                  <input
                    type="checkbox"
                    id="downvotes"
                    name="downvotes"
                    aria-describedby="downvotes-help"
                    .checked=${s.downvotes}
                  />
                  <label for="downvotes">…and vote them down, not only up</label>
                  <span class="help muted" id="downvotes-help"
                    >Off: only upvotes; downvotes already given stay until taken back.</span
                  >
                </div>
                ${
                  this.owner
                    ? html`<div class="row">
                        <button type="submit" class="primary">Save settings</button>
                      </div>`
                    : ''
                }
              </fieldset>
              <p role="status" class="status">${this.message}</p>
              <div>
                <p>Pages of this site (change with <code>confab site update</code>):</p>
                <ul>
                  ${s.origins.map((o) => html`<li><code>${o}</code></li>`)}
                </ul>
              </div>
            </form>`
      }
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'confab-admin-settings': ConfabAdminSettings;
  }
}
