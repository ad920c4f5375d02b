#!/usr/bin/env node
// The published entry point: runs the compiled CLI (npm run build makes dist/).
import('../dist/bootstrap/main.js').then((m) => m.main(process.argv)).catch((err) => {
  console.error(err instanceof Error ? err.stack ?? err.message : err);
  process.exit(1);
});
