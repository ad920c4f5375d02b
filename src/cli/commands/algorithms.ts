import type { Command } from 'commander';
import { algorithms } from '../../algorithms/index.js';

export function algorithmsCommand(program: Command): void {
  program
    .command('algorithms')
    .description('List the algorithms with their default parameters.')
    .option('--json', 'print as JSON')
    .action((o: { json?: boolean }) => {
      const list = algorithms.map((a) => ({ name: a.name, summary: a.summary, defaults: a.paramsSchema.parse({}) }));
      if (o.json) {
        process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      for (const a of list) process.stdout.write(`${a.name}\n  ${a.summary}\n  defaults: ${JSON.stringify(a.defaults)}\n\n`);
    });
}
