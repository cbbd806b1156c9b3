/**
 * What the applicant's forms share: reading a urlencoded body (flat names, `extended: false`),
 * a random request id put in each form when it is rendered (a double submit has one effect),
 * and field errors in the page's language, each with the id of the field it belongs to.
 */
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { MessageKey } from '../../../i18n/messages';
import { tr } from '../page';

export type FormBody = Record<string, unknown>;

/** One field's value as text: anything that is not a single string (a repeated field) is empty. */
export function field(body: FormBody | undefined, name: string): string {
  const v = body?.[name];
  return typeof v === 'string' ? v.trim() : '';
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** A new request id for a form being rendered. */
export const newRequestId = (): string => randomUUID();

/** The form's request id, or a fresh one when it is missing or malformed (then retries are not deduplicated). */
export function requestIdOf(body: FormBody | undefined): string {
  const id = field(body, 'requestId');
  return REQUEST_ID.test(id) ? id : newRequestId();
}

export interface FieldError {
  field: string;
  text: string;
  /** The summary's words, when they must say more than the field's (whose field it is). */
  summary?: string;
}

/** Errors keyed by field id, for the views' "next to the field" messages; the summary lists them in order. */
export class FieldErrors {
  readonly list: FieldError[] = [];
  constructor(private readonly req: Request) {}
  add(fieldId: string, key: MessageKey, params?: Record<string, unknown>): void {
    // One message per field: the first problem found is the one to fix first.
    if (this.list.some((e) => e.field === fieldId)) return;
    const text = tr(this.req, key, params);
    const whose = typeof params?.whose === 'string' && params.whose ? params.whose : undefined;
    this.list.push({ field: fieldId, text, ...(whose ? { summary: `${whose}${tr(this.req, 'pColon')}${text}` } : {}) });
  }
  get any(): boolean {
    return this.list.length > 0;
  }
  byField(): Record<string, string> {
    return Object.fromEntries(this.list.map((e) => [e.field, e.text]));
  }
}
