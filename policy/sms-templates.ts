/**
 * The SMS template table (issue 14): the sign name (签名) and, per notice event and locale, the
 * provider's template id and the text it approved, from policy/sms-templates.json or
 * SMS_TEMPLATES_FILE. Every event needs a template in every locale, and each text must use
 * exactly the variables templates/sms-params.ts fills for its event ({1}…{n}, each at least
 * once): a text with one too few would drop the deadline, one too many would be refused by the
 * provider at the first send. Checked when a worker starts; read again at every use (parsed once
 * per version of the file), so a newly approved text applies to the next notice without a restart.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { LOCALES, NOTICE_EVENTS, type Locale, type NoticeEvent } from '../domain/vocabulary';
import { SMS_PARAMS, variablesIn } from '../templates/sms-params';
import { parsedFile, parseJson } from './parsed-file';

export const SMS_TEMPLATES_FILE = join(__dirname, 'sms-templates.json');

const Approved = z.strictObject({
  id: z.string().regex(/^\d{1,16}$/, 'a numeric template id'),
  text: z.string().min(2).max(500),
});
const PerLocale = z.strictObject(Object.fromEntries(LOCALES.map((l) => [l, Approved])) as Record<Locale, typeof Approved>);
const SmsTemplatesFile = z
  .strictObject({
    notes: z.array(z.string()).optional(),
    signName: z.string().min(2).max(20),
    templates: z.strictObject(
      Object.fromEntries(NOTICE_EVENTS.map((e) => [e, PerLocale])) as Record<NoticeEvent, typeof PerLocale>,
    ),
  })
  .superRefine((file, ctx) => {
    const seen = new Map<string, string>();
    for (const event of NOTICE_EVENTS)
      for (const locale of LOCALES) {
        const { id, text } = file.templates[event][locale];
        const path = ['templates', event, locale];
        const want = SMS_PARAMS[event].names.length;
        const used = [...new Set(variablesIn(text))];
        if (used.length !== want || used.some((n, i) => n !== i + 1))
          ctx.addIssue({
            code: 'custom',
            path: [...path, 'text'],
            message: `must use the variables {1}…{${want}} (${SMS_PARAMS[event].names.join(', ')}), each at least once`,
          });
        const other = seen.get(id);
        if (other) ctx.addIssue({ code: 'custom', path: [...path, 'id'], message: `is also the id of ${other}` });
        seen.set(id, `${event}/${locale}`);
      }
  });
export type SmsTemplates = z.infer<typeof SmsTemplatesFile>;

export function loadSmsTemplates(file = SMS_TEMPLATES_FILE): SmsTemplates {
  return parsedFile(file, (text) => {
    const parsed = SmsTemplatesFile.safeParse(parseJson(text, file));
    if (parsed.success) return parsed.data;
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`${file}: ${issues.join('; ')}`);
  });
}

/** The approved template with this id, as the provider looks it up. */
export function approvedTemplate(
  templates: SmsTemplates,
  id: string,
): { event: NoticeEvent; locale: Locale; text: string } | undefined {
  for (const event of NOTICE_EVENTS)
    for (const locale of LOCALES) {
      const t = templates.templates[event][locale];
      if (t.id === id) return { event, locale, text: t.text };
    }
  return undefined;
}
