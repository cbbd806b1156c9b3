/**
 * The JSON API's part of an access record (issue 15 part 3): the door, the request id, and the
 * purpose the caller gives in `X-Access-Purpose` (percent-encoded UTF-8, so 核查信访件 travels
 * in a header: `%E6%A0%B8…`; plain ASCII works as is, and so does raw UTF-8 as curl sends it). Optional on every view, required where a
 * route says so (the audit CSV export, README "Access records").
 */
import type { Request } from 'express';
import { z } from 'zod';
import { cleanPurpose, PURPOSE_MAX, type AccessContext } from '../../app/access-records/record-access';
import { HttpProblem } from '../problem';

const HEADER = 'x-access-purpose';

const describe = (required: boolean) =>
  `Why you read this (recorded in the access record, at most ${PURPOSE_MAX} characters; percent-encoded UTF-8, or raw UTF-8)${required ? ': required' : ''}`;

export const PurposeHeader = z.object({
  [HEADER]: z
    .string()
    .optional()
    .meta({ description: describe(false) }),
});
export const RequiredPurposeHeader = z.object({ [HEADER]: z.string().meta({ description: describe(true) }) });

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The header's text. Percent-encoded UTF-8 is what the document asks for; but curl and many
 * clients send 向市政府报送 as raw UTF-8 bytes, which Node hands over one byte per character
 * (latin1) — stored as such it would read åå¸æ¿… in the accountability log. So a value with
 * bytes above ASCII is read as raw UTF-8 (and not percent-decoded: "50%" stays), else it is
 * percent-decoded. Throws on neither.
 */
export function decodePurposeHeader(raw: string): string {
  if (/[^\x20-\x7e\t]/.test(raw)) {
    try {
      return utf8.decode(Buffer.from(raw, 'latin1'));
    } catch {
      throw invalid('not valid UTF-8');
    }
  }
  try {
    return decodeURIComponent(raw);
  } catch {
    // "Audit 50%": plain text with a percent sign, not an escape that went wrong.
    if (!/%[0-9A-Fa-f]{2}/.test(raw)) return raw;
    throw invalid('not valid percent-encoded UTF-8');
  }
}

function purposeOf(req: Request): string | undefined {
  const raw = req.get(HEADER);
  if (raw === undefined) return undefined;
  const text = decodePurposeHeader(raw);
  // Cut short, the accountability record would say less than the caller wrote, and not say so.
  // Counted as the record keeps it (cleanPurpose: controls as spaces, trimmed).
  // eslint-disable-next-line no-control-regex
  if (text.replace(/[\u0000-\u001f\u007f]/g, ' ').trim().length > PURPOSE_MAX) throw invalid(`at most ${PURPOSE_MAX} characters`);
  return cleanPurpose(text);
}

const invalid = (message: string) =>
  new HttpProblem(400, 'validation-error', 'Invalid X-Access-Purpose', {
    invalidParams: [{ path: `/headers/${HEADER}`, message }],
  });

export function accessOf(req: Request, opts: { purposeRequired?: boolean } = {}): AccessContext {
  const purpose = purposeOf(req);
  if (opts.purposeRequired && !purpose) throw invalid('required: say why you export this');
  return { via: 'api', requestId: req.id, ...(purpose ? { purpose } : {}) };
}
