/** The notice letter shown on the applicant's page as text (web/pages/applicant/letter-text.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { letterText } from '../../web/pages/applicant/letter-text';

describe('letterText', () => {
  it('when a letter has headings, paragraphs, a list and a table, then each becomes its own line and source line breaks do not', () => {
    const html = `<!doctype html><html><head><title>准予落户通知</title></head><body>
<h1>准予落户通知</h1>
<p>户口类型：<strong>居民户口</strong>。</p>
<table>
<tr><th>姓名</th><th>关系</th></tr>
<tr><td>林静</td><td>配偶</td></tr>
</table>
<ul>
<li>陈可欣：学位已落实。</li>
</ul>
<p>西安市落户服务平台<br>请勿直接回复。</p>
</body></html>`;
    assert.equal(
      letterText(html),
      '准予落户通知\n\n户口类型：居民户口。\n\n姓名 关系\n林静 配偶\n\n• 陈可欣：学位已落实。\n\n西安市落户服务平台\n请勿直接回复。',
    );
  });

  it('when a paragraph is the email’s own ("do not reply to this email"), then the page leaves it out', () => {
    assert.equal(
      letterText('<p>西安市落户服务平台</p>\n<p class="email-only">本邮件由系统自动发送，请勿直接回复。</p>'),
      '西安市落户服务平台',
    );
  });

  it('when the markup holds scripts, comments or entities, then scripts and comments are dropped and entities become characters for the page to escape', () => {
    assert.equal(letterText('<p>a &lt;b&gt; &#x4e2d; &amp;amp;</p><script>alert(1)</script><!-- x -->'), 'a <b> 中 &amp;');
  });
});
