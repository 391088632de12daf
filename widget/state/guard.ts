/**
 * @module state/guard
 * A guest's spam guard (a chunk `<confab-thread>` loads when a guest first writes, so the
 * first-render bundle stays small). It fetches the site's guard (`GET /api/v1/guard`):
 * a form token, the minimum time a form takes to fill in, and maybe an ALTCHA proof of
 * work, which it solves in the background (Web Crypto) while the reader types. Sending
 * waits until that time has passed on the reader's own clock (a duration, so a page whose
 * clock is off is not refused) and the work is done, then posts with the token, the
 * solution and the honeypot. An expired or replayed challenge, or a form sent too fast,
 * gets a fresh guard and one automatic retry.
 */
import { solveChallenge } from 'altcha-lib/v1';
import type {
  CreateCommentRequest,
  CreateCommentResponse,
  GuardResponse,
} from '../../server/contract.js';
import type { ApiClient } from '../api/client.js';
import { ApiError } from '../api/errors.js';

/** What a post needs from one guard. */
interface Ready {
  formToken?: string | undefined;
  /** The ALTCHA payload: base64 of JSON `{algorithm, challenge, number, salt, signature}`. */
  proofOfWork?: string | undefined;
  /** `performance.now()` when the form may be sent. */
  from: number;
}

/** Refusals that a fresh guard fixes. */
const RETRY = /^(challenge_failed|challenge_required|too_fast)$/;

/** The guard of one guest's forms on one site. */
export class Guard {
  readonly #api: ApiClient;
  readonly #site: string;
  /** The current guard; unset until the reader writes, and again once a post used it. */
  #ready?: Promise<Ready> | undefined;

  constructor(api: ApiClient, site: string) {
    this.#api = api;
    this.#site = site;
  }

  /** Fetches (and solves) a guard if none is under way; the reader has started writing. */
  start(): this {
    void this.#begin();
    return this;
  }

  #begin(): Promise<Ready> {
    return (this.#ready ??= this.#fetch());
  }

  async #fetch(): Promise<Ready> {
    const from = performance.now();
    try {
      const g = await this.#api.send<GuardResponse>(
        'GET',
        `api/v1/guard?${new URLSearchParams({ site: this.#site })}`,
      );
      // Counted from the answer, not the request: the server's clock started in between.
      const arrived = performance.now();
      const pow = g.proofOfWork;
      const solved =
        pow &&
        (await solveChallenge(pow.challenge, pow.salt, pow.algorithm, pow.maxnumber).promise);
      return {
        formToken: g.formToken,
        proofOfWork:
          pow && solved
            ? btoa(
                JSON.stringify({
                  algorithm: pow.algorithm,
                  challenge: pow.challenge,
                  number: solved.number,
                  salt: pow.salt,
                  signature: pow.signature,
                }),
              )
            : undefined,
        from: arrived + g.minFillSeconds * 1000 + 50,
      };
    } catch {
      // No guard (offline, or a server without one): post without it; if the site needs
      // one, the server says so and the retry fetches it again.
      return { from };
    }
  }

  /**
   * Posts `req` once the guard allows it. A guard is good for one post: the next one, or
   * a retry, fetches a fresh one.
   */
  async post(req: CreateCommentRequest, idempotencyKey?: string): Promise<CreateCommentResponse> {
    for (let retried = false; ; retried = true) {
      const ready = await this.#begin();
      const wait = ready.from - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      this.#ready = undefined;
      try {
        return await this.#api.post(
          { ...req, formToken: ready.formToken, proofOfWork: ready.proofOfWork },
          idempotencyKey,
        );
      } catch (e) {
        // The reader will likely send again: have the next guard ready by then.
        this.start();
        if (retried || !(e instanceof ApiError) || !RETRY.test(e.code)) throw e;
      }
    }
  }
}
