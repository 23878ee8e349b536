import { hashPassword } from '../core/password.js';

/** Tasks run on the piscina pool; the pool calls the default export with { task, ... }. */
export type CpuTask = { task: 'hashPassword'; password: string; cost: number };

export default async function run(input: CpuTask): Promise<unknown> {
  switch (input.task) {
    case 'hashPassword':
      return hashPassword(input.password, input.cost);
    default:
      throw new Error(`Unknown CPU task ${(input as { task: string }).task}`);
  }
}
