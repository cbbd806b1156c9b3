/**
 * The notice dispatcher's contact table and approved SMS texts are read at each use (parsed once
 * per version of the file): an edited department number reaches the next staff notice without a
 * worker restart, as the other policy files do; a broken file stops a worker's start, and a file
 * broken while it runs leaves the last good version in use (a transition addresses its staff
 * notices from the table: it must not stop) and is told once, the file named, until mended.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../config/config';
import { createDeliveryDeps } from '../../activities/notifications/delivery-deps';
import { DEPARTMENT_CONTACTS_FILE, type DepartmentContacts } from '../../policy/department-contacts';
import { SMS_TEMPLATES_FILE } from '../../policy/sms-templates';

describe('the dispatcher reads its contact table and SMS texts at each use', () => {
  const dir = mkdtempSync(join(tmpdir(), 'delivery-deps-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const contactsFile = join(dir, 'department-contacts.json');
  const templatesFile = join(dir, 'sms-templates.json');
  const shipped = JSON.parse(readFileSync(DEPARTMENT_CONTACTS_FILE, 'utf8')) as DepartmentContacts;
  writeFileSync(templatesFile, readFileSync(SMS_TEMPLATES_FILE));
  const config = () => loadConfig({ DEPARTMENT_CONTACTS_FILE: contactsFile, SMS_TEMPLATES_FILE: templatesFile });

  it('when a department’s number is changed in the file, then the next read has it, without a restart', () => {
    writeFileSync(contactsFile, JSON.stringify(shipped));
    const deps = createDeliveryDeps(config());
    assert.equal(deps.contacts().departments.police.phone, shipped.departments.police.phone);
    writeFileSync(
      contactsFile,
      JSON.stringify({
        ...shipped,
        departments: { ...shipped.departments, police: { ...shipped.departments.police, phone: '+8613900000001' } },
      }),
    );
    assert.equal(deps.contacts().departments.police.phone, '+8613900000001');
    assert.equal(deps.smsTemplates().signName.length > 1, true);
  });

  it('when the file is broken, then a worker does not start on it; broken later, the last good version stays in use and it is told once', () => {
    writeFileSync(contactsFile, '{"departments": ');
    assert.throws(
      () => createDeliveryDeps(config()),
      (err: Error) => err.message.includes(contactsFile),
    );
    writeFileSync(contactsFile, JSON.stringify(shipped));
    const told: string[] = [];
    const deps = createDeliveryDeps(config(), { onBrokenFile: (err) => told.push(err.message) });
    writeFileSync(contactsFile, JSON.stringify({ ...shipped, supervisors: { email: 'not an address', phone: 'x' } }));
    assert.equal(deps.contacts().supervisors.email, shipped.supervisors.email, 'the last good table');
    assert.equal(deps.contacts().supervisors.email, shipped.supervisors.email);
    assert.equal(told.length, 1, 'told once per broken version');
    assert.ok(told[0]!.includes(contactsFile) && told[0]!.includes('supervisors'), told[0]);
    const mended = { ...shipped, supervisors: { ...shipped.supervisors, email: 'duty@example.gov.cn' } };
    writeFileSync(contactsFile, JSON.stringify(mended));
    assert.equal(deps.contacts().supervisors.email, 'duty@example.gov.cn', 'mended: the new table');
  });
});
