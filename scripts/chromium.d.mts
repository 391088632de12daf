/** The path of a Chromium or Chrome binary, or undefined. */
export function findChromium(): string | undefined;
/** Flags for a headless Chromium in a sandboxless container with no outside network. */
export const chromiumArgs: string[];
