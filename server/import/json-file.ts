/**
 * @module import/json-file
 * Whole-file JSON for the formats that are one JSON document (isso's generic format,
 * Commento, Confab's export): read up to MAX_JSON_BYTES, then parsed at once. Remark42's
 * backups are JSON lines and stream line by line instead (`lines`).
 */
import { StringDecoder } from 'node:string_decoder';
import { ImportFormatError } from './record.js';

/** Bigger JSON documents are refused rather than risk the process's memory. */
export const MAX_JSON_BYTES = 256 * 1024 * 1024;

export async function readJson(input: AsyncIterable<Buffer | string>): Promise<unknown> {
  const chunks: string[] = [];
  const decoder = new StringDecoder('utf8');
  let bytes = 0;
  for await (const chunk of input) {
    bytes += chunk.length;
    if (bytes > MAX_JSON_BYTES) {
      throw new ImportFormatError(
        `JSON exports are read whole, up to ${MAX_JSON_BYTES / 1024 / 1024} MB; this one is bigger`,
      );
    }
    chunks.push(typeof chunk === 'string' ? chunk : decoder.write(chunk));
  }
  chunks.push(decoder.end());
  const text = chunks.join('').replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ImportFormatError(jsonProblem(text, error));
  }
}

/** JSON.parse's complaint with a line number where it gives a position. */
export function jsonProblem(text: string, error: unknown, lineOffset = 0): string {
  const message = error instanceof Error ? error.message : String(error);
  const position = /position (\d+)/.exec(message)?.[1];
  if (position === undefined) return `not valid JSON: ${message}`;
  const line = text.slice(0, Number(position)).split('\n').length + lineOffset;
  return `line ${line}: not valid JSON: ${message}`;
}

/** The stream's lines, decoded, without their line breaks. */
export async function* lines(input: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of input) {
    rest += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    const parts = rest.split('\n');
    rest = parts.pop() ?? '';
    yield* parts;
  }
  rest += decoder.end();
  if (rest !== '') yield rest;
}

export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A string field, trimmed; null when absent, empty, or not a string. */
export function str(object: Json, key: string): string | null {
  const value = object[key];
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return null;
  const text = value.trim();
  return text === '' ? null : text;
}
