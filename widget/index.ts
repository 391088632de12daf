/**
 * @module index
 * Confab's classes and types, without registering anything: import `define.js` (or
 * the `/confab.js` bundle) for that, or define the tags yourself.
 */
export type { Provider, Session, SessionUser, SignInStart } from '../server/contract.js';
export { ApiClient, type Fetch, type ThreadQuery } from './api/client.js';
export { ApiError, NetworkError } from './api/errors.js';
export { deleteComment, updateComment } from './api/own.js';
export { ConfabComment } from './elements/confab-comment.js';
export { ConfabComposer, type Draft } from './elements/confab-composer.js';
export { ConfabCount } from './elements/confab-count.js';
// Types only: `<confab-thread>` loads the module, which registers `<confab-mod-tools>`.
export type { ConfabModTools } from './elements/confab-mod-tools.js';
// Types only: the module registers `<confab-sign-in>` when `<confab-thread>` loads it.
export type { ConfabSignIn, PopupOpener } from './elements/confab-sign-in.js';
export { ConfabThread } from './elements/confab-thread.js';
export type { ThreadHost } from './elements/thread-host.js';
export * from './events.js';
export { safeFragment, safeHtml, safeUrl } from './render/safe-html.js';
export { ThreadController, type ThreadArgs, type ThreadStatus } from './state/thread-controller.js';
export { strings, errorText } from './strings.js';
export { later } from './strings-later.js';
