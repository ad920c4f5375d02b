// Runs the magpie CLI from TypeScript source (the published bin runs the compiled dist/).
import { main } from '../../src/bootstrap/main.js';

await main(process.argv);
