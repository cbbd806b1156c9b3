import assert from 'node:assert/strict';
import { createCipheriv, createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { BlindIndex } from '../../security/blind-index';
import { CIPHER_SUITES, SUITE_IDS, SealError } from '../../security/cipher-suites';
import { Keyring, parseDataKey } from '../../security/keyring';
import { formatSealed, isSealed, openValue, parseSealed, sealValue } from '../../security/sealed-value';

const ID_NUMBER = '11010519491231002X';
const keyA = `a:${Buffer.alloc(32, 1).toString('base64')}`;
const keyB = `b:${Buffer.alloc(32, 2).toString('base64')}`;

/** Flips one bit of the body of a sealed text. */
function tamper(text: string, at: number): string {
  const parts = parseSealed(text);
  const body = Buffer.from(parts.body);
  body[at < 0 ? body.length + at : at]! ^= 1;
  return formatSealed({ ...parts, body });
}

describe('national algorithm known answers', () => {
  it('when SM3 hashes "abc", then it gives the GB/T 32905 digest', () => {
    assert.equal(
      createHash('sm3').update('abc').digest('hex'),
      '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
    );
  });

  it('when SM4 enciphers the GB/T 32907 example block, then it gives the standard ciphertext', () => {
    // CTR's first key-stream block is E(K, IV): with IV = the example plaintext and a zero input,
    // the output is the block cipher's own answer, through the very mode the suite uses.
    const k = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');
    const c = createCipheriv('sm4-ctr', k, k);
    assert.equal(Buffer.concat([c.update(Buffer.alloc(16)), c.final()]).toString('hex'), '681edf34d206965e86b3e94f536e4246');
  });
});

for (const suite of SUITE_IDS) {
  describe(`sealing with ${suite}`, () => {
    const ring = Keyring.fromConfig([keyA], suite);

    it('when a value is sealed, then its text names version, suite and key, hides the value, and opens to it', () => {
      const text = sealValue(ring, { idNumber: ID_NUMBER, name: '张三' });
      assert.ok(text.startsWith(`enc:v1:${suite}:a:`), text);
      assert.ok(!text.includes(ID_NUMBER));
      assert.ok(isSealed(text));
      assert.deepEqual(openValue(ring, text), { idNumber: ID_NUMBER, name: '张三' });
    });

    it('when the same value is sealed twice, then the texts differ (a fresh IV each time)', () => {
      assert.notEqual(sealValue(ring, ID_NUMBER), sealValue(ring, ID_NUMBER));
    });

    it('when any part of the body is altered, then it does not open', () => {
      const text = sealValue(ring, ID_NUMBER);
      for (const at of [0, 20, -1]) assert.throws(() => openValue(ring, tamper(text, at)), SealError);
    });

    it('when the key id or suite in the header is swapped, then it does not open', () => {
      const sealed = parseSealed(sealValue(ring, ID_NUMBER));
      const twoKeys = Keyring.fromConfig([keyA, `c:${Buffer.alloc(32, 1).toString('base64')}`], suite);
      assert.throws(
        () => twoKeys.open({ ...sealed, keyId: 'c' }),
        SealError,
        'same key bytes, other id: header is authenticated',
      );
      const other = SUITE_IDS.find((s) => s !== suite)!;
      assert.throws(() => ring.open({ ...sealed, suite: other }), SealError);
    });

    it('when opened with a wrong key under the same id, then it does not open', () => {
      const wrong = Keyring.fromConfig([`a:${Buffer.alloc(32, 9).toString('base64')}`], suite);
      assert.throws(() => openValue(wrong, sealValue(ring, ID_NUMBER)), SealError);
    });

    it('when the key id is not configured, then opening fails naming the key', () => {
      assert.throws(
        () => openValue(Keyring.fromConfig([keyB], suite), sealValue(ring, ID_NUMBER)),
        /key a, which is not configured/,
      );
    });

    it('when the suite seals a long text, then it opens to it (multi-block CTR / GCM)', () => {
      const long = '张三'.repeat(1000);
      assert.equal(openValue(ring, sealValue(ring, long)), long);
    });
  });
}

describe('keyring rotation', () => {
  it('when the current key changes, then new values use it and old values still open, whichever suite sealed them', () => {
    const old = Keyring.fromConfig([keyA], 'aes-256-gcm');
    const rotated = Keyring.fromConfig([keyB, keyA], 'sm4-ctr-hmac-sm3');
    const before = sealValue(old, ID_NUMBER);
    const after = sealValue(rotated, ID_NUMBER);
    assert.ok(after.startsWith('enc:v1:sm4-ctr-hmac-sm3:b:'));
    assert.equal(openValue(rotated, before), ID_NUMBER);
    assert.ok(rotated.isStale(parseSealed(before)));
    assert.ok(!rotated.isStale(parseSealed(after)));
  });

  it('when a key has no id, then its id is a digest of it; two different keys under one id are refused', () => {
    assert.match(parseDataKey(Buffer.alloc(32, 1).toString('base64')).id, /^[0-9a-f]{16}$/);
    assert.throws(
      () => Keyring.fromConfig([keyA, `a:${Buffer.alloc(32, 2).toString('base64')}`], 'aes-256-gcm'),
      /share the id a/,
    );
    assert.throws(() => parseDataKey('a:c2hvcnQ='), /32 bytes/);
  });

  it('when a text is not a sealed value or names an unknown suite, then parsing refuses it', () => {
    assert.throws(() => parseSealed('11010519491231002X'), SealError);
    assert.throws(() => parseSealed('enc:v1:rot13:a:AAAA'), /unknown cipher suite/);
  });

  it('when a suite opens a body that is too short, then it refuses it', () => {
    for (const s of SUITE_IDS)
      assert.throws(() => CIPHER_SUITES[s].open(Buffer.alloc(32), Buffer.alloc(0), Buffer.alloc(8)), SealError);
  });
});

describe('blind index', () => {
  const key = Buffer.alloc(32, 7);

  it('when the same ID number is written in either case or with spaces, then its index is the same', () => {
    const bi = new BlindIndex(key, 'aes-256-gcm');
    assert.equal(bi.of('id-number', '11010519491231002x'), bi.of('id-number', ` ${ID_NUMBER} `));
    assert.ok(!bi.of('id-number', ID_NUMBER).includes(ID_NUMBER));
  });

  it('when the purpose differs, then the same input has another index', () => {
    const bi = new BlindIndex(key, 'aes-256-gcm');
    assert.notEqual(bi.of('id-number', '13800138000'), bi.of('phone', '13800138000'));
    assert.equal(bi.of('phone', '+86 138 0013 8000'), bi.of('phone', '13800138000'));
  });

  it('when the key or the suite differs, then the index differs, and the hash is named in it', () => {
    const sha = new BlindIndex(key, 'aes-256-gcm').of('id-number', ID_NUMBER);
    const sm3 = new BlindIndex(key, 'sm4-ctr-hmac-sm3').of('id-number', ID_NUMBER);
    assert.match(sha, /^bi:sha256:/);
    assert.match(sm3, /^bi:sm3:/);
    assert.notEqual(new BlindIndex(Buffer.alloc(32, 8), 'aes-256-gcm').of('id-number', ID_NUMBER), sha);
  });
});
