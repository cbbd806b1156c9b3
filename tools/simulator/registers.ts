/**
 * The simulated departments' registers, written over HTTP (issue 14): what the police population
 * system, housing, education and HR's social-insurance system would answer to our writes.
 *
 *   POST   /registers/:department/:register          Idempotency-Key header; 201 new record, 200 the same key again
 *   DELETE /registers/:department/:register/:key     undo by idempotency key; 200 whether or not there was anything
 *   GET    /registers/:department/:register/:key     one record (polling a transfer's status)
 *   GET    /registers/:department/:register?caseId=  every record of a case (tests, chaos invariants)
 *
 * HR's social-insurance transfer answers `pending` and completes `transferDelayMs` later; then
 * the simulator posts the completion to our callback URL, signed with HMAC-SHA256 of the body
 * under the shared secret. A transfer found past its time on a GET completes then (a restart
 * loses the timers, never the transfer).
 */
import { randomUUID } from 'node:crypto';
import express, { type RequestHandler, type Router } from 'express';
import type { Connection } from 'mongoose';
import { z } from 'zod';
import { DepartmentProblem } from './problems';
import { parseOrThrow } from '../../api/validation';
import { signCallback } from '../../app/callback-signature';
import type { Logger } from '../../config/logger';
import { validateIdNumber } from '../../domain/id-number';
import { CALLBACK_SIGNATURE_HEADER, REGISTERS, type RegisterName, type TransferCompletion } from '../../domain/registers';
import type { Department } from '../../domain/vocabulary';
import { isDuplicateKey } from '../../models/duplicate-key';
import { registerRecordModel, type RegisterRecordDoc } from './register-records.model';

export type RegisterOperation = 'write' | 'undo';

export interface RegisterSettings {
  /** How long an HR transfer stays pending. */
  transferDelayMs: number;
  /** Where HR posts a completed transfer, and the secret it signs with; absent: no callback (we poll). */
  callback?: { url: string; secret: string };
}

export interface RegisterDeps {
  conn: Connection;
  logger: Logger;
  settings: RegisterSettings;
  /** The fault rules of the simulator (app.ts): what to do with the next write or undo. */
  fault(department: Department, operation: RegisterOperation): { delayMs: number; fail: boolean; status: number };
}

const writeBody = z.strictObject({
  caseId: z.string().min(1).max(100),
  item: z.string().min(1).max(100),
  area: z.string().max(50).optional(),
  idNumber: z.string().max(18).optional(),
  name: z.string().max(100).optional(),
  relation: z.string().max(50).optional(),
  level: z.string().max(50).optional(),
  /** A school place the education officer assigned at a named school (not from the planned places). */
  school: z.string().max(200).optional(),
  householdType: z.string().max(20).optional(),
  collectiveHousehold: z.boolean().optional(),
});

const keyHeader = z.string().min(8).max(200);

const RECORD_PREFIX: Record<RegisterName, string> = {
  provisional_registration: 'GA-LS',
  household_registration: 'GA-HJ',
  collective_household_address: 'GA-JT',
  residence_confirmation: 'ZJ-JZ',
  school_place: 'JY-XW',
  social_insurance_transfer: 'RS-SB',
};

function registerAt(department: string, register: string): RegisterName {
  const name = (Object.keys(REGISTERS) as RegisterName[]).find((n) => REGISTERS[n].path === `${department}/${register}`);
  if (!name) throw new DepartmentProblem(404, 'unknown-register', `No register ${department}/${register}`);
  return name;
}

function view(r: RegisterRecordDoc) {
  return {
    recordId: r.recordId ?? null,
    idempotencyKey: r.idempotencyKey,
    status: r.status,
    caseId: r.caseId ?? null,
    item: (r.request?.item as string | undefined) ?? null,
    createdAt: r.createdAt.toISOString(),
    ...(r.completedAt ? { completedAt: r.completedAt.toISOString() } : {}),
    ...(r.undoneAt ? { undoneAt: r.undoneAt.toISOString() } : {}),
  };
}

