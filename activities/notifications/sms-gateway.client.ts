/**
 * SMS through a gateway shaped like Tencent Cloud SendSms (2021-01-11; FACTS "Delivery"): phone
 * numbers, app id, sign name, template id and parameters in, with our idempotency key (the
 * notice id) as SessionContext; per-recipient SendStatus (SerialNo, Code, Message) out. The
 * delivery receipt arrives later at our callback (api/routers/callbacks.router.ts). Providers
 * such as Aliyun state SendSms is not idempotent: the key is ours to send, and the shipped
 * simulator dedupes on it (tools/simulator/sms-gateway.ts).
 */
import { DeliveryError } from './delivery-error';

export interface SmsRequest {
  noticeId: string;
  phone: string;
  templateId: string;
  params: string[];
  signName: string;
}

export interface SmsGatewayClient {
  send(r: SmsRequest): Promise<{ serialNo: string }>;
}

interface SendStatus {
  SerialNo: string;
  PhoneNumber: string;
  Code: string;
  Message: string;
}
interface SendSmsResponse {
  Response: { SendStatusSet?: SendStatus[]; Error?: { Code: string; Message: string }; RequestId: string };
}

/** Codes that will not change by sending again (a bad number, an unapproved template or sign). */
const PERMANENT = [/^InvalidParameterValue\./, /^UnsupportedOperation\./, /^FailedOperation\.(Template|Sign|PhoneNumber)/];
const isPermanent = (code: string) => PERMANENT.some((p) => p.test(code));

export function createSmsGatewayClient(opts: {
  url: string;
  appId: string;
  timeoutMs: number;
  /** Sent as `Authorization: Bearer` (the simulator's key; a provider's own scheme would go here). */
  apiKey?: string | undefined;
}): SmsGatewayClient {
  return {
    async send(r) {
      let res: Response;
      try {
        res = await fetch(`${opts.url}/sms/v1/SendSms`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}) },
          body: JSON.stringify({
            PhoneNumberSet: [r.phone],
            SmsSdkAppId: opts.appId,
            SignName: r.signName,
            TemplateId: r.templateId,
            TemplateParamSet: r.params,
            SessionContext: r.noticeId,
          }),
          signal: AbortSignal.timeout(opts.timeoutMs),
        });
      } catch (err) {
        throw new DeliveryError(`SMS gateway unreachable: ${err instanceof Error ? err.message : String(err)}`, false);
      }
      if (!res.ok) throw new DeliveryError(`SMS gateway answered HTTP ${res.status}`, false);
      const body = (await res.json()) as SendSmsResponse;
      const error = body.Response.Error;
      if (error) throw new DeliveryError(`${error.Code}: ${error.Message}`, isPermanent(error.Code));
      const status = body.Response.SendStatusSet?.find((s) => s.PhoneNumber === r.phone) ?? body.Response.SendStatusSet?.[0];
      if (!status) throw new DeliveryError('SMS gateway answered without a send status', false);
      if (status.Code !== 'Ok') throw new DeliveryError(`${status.Code}: ${status.Message}`, isPermanent(status.Code));
      return { serialNo: status.SerialNo };
    },
  };
}
