/**
 * The embedded identity provider's people: the accounts file (accounts.dev.json by default, or
 * IDENTITY_ACCOUNTS_FILE), checked at start. A password is held only as a salted scrypt hash
 * (a file may give `password` for demo accounts, hashed here at load, or `passwordHash`), and
 * never logged. Claims follow app/access-token.ts: `role`, for applicants the verified citizen ID
 * number (`idNumber` here, claim `id_number`), and for officers `department` and
 * where they act — `district` (one or more area codes) or `jurisdiction: "city"`, and an officer
 * entry without either is refused at load, as the API would refuse its token.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import type { Area } from '../../domain/capacity';
import { DEPARTMENTS, type Department } from '../../domain/vocabulary';
import { CITY_JURISDICTION, SCOPE_AREAS } from '../../app/officer-scope';
import { IdNumber } from '../../app/commands/application-input';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;
const KEY_LENGTH = 32;

export const DEV_ACCOUNTS_FILE = join(__dirname, 'accounts.dev.json');

const Identity = z.discriminatedUnion('role', [
  // Real-name sign-in: the citizen ID number the provider verified, the one person the account applies as.
  z.object({ role: z.literal('applicant'), idNumber: IdNumber }),
  z
    .object({
      role: z.literal('officer'),
      department: z.enum(DEPARTMENTS),
      district: z.array(z.enum(SCOPE_AREAS)).min(1).optional(),
      jurisdiction: z.literal(CITY_JURISDICTION).optional(),
    })
    .refine((o) => (o.district === undefined) !== (o.jurisdiction === undefined), {
      message: 'an officer needs exactly one of district (area codes) or jurisdiction: "city"',
    }),
  z.object({ role: z.literal('supervisor') }),
  z.object({ role: z.literal('auditor') }),
  z.object({ role: z.literal('operator') }),
]);
const Entry = z
  .object({
    username: z.string().regex(/^[a-z0-9._-]{2,64}$/, 'lower-case letters, digits, . _ - (2–64)'),
    sub: z.string().min(1).max(128),
    name: z.string().min(1).max(100),
    password: z.string().min(8).optional(),
    passwordHash: z
      .string()
      .regex(/^scrypt\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/, 'scrypt$<salt base64url>$<hash base64url>')
      .optional(),
  })
  .and(Identity)
  .refine((e) => (e.password === undefined) !== (e.passwordHash === undefined), 'give exactly one of password, passwordHash');
const AccountsFile = z.object({ accounts: z.array(Entry).min(1) });

export interface Account {
  username: string;
  sub: string;
  name: string;
  role: 'applicant' | 'officer' | 'supervisor' | 'auditor' | 'operator';
  /** An applicant's verified citizen ID number (claim `id_number`). */
  idNumber?: string;
  department?: Department;
  district?: Area[];
  jurisdiction?: typeof CITY_JURISDICTION;
}

/** What the accounts file lists for demos (username and demo password), for `npm start` to print. */
export interface DemoLogin {
  username: string;
  password: string;
  role: string;
}

export async function hashPassword(password: string, salt: Buffer = randomBytes(16)): Promise<string> {
  const hash = await scryptAsync(password, salt, KEY_LENGTH);
  return `scrypt$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

async function passwordMatches(password: string, stored: string): Promise<boolean> {
  const [, salt = '', hash = ''] = stored.split('$');
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length || KEY_LENGTH);
  return expected.length > 0 && timingSafeEqual(actual, expected);
}

function parseAccountsFile(file: string): z.infer<typeof AccountsFile> {
  const parsed = AccountsFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    // Names the entry and field, never a value (it could be a password).
    const where = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`accounts file ${file} is invalid: ${where}`);
  }
  const names = parsed.data.accounts.map((a) => a.username);
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  if (twice.length) throw new Error(`accounts file ${file}: username listed twice: ${twice.join(', ')}`);
  return parsed.data;
}

/** Demo logins of a file (entries with a plain `password`), for the start-up banner. */
export function demoLogins(file: string): DemoLogin[] {
  return parseAccountsFile(file).accounts.flatMap((a) =>
    a.password === undefined
      ? []
      : [
          {
            username: a.username,
            password: a.password,
            role: a.role === 'officer' ? `officer/${a.department} (${a.district?.join(', ') ?? a.jurisdiction})` : a.role,
          },
        ],
  );
}

/** The officers of a file, as the provider's roster (app/commands/officer-roster.ts): what `npm start` syncs. */
export function officerRoster(file: string): Array<{
  sub: string;
  name: string;
  department: Department;
  district?: Area[];
  jurisdiction?: typeof CITY_JURISDICTION;
}> {
  return parseAccountsFile(file).accounts.flatMap((a) =>
    a.role === 'officer'
      ? [
          {
            sub: a.sub,
            name: a.name,
            department: a.department,
            ...(a.district ? { district: a.district } : {}),
            ...(a.jurisdiction ? { jurisdiction: a.jurisdiction } : {}),
          },
        ]
      : [],
  );
}

export interface AccountStore {
  /** The account when the password is right; undefined otherwise (same time either way, roughly). */
  authenticate(username: string, password: string): Promise<Account | undefined>;
  bySub(sub: string): Account | undefined;
}

export async function loadAccounts(file: string): Promise<AccountStore> {
  const entries = parseAccountsFile(file).accounts;
  const byUsername = new Map<string, { account: Account; hash: string }>();
  const bySub = new Map<string, Account>();
  for (const e of entries) {
    const account: Account = {
      username: e.username,
      sub: e.sub,
      name: e.name,
      role: e.role,
      ...(e.role === 'applicant' ? { idNumber: e.idNumber } : {}),
      ...(e.role === 'officer'
        ? {
            department: e.department,
            ...(e.district ? { district: e.district } : {}),
            ...(e.jurisdiction ? { jurisdiction: e.jurisdiction } : {}),
          }
        : {}),
    };
    byUsername.set(e.username, { account, hash: e.passwordHash ?? (await hashPassword(e.password!)) });
    bySub.set(e.sub, account);
  }
  // Unknown usernames still pay for one scrypt, so timing does not tell which names exist.
  const decoy = await hashPassword(randomBytes(16).toString('hex'));
  return {
    async authenticate(username, password) {
      const found = byUsername.get(username.trim().toLowerCase());
      const ok = await passwordMatches(password, found?.hash ?? decoy);
      return ok && found ? found.account : undefined;
    },
    bySub: (sub) => bySub.get(sub),
  };
}
