/**
 * An SMS provider sends only the text it approved under a template id (policy/sms-templates.json),
 * so a text changed in the file under its old id would be stored and shown as sent while the phone
 * got the old one. The approved texts are pinned here by id.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadSmsTemplates } from '../../policy/sms-templates';

const approved = (
  JSON.parse(readFileSync(path.join(__dirname, '../fixtures/sms-approved-texts.json'), 'utf8')) as {
    approved: Record<string, string>;
  }
).approved;

describe('SMS templates and the texts approved under their ids', () => {
  it('when a template names an id, then its text is the one approved under that id (a changed text takes a new id)', () => {
    const table = loadSmsTemplates();
    for (const [event, byLocale] of Object.entries(table.templates))
      for (const [locale, t] of Object.entries(byLocale)) {
        assert.ok(t.id in approved, `${event}/${locale}: id ${t.id} is not among the approved (register it, then add it)`);
        assert.equal(t.text, approved[t.id], `${event}/${locale}: the text under ${t.id} is not the one approved`);
      }
  });

  it('when two templates are listed, then no id serves two texts', () => {
    const table = loadSmsTemplates();
    const ids = Object.values(table.templates).flatMap((byLocale) => Object.values(byLocale).map((t) => t.id));
    assert.equal(new Set(ids).size, ids.length);
  });
});
