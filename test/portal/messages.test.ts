/**
 * The message catalogues: every key in every language, no empty text, the same placeholders in
 * each translation; the language of a request from `?lang=` and Accept-Language.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CATALOGUES, LANGUAGES, chooseLanguage, countryName, message } from '../../src/portal/messages.js';

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();

describe('message catalogues', () => {
  const en = CATALOGUES.en;

  for (const { lang } of LANGUAGES) {
    it(`${lang} has exactly the English keys, each a non-empty text with the same placeholders`, () => {
      const cat = CATALOGUES[lang];
      assert.deepEqual(Object.keys(cat).sort(), Object.keys(en).sort());
      for (const [key, text] of Object.entries(cat)) {
        assert.ok(text.trim().length > 0, `${lang} ${key} is empty`);
        assert.deepEqual(placeholders(text), placeholders(en[key as keyof typeof en]), `${lang} ${key}`);
      }
    });
  }

  it('the Vietnamese catalogue is a translation, not a copy', () => {
    const same = Object.keys(en).filter(
      (k) => en[k as keyof typeof en] === CATALOGUES.vi[k as keyof typeof en] && k !== 'site.name',
    );
    assert.deepEqual(same, []);
  });

  it('fills placeholders', () => {
    assert.equal(
      message('en', 'node.title', { country: 'Viet Nam' }),
      'Digital identity services of Viet Nam',
    );
    assert.equal(message('vi', 'hub.context', { name: 'X' }), 'Trung tâm khu vực: X');
  });

  it('chooses ?lang=, then Accept-Language by q-value, then English', () => {
    assert.equal(chooseLanguage('vi', 'en'), 'vi');
    assert.equal(chooseLanguage('xx', 'vi-VN,vi;q=0.9'), 'vi');
    assert.equal(chooseLanguage(undefined, 'fr-FR,vi;q=0.5,en;q=0.8'), 'en');
    assert.equal(chooseLanguage(undefined, 'en;q=0.1, vi;q=0.9'), 'vi');
    assert.equal(chooseLanguage(undefined, 'vi;q=0'), 'en');
    assert.equal(chooseLanguage(['vi'], undefined), 'en');
    assert.equal(chooseLanguage('<script>', 'de'), 'en');
  });

  it('names countries in the page language', () => {
    assert.equal(countryName('en', 'PH'), 'Philippines');
    assert.notEqual(countryName('vi', 'VN'), 'VN');
  });
});
