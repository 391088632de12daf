import { LitElement, css, html, nothing } from 'lit';
import { ApiError } from '../api/errors.js';
import { safeFragment } from '../render/safe-html.js';
import { loadGuest, saveGuest } from '../state/storage.js';
import { errorText, strings } from '../strings.js';
import { shared, tokens } from '../styles/tokens.js';

/** What the reader typed. */
export interface Draft {
  name: string;
  email: string;
  url: string;
  body: string;
  /** Remember name, email and website in this browser. */
  save: boolean;
  /** "Notify me of new comments via email": what, or '' for no mail. */
  notify?: '' | 'all' | 'replies';
  /** A signed-in reader's address for the notifications. */
  notifyEmail?: string;
  /**
   * An `Idempotency-Key` for this text, the same across retries until the reader changes
   * something, so resending after a lost answer cannot post twice. Unset on plain-http
   * pages, where `crypto.randomUUID` is missing.
   */
  key?: string | undefined;
  /**
   * What the honeypot field (a guest's "homepage", hidden from people) held when the form
   * was sent: empty unless a bot filled in every field it found.
   */
  trap?: string | undefined;
}

type Field = 'name' | 'email' | 'url' | 'body' | 'notifyEmail';

// `.honeypot`: clipped away to nothing where it is (not off to a side, which a right-to-left
// page would scroll to), out of the layout, and not display:none.
const styles = css`
  form {
    display: grid;
    gap: 0.75em;
  }
  p {
    margin: 0;
  }
  input:not([type='checkbox'], [type='radio']),
  textarea {
    width: 100%;
    box-sizing: border-box;
    margin-top: 0.25em;
  }
  textarea {
    min-height: 6em;
    resize: vertical;
  }
  [part='preview'] {
    border: 1px dashed var(--_border);
    border-radius: var(--_radius);
    padding: 0 0.75em;
  }
  fieldset {
    display: grid;
    gap: 0.25em;
    margin: 0;
    border: 0;
    padding: 0 0 0 1.6em;
  }
  legend {
    padding: 0;
  }
  .honeypot {
    position: absolute;
    clip-path: inset(50%);
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
  }
`;

/**
 * The comment form: "Leave a Reply" with Name, Email, Website and Comment, a Markdown
 * preview, and the choice to remember the reader. With `edit` it shows only the
 * comment text, for editing one's own comment; with `signed` (a signed-in reader) no
 * guest fields either. What the reader typed survives every failure; the body clears
 * only after the server took it. A guest's form also has a honeypot: a "homepage" field
 * that people never see or reach (off-screen, out of the tab order, hidden from assistive
 * tech, no autofill); what is in it goes with the draft as `trap`.
 *
 * The composer never talks to the server itself: `<confab-thread>` hands it `send` and
 * `preview`, and it awaits them to know whether to clear or to show what went wrong.
 *
 * @summary The form to write, reply to or edit a comment.
 * @csspart form - The `<form>`.
 * @csspart heading - "Leave a Reply".
 * @csspart input - The name, email and website inputs.
 * @csspart textarea - The comment text.
 * @csspart hint - "(never shown)", "Markdown supported".
 * @csspart preview - The rendered preview.
 * @csspart button - Preview, Edit and Cancel.
 * @csspart submit-button - "Post Comment" or "Save".
 * @csspart error - A field's message, and the form's.
 * @cssprop --confab-accent - The submit button and focus rings.
 * @cssprop --confab-accent-text - Text on the submit button.
 * @cssprop --confab-border - Field borders.
 * @cssprop --confab-radius - Corner radius of fields and buttons.
 */
export class ConfabComposer extends LitElement {
  static override styles = [tokens, shared, styles];

  static override properties = {
    send: { attribute: false },
    preview: { attribute: false },
    cancel: { attribute: false },
    edit: { type: Boolean },
    signed: { type: Boolean },
    verifiedEmail: { attribute: false },
    replyTo: { attribute: 'reply-to' },
    body: {},
    draft: { attribute: false },
    busy: { state: true },
    shown: { state: true },
    error: { state: true },
    invalid: { state: true },
  };

  /** Posts or saves the draft; a rejection is shown, and the draft kept. */
  send?: (draft: Draft) => Promise<unknown>;

  /** Renders a body as the server will, resolving to HTML. */
  preview?: (body: string) => Promise<string>;

  /** When set, a Cancel button calls it (a reply or an edit in place). */
  cancel?: () => void;

