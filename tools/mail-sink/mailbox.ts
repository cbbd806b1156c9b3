/**
 * The development mailbox page (issue 14): every letter the mail sink received, newest first,
 * and each letter as its recipient would see it, so a newcomer watches the notices arrive.
 *
 *   GET /                 the mailbox (subject, to, received, how often it was delivered)
 *   GET /letters/:n       one letter (its HTML in a sandboxed frame: no scripts, no navigation)
 *   GET /api/letters      the same as JSON (tests, scripts)
 *   GET /healthz
 */
import express, { type Express } from 'express';
import type { Connection } from 'mongoose';
import { receivedMailModel, type ReceivedMailDoc } from './mail.model';

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const page = (title: string, body: string) => `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>
body{font-family:"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",system-ui,sans-serif;margin:2rem;color:#0b0c0c}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.5rem;border-bottom:1px solid #b1b4b6;vertical-align:top}
iframe{width:100%;height:70vh;border:1px solid #b1b4b6}.hint{color:#505a5f}
</style></head><body>${body}</body></html>`;

const shanghai = (d: Date) => d.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });

export function createMailboxApp(opts: { conn: Connection; smtpAddress: string }): Express {
  const mail = receivedMailModel(opts.conn);
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  const newest = () => mail.find().sort({ receivedAt: -1, _id: 1 }).limit(500).lean<ReceivedMailDoc[]>();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'up' });
  });
  app.get('/api/letters', async (_req, res) => {
    res.json({ items: await newest() });
  });
  app.get('/', async (_req, res) => {
    const letters = await newest();
    const rows = letters
      .map(
        (m, i) =>
          `<tr><td><a href="/letters/${i}">${escape(m.subject || '(no subject)')}</a></td><td>${escape(m.to.join(', '))}</td>` +
          `<td>${escape(shanghai(m.receivedAt))}</td><td>${m.deliveries}</td></tr>`,
      )
      .join('');
    res.type('html').send(
      page(
        '开发邮箱 Development mailbox',
        `<h1>开发邮箱 <span class="hint">Development mailbox</span></h1>
<p class="hint">Every letter sent to the mail sink at ${escape(opts.smtpAddress)}, newest first. “Deliveries” above 1 would mean a letter was sent twice with one Message-ID (kept once).</p>
<table><thead><tr><th>主题 Subject</th><th>收件人 To</th><th>收到 Received (北京时间)</th><th>Deliveries</th></tr></thead>
<tbody>${rows || '<tr><td colspan="4">No letters yet.</td></tr>'}</tbody></table>`,
      ),
    );
  });
  app.get('/letters/:n', async (req, res) => {
    const n = Number(req.params.n);
    const letters = await newest();
    const m = Number.isInteger(n) ? letters[n] : undefined;
    if (!m) {
      res.status(404).type('html').send(page('Not found', '<h1>No such letter</h1><p><a href="/">Back to the mailbox</a></p>'));
      return;
    }
    res.type('html').send(
      page(
        m.subject,
        `<p><a href="/">← 开发邮箱 Mailbox</a></p><h1>${escape(m.subject)}</h1>
<dl><dt>From</dt><dd>${escape(m.from)}</dd><dt>To</dt><dd>${escape(m.to.join(', '))}</dd><dt>Message-ID</dt><dd>${escape(m._id)}</dd></dl>
<iframe title="${escape(m.subject)}" sandbox srcdoc="${escape(m.html || `<pre>${escape(m.text)}</pre>`)}"></iframe>`,
      ),
    );
  });
  return app;
}
