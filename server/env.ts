/**
 * @module env
 * The Hono environment shared by the app and its routes.
 */
import type { IncomingMessage } from 'node:http';

/** `@hono/node-server` puts the Node request in `c.env.incoming`; tests may omit it. */
export interface AppEnv {
  Bindings: { incoming?: Pick<IncomingMessage, 'socket'> };
}
