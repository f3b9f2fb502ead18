import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';

/** Polls `probe` until it returns a value, or fails naming what it waited for. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 500));
  }
}

/** Waits until the catalog serves the template, so tasks can be started from it. */
export async function waitForTemplate(
  server: any,
  name: string,
  user = 'user:default/chen.wei',
): Promise<void> {
  await eventually(`the template ${name} in the catalog`, async () => {
    const res = await request(server)
      .get(`/api/catalog/entities/by-name/template/default/${name}`)
      .set('Authorization', mockCredentials.user.header(user));
    return res.status === 200 ? true : undefined;
  });
}

/**
 * Runs a catalog template as `user` the way the app starts a task (POST /api/scaffolder/v2/tasks), waits for its end
 * and returns its status and log.
 */
export async function runTemplateTask(
  server: any,
  user: string,
  templateRef: string,
  values: Record<string, unknown>,
): Promise<{ status: string; log: string }> {
  const auth = mockCredentials.user.header(user);
  const created = await request(server)
    .post('/api/scaffolder/v2/tasks')
    .set('Authorization', auth)
    .send({ templateRef, values });
  if (created.status !== 201) {
    throw new Error(
      `Task not created: ${created.status} ${JSON.stringify(created.body)}`,
    );
  }
  const id = created.body.id;
  const logSoFar = async () => {
    const events = await request(server)
      .get(`/api/scaffolder/v2/tasks/${id}/events`)
      .set('Authorization', auth);
    return (events.body as any[])
      .map((e: any) => e.body?.message ?? '')
      .join('\n');
  };
  let status: string;
  try {
    status = await eventually(
      'the task to finish',
      async () => {
        const task = await request(server)
          .get(`/api/scaffolder/v2/tasks/${id}`)
          .set('Authorization', auth);
        return ['completed', 'failed', 'cancelled'].includes(task.body.status)
          ? (task.body.status as string)
          : undefined;
      },
      180_000,
    );
  } catch (error) {
    // a task that never ends says where it stopped
    throw new Error(
      `${(error as Error).message}; its log so far:\n${await logSoFar()}`,
    );
  }
  return { status, log: await logSoFar() };
}