  /** Edit an existing comment: the text only, and "Save". */
  edit = false;

  /** The reader is signed in: no Name, Email and Website, which the account supplies. */
  signed = false;

  /**
   * The signed-in reader's verified address, from their session: "Notify me" mails it at
   * once, so it is shown (masked) instead of a field.
   */
  verifiedEmail?: string | null | undefined;

  /** The author being replied to, for the heading. */
  replyTo?: string;

  /** The text to start from (the reader's own source when editing). */
  body = '';

  /**
   * Where the draft lives, if not in the composer: the thread keeps a reply's or an
   * edit's, so a composer that a re-render re-creates carries on with the same text.
   */
  draft?: Partial<Draft>;

  private busy = false;
  /** The previewed HTML, while the preview shows. */
  private shown?: string;
  private error = '';
  private invalid: Partial<Record<Field, string>> = {};
  #draft!: Draft;

  override willUpdate(): void {
    if (this.hasUpdated) return;
    const draft = this.draft ?? {};
    if (draft.body === undefined) {
      const guest = loadGuest();
      Object.assign(draft, {
        name: '',
        email: '',
        url: '',
        notifyEmail: '',
        ...guest,
        body: this.body,
        save: !!guest,
      });
      // A reply or an edit just opened by its button: take the reader to the first field.
      if (this.cancel) {
        void this.updateComplete.then(() => {
          this.focus();
        });
      }
    }
    this.#draft = draft as Draft;
  }

  /** Focuses the form's first field: a guest's Name, else the comment text. */
  override focus(): void {
    this.renderRoot.querySelector<HTMLElement>('input, textarea')?.focus();
  }

