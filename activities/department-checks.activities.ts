/** The automated half of each department step (§8–9): lookups through the department adapter. */
import { Context } from '@temporalio/activity';
import type { CheckRecord } from '../domain/case-state';
import { findingsFor, personsToCheck } from '../domain/check-findings';
import type { Application, Department } from '../domain/vocabulary';
import type { DepartmentSystemsClient } from './adapters/department-systems.client';

export interface DepartmentCheckInput {
  caseId: string;
  department: Department;
  application: Application;
  /**
   * The area a home must be in to count (the case's `residenceArea`, taken with the workflow's
   * `residence-in-area` patch); absent for cases started before it, which ignore areas.
   */
  residenceArea?: string;
}

export function createDepartmentCheckActivities({ departmentSystems }: { departmentSystems: DepartmentSystemsClient }) {
  return {
    /** Read-only lookups: safe to retry any number of times. */
    async runDepartmentCheck({ department, application, residenceArea }: DepartmentCheckInput): Promise<CheckRecord> {
      const area = application.district ?? application.town ?? '';
      const signal = Context.current().cancellationSignal;
      const results: CheckRecord['results'] = [];
      for (const { personIndex, person } of personsToCheck(department, application)) {
        const lookup = await departmentSystems.check(department, person.idNumber, area, { signal });
        results.push({ personIndex, result: lookup.found ? lookup.result : null });
      }
      return { at: new Date().toISOString(), results, findings: findingsFor(department, results, application, residenceArea) };
    },
  };
}
