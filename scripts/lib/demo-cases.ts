/**
 * Demo cases for `npm start`: a few applications submitted through the API as the demo
 * personas would, so inboxes and the supervisor audit have something to show. Idempotent:
 * each uses a fixed Idempotency-Key, so a restart finds the same cases instead of new ones.
 */
import { mintToken } from '../../api/auth/identity';
import type { Config } from '../../config/config';
import { DEMO_PEOPLE, toPerson, type DemoPersona } from '../../tools/simulator/demo-people';

/** The personas whose cases `npm start` submits (the README walk-through uses none of them). */
export const DEMO_CASE_PERSONAS: Array<keyof typeof DEMO_PEOPLE> = ['townOwner', 'pointsHigh', 'noHousing', 'parentWithChildren'];

/** The submission body (POST /api/v1/cases) of a demo persona, with one contact for all. */
export function demoApplication(p: DemoPersona, email = 'demo@example.cn') {
  return {
    route: p.target.route,
    ...(p.target.district ? { district: p.target.district } : {}),
    ...(p.target.town ? { town: p.target.town } : {}),
    applicant: { idNumber: p.idNumber, name: p.name },
    family: p.family.map((m) => {
      const person = toPerson(m);
      return {
        idNumber: person.idNumber,
        name: person.name,
        relation: person.relation,
        ...(person.schoolLevel ? { schoolLevel: person.schoolLevel } : {}),
      };
    }),
    contact: { phone: '13800138000', email, locale: 'zh-CN' },
  };
}

export async function seedDemoCases(apiUrl: string, config: Config, secret: string): Promise<string[]> {
  const lines: string[] = [];
  for (const name of DEMO_CASE_PERSONAS) {
    const persona = DEMO_PEOPLE[name] as DemoPersona;
    const token = await mintToken(
      { sub: `demo-${name}`, role: 'applicant', idNumber: persona.idNumber },
      { secret, issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE },
    );
    const res = await fetch(`${apiUrl}/api/v1/applicant/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `demo-case-${name}` },
      body: JSON.stringify(demoApplication(persona)),
    });
    const body = (await res.json()) as { caseNumber?: string; caseId?: string; detail?: string };
    lines.push(
      res.ok
        ? `  ${body.caseNumber} ${body.caseId} (${name}, applicant token sub demo-${name})`
        : `  ${name}: ${res.status} ${body.detail ?? ''}`,
    );
  }
  return lines;
}