  #onInput(e: Event) {
    const t = e.target as HTMLInputElement;
    Object.assign(
      this.#draft,
      t.id === 'notify'
        ? { notify: t.checked ? 'all' : '' }
        : { [t.name]: t.type === 'checkbox' ? t.checked : t.value },
      { key: undefined },
    );
    if (t.id === 'notify') this.requestUpdate();
    if (this.invalid[t.name as Field]) this.invalid = { ...this.invalid, [t.name]: undefined };
  }

  async #onSubmit(e: Event) {
    e.preventDefault();
    if (this.busy || !this.send) return;
    this.busy = true;
    this.error = '';
    this.invalid = {};
    // Missing outside secure contexts (plain-http pages), whatever the DOM types say.
    this.#draft.key ??= (crypto as Partial<Crypto>).randomUUID?.();
    try {
      const trap = (e.target as HTMLFormElement & { homepage?: HTMLInputElement }).homepage;
      await this.send({ ...this.#draft, trap: trap?.value });
      const { name, email, url, save } = this.#draft;
      if (!this.edit && !this.signed) saveGuest(save ? { name, email, url } : undefined);
      this.#draft.body = '';
      this.#draft.key = this.shown = undefined;
    } catch (x) {
      this.#fail(x);
    }
    this.busy = false;
    await this.updateComplete;
    // Take the reader to the first field to fix; or, if disabling the button blurred it,
    // back to the button.
    const root = this.renderRoot as ShadowRoot;
    const target =
      root.querySelector('[aria-invalid=true]') ??
      (root.activeElement ? null : root.querySelector('[part=submit-button]'));
    (target as HTMLElement | null)?.focus();
  }

  #fail(x: unknown) {
    this.error = errorText(x);
    if (!(x instanceof ApiError)) return;
    const invalid: typeof this.invalid = {};
    for (const f of x.problem.errors ?? []) {
      const field = f.field.replace('author.', '') as Field;
      if (field in this.#draft) invalid[field] = strings.fields[f.code] ?? strings.fields.other;
    }
    this.invalid = invalid;
  }

  async #togglePreview() {
    if (this.shown !== undefined) {
      this.shown = undefined;
    } else if (this.#draft.body.trim() && this.preview && !this.busy) {
      this.busy = true;
      this.error = '';
      try {
        this.shown = await this.preview(this.#draft.body);
      } catch (x) {
        this.error = errorText(x);
      }
      this.busy = false;
    }
  }

  /** A label, an optional hint, the control, and its error, tied together for assistive tech. */
  #field(id: Field, label: string, control: (describedBy: string) => unknown, hint?: string) {
    const error = this.invalid[id];
    const ids = [hint && id + '-hint', error && id + '-error'].filter(Boolean).join(' ');
    return html`<p>
      <label for=${id}>${label}</label>
      ${hint ? html`<span id="${id}-hint" part="hint" class="muted">${hint}</span>` : nothing}
      ${control(ids)} ${error ? html`<span id="${id}-error" part="error">${error}</span>` : nothing}
    </p>`;
  }

  /** "Notify me…", and once ticked: all comments or replies, and a signed-in reader's address. */
  #notify() {
    const { notify = '' } = this.#draft;
    const choice = (value: 'all' | 'replies', label: string) =>
      html`<label
        ><input type="radio" name="notify" value=${value} .checked=${notify === value} />
        ${label}</label
      >`;
    return html`<p>
        <input type="checkbox" id="notify" .checked=${!!notify} />
        <label for="notify">${strings.notify}</label>
      </p>
      ${
        notify
          ? html`<fieldset part="notify">
              <legend class="muted">${strings.notifyWhat}</legend>
              ${choice('all', strings.notifyAll)} ${choice('replies', strings.notifyReplies)}
              ${
                !this.signed
                  ? nothing
                  : this.verifiedEmail
                    ? html`<p>
                        ${strings.email}:
                        <bdi>${this.verifiedEmail.replace(/^(.)[^@]*/u, '$1•••')}</bdi>
                      </p>`
                    : this.#input('notifyEmail', strings.email, 'email')
              }
            </fieldset>`
          : nothing
      }`;
  }

  #input(id: Exclude<Field, 'body'>, label: string, type: string, hint?: string) {
    return this.#field(
      id,
      label,
      (ids) =>
        html`<input
          part="input"
          id=${id}
          name=${id}
          type=${type}
          inputmode=${id === 'url' ? 'url' : nothing}
          autocomplete=${id === 'notifyEmail' ? 'email' : id}
          ?required=${id === 'name'}
          .value=${this.#draft[id] ?? ''}
          aria-invalid=${this.invalid[id] ? 'true' : nothing}
          aria-describedby=${ids || nothing}
        />`,
      hint,
    );
  }

  override render() {
    const { busy, edit, shown } = this;
    const guest = !edit && !this.signed;
    const heading = this.replyTo ? strings.replyTo(this.replyTo) : strings.leave;
    return html`${edit ? nothing : html`<h3 id="heading" part="heading">${heading}</h3>`}
      <form
        part="form"
        aria-labelledby=${edit ? nothing : 'heading'}
        @input=${this.#onInput}
        @submit=${this.#onSubmit}
      >
        ${
          guest
            ? [
                this.#input('name', strings.name, 'text'),
                this.#input('email', strings.email, 'email', strings.emailHint),
                // Text, not type=url: the server takes a bare "example.com" as https.
                this.#input('url', strings.url, 'text'),
                html`<input
                  class="honeypot"
                  name="homepage"
                  tabindex="-1"
                  autocomplete="off"
                  aria-hidden="true"
                />`,
              ]
            : nothing
        }
        ${this.#field(
          'body',
          strings.body,
          (ids) =>
            html`<textarea
                part="textarea"
                id="body"
                name="body"
                required
                ?hidden=${shown !== undefined}
                .value=${this.#draft.body}
                aria-invalid=${this.invalid.body ? 'true' : nothing}
                aria-describedby=${ids || nothing}
              ></textarea>
              ${
                shown === undefined
                  ? nothing
                  : html`<div part="preview" class="body" dir="auto">${safeFragment(shown)}</div>`
              }`,
          strings.bodyHint,
        )}
        ${
          guest
            ? html`<p>
                <input type="checkbox" id="save" name="save" .checked=${this.#draft.save} />
                <label for="save">${strings.remember}</label>
              </p>`
            : nothing
        }
        ${edit ? nothing : this.#notify()}
        <p role="alert" part="error">${this.error}</p>
        <p class="row">
          <button part="submit-button" ?disabled=${busy}>
            ${busy ? (edit ? strings.saving : strings.posting) : edit ? strings.save : strings.post}
          </button>
          <button part="button" type="button" @click=${this.#togglePreview}>
            ${shown === undefined ? strings.preview : strings.edit}
          </button>
          ${
            this.cancel
              ? html`<button part="button" type="button" @click=${this.cancel}>
                  ${edit ? strings.cancel : strings.cancelReply}
                </button>`
              : nothing
          }
        </p>
      </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'confab-composer': ConfabComposer;
  }
}
