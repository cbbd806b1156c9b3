/**
 * The SMS template table (issue 14): the sign name (签名) and the provider's template id per
 * notice event, from policy/sms-templates.json or SMS_TEMPLATES_FILE. Every notice event needs a
 * template: checked when a worker starts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { NOTICE_EVENTS, type NoticeEvent } from '../domain/vocabulary';

export const SMS_TEMPLATES_FILE = join(__dirname, 'sms-templates.json');

const TemplateId = z.string().regex(/^\d{1,16}$/, 'a numeric template id');
const SmsTemplatesFile = z.strictObject({
  notes: z.array(z.string()).optional(),
  signName: z.string().min(2).max(20),
  templates: z.strictObject(
    Object.fromEntries(NOTICE_EVENTS.map((e) => [e, TemplateId])) as Record<NoticeEvent, typeof TemplateId>,
  ),
});
export type SmsTemplates = z.infer<typeof SmsTemplatesFile>;

export function loadSmsTemplates(file = SMS_TEMPLATES_FILE): SmsTemplates {
  const parsed = SmsTemplatesFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new Error(`${file}: ${issues.join('; ')}`);
}
