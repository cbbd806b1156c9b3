/** What a request line logs of the URL (api/http/logged-url.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loggedUrl } from '../../api/http/logged-url';

const url = (originalUrl: string) => loggedUrl({ path: originalUrl.split('?')[0]!, originalUrl });

describe('loggedUrl', () => {
  it('when a page is asked with a purpose, then its value is withheld (given twice, both) and the rest of the query kept', () => {
    const logged = url('/supervisor/cases/c-1/audit.csv?purpose=%E4%BF%A1%E8%AE%BF%E6%A0%B8%E6%9F%A5+%E5%BC%A0%E4%B8%89&lang=en');
    assert.equal(logged, '/supervisor/cases/c-1/audit.csv?purpose=withheld&lang=en');
    assert.equal(url('/x?purpose=a&purpose=b'), '/x?purpose=withheld');
  });

  it('when the language switch carries a page asked with a purpose, then the purpose inside its back link is withheld too', () => {
    const back = encodeURIComponent('/supervisor/cases/c-1?purpose=信访核查 张三&lang=en');
    assert.equal(
      url(`/lang/zh-CN?back=${back}`),
      `/lang/zh-CN?back=${encodeURIComponent('/supervisor/cases/c-1?purpose=withheld&lang=en')}`,
    );
    assert.equal(
      url(`/lang/en?back=${encodeURIComponent('/officer/inbox?area=huyi')}`),
      `/lang/en?back=${encodeURIComponent('/officer/inbox?area=huyi')}`,
    );
  });

  it('when a link carries two back links, then the purpose is withheld in each', () => {
    const back = (u: string) => `back=${encodeURIComponent(u)}`;
    assert.equal(
      url(`/lang/en?${back('/x')}&${back('/y?purpose=张三')}`),
      `/lang/en?${back('/x')}&${back('/y?purpose=withheld')}`,
    );
  });

  it('when there is no purpose, then the URL is logged as asked; the sign-in callback by its path only', () => {
    assert.equal(url('/api/v1/officer/inbox?limit=20&cursor=abc'), '/api/v1/officer/inbox?limit=20&cursor=abc');
    assert.equal(url('/officer/inbox'), '/officer/inbox');
    assert.equal(url('/auth/callback?code=secret&state=s'), '/auth/callback');
  });
});
