/**
 * README.md's configuration table lists exactly the variables config/config.ts reads, each with
 * its true default and a meaning: adding, removing or re-defaulting a variable without the table
 * fails here.
 *
 * Table rules: a row names one or more variables in backticks (`A` / `B`); the default cell is
 * either one value for all of them or one per variable, separated by " / " in the same order. A
 * value is written in backticks as the config yields it (lists comma-joined), optionally followed
 * by words such as "(5 days)"; a variable without a default starts its cell with "—".
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONFIG_KEYS, loadConfig, type Config } from '../../config/config';
import { firstTable, readmeSection } from '../support/readme';

interface Documented {
  name: string;
  defaultCell: string;
  meaning: string;
}

function documentedVariables(): Documented[] {
  const { header, rows } = firstTable(readmeSection('Configuration'));
  assert.deepEqual(
    header,
    ['variable', 'default', 'meaning'],
    'the configuration table has the columns variable | default | meaning',
  );
  return rows.flatMap(([names = '', defaults = '', meaning = '']) => {
    const vars = names.split(' / ').map((n) => /^`([A-Z][A-Z0-9_]*)`$/.exec(n.trim())?.[1] ?? `(unreadable: ${n})`);
    const parts = defaults.split(' / ');
    return vars.map((name, i) => ({ name, defaultCell: (parts.length === vars.length ? parts[i]! : defaults).trim(), meaning }));
  });
}

function shownDefault(value: Config[keyof Config]): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.join(',');
  return String(value);
}

describe('README configuration table', () => {
  const documented = documentedVariables();
  const names = documented.map((d) => d.name);

  it('when config.ts reads a variable, then the table lists it, and it lists nothing else, once each', () => {
    const missing = CONFIG_KEYS.filter((k) => !names.includes(k));
    const unknown = names.filter((n) => !(CONFIG_KEYS as string[]).includes(n));
    const twice = names.filter((n, i) => names.indexOf(n) !== i);
    assert.deepEqual(
      { missing, unknown, twice },
      { missing: [], unknown: [], twice: [] },
      'README.md "## Configuration" must list exactly CONFIG_KEYS of config/config.ts',
    );
  });

  it('when a variable has a default, then the table shows that very value; without one, "—"', () => {
    const defaults = loadConfig({});
    const wrong = documented
      .filter((d) => (CONFIG_KEYS as string[]).includes(d.name))
      .flatMap((d) => {
        const expected = shownDefault(defaults[d.name as keyof Config]);
        const shown = expected === undefined ? /^—/.test(d.defaultCell) : d.defaultCell.startsWith(`\`${expected}\``);
        return shown
          ? []
          : [`${d.name}: default is ${expected === undefined ? '—' : `\`${expected}\``}, table says "${d.defaultCell}"`];
      });
    assert.deepEqual(wrong, []);
  });

  it('when a variable is listed, then its meaning is written down', () => {
    assert.deepEqual(
      documented.filter((d) => d.meaning.length === 0).map((d) => d.name),
      [],
    );
  });
});
