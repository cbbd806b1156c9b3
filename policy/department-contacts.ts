/**
 * The department contact table (issue 14): the email address and mobile number at which each
 * department's officers and the supervisors receive staff notices (officer reminders,
 * escalations), read from policy/department-contacts.json or DEPARTMENT_CONTACTS_FILE. Checked
 * when a worker starts: a department without both addresses stops it, never a live notice. Read
 * again at every use (parsed once per version of the file): an edited number applies to the
 * next notice without a restart; a worker keeps the last good version while an edit has broken
 * it (activities/notifications/delivery-deps.ts).
 */
import { join } from 'node:path';
import { z } from 'zod';
import { DEPARTMENTS, type Channel, type Department } from '../domain/vocabulary';
import { parsedFile, parseJson } from './parsed-file';

export const DEPARTMENT_CONTACTS_FILE = join(__dirname, 'department-contacts.json');

const Contact = z.strictObject({
  email: z.email(),
  /** E.164, as the SMS gateway takes it. */
  phone: z.string().regex(/^\+\d{8,15}$/, 'an E.164 number such as +8613800000000'),
});
export type Contact = z.infer<typeof Contact>;

const ContactsFile = z.strictObject({
  notes: z.array(z.string()).optional(),
  departments: z.strictObject(Object.fromEntries(DEPARTMENTS.map((d) => [d, Contact])) as Record<Department, typeof Contact>),
  supervisors: Contact,
});
export type DepartmentContacts = z.infer<typeof ContactsFile>;

export function loadDepartmentContacts(file = DEPARTMENT_CONTACTS_FILE): DepartmentContacts {
  return parsedFile(file, (text) => {
    const parsed = ContactsFile.safeParse(parseJson(text, file));
    if (parsed.success) return parsed.data;
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`${file}: ${issues.join('; ')}`);
  });
}

/** The address of a staff recipient on a channel. */
export function staffAddress(
  contacts: DepartmentContacts,
  who: { kind: 'department'; department: Department } | { kind: 'supervisors' },
  channel: Channel,
): string {
  const contact = who.kind === 'department' ? contacts.departments[who.department] : contacts.supervisors;
  return channel === 'email' ? contact.email : contact.phone;
}
