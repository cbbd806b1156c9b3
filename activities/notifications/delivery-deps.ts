/** The notice dispatcher's senders and settings from configuration (issue 14): worker, tests and scripts alike. */
import { smsGatewayApiKey, type Config } from '../../config/config';
import { loadDepartmentContacts } from '../../policy/department-contacts';
import { loadSmsTemplates } from '../../policy/sms-templates';
import type { DeliveryDeps } from '../notice-dispatch.activities';
import { createEmailSender } from './email-sender';
import { createSmsGatewayClient } from './sms-gateway.client';

export type DeliveryConfig = Pick<
  Config,
  | 'SMTP_URL'
  | 'MAIL_FROM'
  | 'SMS_GATEWAY_URL'
  | 'DEPARTMENT_SYSTEMS_URL'
  | 'SMS_APP_ID'
  | 'SMS_GATEWAY_API_KEY'
  | 'DEPARTMENT_SYSTEMS_API_KEY'
  | 'NODE_ENV'
  | 'NOTICE_RATE_PER_SECOND_SMS'
  | 'NOTICE_RATE_PER_SECOND_EMAIL'
  | 'NOTICE_MAX_ATTEMPTS'
  | 'NOTICE_MAX_AGE_MS'
  | 'NOTICE_RETRY_BASE_MS'
  | 'NOTICE_RETRY_MAX_MS'
  | 'NOTICE_POLL_MS'
  | 'NOTICE_SEND_TIMEOUT_MS'
  | 'DEPARTMENT_CONTACTS_FILE'
  | 'SMS_TEMPLATES_FILE'
>;

/**
 * A policy file read at each use (parsed once per version: policy/parsed-file.ts) that keeps its
 * last good version while an edit has broken it. Read once here, so that a worker does not start
 * on a broken file; broken later, it must not stop anything (a case's transition addresses its
 * staff notices from the contact table), only be told: `onBroken`, once per broken version.
 */
function lastGood<T>(read: () => T, onBroken: (err: Error) => void): () => T {
  let good = read();
  let told: string | undefined;
  return () => {
    try {
      good = read();
      told = undefined;
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      if (told !== e.message) onBroken(e);
      told = e.message;
    }
    return good;
  };
}

export interface DeliveryDepsOptions {
  /** Told when the contact table or the SMS texts, edited while running, do not load (the last good stays in use). */
  onBrokenFile?: (err: Error) => void;
}

export function createDeliveryDeps(config: DeliveryConfig, options: DeliveryDepsOptions = {}): DeliveryDeps {
  const onBroken = options.onBrokenFile ?? (() => undefined);
  const smsTemplates = lastGood(() => loadSmsTemplates(config.SMS_TEMPLATES_FILE), onBroken);
  const contacts = lastGood(() => loadDepartmentContacts(config.DEPARTMENT_CONTACTS_FILE), onBroken);
  return {
    email: createEmailSender({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM, timeoutMs: config.NOTICE_SEND_TIMEOUT_MS }),
    sms: createSmsGatewayClient({
      url: config.SMS_GATEWAY_URL ?? config.DEPARTMENT_SYSTEMS_URL,
      appId: config.SMS_APP_ID,
      timeoutMs: config.NOTICE_SEND_TIMEOUT_MS,
      apiKey: smsGatewayApiKey(config),
    }),
    smsTemplates,
    contacts,
    settings: {
      ratePerSecond: { sms: config.NOTICE_RATE_PER_SECOND_SMS, email: config.NOTICE_RATE_PER_SECOND_EMAIL },
      retry: {
        maxAttempts: config.NOTICE_MAX_ATTEMPTS,
        maxAgeMs: config.NOTICE_MAX_AGE_MS,
        baseDelayMs: config.NOTICE_RETRY_BASE_MS,
        maxDelayMs: config.NOTICE_RETRY_MAX_MS,
      },
      pollMs: config.NOTICE_POLL_MS,
      leaseMs: config.NOTICE_SEND_TIMEOUT_MS * 3,
    },
  };
}
