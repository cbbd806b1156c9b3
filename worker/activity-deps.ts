/** Builds what the activities need from config: the department adapter and the notice renderer (compiled once). */
import type { Connection } from 'mongoose';
import type { ActivityDeps } from '../activities';
import { createDepartmentSystemsClient } from '../activities/adapters/department-systems.client';
import { createRegistersClient } from '../activities/adapters/registers.client';
import { createNoticeRenderer } from '../activities/notifications/renderer';
import { departmentSystemsApiKey, retentionPeriods, type Config } from '../config/config';
import { roundSettings } from '../temporal/admission-rounds';
import { createDeliveryDeps, type DeliveryConfig, type DeliveryDepsOptions } from '../activities/notifications/delivery-deps';

/**
 * The policy folders the worker reads while it runs, as configured (unset: the shipped ones). The
 * API reads the same variables: a deployment gives both processes the same folders.
 */
export function policyDirs(
  config: Pick<Config, 'POINTS_DIR' | 'AUTHORITIES_DIR' | 'CALENDAR_DIR'>,
): Pick<ActivityDeps, 'pointsDir' | 'authoritiesDir' | 'calendarDir'> {
  return {
    ...(config.POINTS_DIR ? { pointsDir: config.POINTS_DIR } : {}),
    ...(config.AUTHORITIES_DIR ? { authoritiesDir: config.AUTHORITIES_DIR } : {}),
    ...(config.CALENDAR_DIR ? { calendarDir: config.CALENDAR_DIR } : {}),
  };
}

export function createActivityDeps(
  mongo: Connection,
  config: Pick<
    Config,
    | 'DEPARTMENT_SYSTEMS_URL'
    | 'DEPARTMENT_SYSTEMS_TIMEOUT_MS'
    | 'DEPARTMENT_SYSTEMS_API_KEY'
    | 'CAPACITY_DIR'
    | 'ROUNDS_DIR'
    | 'POINTS_DIR'
    | 'AUTHORITIES_DIR'
    | 'CALENDAR_DIR'
    | 'TEMPORAL_TASK_QUEUE'
    | 'DEADLINE_CLOCK'
    | 'OFFICE_CLOSE'
    | 'PUBLIC_NOTICE_MS'
    | 'ROUND_CLOSE_AFTER_MS'
    | 'RETENTION_CASE_SETTLED_YEARS'
    | 'RETENTION_CASE_ENDED_YEARS'
    | 'RETENTION_ACCESS_RECORD_DAYS'
    | 'TEMPORAL_HISTORY_RETENTION_DAYS'
    | 'RETENTION_BATCH_SIZE'
    | 'WEB_BASE_URL'
  > &
    DeliveryConfig,
  deliveryOptions: DeliveryDepsOptions = {},
): ActivityDeps {
  const delivery = createDeliveryDeps(config, deliveryOptions);
  const dirs = policyDirs(config);
  const systems = {
    baseUrl: config.DEPARTMENT_SYSTEMS_URL,
    timeoutMs: config.DEPARTMENT_SYSTEMS_TIMEOUT_MS,
    apiKey: departmentSystemsApiKey(config),
  };
  return {
    mongo,
    departmentSystems: createDepartmentSystemsClient(systems),
    // The SMS texts it fills are the ones the dispatcher sends: the same file.
    // The letters read the authorities and points versions from the folders the activities do.
    renderer: createNoticeRenderer({
      smsTemplates: delivery.smsTemplates,
      ...(dirs.authoritiesDir ? { authoritiesDir: dirs.authoritiesDir } : {}),
      ...(dirs.pointsDir ? { pointsDir: dirs.pointsDir } : {}),
      ...(config.WEB_BASE_URL ? { serviceUrl: config.WEB_BASE_URL.replace(/\/$/, '') } : {}),
    }),
    registers: createRegistersClient(systems),
    ...(config.CAPACITY_DIR ? { capacityDir: config.CAPACITY_DIR } : {}),
    ...dirs,
    rounds: roundSettings(config),
    contacts: delivery.contacts,
    delivery,
    retention: { periods: retentionPeriods(config), batchSize: config.RETENTION_BATCH_SIZE },
  };
}