export function createRegisterRouter(deps: RegisterDeps): Router {
  const records = registerRecordModel(deps.conn);
  const { logger, settings } = deps;
  const router = express.Router();

  /** Applies the fault rule of the department's writes or undos: a delay, a 503, or the rule's refusal. */
  const faulted = async (department: Department, op: RegisterOperation): Promise<void> => {
    const f = deps.fault(department, op);
    if (f.delayMs > 0) await new Promise((r) => setTimeout(r, f.delayMs));
    if (!f.fail) return;
    if (f.status === 503)
      throw new DepartmentProblem(503, 'injected-fault', `The ${department} register is unavailable (injected fault)`);
    throw new DepartmentProblem(f.status, 'injected-refusal', `The ${department} register refuses the ${op} (injected fault)`);
  };

  const sendCallback = async (doc: RegisterRecordDoc): Promise<void> => {
    const cb = settings.callback;
    if (!cb || !doc.recordId || !doc.caseId || !doc.completedAt) return;
    const completion: TransferCompletion = {
      recordId: doc.recordId,
      idempotencyKey: doc.idempotencyKey,
      caseId: doc.caseId,
      status: 'completed',
      completedAt: doc.completedAt.toISOString(),
    };
    const body = JSON.stringify(completion);
    const signature = signCallback(cb.secret, body);
    for (let attempt = 1; attempt <= 5; attempt++) {
      try {
        const res = await fetch(cb.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [CALLBACK_SIGNATURE_HEADER]: signature },
          body,
          signal: AbortSignal.timeout(5000),
        });
        if (res.ok) {
          await records.updateOne({ _id: doc._id }, { $set: { callbackDelivered: true } });
          return;
        }
        logger.warn({ status: res.status, attempt }, 'transfer callback refused');
      } catch (err) {
        logger.warn({ err: (err as Error).message, attempt }, 'transfer callback failed');
      }
      await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
    }
  };

  /** Completes a pending transfer (from its timer, or a GET past its time) and calls back once. */
  const complete = async (_id: string): Promise<void> => {
    const res = await records.updateOne({ _id, status: 'pending' }, { $set: { status: 'completed', completedAt: new Date() } });
    if (res.modifiedCount === 0) return;
    const doc = await records.findById(_id).lean();
    if (doc) void sendCallback(doc);
  };

  /**
   * Completes a transfer at its time. A store that is away then (the chaos run's FerretDB outage)
   * is tried again, 1 s doubling to 30 s for about ten minutes, as a department system would keep
   * its own work: giving up at once left the case waiting for its hourly status check.
   */
  const completeWhenDue = (_id: string, delayMs: number, attempt = 1): void => {
    setTimeout(() => {
      complete(_id).catch((err: unknown) => {
        logger.warn(
          { err: err instanceof Error ? err.message : String(err), attempt },
          'transfer completion failed; trying again',
        );
        if (attempt < 25) completeWhenDue(_id, Math.min(1000 * 2 ** (attempt - 1), 30_000), attempt + 1);
      });
    }, delayMs).unref();
  };

  const write: RequestHandler<{ department: string; register: string }> = async (req, res) => {
    const name = registerAt(req.params.department, req.params.register);
    const department = REGISTERS[name].department;
    const key = req.get('idempotency-key');
    if (!keyHeader.safeParse(key).success)
      throw new DepartmentProblem(400, 'idempotency-key-required', 'A write needs an Idempotency-Key header (8–200 characters)');
    await faulted(department, 'write');
    const body = parseOrThrow(writeBody, req.body, 'body');
    if (body.idNumber !== undefined) {
      const id = validateIdNumber(body.idNumber, { today: new Date().toISOString().slice(0, 10) });
      if (!id.ok) throw new DepartmentProblem(400, 'invalid-id-number', id.message, { reason: id.reason });
    }
    const _id = `${REGISTERS[name].path}:${key!}`;
    const transfer = name === 'social_insurance_transfer';
    const now = new Date();
    try {
      await records.create({
        _id,
        department,
        register: name,
        idempotencyKey: key!,
        recordId: `${RECORD_PREFIX[name]}-${now.getUTCFullYear()}-${randomUUID().slice(0, 8).toUpperCase()}`,
        status: transfer ? 'pending' : 'active',
        caseId: body.caseId,
        request: body,
        createdAt: now,
        ...(transfer ? { completesAt: new Date(now.getTime() + settings.transferDelayMs) } : {}),
      });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const existing = await records.findById(_id).lean();
      if (!existing) throw err;
      if (existing.caseId !== undefined && existing.caseId !== body.caseId)
        throw new DepartmentProblem(409, 'idempotency-key-reused', 'This idempotency key was used for another case');
      // The same key again (a retry): the first record, whatever became of it.
      res.status(200).json(view(existing));
      return;
    }
    if (transfer) completeWhenDue(_id, settings.transferDelayMs);
    logger.debug({ register: name }, 'register written');
    res.status(201).json(view((await records.findById(_id).lean())!));
  };

  const undo: RequestHandler<{ department: string; register: string; key: string }> = async (req, res) => {
    const name = registerAt(req.params.department, req.params.register);
    const department = REGISTERS[name].department;
    const key = parseOrThrow(keyHeader, req.params.key, 'params');
    await faulted(department, 'undo');
    const _id = `${REGISTERS[name].path}:${key}`;
    const doc = await records.findById(_id).lean();
    if (!doc) {
      // Nothing written under this key (the write never arrived): leave a tombstone, so a write
      // still on its way finds the record undone instead of creating one nobody will undo.
      try {
        await records.create({
          _id,
          department,
          register: name,
          idempotencyKey: key,
          status: 'undone',
          createdAt: new Date(),
          undoneAt: new Date(),
        });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      res.json({ undone: false, record: view((await records.findById(_id).lean())!) });
      return;
    }
    if (doc.status !== 'undone') await records.updateOne({ _id }, { $set: { status: 'undone', undoneAt: new Date() } });
    res.json({ undone: doc.status !== 'undone', record: view((await records.findById(_id).lean())!) });
  };

  const readOne: RequestHandler<{ department: string; register: string; key: string }> = async (req, res) => {
    const name = registerAt(req.params.department, req.params.register);
    const _id = `${REGISTERS[name].path}:${req.params.key}`;
    let doc = await records.findById(_id).lean();
    if (doc?.status === 'pending' && doc.completesAt && doc.completesAt.getTime() <= Date.now()) {
      await complete(_id);
      doc = await records.findById(_id).lean();
    }
    if (!doc) throw new DepartmentProblem(404, 'record-not-found', 'No record under this idempotency key');
    res.json(view(doc));
  };

  const list: RequestHandler<{ department: string; register: string }> = async (req, res) => {
    const name = registerAt(req.params.department, req.params.register);
    const { caseId } = parseOrThrow(z.object({ caseId: z.string().min(1).max(100).optional() }), req.query, 'query');
    const docs = await records.find({ register: name, ...(caseId ? { caseId } : {}) }).lean();
    res.json({ records: docs.map(view) });
  };

  router.post('/:department/:register', express.json({ limit: '8kb', strict: true }), write);
  router.delete('/:department/:register/:key', undo);
  router.get('/:department/:register/:key', readOne);
  router.get('/:department/:register', list);
  return router;
}
